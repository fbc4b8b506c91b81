// Adapter-driven reader: detect ("record open" marker) → extract (selectors/labels/patterns) →
// normalise → validate (modulus 11). Pure: takes a Document, returns a report. Runs in the content
// script, so it is written for size; adapters arrive compiled (compile.ts).
import { formatNhsNumber, isValidNhsNumber } from './nhs-number';
import { cleanText, normaliseGender, normaliseOds, normalisePostcode, normalisePrefix, parseName, parseUkDate, pickNhsNumber } from './normalise';
import type { ActiveAdapter, FieldLocator, NormaliserName, PatientContext, PatientContextReport, PatientField } from './types';

/** Most elements a label search looks at, and most values one field may produce. */
export const MAX_LABEL_SCAN = 3000;
export const MAX_VALUES = 100;

const all = (root: ParentNode | null, sel: string, limit: number): Element[] => {
  try {
    return root ? [...root.querySelectorAll(sel)].slice(0, limit) : [];
  } catch {
    return []; // an invalid selector in an admin adapter must not break the reader
  }
};
/** The first element matching `sel`, or null (also for no or an invalid selector). */
export const q = (root: ParentNode, sel?: string): Element | null => (sel && all(root, sel, 1)[0]) || null;

/** Elements holding the value next to a label cell (th/dt/label…): `for=`, next cell, or next sibling. */
function byLabel(doc: Document, loc: FieldLocator): Element[] {
  const want = loc.label!.toLowerCase();
  const out: Element[] = [];
  for (const el of all(loc.within ? q(doc, loc.within) : doc.body, 'th,dt,label,td,b,strong,span,div,p', MAX_LABEL_SCAN)) {
    if (
      el.childElementCount > 1 ||
      cleanText(el.textContent)
        .replace(/[:\s]+$/, '')
        .toLowerCase() !== want
    )
      continue;
    const f = el.getAttribute('for');
    const v = f ? doc.getElementById(f) : (el.nextElementSibling ?? el.parentElement?.nextElementSibling);
    if (v) out.push(v);
    if (!loc.all || out.length >= MAX_VALUES) break;
  }
  return out;
}

/** Raw strings one locator yields (after its pattern). */
export function readLocator(doc: Document, loc: FieldLocator): string[] {
  let els = loc.selector ? all(doc, loc.selector, loc.all ? MAX_VALUES : 1) : [];
  if (!els.length && loc.label) els = byLabel(doc, loc);
  const re = loc.pattern ? new RegExp(loc.pattern, 'iu') : undefined; // compiled/validated upstream; a throw ends in read.ts
  const out: string[] = [];
  for (const el of els) {
    let t = cleanText(loc.attr ? el.getAttribute(loc.attr) : el.textContent);
    const m = re?.exec(t);
    if (re) t = m ? cleanText(m[1] ?? m[0]) : '';
    if (t) out.push(t);
  }
  return out;
}

function normalise(name: NormaliserName | undefined, v: string): string | undefined {
  const f = { date: parseUkDate, gender: normaliseGender, postcode: normalisePostcode, ods: normaliseOds, prefix: normalisePrefix, nhsNumber: pickNhsNumber }[
    name as 'date'
  ];
  return f ? f(v) : v || undefined;
}

/** All raw values of a field from its first locator that yields any, with that locator's normaliser. */
function raw(doc: Document, a: ActiveAdapter, field: PatientField): [string[], NormaliserName?] {
  for (const loc of a.fields[field] ?? []) {
    const v = readLocator(doc, loc);
    if (v.length) return [v, loc.normalise];
  }
  return [[]];
}

function one(doc: Document, a: ActiveAdapter, field: PatientField): string | undefined {
  const [values, n] = raw(doc, a, field);
  for (const v of values) {
    const r = normalise(n, v);
    if (r) return r;
  }
  return undefined;
}

/** Reasons both readers give, written once (the content script carries one copy of each). */
export const NO_NHS = 'No NHS number shown';
export const NO_NAME = 'No patient name shown';
export const manyNumbers = (n: number) => `${n} different NHS numbers shown`;
export const failsCheck = (n: string) => `NHS number ${formatNhsNumber(n)} fails the modulus 11 check`;

export const reportBase = (doc: Document, url: string, adapterId: string, observedAt: number) => ({
  source: { adapterId, url: url.slice(0, 2048), title: cleanText(doc.title).slice(0, 200) },
  observedAt,
});

export function readWithAdapter(a: ActiveAdapter, doc: Document, url: string, now = Date.now()): PatientContextReport {
  const no = (status: PatientContextReport['status'], reason: string, confidence = 0.9): PatientContextReport => ({
    status,
    confidence,
    reason,
    ...reportBase(doc, url, a.id, now),
  });
  if (!q(doc, a.recordOpen.selector) || q(doc, a.recordOpen.absent)) return no('none', 'No patient record open', 1);
  const numbers = [...new Set(raw(doc, a, 'nhsNumber')[0].map(pickNhsNumber).filter(Boolean))] as string[];
  if (!numbers.length) return no('none', NO_NHS, 0.5);
  if (numbers.length > 1) return no('ambiguous', manyNumbers(numbers.length));
  const nhsNumber = numbers[0]!;
  if (!isValidNhsNumber(nhsNumber)) return no('invalid', failsCheck(nhsNumber));
  const parsed = parseName(one(doc, a, 'name') ?? '');
  const family = one(doc, a, 'family') ?? parsed?.family;
  if (!family) return no('invalid', NO_NAME, 0.5);
  const given = one(doc, a, 'given');
  const name: PatientContext['name'] = { family, given: given ? given.split(' ') : (parsed?.given ?? []) };
  const prefix = one(doc, a, 'prefix') ?? parsed?.prefix;
  if (prefix) name.prefix = prefix;
  const p: PatientContext = { nhsNumber, name };
  for (const f of ['birthDate', 'gender', 'address', 'postcode', 'gpPractice'] as const) {
    const v = one(doc, a, f) ?? (f === 'postcode' ? normalisePostcode(p.address ?? '') : undefined);
    if (v) (p as unknown as Record<string, string>)[f] = v;
  }
  for (const f of ['problems', 'medications', 'allergies'] as const) if (a.fields[f]) p[f] = [...new Set(raw(doc, a, f)[0])];
  return { status: 'single', patient: p, confidence: p.birthDate ? 1 : 0.9, ...reportBase(doc, url, a.id, now) };
}
