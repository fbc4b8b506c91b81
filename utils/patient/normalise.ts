// Normalisers: turn what a clinical page shows into PatientContext values. Pure, dependency-free
// (the content script bundles this), and they return undefined rather than guess.
import { normaliseNhsNumber } from 'ers-contract/nhs-number';
import { NHS_NUMBER_RE, cleanText } from './page-text';
import type { Gender, PatientContext } from './types';

/** Ten-digit string if `raw` holds exactly one NHS-number-shaped token (valid or not). */
export function pickNhsNumber(raw: string): string | undefined {
  const found = [...cleanText(raw).matchAll(NHS_NUMBER_RE)].map((m) => normaliseNhsNumber(m[1]!));
  const distinct = [...new Set(found)];
  return distinct.length === 1 ? distinct[0] : undefined;
}

const MONTHS = 'janfebmaraprmayjunjulaugsepoctnovdec';

/**
 * Date patterns UK clinical systems print (source text for the generic reader too). One source for
 * finding and parsing: groups 1-3 ISO, 4-7 day, numeric month or month name, year. A word that is
 * not a month matches here and is refused by parseUkDate.
 */
export const UK_DATE_SOURCE = String.raw`(\d{4})-(\d\d)-(\d\d)|(\d{1,2})(?:[/.-](\d{1,2})[/.-]|(?:st|nd|rd|th)?[ -]([a-z]{3})[a-z]*\.?[ -])(\d{4})`;
const UK_DATE = new RegExp(String.raw`(?<!\d)(?:${UK_DATE_SOURCE})(?!\d)`);

/**
 * `14/03/1958`, `14-03-1958`, `14.03.1958`, `1958-03-14`, `14-Mar-1958`, `14 Mar 1958`,
 * `14th March 1958` → `1958-03-14`. Impossible dates, two-digit years and US order are not guessed.
 */
export function parseUkDate(raw: string): string | undefined {
  const m = UK_DATE.exec(cleanText(raw).toLowerCase());
  if (!m) return undefined;
  const y = +(m[1] ?? m[7]!);
  const mo = m[2] ? +m[2] : m[5] ? +m[5] : (MONTHS.indexOf(m[6]!) + 3) / 3;
  const d = +(m[3] ?? m[4]!);
  const dt = new Date(Date.UTC(y, mo - 1, d));
  // Rejects month 13, 31 February, partial month names (indexOf not a multiple of 3) and odd years.
  if (mo % 1 || y < 1850 || y > 2200 || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return undefined;
  return dt.toISOString().slice(0, 10);
}

const GENDER: Record<string, Gender> = { m: 'male', f: 'female', i: 'other', o: 'other', u: 'unknown', n: 'unknown' };

export function normaliseGender(raw: string): Gender | undefined {
  const s = cleanText(raw).toLowerCase();
  return /^(m|male|f|female|i|other|indeterminate|u|unknown|not known|not specified)$/.test(s) ? GENDER[s[0]!] : undefined;
}

export const POSTCODE_SOURCE = String.raw`\b([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})\b`;

/** First UK postcode in the text, as `LS1 4AP`. */
export function normalisePostcode(raw: string): string | undefined {
  const m = new RegExp(POSTCODE_SOURCE).exec(cleanText(raw).toUpperCase());
  return m ? `${m[1]} ${m[2]}` : undefined;
}

/** ODS code: `(B86001)` in text, a bare code, or a GP practice code anywhere in the text. */
export function normaliseOds(raw: string): string | undefined {
  const s = cleanText(raw).toUpperCase();
  const m = /\(([A-Z0-9]{3,6})\)/.exec(s) ?? /^([A-Z0-9]{3,6})$/.exec(s) ?? /\b([A-Z]\d{5})\b/.exec(s);
  return m && /[A-Z]/.test(m[1]!) && /\d/.test(m[1]!) ? m[1] : undefined;
}

/** A title word, optionally with its full stop (`Mrs`, `Dr.`). */
export const TITLE = /^(mr|mrs|ms|miss|mx|dr|prof|sir|dame|rev|revd|master)\.?$/i;

export function normalisePrefix(raw: string): string | undefined {
  const s = cleanText(raw).replace(/[().]/g, '');
  if (!TITLE.test(s)) return undefined;
  return s[0]!.toUpperCase() + s.slice(1).toLowerCase();
}

/**
 * `JONES, Sarah (Mrs)`, `JONES, Sarah Anne`, `Mrs Sarah JONES`, `Sarah Jones` → parts.
 * Returns undefined when there is no family name.
 */
export function parseName(raw: string): PatientContext['name'] | undefined {
  let s = cleanText(raw);
  if (!s) return undefined;
  let prefix: string | undefined;
  const paren = /\(([^()]*)\)\s*$/.exec(s);
  if (paren && (prefix = normalisePrefix(paren[1]!))) s = s.slice(0, paren.index).trim();
  let family: string;
  let given: string[];
  if (s.includes(',')) {
    const i = s.indexOf(',');
    family = s.slice(0, i).trim();
    given = s
      .slice(i + 1)
      .trim()
      .split(' ')
      .filter(Boolean);
    if (!prefix && (prefix = normalisePrefix(given[0] ?? ''))) given.shift();
  } else {
    const parts = s.split(' ');
    const title = parts.length > 1 && normalisePrefix(parts[0]!);
    if (title) (prefix = title), parts.shift();
    // Trailing upper-case words are the family name (`Siobhán O'BRIEN`); otherwise the last word.
    let cut = parts.length;
    while (cut > 1 && /\p{Lu}{2}/u.test(parts[cut - 1]!) && parts[cut - 1] === parts[cut - 1]!.toUpperCase()) cut--;
    if (cut === parts.length) cut--; // never negative: split always yields a part
    family = parts.slice(cut).join(' ');
    given = parts.slice(0, cut);
  }
  if (!family) return undefined;
  return prefix ? { family, given, prefix } : { family, given };
}
