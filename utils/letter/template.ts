// Referral letter templates: a small data format with a closed set of {{placeholders}}, checked
// before a template is offered. Plain TypeScript (no zod) so the side panel and options page can
// check an administrator's template themselves; see docs/decisions/letter-templates.md for why this
// is not a general template engine.

/** Every placeholder a template may use. Anything else makes the template invalid. */
export const PLACEHOLDERS = {
  'patient.name': 'the patient’s name',
  'patient.nhsNumber': 'the NHS number (999 999 9999)',
  'patient.birthDate': 'the date of birth',
  'patient.gender': 'the gender',
  'patient.address': 'the address',
  'patient.postcode': 'the postcode',
  'referrer.name': 'the referrer’s name',
  'referrer.role': 'the referrer’s role',
  'referrer.organisation': 'the referrer’s organisation',
  date: 'the date of the letter',
  priority: 'the referral priority',
  service: 'the chosen service',
} as const;

export type Placeholder = keyof typeof PLACEHOLDERS;
export type PlaceholderValues = Partial<Record<Placeholder, string>>;

/** The record lists a template can insert (read from the page by the host adapter). */
export type RecordField = 'problems' | 'medications' | 'allergies';
export const RECORD_FIELDS: readonly RecordField[] = ['problems', 'medications', 'allergies'];

export type TemplateSection =
  /** Typed by the clinician; `initial` (placeholders allowed) pre-fills the box. */
  | { kind: 'text'; id: string; heading: string; hint?: string; required?: boolean; initial?: string }
  /** A list from the record, each item shown with where it came from before it goes in. */
  | { kind: 'record'; field: RecordField; heading: string }
  /** Fixed wording (placeholders allowed), e.g. a salutation or a pathway statement. */
  | { kind: 'fixed'; heading?: string; text: string };

export interface LetterTemplate {
  id: string;
  /** Shown in the template picker. */
  name: string;
  /** e-RS specialty codes this template is the default for (e.g. `CARDIOLOGY`). */
  specialties?: string[];
  /** The letter's heading; placeholders allowed. */
  title: string;
  sections: TemplateSection[];
}

export type TemplateCheck = { ok: true; template: LetterTemplate } | { ok: false; name: string; message: string };

const ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const SPECIALTY = /^[A-Z0-9_]{1,60}$/;
const MAX_TEXT = 2000;
const MAX_SECTIONS = 30;
const MAX_TEMPLATES = 50;
const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The first problem with the placeholders in `text`, in words an administrator understands. */
function placeholderProblem(text: string): string | undefined {
  for (const m of text.matchAll(TOKEN)) {
    if (!(m[1] in PLACEHOLDERS)) return `{{${m[1]}}} is not a placeholder this extension knows (it knows ${Object.keys(PLACEHOLDERS).join(', ')})`;
  }
  const rest = text.replace(TOKEN, '');
  if (rest.includes('{{') || rest.includes('}}')) return 'a placeholder is not closed: write it as {{name}}';
  return undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(o: Record<string, unknown>, key: string, where: string, opts: { required?: boolean; placeholders?: boolean } = {}): string | undefined {
  const v = o[key];
  if (v === undefined) {
    if (opts.required) throw new Error(`${where} has no "${key}"`);
    return undefined;
  }
  if (typeof v !== 'string' || (opts.required && !v.trim())) throw new Error(`${where}: "${key}" must be text`);
  if (v.length > MAX_TEXT) throw new Error(`${where}: "${key}" is longer than ${MAX_TEXT} characters`);
  if (opts.placeholders) {
    const problem = placeholderProblem(v);
    if (problem) throw new Error(`${where}: ${problem}`);
  } else if (v.includes('{{')) throw new Error(`${where}: "${key}" cannot contain placeholders`);
  return v;
}

function checkSection(raw: unknown, i: number, textIds: Set<string>): TemplateSection {
  const where = `section ${i + 1}`;
  if (!isObject(raw)) throw new Error(`${where} is not an object`);
  const known = new Set(['kind', 'id', 'heading', 'hint', 'required', 'initial', 'field', 'text']);
  for (const k of Object.keys(raw)) if (!known.has(k)) throw new Error(`${where}: "${k}" is not a section property`);
  switch (raw.kind) {
    case 'text': {
      const id = str(raw, 'id', where, { required: true })!;
      if (!ID.test(id)) throw new Error(`${where}: id "${id}" must be lower-case letters, digits and hyphens`);
      if (textIds.has(id)) throw new Error(`${where}: id "${id}" is used twice`);
      textIds.add(id);
      if (raw.required !== undefined && typeof raw.required !== 'boolean') throw new Error(`${where}: "required" must be true or false`);
      return {
        kind: 'text',
        id,
        heading: str(raw, 'heading', where, { required: true })!,
        hint: str(raw, 'hint', where),
        required: raw.required === true ? true : undefined,
        initial: str(raw, 'initial', where, { placeholders: true }),
      };
    }
    case 'record': {
      if (!RECORD_FIELDS.includes(raw.field as RecordField)) throw new Error(`${where}: "field" must be one of ${RECORD_FIELDS.join(', ')}`);
      return { kind: 'record', field: raw.field as RecordField, heading: str(raw, 'heading', where, { required: true })! };
    }
    case 'fixed':
      return { kind: 'fixed', heading: str(raw, 'heading', where), text: str(raw, 'text', where, { required: true, placeholders: true })! };
    default:
      throw new Error(`${where}: "kind" must be text, record or fixed`);
  }
}

/** Checks one template (parsed JSON). A template with any problem is refused whole, never half used. */
export function checkTemplate(raw: unknown): TemplateCheck {
  const name =
    isObject(raw) && typeof raw.name === 'string' && raw.name.trim() ? raw.name : isObject(raw) && typeof raw.id === 'string' ? raw.id : 'A template';
  try {
    if (!isObject(raw)) throw new Error('it is not an object');
    const known = new Set(['id', 'name', 'specialties', 'title', 'sections']);
    for (const k of Object.keys(raw)) if (!known.has(k)) throw new Error(`"${k}" is not a template property`);
    const id = str(raw, 'id', 'the template', { required: true })!;
    if (!ID.test(id)) throw new Error(`id "${id}" must be lower-case letters, digits and hyphens (at most 40)`);
    const specialties = raw.specialties;
    if (specialties !== undefined && (!Array.isArray(specialties) || !specialties.every((s) => typeof s === 'string' && SPECIALTY.test(s)))) {
      throw new Error('"specialties" must be a list of e-RS specialty codes such as CARDIOLOGY');
    }
    if (!Array.isArray(raw.sections) || raw.sections.length === 0) throw new Error('"sections" must be a non-empty list');
    if (raw.sections.length > MAX_SECTIONS) throw new Error(`it has more than ${MAX_SECTIONS} sections`);
    const textIds = new Set<string>();
    const sections = raw.sections.map((s, i) => checkSection(s, i, textIds));
    if (textIds.size === 0) throw new Error('it has no section for the clinician to write in (kind "text")');
    const template: LetterTemplate = {
      id,
      name: str(raw, 'name', 'the template', { required: true })!,
      title: str(raw, 'title', 'the template', { required: true, placeholders: true })!,
      sections,
    };
    if (specialties) template.specialties = [...(specialties as string[])];
    return { ok: true, template };
  } catch (e) {
    return { ok: false, name, message: `${name} cannot be used: ${(e as Error).message}.` };
  }
}

/**
 * Checks an administrator's list of templates (from policy or the options page). Valid ones are
 * returned; each invalid one is named with its problem, and an id that clashes with a built-in or
 * an earlier template is refused rather than silently replacing it.
 */
export function checkTemplates(raw: unknown, builtIn: readonly LetterTemplate[]): { templates: LetterTemplate[]; problems: string[] } {
  const templates: LetterTemplate[] = [];
  const problems: string[] = [];
  if (raw === undefined) return { templates, problems };
  if (!Array.isArray(raw)) return { templates, problems: ['The letter templates setting must be a list of templates.'] };
  if (raw.length > MAX_TEMPLATES) problems.push(`Only the first ${MAX_TEMPLATES} letter templates are used.`);
  const taken = new Set(builtIn.map((t) => t.id));
  for (const item of raw.slice(0, MAX_TEMPLATES)) {
    const checked = checkTemplate(item);
    if (!checked.ok) problems.push(checked.message);
    else if (taken.has(checked.template.id))
      problems.push(`${checked.template.name} cannot be used: the id "${checked.template.id}" is already used by another template.`);
    else {
      taken.add(checked.template.id);
      templates.push(checked.template);
    }
  }
  return { templates, problems };
}

/** Replaces each {{placeholder}}; a value the record does not have shows as "(not recorded)", never as nothing. */
export function fill(text: string, values: PlaceholderValues): string {
  return text.replace(TOKEN, (_, key: string) => {
    const v = values[key as Placeholder]?.trim();
    return v ? v : '(not recorded)';
  });
}

/** The template for a specialty: the first whose `specialties` lists it, else the general one. */
export function templateFor(templates: readonly LetterTemplate[], specialty: string | undefined): LetterTemplate | undefined {
  return (specialty && templates.find((t) => t.specialties?.includes(specialty))) || templates.find((t) => t.id === 'general') || templates[0];
}
