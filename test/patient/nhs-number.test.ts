import { describe, expect, it } from 'vitest';
import { formatNhsNumber, isValidNhsNumber, normaliseNhsNumber } from 'ers-contract/nhs-number';

describe('NHS number', () => {
  it.each(['9434765919', '9912003888', '4010232137'])('accepts %s, whose check digit is right', (n) => {
    expect(isValidNhsNumber(n)).toBe(true);
  });
  it.each(['9434765918', '9190000000', '943476591', 'abcdefghij', '94347659190'])('refuses %s', (n) => {
    expect(isValidNhsNumber(n)).toBe(false);
  });
  it('reads spaced and hyphenated forms', () => {
    expect(normaliseNhsNumber('943 476 5919')).toBe('9434765919');
    expect(normaliseNhsNumber('943-476-5919')).toBe('9434765919');
  });
  it('formats as 3 3 4', () => {
    expect(formatNhsNumber('9434765919')).toBe('943 476 5919');
  });
});
