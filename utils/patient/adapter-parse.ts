// The background side of an administrator's host adapter: the fields' raw values, as the page side
// read them (adapter-page.ts) → normalise → validate (modulus 11) → the report. Pure.
import { isValidNhsNumber } from 'ers-contract/nhs-number';
import { normaliseGender, normaliseOds, normalisePostcode, normalisePrefix, parseName, parseUkDate, pickNhsNumber } from './normalise';
import { NO_NAME, NO_NHS, failsCheck, manyNumbers } from './reasons';
import type { AdapterPageRead, NormaliserName, PageRead, PatientContext, PatientContextReport, PatientField } from './types';

function normalise(name: NormaliserName | undefined, v: string): string | undefined {
  const f = { date: parseUkDate, gender: normaliseGender, postcode: normalisePostcode, ods: normaliseOds, prefix: normalisePrefix, nhsNumber: pickNhsNumber }[
    name as 'date'
  ];
  return f ? f(v) : v || undefined;
}

/** The background side: the report from the fields' raw values (source and time from the read). */
export function parseAdapterFields(read: AdapterPageRead & Pick<PageRead, 'source' | 'observedAt'>): PatientContextReport {
  const { fields, source, observedAt } = read;
  const base = { source, observedAt };
  const no = (status: PatientContextReport['status'], reason: string, confidence = 0.9): PatientContextReport => ({ status, confidence, reason, ...base });
  const values = (f: PatientField) => fields[f]?.v ?? [];
  const one = (f: PatientField): string | undefined => {
    for (const v of values(f)) {
      const r = normalise(fields[f]!.n, v);
      if (r) return r;
    }
    return undefined;
  };
  const numbers = [...new Set(values('nhsNumber').map(pickNhsNumber).filter(Boolean))] as string[];
  if (!numbers.length) return no('none', NO_NHS, 0.5);
  if (numbers.length > 1) return no('ambiguous', manyNumbers(numbers.length));
  const nhsNumber = numbers[0]!;
  if (!isValidNhsNumber(nhsNumber)) return no('invalid', failsCheck(nhsNumber));
  const parsed = parseName(one('name') ?? '');
  const family = one('family') ?? parsed?.family;
  if (!family) return no('invalid', NO_NAME, 0.5);
  const given = one('given');
  const name: PatientContext['name'] = { family, given: given ? given.split(' ') : (parsed?.given ?? []) };
  const prefix = one('prefix') ?? parsed?.prefix;
  if (prefix) name.prefix = prefix;
  const p: PatientContext = { nhsNumber, name };
  for (const f of ['birthDate', 'gender', 'address', 'postcode', 'gpPractice'] as const) {
    const v = one(f) ?? (f === 'postcode' ? normalisePostcode(p.address ?? '') : undefined);
    if (v) (p as unknown as Record<string, string>)[f] = v;
  }
  for (const f of ['problems', 'medications', 'allergies'] as const) if (fields[f]) p[f] = [...new Set(values(f))];
  return { status: 'single', patient: p, confidence: p.birthDate ? 1 : 0.9, ...base };
}
