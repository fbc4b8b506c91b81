// Patient context read from the host clinical page. Plain types only: the content script imports
// this file and must not pull in zod (the zod schemas live in ./messages.ts and ./adapter-schema.ts).

export type Gender = 'male' | 'female' | 'other' | 'unknown';

/** FHIR-ish patient context. `nhsNumber` is always 10 digits and modulus 11 valid. */
export interface PatientContext {
  nhsNumber: string;
  name: { family: string; given: string[]; prefix?: string };
  /** ISO `YYYY-MM-DD`. */
  birthDate?: string;
  gender?: Gender;
  postcode?: string;
  address?: string;
  /** ODS code of the registered GP practice. */
  gpPractice?: string;
  problems?: string[];
  medications?: string[];
  allergies?: string[];
}

export type PatientContextStatus = 'single' | 'none' | 'ambiguous' | 'invalid';

/** Identity fields whose source text the panel can show. */
export type ProvenanceField = 'nhsNumber' | 'name' | 'birthDate' | 'gender' | 'postcode';
/** Most characters of page text kept as a field's source (plain text, shown as text). */
export const MAX_PROVENANCE_CHARS = 80;

export interface PatientContextReport {
  status: PatientContextStatus;
  /** Present only when `status === 'single'`. */
  patient?: PatientContext;
  /** 0..1. Adapter reads are near 1; the generic reader scores each field it found. */
  confidence: number;
  source: { adapterId: string; url: string; title: string };
  /** Why there is no single patient (or what lowered confidence), in words a clinician understands. */
  reason?: string;
  /** The page text each identity field was read from (at most MAX_PROVENANCE_CHARS each), for the panel. */
  from?: Partial<Record<ProvenanceField, string>>;
  observedAt: number;
}

/** Names of the built-in normalisers an adapter field may ask for. */
export type NormaliserName = 'text' | 'nhsNumber' | 'date' | 'gender' | 'postcode' | 'ods' | 'name' | 'family' | 'given' | 'prefix';

/**
 * Where one field is on the page. Tried in order: `selector` (CSS, optionally an attribute),
 * then `label` (the text of a th/dt/label/heading cell; the value is the cell after it).
 * `pattern` (a regular expression; group 1 if present) is applied to the text found.
 */
export interface FieldLocator {
  selector?: string;
  attr?: string;
  label?: string;
  /** CSS selector limiting where `label` is searched (default: the whole document). */
  within?: string;
  pattern?: string;
  normalise?: NormaliserName;
  /** Read every match (lists: problems, medications, allergies; or NHS numbers to spot two patients). */
  all?: boolean;
}

export type PatientField =
  | 'nhsNumber'
  | 'name'
  | 'family'
  | 'given'
  | 'prefix'
  | 'birthDate'
  | 'gender'
  | 'postcode'
  | 'address'
  | 'gpPractice'
  | 'problems'
  | 'medications'
  | 'allergies';

/** A host adapter: plain data (validated by adapter-schema.ts before it reaches a content script). */
export interface HostAdapter {
  id: string;
  name: string;
  version?: number;
  /** URL match patterns, e.g. `https://gp.example.nhs.uk/record/*`. Port is ignored, like Chrome. */
  matches: string[];
  /** What marks "a single patient record is open". */
  recordOpen: { selector: string; absent?: string };
  fields: Partial<Record<PatientField, FieldLocator | FieldLocator[]>>;
  /** Containers whose mutations can change the patient (default: the whole document). */
  watch?: string[];
  /** Where to put the Refer button (default: floating, bottom right). */
  buttonAnchor?: string;
}

/**
 * An adapter as the content script receives it: compiled by the background from a validated
 * HostAdapter (URL patterns turned into one regular expression, every locator a list with its
 * normaliser filled in), so the content script stays small.
 */
export interface ActiveAdapter {
  id: string;
  /** Tested against `protocol//hostname/path?query` (no port, no hash). */
  urlRe: string;
  recordOpen: HostAdapter['recordOpen'];
  fields: Partial<Record<PatientField, (FieldLocator & { normalise: NormaliserName })[]>>;
  watch?: string[];
  buttonAnchor?: string;
}

/**
 * One line of the identity block's surroundings as the page read it (utils/patient/generic-page.ts):
 * its text as far as it is the patient's (cut at "Next of kin:", '' when it is someone else's), the
 * smallest level of the block chain holding it (0 = the NHS number's element, each level its
 * parent), from which level on it counts as a heading, the level it *is* (when its element is a
 * chain element) and whether the record says it is still loading there.
 */
export interface PageLine {
  t: string;
  lv: number;
  h?: number;
  e?: number;
  busy?: 1;
}

/**
 * What the content script read, before it is parsed (in the background, utils/patient/parse.ts):
 * kept small so the script that runs inside the clinical system stays tiny. `verdict`: decided in
 * the page (no number, two numbers, a failing number, loading). `generic`: the labelled, valid NHS
 * number and the lines of the widest container around it that can be an identity block.
 * `adapter`: the raw values of each field from its first locator that yields any.
 */
export type PageRead = Pick<PatientContextReport, 'source' | 'observedAt'> & PageReadBody;
export type PageVerdict = { kind: 'verdict'; status: PatientContextStatus; reason: string; confidence: number };
export type GenericPageRead = { kind: 'generic'; nhsNumber: string; nhsFrom: string; lines: PageLine[] };
export type AdapterPageRead = { kind: 'adapter'; fields: Partial<Record<PatientField, { v: string[]; n?: NormaliserName }>> };
/** A PageRead without where and when. */
export type PageReadBody = PageVerdict | GenericPageRead | AdapterPageRead;

/** The background's reading of a PageRead: the report, and the chain level of the identity block. */
export interface ParsedRead {
  report: PatientContextReport;
  level?: number;
}
