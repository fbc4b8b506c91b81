// Administrator templates edited one at a time on the options page: what the page shows (each
// template with its problem, if any) and the list after a save or a removal. Pure; the background
// (./background.ts) reads and writes the setting, and the page only sends text and shows answers.
import { BUILT_IN_TEMPLATES } from './builtin-templates';
import { checkTemplate, checkTemplates } from './template';

export interface TemplateEntry {
  id: string;
  name: string;
  /** The template as text, formatted for editing. */
  json: string;
  /** Why it is not offered to clinicians (plain English); absent when it is. */
  problem?: string;
}

export interface TemplatesView {
  builtIn: TemplateEntry[];
  /** The administrator's templates: from the options page, or from NHS IT policy when `locked`. */
  custom: TemplateEntry[];
  /** NHS IT policy sets the templates: shown, not editable here. */
  locked: boolean;
}

export type TemplateChange = { ok: true; templates: Record<string, unknown>[] } | { ok: false; message: string };

const text = (t: unknown) => JSON.stringify(t, null, 2);
const idOf = (t: unknown) => (t && typeof t === 'object' && typeof (t as { id?: unknown }).id === 'string' ? (t as { id: string }).id : '');

export function templatesView(raw: readonly Record<string, unknown>[], locked: boolean): TemplatesView {
  const custom = raw.map((t, i): TemplateEntry => {
    // The panel's own check of the list (ids of the built-in and earlier templates taken): the
    // problem this template adds to those of the ones before it, if any.
    const before = checkTemplates(raw.slice(0, i), BUILT_IN_TEMPLATES).problems.length;
    const after = checkTemplates(raw.slice(0, i + 1), BUILT_IN_TEMPLATES).problems;
    const checked = checkTemplate(t);
    const problem = after.length > before ? after[after.length - 1] : undefined;
    return { id: idOf(t), name: checked.ok ? checked.template.name : checked.name, json: text(t), ...(problem ? { problem } : {}) };
  });
  return { builtIn: BUILT_IN_TEMPLATES.map((t) => ({ id: t.id, name: t.name, json: text(t) })), custom, locked };
}

/** Where JSON.parse stopped, as a line number the administrator can find. */
function lineOf(json: string, error: unknown): string {
  const at = /position (\d+)/.exec(String((error as Error)?.message))?.[1];
  return at ? ` near line ${json.slice(0, Number(at)).split('\n').length}` : '';
}

/**
 * The list after saving `json` (one template) in place of the template `replaces` (or added at the
 * end). Refused whole, with the reason, when it is not one valid template or its id is taken.
 */
export function saveTemplate(raw: readonly Record<string, unknown>[], json: string, replaces?: string): TemplateChange {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    return { ok: false, message: `The template could not be read${lineOf(json, e)}: check its quotes, commas and brackets. Nothing was saved.` };
  }
  if (Array.isArray(parsed)) return { ok: false, message: 'Paste one template (one { … } block) at a time. Nothing was saved.' };
  const checked = checkTemplate(parsed);
  if (!checked.ok) return { ok: false, message: `${checked.message} Nothing was saved.` };
  const { id, name } = checked.template;
  if (BUILT_IN_TEMPLATES.some((t) => t.id === id))
    return { ok: false, message: `The id "${id}" belongs to a built-in template; choose another id. Nothing was saved.` };
  if (raw.some((t) => idOf(t) === id && id !== replaces)) return { ok: false, message: `Another template already has the id "${id}". Nothing was saved.` };
  const template = parsed as Record<string, unknown>;
  const at = replaces === undefined ? -1 : raw.findIndex((t) => idOf(t) === replaces);
  if (replaces !== undefined && at < 0)
    return { ok: false, message: `The template being edited (${replaces}) is no longer there; reload the page. Nothing was saved.` };
  if (at < 0 && raw.length >= 50)
    return { ok: false, message: `There are already 50 templates, the most this extension takes; remove one first. ${name} was not saved.` };
  return { ok: true, templates: at < 0 ? [...raw, template] : raw.map((t, i) => (i === at ? template : t)) };
}

export function removeTemplate(raw: readonly Record<string, unknown>[], id: string): TemplateChange {
  if (!raw.some((t) => idOf(t) === id)) return { ok: false, message: `There is no template with the id "${id}" to remove; reload the page.` };
  return { ok: true, templates: raw.filter((t) => idOf(t) !== id) };
}
