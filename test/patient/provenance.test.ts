// The generic reader says where each identity field came from: the text of the identity block it
// was read from, bounded, never text from a region about someone else.
import { describe, expect, it } from 'vitest';
import { readGenericText } from '../../utils/patient/generic';
import { MAX_PROVENANCE_CHARS } from '../../utils/patient/types';

describe('generic reader provenance', () => {
  it('gives the line each field was read from', () => {
    const r = readGenericText(
      ['SMITH, Jane (Mrs)', 'Born 12-Mar-1957 (67y) Female', 'NHS No. 990 830 1667', 'Postcode: LS1 4AP', 'Next of kin: John SMITH, DOB 01/02/1950'].join('\n'),
    );
    expect(r.status).toBe('single');
    expect(r.from).toEqual({
      nhsNumber: 'NHS No. 990 830 1667',
      name: 'SMITH, Jane (Mrs)',
      birthDate: 'Born 12-Mar-1957 (67y) Female',
      gender: 'Born 12-Mar-1957 (67y) Female',
      postcode: 'Postcode: LS1 4AP',
    });
  });

  it('keeps at most MAX_PROVENANCE_CHARS around the value on a long line', () => {
    const long = `${'Clinic notes '.repeat(20)}NHS No. 990 830 1667 ${'more text '.repeat(20)}`;
    const r = readGenericText(`Mrs Jane SMITH Born 12-Mar-1957\n${long}`);
    expect(r.status).toBe('single');
    expect(r.from!.nhsNumber!.length).toBeLessThanOrEqual(MAX_PROVENANCE_CHARS);
    expect(r.from!.nhsNumber).toContain('990 830 1667');
  });
});
