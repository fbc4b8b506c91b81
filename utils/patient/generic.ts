// Generic reader for pages without an adapter. It reads the page's visible text as lines (one per
// block element), finds the *labelled* NHS numbers that pass modulus 11, and reads the identity as
// one unit from one place: the smallest container holding that number and a name (the identity
// block). Name, date of birth, sex and postcode come only from that block and never from a region
// about another person (next of kin, emergency contact, mother/baby, registered GP, care team,
// recently viewed, previous patient), a link or navigation. It gives up — never guesses — when two
// patients are shown, the fields disagree, or the record says it is still loading.
import { isValidNhsNumber, normaliseNhsNumber } from './nhs-number';
import { NO_NAME, NO_NHS, failsCheck, manyNumbers, reportBase } from './extract';
import { NHS_NUMBER_RE, POSTCODE_SOURCE, TITLE, UK_DATE_SOURCE, normaliseGender, normalisePostcode, normaliseText, parseName, parseUkDate } from './normalise';
import { MAX_PROVENANCE_CHARS, type PatientContext, type PatientContextReport } from './types';

export const GENERIC_MAX_TEXT_NODES = 20_000;
export const GENERIC_MAX_CHARS = 300_000;
/** Most lines an identity block may span: a container bigger than this is the page, not a banner. */
export const MAX_BLOCK_LINES = 60;

// Matched on localName, case-insensitively: no per-node upper-casing, and XHTML <script> is skipped too.
const SKIP = /^(script|style|noscript|template|textarea|svg)$/i;
/** Elements that flow inside a line; every other element (div, td, li, a custom element…) starts one. */
const INLINE = /^(abbr|bd[io]|[biqsu]|cite|code|data|dfn|em|font|ins|del|kbd|label|mark|samp|small|span|strong|su[bp]|time|var|wbr|nobr)$/i;

const isDigit = (c: number) => c >= 48 && c <= 57;
// Per-node checks of the page scan without a regex call (12,000+ text nodes on a big record page).
const hasDigit = (s: string) => {
  for (let i = 0; i < s.length; i++) if (isDigit(s.charCodeAt(i))) return true;
  return false;
};
/** SKIP, tested only for names starting s, n or t (script, style, svg, noscript, template, textarea). */
const skipped = (tag: string) => {
  const c = tag.charCodeAt(0) | 32;
  return (c === 115 || c === 110 || c === 116) && SKIP.test(tag);
};

/** One line of page text, the element holding it (null when read from plain text), the text before it (raw). */
export interface Line {
  text: string;
  el: Element | null;
  prev: string;
}

/**
 * The text under `root` as lines, one per text node (normalised), each with the text before it
 * (its label, when label and value are separate cells), with caps on nodes and characters. Cheap
 * per node: no layout (`data`, never innerText), no ancestor walk. With `digits`, only lines holding
 * a digit are kept (the page-wide scan for NHS numbers; the identity block is read in full later).
 * Digit groups split across sibling inline elements (`<span>999</span><span>159</span>`) join into
 * one line. Same-origin frames are read too (their lines follow).
 */
export function collectLines(root: Document | Element, digits = false, maxNodes = GENERIC_MAX_TEXT_NODES, maxChars = GENERIC_MAX_CHARS, depth = 0): Line[] {
  const doc = (root as Element).ownerDocument ?? (root as Document);
  const top = root === doc ? (doc.body ?? doc.documentElement) : (root as Element);
  const lines: Line[] = [];
  if (!top) return lines;
  const walker = doc.createTreeWalker(top, 4 /* NodeFilter.SHOW_TEXT */);
  let chars = 0;
  let prev: Line | undefined;
  let before = '';
  for (let n = walker.nextNode(), i = 0; n && i < maxNodes && chars < maxChars; n = walker.nextNode(), i++) {
    const data = (n as Text).data;
    let s = (data.length > 2000 ? data.slice(0, 2000) : data).trim();
    const parent = n.parentNode as Element | null;
    if (!s || !parent || skipped(parent.localName)) continue;
    chars += s.length;
    if (digits && !hasDigit(s)) {
      before = s;
      prev = undefined;
      continue;
    }
    // Most nodes are plain ASCII with single spaces: only the others pay for normalisation.
    if (/[^ -~]| {2}/.test(s) && !(s = normaliseText(s))) continue;
    const p = prev?.el;
    if (
      p &&
      isDigit(s.charCodeAt(0)) &&
      /^[\d ]+$/.test(s) &&
      isDigit(prev!.text.charCodeAt(prev!.text.length - 1)) &&
      p !== parent &&
      p.parentNode === parent.parentNode &&
      INLINE.test(p.localName) &&
      INLINE.test(parent.localName)
    ) {
      prev!.text += s;
      continue;
    }
    // A digit line that can neither hold an NHS number nor start a split one is only the next line's label.
    if (digits && !isDigit(s.charCodeAt(s.length - 1)) && !/\d{3}[ -]?\d{3}[ -]?\d{4}/.test(s)) {
      before = s;
      prev = undefined;
      continue;
    }
    lines.push((prev = { text: s, el: parent, prev: before }));
    before = s;
  }
  if (depth < 2 && root === doc) {
    // getElementsByTagName: a live list, far cheaper than querySelectorAll on a big page.
    for (const f of [...doc.getElementsByTagName('iframe'), ...doc.getElementsByTagName('frame')]) {
      let d: Document | null = null;
      try {
        d = (f as HTMLIFrameElement).contentDocument; // null (or a throw) for a cross-origin frame
      } catch {
        /* cross-origin */
      }
      if (d && lines.length < maxNodes) lines.push(...collectLines(d, digits, maxNodes - lines.length, maxChars, depth + 1));
    }
  }
  return lines;
}

/** The page's text, one line per block element (tests and the bench). */
export const collectPageText = (doc: Document, maxNodes?: number, maxChars?: number): string =>
  collectLines(doc, false, maxNodes, maxChars)
    .map((l) => l.text)
    .join('\n');

// ---------------------------------------------------------------- whose text is this?

/** Headings and labels that introduce someone other than the patient. */
const OTHER_PERSON = String.raw`next[ -]of[ -]kin|nok|(?:emergency )?contacts?|carers?|main carer|mother|mum|bab(?:y|ies)|infant|father|parent|guardian|relationship|relatives?|family members?|partner|spouse|husband|wife|son|daughter|(?:registered |usual )?gp|gp (?:practice|details)|practice|consultant|(?:responsible |referring )?clinician|named nurse|lead professional|care (?:coordinator|team)|keyworker|referr(?:er|ed by)|author|signed|dictated by|cc|copy to|recent(?:ly viewed)?(?: patients)?|(?:previous|last) patient|(?:back|return|switch) to|linked record|household`;
/** Such a label at the start of a line (or a label cell): the value that follows is someone else's. */
const OTHER_LABEL = new RegExp(String.raw`^(?:${OTHER_PERSON})\b(?!\s*(?:name|number|no)\b)`, 'i');
/** Such a label inside a line (`… Next of kin: John SMITH`): the rest of the line is someone else's. */
const OTHER_INLINE = new RegExp(
  String.raw`(?:^|[\s|·•;,(])(?:${OTHER_PERSON})\s*(?:details\s*)?:|\b(?:(?:back|return) to|previous patient|recent(?:ly viewed| patients))\b`,
  'i',
);
/** Class, id, role or label of a container about someone else (or navigation). */
const OTHER_ATTR =
  /kin\b|nok|emergency|carer|guardian|relationship|relative|contacts\b|(?:registered|usual)[-_ ]?gp|gp[-_ ]?(?:practice|details)|clinician|consultant|care[-_ ]?team|recent|previous|breadcrumb|navigation|referrer|author|signature|household|switcher/i;
const BUSY = /(?:^|[\s_-])(?:loading|skeleton|pending|updating|stale|is-fetching)(?:$|[\s_-])/i;

enum Flag {
  Other = 1,
  Busy = 2,
  Hidden = 4,
}

/** Per-read cache of what each ancestor says about its content. */
type Cache = Map<Element, number>;

function ownFlags(el: Element): number {
  const tag = el.localName;
  if (/^(a|nav|button|select|option|menu)$/.test(tag)) return Flag.Other;
  const at = (name: string) => el.getAttribute(name) ?? '';
  const cls = at('class');
  let f = OTHER_ATTR.test(`${cls} ${el.id} ${at('role')} ${at('aria-label')} ${at('data-section')}`) ? Flag.Other : 0;
  if (/^(h\d|legend|caption|summary|dt|th)$/.test(tag) && OTHER_LABEL.test(normaliseText(el.textContent ?? '').slice(0, 80))) f |= Flag.Other;
  // A card whose first child is a short heading naming someone else ("Emergency contact").
  const h = el.firstElementChild;
  if (h && h.childElementCount < 4 && !/^(body|main|html)$/.test(tag) && !/^(td|li|tr|tbody)$/.test(h.localName)) {
    const t = normaliseText((h.textContent ?? '').slice(0, 200));
    if (t.length <= 40 && OTHER_LABEL.test(t) && h.nextElementSibling) f |= Flag.Other;
  }
  if (at('aria-busy') === 'true' || BUSY.test(cls)) f |= Flag.Busy;
  if (el.hasAttribute('hidden') || at('aria-hidden') === 'true' || /display:none|visibility:hidden/i.test(at('style').replace(/\s/g, ''))) f |= Flag.Hidden;
  return f;
}

/** Flags of an element and all its ancestors (across same-origin frame boundaries). */
function flagsOf(el: Element | null, cache: Cache): number {
  if (!el) return 0;
  let f = cache.get(el);
  if (f !== undefined) return f;
  const up = el.parentElement ?? (el.ownerDocument?.defaultView?.frameElement as Element | null | undefined) ?? null;
  f = ownFlags(el) | (flagsOf(up, cache) & (el.localName === 'body' ? Flag.Hidden : ~0));
  cache.set(el, f);
  return f;
}

// ---------------------------------------------------------------- field patterns

const SEP = String.raw`\s*[:#]?\s*`;
const NHS_LABEL = /\bNHS(?:\s*(?:number|num|no\.?|#))?\s*[:#.]?\s*$/i;
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

/** Truthy values first seen per `key`, in order. */
function distinct<T>(values: (T | undefined | false | '')[], key: (v: T) => string = String): T[] {
  const seen = new Map<string, T>();
  for (const v of values) if (v && !seen.has(key(v))) seen.set(key(v), v);
  return [...seen.values()];
}

/** The text around `i` on its line (at most MAX_PROVENANCE_CHARS): where a field was read from. */
const around = (text: string, i: number): string => {
  const start = Math.max(text.lastIndexOf('\n', i) + 1, i - 30);
  const end = text.indexOf('\n', i);
  return text.slice(start, end < 0 ? undefined : end).slice(0, MAX_PROVENANCE_CHARS);
};

// ---------------------------------------------------------------- the reader

type Give = Omit<PatientContextReport, 'source' | 'observedAt'>;

/** Result of a read: the report fields and the identity block's element (for the watcher). */
export interface GenericRead extends Give {
  block?: Element;
}

/** Read a patient from plain text (each line its own element-less line; tests). */
export function readGenericText(text: string): Give {
  const lines = text.split('\n').map((t) => ({ text: normaliseText(t), el: null, prev: '' }));
  lines.forEach((l, i) => (l.prev = lines[i - 1]?.text ?? ''));
  const { block: _, ...r } = readLines(lines);
  return r;
}

/**
 * Read a patient from lines (see collectLines): the page's digit lines, or every line of a plain
 * text (elements null: the whole text is the block). Pure apart from reading the DOM.
 */
export function readLines(lines: Line[]): GenericRead {
  const give = (status: PatientContextReport['status'], reason: string, confidence: number): GenericRead => ({ status, reason, confidence });
  const cache: Cache = new Map();
  const flags = (l: Line) => flagsOf(l.el, cache);
  /** The part of a line that is the patient's (cut at an inline "Next of kin:"), or '' if none is. */
  const own = (l: Line): string => {
    if (flags(l) & (Flag.Other | Flag.Hidden)) return '';
    const prev = l.prev.length > 40 ? '' : normaliseText(l.prev);
    if (OTHER_LABEL.test(l.text) || (OTHER_LABEL.test(prev) && !/\d/.test(prev))) return '';
    const m = OTHER_INLINE.exec(l.text);
    return m ? l.text.slice(0, m.index) : l.text;
  };

  // Every NHS-number-shaped token on the page, with where it is and whether it is the patient's:
  // one native regex scan over the joined text, offsets mapped back to lines.
  const starts: number[] = [];
  let at0 = 0;
  for (const l of lines) starts.push(at0), (at0 += l.text.length + 1);
  const all = lines.map((l) => l.text).join('\n');
  const found: { n: string; line: Line; labelled: boolean; i: number }[] = [];
  const re = new RegExp(NHS_NUMBER_RE);
  for (let m, i = 0; (m = re.exec(all)); ) {
    while (i + 1 < starts.length && starts[i + 1]! <= m.index) i++;
    const line = lines[i]!;
    const index = m.index - starts[i]!;
    if (index >= own(line).length) continue; // someone else's, a link, or hidden
    const before = line.text.slice(Math.max(0, index - 30), index);
    const p = line.prev.length < 30 ? normaliseText(line.prev) : '';
    const labelled = NHS_LABEL.test(before) || (!before.trim() && /^NHS\b/i.test(p) && NHS_LABEL.test(p));
    found.push({ n: normaliseNhsNumber(m[1]!), line, labelled, i: index });
  }
  const loading = () => give('none', 'The record is still loading', 0);
  if (found.some((f) => flags(f.line) & Flag.Busy)) return loading();
  const labelled = distinct(found.filter((f) => f.labelled).map((f) => f.n));
  const anyValid = distinct(found.map((f) => f.n)).filter(isValidNhsNumber);
  // Two labelled numbers, two valid ones, or a valid one besides the labelled one: two patients.
  if (labelled.length > 1 || anyValid.length > 1 || (labelled.length && anyValid.some((n) => n !== labelled[0]))) {
    return give('ambiguous', manyNumbers(distinct([...labelled, ...anyValid]).length), 0);
  }
  if (labelled.length === 0) return give('none', anyValid.length ? 'Unlabelled NHS-like number only' : NO_NHS, 0);
  const nhsNumber = labelled[0]!;
  if (!isValidNhsNumber(nhsNumber)) return give('invalid', failsCheck(nhsNumber), 0.3);

  /** Names in a block's lines, the patient's only. */
  const namesIn = (block: Line[], blockEl: Element | null) => {
    const out: (PatientContext['name'] | undefined)[] = [];
    let family: string | undefined;
    let given: string | undefined;
    block.forEach((l, i) => {
      const t = own(l);
      if (!t) return;
      const prev = i > 0 ? own(block[i - 1]!) : '';
      const el = l.el;
      const h = el?.closest('h1,h2,h3,h4,h5,h6,[role=heading],[class*=name]');
      const heading = !el || (!!h && (!blockEl || blockEl.contains(h))) || (i === 0 && el !== blockEl);
      let m: RegExpExecArray | null;
      const next = () => (block[i + 1] ? own(block[i + 1]!) : '');
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
  /** Every line of an element (at most MAX_BLOCK_LINES + 1: more is not a block). */
  const linesOf = (el: Element | null): Line[] => (el ? collectLines(el, false, MAX_BLOCK_LINES + 1) : lines);

  // The identity block: around the first labelled occurrence of the number, the smallest container
  // that also holds a name.
  const at = found.find((f) => f.labelled && f.n === nhsNumber)!;
  let el: Element | null = at.line.el;
  let block = linesOf(el);
  let names = namesIn(block, el);
  while (!names.length && el && el.parentElement && el.localName !== 'body') {
    el = el.parentElement;
    block = linesOf(el);
    if (block.length > MAX_BLOCK_LINES) break;
    names = namesIn(block, el);
  }
  if (names.length > 1) return give('ambiguous', `${names.length} different patient names shown`, 0.3);
  if (!names.length) return give('none', NO_NAME, 0.4);
  // Details may sit a level or two further out (a table's next row): widen while no other patient joins.
  for (let up = 0; el && up < 2 && el.parentElement && el.localName !== 'body'; up++) {
    const wider = linesOf(el.parentElement);
    if (wider.length > MAX_BLOCK_LINES || namesIn(wider, el.parentElement).length > 1) break;
    el = el.parentElement;
    block = wider;
  }
  const text: string[] = [];
  for (const [i, l] of block.entries()) {
    if (flags(l) & Flag.Busy) return loading();
    const t = own(l);
    // A value cell after its label cell reads as "Label value".
    const prev = i > 0 ? own(block[i - 1]!) : '';
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
  const prov: GenericRead['from'] = {
    nhsNumber: around(at.line.text, at.i),
    name: text.find((t) => t.toUpperCase().includes(fam))?.slice(0, MAX_PROVENANCE_CHARS),
  };
  // A date of birth is never ambiguous here (above); a sex or postcode is kept only when there is one.
  for (const [k, v] of [
    ['birthDate', dobs],
    ['gender', sexes],
    ['postcode', postcodes],
  ] as const) {
    if (v.length === 1) (patient[k] = v[0] as never), (prov[k] = from[v[0]!]);
  }
  // 1 only when NHS number, name and date of birth were all read from the one block.
  return { status: 'single', patient, confidence: dobs[0] ? 1 : 0.7, from: prov, block: el ?? undefined };
}

export function readGeneric(doc: Document, url: string, now = Date.now()): PatientContextReport & { block?: Element } {
  return { ...readLines(collectLines(doc, true)), ...reportBase(doc, url, 'generic', now) };
}
