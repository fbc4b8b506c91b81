// The page side of the generic reader (pages without an adapter), run in the content script: it
// reads the page's visible text as lines (one per block element), finds the *labelled* NHS numbers
// that pass modulus 11, and gives up at once when two patients are shown, the number fails its
// check or the record says it is still loading. Otherwise it hands the background (generic.ts) the
// number and the lines of the widest container around it that can be an identity block, each line
// cut to what is the patient's: never a region about another person (next of kin, emergency
// contact, mother/baby, registered GP, care team, recently viewed, previous patient), a link or
// navigation. Names, dates, sex and postcodes are parsed there, not here, so this stays small.
import { isValidNhsNumber, normaliseNhsNumber } from 'ers-contract/nhs-number';
import { NHS_NUMBER_RE, normaliseText } from './page-text';
import { LOADING, NO_NHS, failsCheck, manyNumbers } from './reasons';
import { MAX_PROVENANCE_CHARS, type GenericPageRead, type PageLine, type PageVerdict } from './types';

export const GENERIC_MAX_TEXT_NODES = 20_000;
export const GENERIC_MAX_CHARS = 300_000;
/** Most lines an identity block may span: a container bigger than this is the page, not a banner. */
export const MAX_BLOCK_LINES = 60;

// Matched on localName, case-insensitively: no per-node upper-casing, and XHTML <script> is skipped too.
const SKIP = /^(script|style|noscript|template|textarea|svg)$/i;
/** Elements that flow inside a line; every other element (div, td, li, a custom element…) starts one. */
const INLINE = /^(abbr|bd[io]|[biqsu]|cite|code|data|dfn|em|font|ins|del|kbd|label|mark|samp|small|span|strong|su[bp]|time|var|wbr|nobr)$/i;

const isDigit = (c: number) => c >= 48 && c <= 57;
/**
 * One pass over a node's text for the page scan, with no regex call (a regex call costs more than
 * the scan on the 12,000+ short text nodes of a big record page): twice the number of digits it
 * holds, plus 1 when it needs normaliseText (a character outside printable ASCII, or two spaces in a row).
 */
const scan = (s: string) => {
  let digits = 0;
  let odd = 0;
  for (let i = 0, c = 0, last = 0; i < s.length; i++, last = c) {
    c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits += 2;
    else if (c < 32 || c > 126 || (c === 32 && last === 32)) odd = 1;
  }
  return digits | odd;
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
  let prevDigits = 0; // twice the digits in prev, as scan() counts them
  let prevKept = false;
  let before = '';
  for (let n = walker.nextNode(), i = 0; n && i < maxNodes && chars < maxChars; n = walker.nextNode(), i++) {
    const data = (n as Text).data;
    let s = (data.length > 2000 ? data.slice(0, 2000) : data).trim();
    const parent = n.parentNode as Element | null;
    if (!s || !parent || skipped(parent.localName)) continue;
    chars += s.length;
    const k = scan(s);
    if (digits && k < 2) {
      before = s;
      prev = undefined;
      continue;
    }
    // Most nodes are plain ASCII with single spaces: only the others pay for normalisation.
    if (k & 1 && !(s = normaliseText(s))) continue;
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
      prevDigits += k & ~1;
      if (!prevKept && prevDigits >= 20) lines.push(prev!), (prevKept = true);
      continue;
    }
    // A digit line that can neither hold an NHS number (ten digits at least) nor start a split one is only the next line's label.
    if (digits && !isDigit(s.charCodeAt(s.length - 1)) && (k < 20 || !/\d{3}[ -]?\d{3}[ -]?\d{4}/.test(s))) {
      before = s;
      prev = undefined;
      continue;
    }
    prev = { text: s, el: parent, prev: before };
    prevDigits = k & ~1;
    // In the page scan a line of fewer than ten digits is kept only if the digits split across
    // inline elements that join it make ten or more: most such lines are dates and times.
    prevKept = !digits || prevDigits >= 20;
    if (prevKept) lines.push(prev);
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
const OTHER_PERSON =
  'next[ -]of[ -]kin|nok|(?:emergency )?contacts?|carers?|main carer|mother|mum|bab(?:y|ies)|infant|father|parent|guardian|relationship|relatives?|family members?|partner|spouse|husband|wife|son|daughter|(?:registered |usual )?gp|gp (?:practice|details)|practice|consultant|(?:responsible |referring )?clinician|named nurse|lead professional|care (?:coordinator|team)|keyworker|referr(?:er|ed by)|author|signed|dictated by|cc|copy to|recent(?:ly viewed)?(?: patients)?|(?:previous|last) patient|(?:back|return|switch) to|linked record|household';
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

const NHS_LABEL = /\bNHS(?:\s*(?:number|num|no\.?|#))?\s*[:#.]?\s*$/i;
const HEADING = 'h1,h2,h3,h4,h5,h6,[role=heading],[class*=name]';

/** The text around `i` on its line (at most MAX_PROVENANCE_CHARS): where a field was read from. */
export const around = (text: string, i: number): string => {
  const start = Math.max(text.lastIndexOf('\n', i) + 1, i - 30);
  const end = text.indexOf('\n', i);
  return text.slice(start, end < 0 ? undefined : end).slice(0, MAX_PROVENANCE_CHARS);
};

/** Truthy values first seen per `key`, in order. */
export function distinct<T>(values: (T | undefined | false | '')[], key: (v: T) => string = String): T[] {
  const seen = new Map<string, T>();
  for (const v of values) if (v && !seen.has(key(v))) seen.set(key(v), v);
  return [...seen.values()];
}

/** Longest line text handed to the background (a banner line is far shorter). */
const MAX_LINE_CHARS = 1000;

/** A read of the page's lines: the PageRead body (no source yet) and the block chain (elements). */
export interface LinesRead {
  read: PageVerdict | GenericPageRead;
  chain: Element[];
}

/**
 * Read a patient's number and identity-block lines from lines (see collectLines): the page's digit
 * lines, or every line of a plain text (elements null: the whole text is the block).
 */
export function readPageLines(lines: Line[]): LinesRead {
  const give = (status: PageVerdict['status'], reason: string, confidence: number): LinesRead => ({
    read: { kind: 'verdict', status, reason, confidence },
    chain: [],
  });
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
  if (found.some((f) => flags(f.line) & Flag.Busy)) return give('none', LOADING, 0);
  const labelled = distinct(found.filter((f) => f.labelled).map((f) => f.n));
  const anyValid = distinct(found.map((f) => f.n)).filter(isValidNhsNumber);
  // Two labelled numbers, two valid ones, or a valid one besides the labelled one: two patients.
  if (labelled.length > 1 || anyValid.length > 1 || (labelled.length && anyValid.some((n) => n !== labelled[0]))) {
    return give('ambiguous', manyNumbers(distinct([...labelled, ...anyValid]).length), 0);
  }
  if (labelled.length === 0) return give('none', anyValid.length ? 'Unlabelled NHS-like number only' : NO_NHS, 0);
  const nhsNumber = labelled[0]!;
  if (!isValidNhsNumber(nhsNumber)) return give('invalid', failsCheck(nhsNumber), 0.3);

  // The block chain: the number's element and its ancestors while each holds at most
  // MAX_BLOCK_LINES lines (a bigger one is the page, not a banner), up to <body>.
  const at = found.find((f) => f.labelled && f.n === nhsNumber)!;
  const chain: Element[] = [];
  let block = lines;
  for (let el = at.line.el; el; el = el.parentElement) {
    const l = collectLines(el, false, MAX_BLOCK_LINES + 1);
    if (chain.length && l.length > MAX_BLOCK_LINES) break;
    chain.push(el);
    block = l;
    if (el.localName === 'body') break;
  }
  /** The smallest chain level holding `n` (chain.length when none does). */
  const levelOf = (n: Node) => {
    let j = 0;
    while (j < chain.length && !chain[j]!.contains(n)) j++;
    return j;
  };
  const out: PageLine[] = block.map((l) => {
    const line: PageLine = { t: own(l).slice(0, MAX_LINE_CHARS), lv: 0, h: 0 };
    if (l.el) {
      const h = l.el.closest(HEADING);
      line.lv = levelOf(l.el);
      line.h = h ? levelOf(h) : undefined;
      const e = chain.indexOf(l.el);
      if (e >= 0) line.e = e;
    }
    if (flags(l) & Flag.Busy) line.busy = 1;
    return line;
  });
  return { read: { kind: 'generic', nhsNumber, nhsFrom: around(at.line.text, at.i), lines: out }, chain };
}
