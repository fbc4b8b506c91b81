import { describe, expect, it } from 'vitest';
import { normaliseGender, normaliseOds, normalisePostcode, parseName, parseUkDate, pickNhsNumber } from '../../utils/patient/normalise';
import { urlMatchesPattern } from '../../utils/patient/compile';

describe('UK dates', () => {
  it.each([
    ['14/03/1958', '1958-03-14'],
    ['14-03-1958', '1958-03-14'],
    ['14.03.1958', '1958-03-14'],
    ['1958-03-14', '1958-03-14'],
    ['14-Mar-1958', '1958-03-14'],
    ['14 Mar 1958', '1958-03-14'],
    ['14th March 1958', '1958-03-14'],
    ['1 sept 2001', '2001-09-01'],
    ['4/3/1958 (66y)', '1958-03-04'],
    ['31/02/2000', undefined],
    ['14/13/1958', undefined],
    ['14/03/58', undefined],
    ['', undefined],
  ])('%s → %s', (raw, iso) => expect(parseUkDate(raw)).toBe(iso));
});

describe('names', () => {
  it.each([
    ['JONES, Sarah (Mrs)', { family: 'JONES', given: ['Sarah'], prefix: 'Mrs' }],
    ['JONES, Sarah Anne', { family: 'JONES', given: ['Sarah', 'Anne'] }],
    ['Mrs Sarah JONES', { family: 'JONES', given: ['Sarah'], prefix: 'Mrs' }],
    ["Ms Siobhán O'BRIEN", { family: "O'BRIEN", given: ['Siobhán'], prefix: 'Ms' }],
    ['Sarah Jones', { family: 'Jones', given: ['Sarah'] }],
    ['Mary VAN DER BERG', { family: 'VAN DER BERG', given: ['Mary'] }],
    ['DR. Ann LEE', { family: 'LEE', given: ['Ann'], prefix: 'Dr' }],
    ['', undefined],
  ])('%s', (raw, name) => expect(parseName(raw)).toEqual(name));
});

describe('other fields', () => {
  it.each([
    ['943 476 5919', '9434765919'],
    ['943-476-5919', '9434765919'],
    ['NHS: 9434765919', '9434765919'],
    ['94347659190', undefined],
    ['943 476 5919 / 991 200 3888', undefined],
  ])('NHS number in %s', (raw, n) => expect(pickNhsNumber(raw)).toBe(n));
  it.each([
    ['F', 'female'],
    ['Male', 'male'],
    ['Not known', 'unknown'],
    ['Indeterminate', 'other'],
    ['X', undefined],
  ])('sex %s', (raw, g) => expect(normaliseGender(raw)).toBe(g));
  it.each([
    ['12 Park Row, Leeds LS1 4AP', 'LS1 4AP'],
    ['sw1a1aa', 'SW1A 1AA'],
    ['no fixed abode', undefined],
  ])('postcode %s', (raw, pc) => expect(normalisePostcode(raw)).toBe(pc));
  it.each([
    ['Dr A Khan, Park Surgery (B86001)', 'B86001'],
    ['R68', 'R68'],
    ['Park Surgery B86001', 'B86001'],
    ['None', undefined],
    ['Not registered', undefined],
  ])('ODS %s', (raw, ods) => expect(normaliseOds(raw)).toBe(ods));
});

describe('URL match patterns', () => {
  it.each([
    ['http://127.0.0.1/demo/gp/*', 'http://127.0.0.1:5173/demo/gp/record-1.html', true],
    ['http://127.0.0.1/demo/gp/*', 'http://127.0.0.1:5173/demo/epr/x.html', false],
    ['https://*.example.nhs.uk/*', 'https://gp.example.nhs.uk/p?id=1', true],
    ['https://*.example.nhs.uk/*', 'https://example.nhs.uk.evil.com/', false],
    ['*://emis.example/*', 'http://emis.example/a', true],
    ['not a pattern', 'http://x/', false],
  ])('%s vs %s', (p, u, ok) => expect(urlMatchesPattern(p, u)).toBe(ok));
});
