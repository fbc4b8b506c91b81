// Every message an e-RS failure can show a clinician is plain English: walks every path of
// ErsError's message (each code in the catalogue, each operation-specific message, each kind, each
// error status, codes e-RS may add later) and fails on a bare code or schema wording.
import { describe, expect, it } from 'vitest';
import { ERROR_MESSAGES, ErsError, type ErsErrorKind } from '../../utils/ers';

const KINDS: ErsErrorKind[] = ['http', 'rule', 'network', 'timeout', 'outcome-unknown', 'invalid-response'];
const STATUSES = [undefined, 400, 401, 403, 404, 408, 409, 412, 413, 415, 422, 423, 429, 500, 501, 502, 503, 504, 599];
const CODES = [undefined, ...Object.keys(ERROR_MESSAGES), 'A_CODE_E_RS_ADDS_LATER'];
const OPERATIONS = ['A010', 'A011', 'A012', 'A015', 'A016', 'A020', 'A031', 'A036', 'A042', 'A044'];

/** An upper-case code (NO_ACCESS_CODE), a bare number, or the words a schema or a stack uses. */
const UNFIT =
  /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|^\d+$|invalid (?:string|type|input)|expected \w|must match pattern|zod|undefined|null\b|\[object|Error:|\bat \w+ \(/i;

describe('what a clinician reads when e-RS fails', () => {
  it('is plain English on every path, never a bare code or schema wording', () => {
    const unfit: string[] = [];
    let paths = 0;
    for (const kind of KINDS)
      for (const status of STATUSES)
        for (const code of CODES)
          for (const operation of OPERATIONS) {
            const { message } = new ErsError({ kind, status, code, operation, diagnostics: 'parameter[2]: Invalid string: must match pattern /^x$/' });
            paths++;
            if (!message || UNFIT.test(message) || !/^(?:e-RS|[A-Z"‘'(])/.test(message) || !/[.?!)]$/.test(message))
              unfit.push(`${kind} ${status} ${code} ${operation}: ${message}`);
          }
    expect(paths).toBeGreaterThan(5000);
    expect(unfit).toEqual([]);
  });

  it('the check itself catches a bare code and schema wording', () => {
    expect(UNFIT.test('NO_ACCESS_CODE')).toBe(true);
    expect(UNFIT.test('Invalid string: must match pattern /^[0-9]+$/')).toBe(true);
    expect(UNFIT.test('e-RS refused the request.')).toBe(false);
  });
});
