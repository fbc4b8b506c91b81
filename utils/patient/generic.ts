// Generic reader for pages without an adapter. It reads the page's visible text (bounded), looks
// for *labelled* NHS numbers that pass modulus 11, UK dates, "SURNAME, Given (Title)" names and
// postcodes, scores what it found, and gives up — never guesses — when two patients are shown or
// the fields disagree.
import { formatNhsNumber, isValidNhsNumber, normaliseNhsNumber } from '../nhs-number';
import { reportBase } from './extract';
import {
  NHS_NUMBER_RE,
  POSTCODE_SOURCE,
  UK_DATE_SOURCE,
  normaliseGender,
  normalisePostcode,
  normalisePrefix,
  parseName,
  parseUkDate,
} from './normalise';
import type { PatientContext, PatientContextReport } from './types';

export const GENERIC_MAX_TEXT_NODES = 20_000;
export const GENERIC_MAX_CHARS = 300_000;

const SKIP = /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|TEXTAREA|svg)$/;

/** The page's text, one text node per line, with a cap on nodes and characters. */
export function collectPageText(doc: Document, maxNodes = GENERIC_MAX_TEXT_NODES, maxChars = GENERIC_MAX_CHARS): string {
  const root = doc.body ?? doc.documentElement;
  if (!root) return '';
  const walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  const parts: string[] = [];
  let chars = 0;
  for (let n = walker.nextNode(), i = 0; n && i < maxNodes && chars < maxChars; n = walker.nextNode(), i++) {
    const parent = n.parentNode?.nodeName;
    if (parent && SKIP.test(parent)) continue;
    const t = n.nodeValue;
    if (!t || !t.trim()) continue;
    const s = t.slice(0, 2000);
    parts.push(s.trim());
    chars += s.length;
  }
  return parts.join('\n');
}

const SEP = String.raw`\s*[:#]?\s*`;
const LABELLED_NHS = new RegExp(String.raw`\bNHS(?:\s*(?:number|num|no\.?))?${SEP}(\d{3}[ -]?\d{3}[ -]?\d{4})(?![\d-])`, 'gi');
const LABELLED_DOB = new RegExp(String.raw`\b(?:date of birth|d\.?o\.?b\.?|born)${SEP}(${UK_DATE_SOURCE})`, 'gi');
const LABELLED_SEX = /\b(?:sex|gender)\s*:?\s*(male|female|other|unknown|indeterminate|not known|m|f)\b/gi;
const LABELLED_POSTCODE = new RegExp(String.raw`\bpost\s?code${SEP}${POSTCODE_SOURCE}`, 'gi');
// Case-sensitive on purpose: with the `i` flag \p{Lu} matches every letter and backtracks badly.
const TITLED_NAME = /(\p{Lu}[\p{Lu}'’ -]*\p{Lu}),[ \t]*(\p{Lu}[\p{L}'’-]*(?:[ \t]+\p{Lu}[\p{L}'’-]*)*)[ \t]*\(([A-Za-z]{2,6})\.?\)/gu;
const LABELLED_NAME = /(?:^|\n)(?:patient name|name)(?:[ \t]*:[ \t]*|[ \t]*:?[ \t]*\n)([^\n]{2,80})/gi;

function distinct<T>(values: T[], key: (v: T) => string = String): T[] {
  const seen = new Map<string, T>();
  for (const v of values) if (!seen.has(key(v))) seen.set(key(v), v);
  return [...seen.values()];
}

const nameKey = (n: PatientContext['name']) => `${n.family.toUpperCase()}|${(n.given[0] ?? '').toUpperCase()}`;

/** Read a patient from arbitrary text (exported for tests; `readGeneric` feeds it the page). */
export function readGenericText(text: string): Omit<PatientContextReport, 'source' | 'observedAt'> {
  const give = (status: PatientContextReport['status'], reason: string, confidence: number) => ({ status, reason, confidence });

  const labelled = distinct([...text.matchAll(LABELLED_NHS)].map((m) => normaliseNhsNumber(m[1]!)));
  const anyValid = distinct([...text.matchAll(NHS_NUMBER_RE)].map((m) => normaliseNhsNumber(m[1]!)).filter(isValidNhsNumber));
  const others = anyValid.filter((n) => !labelled.includes(n));
  if (labelled.length > 1 || (labelled.length && others.length) || anyValid.length > 1) {
    const count = distinct([...labelled, ...anyValid]).length;
    return give('ambiguous', `${count} different NHS numbers shown`, 0);
  }
  if (labelled.length === 0) {
    return give('none', anyValid.length ? 'Unlabelled NHS-like number only' : 'No NHS number shown', 0);
  }
  const nhsNumber = labelled[0]!;
  if (!isValidNhsNumber(nhsNumber)) return give('invalid', `NHS number ${formatNhsNumber(nhsNumber)} fails the modulus 11 check`, 0.3);

  const names = distinct(
    [
      ...[...text.matchAll(TITLED_NAME)].map((m) => normalisePrefix(m[3]!) && parseName(`${m[1]}, ${m[2]} (${m[3]})`)),
      ...[...text.matchAll(LABELLED_NAME)].map((m) => parseName(m[1]!)),
    ].filter((n): n is PatientContext['name'] => !!n && /\p{L}/u.test(n.family) && n.given.length > 0),
    nameKey,
  );
  if (names.length > 1) {
    return give('ambiguous', `${names.length} different patient names shown`, 0.3);
  }
  if (!names.length) return give('none', 'No patient name shown', 0.4);

  const dobs = distinct([...text.matchAll(LABELLED_DOB)].map((m) => parseUkDate(m[1]!)).filter((d): d is string => !!d));
  if (dobs.length > 1) return give('ambiguous', 'Dates of birth disagree', 0.3);
  const sexes = distinct([...text.matchAll(LABELLED_SEX)].map((m) => normaliseGender(m[1]!)).filter((g) => !!g));
  if (sexes.length > 1) return give('ambiguous', 'Sex shown disagrees', 0.3);
  let postcodes = distinct([...text.matchAll(LABELLED_POSTCODE)].map((m) => `${m[1]!.toUpperCase()} ${m[2]!.toUpperCase()}`));
  if (!postcodes.length) postcodes = distinct([...text.matchAll(new RegExp(POSTCODE_SOURCE, 'g'))].map((m) => normalisePostcode(m[0])!));

  const patient: PatientContext = { nhsNumber, name: names[0]! };
  let confidence = 75; // in hundredths: NHS number + name, then what corroborates them
  if (dobs[0]) { patient.birthDate = dobs[0]; confidence += 15; }
  if (sexes[0]) { patient.gender = sexes[0]; confidence += 5; }
  if (postcodes.length === 1) { patient.postcode = postcodes[0]; confidence += 5; }
  return { status: 'single', patient, confidence: confidence / 100 };
}

export function readGeneric(doc: Document, url: string, now = Date.now()): PatientContextReport {
  return { ...readGenericText(collectPageText(doc)), ...reportBase(doc, url, 'generic', now) };
}
