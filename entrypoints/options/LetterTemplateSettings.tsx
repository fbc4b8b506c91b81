// Options-page section: referral letter templates. The built-in ones are listed; an administrator
// adds, edits or removes their own as text in the format of docs/nhs-it.md ("Letter templates").
// The background checks each one (no zod or background code in this page) and says what is wrong
// in words; a template with a problem is never saved. Templates set by NHS IT policy are shown
// read-only.
import { useEffect, useState } from 'preact/hooks';
import type { TemplatesView } from '../../utils/letter/admin';
import { request } from '../../utils/messaging/client';
import type { Reply } from '../../utils/messaging/errors';

export interface TemplatesApi {
  load(): Promise<Reply<TemplatesView>>;
  save(json: string, replaces?: string): Promise<Reply<TemplatesView>>;
  remove(id: string): Promise<Reply<TemplatesView>>;
}

export const browserTemplatesApi: TemplatesApi = {
  load: () => request('letter/templates'),
  save: (json, replaces) => request('letter/save-template', replaces === undefined ? { json } : { json, replaces }),
  remove: (id) => request('letter/remove-template', { id }),
};

/** A new template's starting text: a copy of the general one under a new id and name. */
function copyOf(json: string): string {
  const t = JSON.parse(json) as Record<string, unknown>;
  return JSON.stringify({ ...t, id: `my-${String(t.id)}`, name: `${String(t.name)} (copy)`, specialties: undefined }, null, 2);
}

export function LetterTemplateSettings({ api = browserTemplatesApi }: { api?: TemplatesApi }) {
  const [view, setView] = useState<TemplatesView>();
  /** The text being edited, and the id of the template it replaces (none: a new template). */
  const [editing, setEditing] = useState<{ json: string; replaces?: string }>();
  const [problem, setProblem] = useState<string>();
  const [status, setStatus] = useState<string>();

  const answer = (r: Reply<TemplatesView>, done?: string) => {
    if (!r.ok) {
      setProblem(r.error.message);
      setStatus(undefined);
      return false;
    }
    setView(r.data);
    setProblem(undefined);
    setStatus(done);
    return true;
  };
  useEffect(() => {
    void api.load().then((r) => answer(r));
  }, [api]);

  if (!view)
    return (
      <section aria-labelledby="lt-title">
        <h2 id="lt-title">Referral letter templates</h2>
        {problem ? <p role="alert">{problem}</p> : <p>Loading…</p>}
      </section>
    );

  const general = view.builtIn.find((t) => t.id === 'general') ?? view.builtIn[0];
  const save = async () => {
    if (!editing) return;
    if (answer(await api.save(editing.json, editing.replaces), 'Template saved. Clinicians see it the next time they write a letter.')) setEditing(undefined);
  };
  const remove = async (id: string, name: string) => {
    if (answer(await api.remove(id), `Removed ${name}.`) && editing?.replaces === id) setEditing(undefined);
  };

  return (
    <section aria-labelledby="lt-title" data-testid="letter-templates">
      <h2 id="lt-title">Referral letter templates</h2>
      <p>Clinicians choose a template when they write a referral letter in the side panel. Built in: {view.builtIn.map((t) => t.name).join(', ')}.</p>
      {status && (
        <div class="nhs-inset" role="status" data-testid="templates-status">
          <p>{status}</p>
        </div>
      )}
      {problem && (
        <div class="nhs-error-summary" role="alert" data-testid="templates-problem">
          <p>{problem}</p>
        </div>
      )}
      {view.locked && (
        <p data-setting="letterTemplates" data-locked="true">
          <span class="nhs-tag nhs-tag--locked">Locked by your organisation</span> Your organisation sets these templates; they cannot be changed here.
        </p>
      )}
      <h3>{view.locked ? "Your organisation's templates" : 'Your templates'}</h3>
      {view.custom.length === 0 && <p>None.</p>}
      <ul class="template-list">
        {view.custom.map((t, i) => (
          <li key={`${t.id}-${i}`} data-template={t.id}>
            <strong>{t.name}</strong> <span class="nhs-hint">({t.id || 'no id'})</span>{' '}
            {t.problem ? <span class="nhs-tag">Not offered</span> : <span class="nhs-tag">Offered</span>}
            {t.problem && <p class="nhs-error-message">{t.problem}</p>}
            {view.locked ? (
              <details>
                <summary>Show the template</summary>
                <pre>{t.json}</pre>
              </details>
            ) : (
              <p>
                <button type="button" class="nhs-link-button" onClick={() => setEditing({ json: t.json, replaces: t.id })} aria-label={`Edit ${t.name}`}>
                  Edit
                </button>{' '}
                <button type="button" class="nhs-link-button" onClick={() => void remove(t.id, t.name)} aria-label={`Remove ${t.name}`}>
                  Remove
                </button>
              </p>
            )}
          </li>
        ))}
      </ul>
      {!view.locked &&
        (editing ? (
          <div class="nhs-form-group">
            <label class="nhs-label" for="template-json">
              {editing.replaces ? `Edit the template "${editing.replaces}"` : 'New template'}
            </label>
            <p class="nhs-hint" id="template-json-hint">
              One template as JSON: id, name, title, sections (kinds text, record and fixed) and placeholders such as {'{{patient.name}}'}, as described in the
              NHS IT guide (docs/nhs-it.md, "Letter templates").
            </p>
            <textarea
              id="template-json"
              class="nhs-input"
              rows={18}
              cols={80}
              spellcheck={false}
              aria-describedby="template-json-hint"
              value={editing.json}
              onInput={(e) => setEditing({ ...editing, json: e.currentTarget.value })}
            />
            <p>
              <button type="button" class="nhs-button" onClick={() => void save()}>
                Check and save template
              </button>{' '}
              <button
                type="button"
                class="nhs-button nhs-button--secondary"
                onClick={() => {
                  setEditing(undefined);
                  setProblem(undefined);
                }}
              >
                Cancel
              </button>
            </p>
          </div>
        ) : (
          <p>
            <button type="button" class="nhs-button nhs-button--secondary" onClick={() => setEditing({ json: copyOf(general.json) })}>
              Add a template
            </button>
          </p>
        ))}
    </section>
  );
}
