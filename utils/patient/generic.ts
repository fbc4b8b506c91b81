// The background side of the generic reader: parses what the page side (generic-page.ts) read
// into a patient. It reads the identity as one unit from one place: the smallest level of the block
// chain whose lines hold a name (the identity block), widened a level or two while no other patient
// joins; name, date of birth, sex and postcode come only from that block. It gives up — never
// guesses — when two names are shown, the fields disagree, or the record says it is still loading.
import { around, collectLines, distinct, readPageLines, type Line, type LinesRead } from './generic-page';
import { POSTCODE_SOURCE, TITLE, UK_DATE_SOURCE, normaliseGender, normalisePostcode, parseName, parseUkDate } from './normalise';
import { normaliseText } from './page-text';
import { reportBase } from './read';
import { LOADING, NO_NAME } from './reasons';
import { MAX_PROVENANCE_CHARS, type GenericPageRead, type PageLine, type PatientContext, type PatientContextReport } from './types';

// ---------------------------------------------------------------- field patterns

const SEP = String.raw`\s*[:#]?\s*`;
const DATE = `(${UK_DATE_SOURCE})`;
const DOB_LABEL = String.raw`(?:date of birth|d\.?o\.?b\.?|born|birth date|b\.)`;
const LABELLED_DOB = new RegExp(String.raw`(?:^|[^a-z])${DOB_LABEL}${SEP}${DATE}`, 'gi');
/** A label cell whose value is in the next cell: that value reads as "Label value". */
const LABEL_CELL = new RegExp(String.raw`^(?:${DOB_LABEL}|sex|gender|post\s?code)\s*:?$`, 'i');
const DATE_WITH_AGE = new RegExp(String.raw`${DATE}\s*\(?\s*(?:age\s*)?\d{1,3}\s*(?:y|yr|yrs|years?)\b`, 'gi');
const SEX_VALUE = '(male|female|other|unknown|indeterminate|not known|m|f)';
const LABELLED_SEX = new RegExp(String.raw`\b(?:sex|gender)\s*[:#]?\s*${SEX_VALUE}\b`, 'gi');
const BARE_SEX =
  /(?:^|[^\p{L}-])(male|female)(?![\p{L}-])|\d\s*(?:y|yr|yrs|years?)\)?\s*[,/]?\s*\(?([MF])\b|(?:^|\s)([MF])\s*[,/]?\s*\(?\d{1,3}\s*(?:y|yr|yrs|years?)\b/giu;
const LABELLED_POSTCODE = new RegExp(String.raw`\bpost\s?code${SEP}${POSTCODE_SOURCE}`, 'gi');
const ANY_POSTCODE = new RegExp(POSTCODE_SOURCE, 'g');

/** Words that end a name in a one-line banner (`Mrs Jane SMITH Born …`). */
const STOP =
  /^(surname|forename(?:s|\(s\))?|given|first|family|last|born|dob|d\.o\.b\.?|nhs|aged?|sex|gender|(?:fe)?male|address|hosp(?:ital)?|mrn|postcode|tel|phone|mobile|date|died|deceased|ward|bed|gp|patient|name|number|no\.?|unit|case|crn|rio|id|allergies|alerts?)$/i;
const NAME_WORD = /^\p{Lu}[\p{L}'’-]*\.?$/u;
const UPPER_WORD = /^(?:\p{Lu}[\p{Lu}'’-]*|(?:Mc|Mac|O'|O’|D'|D’|De|Van|Von|Le|La)\p{Lu}[\p{Lu}'’-]*)$/u;
// Case-sensitive on purpose: with the `i` flag \p{Lu} matches every letter and backtracks badly.
const TITLED_NAME = /(\p{Lu}[\p{Lu}'’ -]*\p{Lu}),[ \t]*(\p{Lu}[\p{L}'’-]*(?:[ \t]+\p{Lu}[\p{L}'’-]*)*)[ \t]*\(([A-Za-z]{2,6})\.?\)/gu;
const LABELLED_NAME = /^(?:patient(?:'s)? name|full name|name|patient|re)\s*[:#]\s*(.+)$/i;
/** Where a labelled name value ends on a one-line banner. */
const VALUE_END = /\s(?:born|dob|d\.o\.b\.?|date of birth|nhs|sex|gender|age|aged|address|hospital|mrn|postcode)\b.*$/i;
const labelledName = (v: string) => bannerName(v, true) ?? parseName(v.replace(VALUE_END, ''));
const NAME_LABEL_CELL = /^(?:patient(?:'s)? name|full name|name|patient)\s*:?$/i;
const FAMILY_LABEL = /\b(?:surname|family name|last name)\s*[:#]?\s*/i;
const GIVEN_LABEL = /\b(?:forename\(s\)|forenames?|first names?|given names?)\s*[:#]?\s*/i;
/** The value after a label found by `re` in `t` (or on the next line when the label ends it). */
const afterLabel = (re: RegExp, t: string, next: () => string): string | undefined => {
  const m = re.exec(t);
  if (!m) return undefined;
  return leadingWords(t.slice(m.index + m[0].length)).join(' ') || leadingWords(next()).join(' ');
};

/** The name words at the start of `text` (up to a stop word, digit or punctuation). */
function leadingWords(text: string): string[] {
  const out: string[] = [];
  for (const w of text.split(' ')) {
    const bare = w.replace(/[,;:]$/, '');
    if (!bare || STOP.test(bare) || /\d/.test(bare) || !/^[\p{L}'’().-]+$/u.test(bare)) break;
    out.push(bare);
    if (bare !== w || out.length >= 6) break; // a trailing comma/colon ends it
  }
  return out;
}

/**
 * A name in a UK banner format at the start of `text`: `SURNAME, Given (Title)`, `SURNAME, Given`,
 * `Title Given SURNAME`, `Given SURNAME`; with `heading`, mixed-case `Given Family` too.
 */
export function bannerName(text: string, heading = false): PatientContext['name'] | undefined {
  const t = text.trim();
  const comma = /^((?:\p{Lu}[\p{Lu}'’-]*)(?:[ -]\p{Lu}[\p{Lu}'’-]*)*),\s*(.+)$/u.exec(t);
  if (comma) {
    const rest = leadingWords(comma[2]!);
    let i = rest.length;
    let title: string | undefined;
    const last = rest[i - 1];
    if (last && /^\(.*\)$/.test(last) && TITLE.test(last.slice(1, -1))) (title = last), i--;
    const given = rest.slice(0, i).filter((w) => !/[()]/.test(w));
    if (!given.length || !given.every((w) => NAME_WORD.test(w) || TITLE.test(w))) return undefined;
    return parseName(`${comma[1]}, ${given.join(' ')}${title ? ` ${title}` : ''}`);
  }
  const words = leadingWords(t);
  let i = 0;
  if (words[0] && TITLE.test(words[0])) i = 1;
  let j = i;
  while (j < words.length && NAME_WORD.test(words[j]!) && !UPPER_WORD.test(words[j]!)) j++;
  let k = j;
  while (k < words.length && UPPER_WORD.test(words[k]!) && words[k]!.replace(/[^\p{L}]/gu, '').length > 1) k++;
  if (j > i && k > j) return parseName(words.slice(0, k).join(' ')); // Given(s) SURNAME, optional title
  if (heading && j - i >= 2 && j - i <= 4 && j === words.length) return parseName(words.slice(0, j).join(' '));
  return undefined;
}

const nameKey = (n: PatientContext['name']) => `${n.family.toUpperCase()}|${(n.given[0] ?? '').toUpperCase()}`;

// ---------------------------------------------------------------- the parse

type Give = Omit<PatientContextReport, 'source' | 'observedAt'>;

/** Result of a parse: the report fields and the chain level of the identity block (for the watcher). */
export interface GenericParse extends Give {
  level?: number;
}

/** Parse the page side's generic read (pure: runs in the background). */
export function parseGenericLines(read: GenericPageRead): GenericParse {
  const give = (status: PatientContextReport['status'], reason: string, confidence: number): GenericParse => ({ status, reason, confidence });
  const { nhsNumber, lines } = read;
  const top = lines.reduce((m, l) => Math.max(m, l.lv), 0);

  /** Names in a block's lines (level k), the patient's only. */
  const namesIn = (block: PageLine[], k: number) => {
    const out: (PatientContext['name'] | undefined)[] = [];
    let family: string | undefined;
    let given: string | undefined;
    block.forEach((l, i) => {
      const t = l.t;
      if (!t) return;
      const prev = i > 0 ? block[i - 1]!.t : '';
      const heading = (l.h !== undefined && l.h <= k) || (i === 0 && l.e !== k);
      let m: RegExpExecArray | null;
      const next = () => block[i + 1]?.t ?? '';
      const f = afterLabel(FAMILY_LABEL, t, next);
      const g = afterLabel(GIVEN_LABEL, t, next);
      if (f !== undefined || g !== undefined) (family = f ?? family), (given = g ?? given);
      else if ((m = LABELLED_NAME.exec(t))) out.push(labelledName(m[1]!));
      else if (NAME_LABEL_CELL.test(prev)) out.push(labelledName(t));
      else out.push(bannerName(t, heading));
      // A second "SURNAME, Given (Title)" later in the same line is a second person, not ignored.
      if (t.includes('(')) for (const n of t.matchAll(TITLED_NAME)) if (TITLE.test(n[3]!)) out.push(parseName(n[0]));
    });
    if (family && given) out.push(parseName(`${family}, ${given}`));
    return distinct(out.filter((n) => n && /\p{L}/u.test(n.family) && n.given.length > 0) as PatientContext['name'][], nameKey);
  };
  const linesAt = (k: number) => lines.filter((l) => l.lv <= k);

  // The identity block: the smallest level that also holds a name.
  let k = 0;
  let block = linesAt(k);
  let names = namesIn(block, k);
  while (!names.length && k < top) names = namesIn((block = linesAt(++k)), k);
  if (names.length > 1) return give('ambiguous', `${names.length} different patient names shown`, 0.3);
  if (!names.length) return give('none', NO_NAME, 0.4);
  // Details may sit a level or two further out (a table's next row): widen while no other patient joins.
  for (let up = 0; up < 2 && k < top; up++) {
    const wider = linesAt(k + 1);
    if (namesIn(wider, k + 1).length > 1) break;
    k++;
    block = wider;
  }
  const text: string[] = [];
  for (const [i, l] of block.entries()) {
    if (l.busy) return give('none', LOADING, 0);
    const t = l.t;
    // A value cell after its label cell reads as "Label value".
    const prev = i > 0 ? block[i - 1]!.t : '';
    if (t) text.push(LABEL_CELL.test(prev) ? `${prev} ${t}` : t);
  }
  const blockText = text.join('\n');
  // Where each value was read from (first occurrence of each distinct value), for the panel.
  const from: Record<string, string> = {};
  const at_ = <T extends string>(v: T | undefined, m: RegExpMatchArray) => (v && !(v in from) && (from[v] = around(blockText, m.index! + m[0].length - 1)), v);

  /** Distinct values of the first of `res` that finds any (each value's source kept in `from`). */
  const values = <T extends string>(parse: (m: RegExpMatchArray) => T | undefined, ...res: RegExp[]): T[] => {
    for (const re of res) {
      const v = distinct([...blockText.matchAll(re)].map((m) => at_(parse(m), m)));
      if (v.length) return v;
    }
    return [];
  };
  const dobs = values((m) => parseUkDate(m[1]!), LABELLED_DOB, DATE_WITH_AGE);
  if (dobs.length > 1) return give('ambiguous', 'Dates of birth disagree', 0.3);
  const sex = (m: RegExpMatchArray) => normaliseGender(m[1] ?? m[2] ?? m[3]!);
  let sexes = values(sex, LABELLED_SEX);
  if (sexes.length > 1) return give('ambiguous', 'Sex shown disagrees', 0.3);
  if (!sexes.length) sexes = values(sex, BARE_SEX);
  // normalisePostcode takes the first postcode in the match ("Postcode: LS1 4AP" holds no other).
  const postcodes = values((m) => normalisePostcode(m[0]), LABELLED_POSTCODE, ANY_POSTCODE);

  const name = names[0]!;
  const patient: PatientContext = { nhsNumber, name };
  const fam = name.family.toUpperCase();
  const prov: GenericParse['from'] = {
    nhsNumber: read.nhsFrom,
    name: text.find((t) => t.toUpperCase().includes(fam))?.slice(0, MAX_PROVENANCE_CHARS),
  };
  // A date of birth is never ambiguous here (above); a sex or postcode is kept only when there is one.
  for (const [f, v] of [
    ['birthDate', dobs],
    ['gender', sexes],
    ['postcode', postcodes],
  ] as const) {
    if (v.length === 1) (patient[f] = v[0] as never), (prov[f] = from[v[0]!]);
  }
  // 1 only when NHS number, name and date of birth were all read from the one block.
  return { status: 'single', patient, confidence: dobs[0] ? 1 : 0.7, from: prov, level: k };
}

// ---------------------------------------------------------------- page and parse together (tests, bench)

/** Page side then parse, in one process, with the identity block's element. */
function readAndParse(r: LinesRead): GenericParse & { block?: Element } {
  if (r.read.kind === 'verdict') return { status: r.read.status, reason: r.read.reason, confidence: r.read.confidence };
  const { level, ...p } = parseGenericLines(r.read);
  return level === undefined ? p : { ...p, block: r.chain[level] };
}

/** Read a patient from plain text (each line its own element-less line; tests). */
export function readGenericText(text: string): Give {
  const lines: Line[] = text.split('\n').map((t) => ({ text: normaliseText(t), el: null, prev: '' }));
  lines.forEach((l, i) => (l.prev = lines[i - 1]?.text ?? ''));
  const { block: _, ...r } = readAndParse(readPageLines(lines));
  return r;
}

export function readGeneric(doc: Document, url: string, now = Date.now()): PatientContextReport & { block?: Element } {
  return { ...readAndParse(readPageLines(collectLines(doc, true))), ...reportBase(doc, url, 'generic', now) };
}
