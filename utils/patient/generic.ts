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

// Matched on localName, case-insensitively: no per-node upper-casing, and XHTML <script> is skipped too.
const SKIP = /^(script|style|noscript|template|textarea|svg)$/i;

/**
 * The page's text, one text node per line, with a cap on nodes and characters. Cheap per node: no
 * layout (`data`, never innerText), and the parent is looked at only for non-blank text.
 */
export function collectPageText(doc: Document, maxNodes = GENERIC_MAX_TEXT_NODES, maxChars = GENERIC_MAX_CHARS): string {
  const root = doc.body ?? doc.documentElement;
  if (!root) return '';
  const walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  const parts: string[] = [];
  let chars = 0;
  for (let n = walker.nextNode(), i = 0; n && i < maxNodes && chars < maxChars; n = walker.nextNode(), i++) {
    const s = (n as Text).data.slice(0, 2000).trim();
    if (!s || SKIP.test((n.parentNode as Element | null)?.localName ?? '')) continue;
    parts.push(s);
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
// `(?<![^\n])` is "at a line start", like `(?:^|\n)` but without trying every newline (5x faster).
const LABELLED_NAME = /(?<![^\n])(?:patient name|name)(?:[ \t]*:[ \t]*|[ \t]*:?[ \t]*\n)([^\n]{2,80})/gi;

/**
 * The lines of `text` holding a "(Title)": the only lines TITLED_NAME can match in (its matches end
 * at such a parenthesis and never span lines), found with a fast literal-led scan. TITLED_NAME's
 * Unicode classes make it slow to run over a whole page (~5 ms on 150 KB), so it runs on these only.
 */
export function titledLines(text: string): string {
  const re = /\([A-Za-z]{2,6}\.?\)/g;
  let out = '';
  // Each line once: the next search starts at the end of this line (-1 >>> 0 is past the end).
  for (let m; (m = re.exec(text)); ) out += `${text.slice(text.lastIndexOf('\n', m.index) + 1, (re.lastIndex = text.indexOf('\n', m.index) >>> 0))}\n`;
  return out;
}

/** Truthy values first seen per `key`, in order. */
function distinct<T>(values: (T | undefined | false | '')[], key: (v: T) => string = String): T[] {
  const seen = new Map<string, T>();
  for (const v of values) if (v && !seen.has(key(v))) seen.set(key(v), v);
  return [...seen.values()];
}

const each = <T>(text: string, re: RegExp, f: (m: RegExpMatchArray) => T) => [...text.matchAll(re)].map(f);

const nameKey = (n: PatientContext['name']) => `${n.family.toUpperCase()}|${(n.given[0] ?? '').toUpperCase()}`;

/** Read a patient from arbitrary text (exported for tests; `readGeneric` feeds it the page). */
export function readGenericText(text: string): Omit<PatientContextReport, 'source' | 'observedAt'> {
  const give = (status: PatientContextReport['status'], reason: string, confidence: number) => ({ status, reason, confidence });

  const labelled = distinct(each(text, LABELLED_NHS, (m) => normaliseNhsNumber(m[1]!)));
  const anyValid = distinct(each(text, NHS_NUMBER_RE, (m) => normaliseNhsNumber(m[1]!))).filter(isValidNhsNumber);
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
      ...each(titledLines(text), TITLED_NAME, (m) => normalisePrefix(m[3]!) && parseName(`${m[1]}, ${m[2]} (${m[3]})`)),
      ...each(text, LABELLED_NAME, (m) => parseName(m[1]!)),
    ].filter((n) => n && /\p{L}/u.test(n.family) && n.given.length > 0),
    nameKey,
  );
  if (names.length > 1) {
    return give('ambiguous', `${names.length} different patient names shown`, 0.3);
  }
  if (!names.length) return give('none', 'No patient name shown', 0.4);

  const dobs = distinct(each(text, LABELLED_DOB, (m) => parseUkDate(m[1]!)));
  if (dobs.length > 1) return give('ambiguous', 'Dates of birth disagree', 0.3);
  const sexes = distinct(each(text, LABELLED_SEX, (m) => normaliseGender(m[1]!)));
  if (sexes.length > 1) return give('ambiguous', 'Sex shown disagrees', 0.3);
  let postcodes = distinct(each(text, LABELLED_POSTCODE, (m) => normalisePostcode(`${m[1]} ${m[2]}`)));
  if (!postcodes.length) postcodes = distinct(each(text, new RegExp(POSTCODE_SOURCE, 'g'), (m) => normalisePostcode(m[0])));

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
