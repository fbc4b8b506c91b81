// The outcome classes of a failed call that changes e-RS: only a proven refusal lets the user send again.
import { describe, expect, it } from 'vitest';
import { ErsError, classifyChangeFailure, extractIds } from '../../utils/ers';

const err = (init: Partial<ConstructorParameters<typeof ErsError>[0]>) => new ErsError({ kind: 'http', operation: 'A011', ...init });

describe('classifyChangeFailure', () => {
  it.each([
    ['our own rule check before sending', err({ kind: 'rule', code: 'INVALID_VALUE' })],
    ['e-RS 422 with its business code', err({ status: 422, code: 'SHORTLISTED_SERVICE_NOT_IN_RESULTS' })],
    ['e-RS 400 with its validation code', err({ status: 400, code: 'INVALID_FHIR_STRUCTURE' })],
    ['e-RS 409 (stale If-Match: nothing applied)', err({ status: 409, code: 'VERSION_CONFLICT' })],
    ['401 (authentication checked first)', err({ status: 401 })],
    ['403 (role checked first)', err({ status: 403 })],
  ])('refused: %s', (_name, e) => expect(classifyChangeFailure(e)).toBe('refused'));

  it.each([
    ['a gateway 502 page', err({ status: 502 })],
    ['a gateway 504 page', err({ status: 504 })],
    ['e-RS 503 with SYSTEM_UNAVAILABLE', err({ status: 503, code: 'SYSTEM_UNAVAILABLE' })],
    ['e-RS 500', err({ status: 500, code: 'SERVICE_ERROR' })],
    ['a 4xx with no e-RS code (a proxy page, an empty 429)', err({ status: 429 })],
    ['a dropped answer', err({ kind: 'outcome-unknown' })],
    ['a timeout', err({ kind: 'timeout' })],
    ['a network failure', err({ kind: 'network' })],
    ['a 2xx whose body failed validation', err({ kind: 'invalid-response', status: 200 })],
    ['anything that is not an e-RS error', new Error('IndexedDB failed')],
  ])('unknown: %s', (_name, e) => expect(classifyChangeFailure(e)).toBe('unknown'));
});

describe('extractIds', () => {
  it('takes the UBRN from the body or the Location, the version, a weak ETag and a Binary reference', () => {
    expect(extractIds({ resourceType: 'ReferralRequest', id: '000000070001', meta: { versionId: '4' } }, new Headers({ ETag: 'W/"4"' }))).toEqual({
      ubrn: '000000070001',
      version: '4',
      etag: 'W/"4"',
    });
    expect(extractIds(undefined, new Headers({ Location: 'https://x/STU3/ReferralRequest/000000070002/_history/3' }))).toEqual({ ubrn: '000000070002' });
    expect(extractIds(undefined, new Headers({ Location: 'Binary/abc-1' }))).toEqual({ binaryUrl: 'Binary/abc-1' });
    expect(extractIds('<html>', new Headers({ ETag: '"abc"' }))).toEqual({});
    expect(extractIds({ resourceType: 'Appointment', id: '000000070001' }, new Headers())).toEqual({});
  });
});
