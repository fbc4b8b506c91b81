// "Write letter": the referral letter written in the panel from a template, with the record items
// read from the page (each showing where it came from, editable and removable), previewed, then
// rendered to PDF and added to the referral exactly as an attached file is. pdf-lib is imported
// only when the letter is rendered, so it is not part of the panel's first load.
import { useMemo, useState } from 'preact/hooks';
import { letterTemplates } from '../../../utils/letter/builtin-templates';
import type { PanelStore } from '../store';
import { letterActions } from '../letter-store';
import { changedSinceAdded } from '../../../utils/letter/attached';
import { LABELS } from './PanelHeader';
import type { LetterDocument } from '../../../utils/letter/document';
import {
  type LetterContext,
  type LetterDraft,
  buildLetterDocument,
  editItem,
  letterFileName,
  letterProblems,
  newLetterDraft,
  PRIORITY_LABELS,
  letterPatientFrom,
  placeholderValues,
  recordItemsFrom,
  referrerFrom,
  switchTemplate,
  writeSection,
} from '../../../utils/letter/model';
import { type LetterTemplate, type RecordField, fill, templateFor } from '../../../utils/letter/template';
import type { PatientContextReport } from '../../../utils/patient/types';
import { ErrorSummary } from './ErrorSummary';

export interface LetterComposerProps {
  /** The letter saved with the referral draft, if one was started. */
  letter?: LetterDraft;
  context: LetterContext;
  report?: PatientContextReport;
  templates: LetterTemplate[];
  /** Administrator templates that were refused, with why. */
  templateProblems: string[];
  specialty?: string;
  disabled?: boolean;
  onChange(letter: LetterDraft): void;
  /** Adds the rendered PDF to the referral's letter files (the same path as "Attach file"). */
  onAdd(file: { blob: Blob; name: string }, letter: LetterDraft): Promise<void>;
  /** Drop the letter from the draft (asked twice: what was typed is gone). */
  onDiscard(): void;
  onClose(): void;
}

const FIELD_NAMES: Record<RecordField, string> = { problems: 'problem', medications: 'medication', allergies: 'allergy' };

export function LetterComposer(props: LetterComposerProps) {
  const { context, templates, disabled } = props;
  const values = useMemo(() => placeholderValues(context), [context]);
  // The letter is kept here as it is typed (and saved with the draft on every change), so a
  // keystroke never waits for the draft to be written back.
  const [letter, setLetter] = useState<LetterDraft>(
    () =>
      props.letter ??
      newLetterDraft(
        templateFor(templates, props.specialty) ?? templates[0],
        values,
        recordItemsFrom(props.report, context.patient.nhsNumber),
        context.patient.nhsNumber,
        Date.now(),
      ),
  );
  const template = templates.find((t) => t.id === letter.templateId);
  const [preview, setPreview] = useState<LetterDocument>();
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const change = (next: LetterDraft) => {
    setLetter(next);
    setPreview(undefined);
    props.onChange(next);
  };
  const check = (): LetterDocument | undefined => {
    if (!template) {
      setProblems(['The template this letter was written on is no longer offered; choose another.']);
      return undefined;
    }
    const found = letterProblems(template, letter, context.patient.nhsNumber);
    setProblems(found);
    return found.length ? undefined : buildLetterDocument(template, letter, context);
  };
  const add = async () => {
    const doc = check();
    if (!doc) return;
    setBusy(true);
    // Either failure is said on screen and nothing is recorded as added: the letter is never
    // silently missing from the referral, and what was typed stays in the draft.
    let bytes: Uint8Array;
    try {
      const { renderLetterPdf } = await import('../../../utils/letter/pdf');
      bytes = await renderLetterPdf(doc, { creationDate: context.date });
    } catch (e) {
      setBusy(false);
      return setProblems([`The letter could not be made into a PDF (${(e as Error).message}). Nothing was added; your text is kept.`]);
    }
    try {
      await props.onAdd({ blob: new Blob([bytes as BlobPart], { type: 'application/pdf' }), name: letterFileName(context.date) }, letter);
      props.onClose();
    } catch (e) {
      setProblems([`The letter was not added to the referral: ${(e as Error).message} Your text is kept.`]);
    } finally {
      setBusy(false);
    }
  };
  const [discarding, setDiscarding] = useState(false);
  const off = disabled || busy;
  return (
    <section class="composer" aria-labelledby="composer-heading" data-testid="letter-composer">
      <h3 id="composer-heading">Write the referral letter</h3>
      {props.templateProblems.length > 0 && (
        <div class="nhs-warning" role="status">
          <p>These letter templates from your organisation are not offered:</p>
          <ul>
            {props.templateProblems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      <label class="nhs-label" for="letter-template">
        Template
      </label>
      <select
        id="letter-template"
        class="nhs-select"
        value={letter.templateId}
        disabled={off}
        onChange={(e) => {
          const next = templates.find((t) => t.id === (e.target as HTMLSelectElement).value);
          if (next) change(switchTemplate(letter, next, values, Date.now()));
        }}
      >
        {!template && <option value={letter.templateId}>(no longer offered)</option>}
        {templates.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
      {changedSinceAdded(letter) && (
        <p class="nhs-warning" role="status" data-testid="letter-changed">
          You changed the letter after adding it as {letter.added?.name}. Add it again to replace it, or the referral gets the earlier version.
        </p>
      )}
      {template && <p class="composer__title">{fill(template.title, values)}</p>}
      {template?.sections.map((s, i) => {
        if (s.kind === 'fixed') {
          return (
            <div key={`f${i}`} class="composer__fixed">
              {s.heading && <h4>{s.heading}</h4>}
              <p>{fill(s.text, values)}</p>
            </div>
          );
        }
        if (s.kind === 'text') {
          const id = `letter-section-${s.id}`;
          return (
            <div key={s.id} class="composer__section">
              <label class="nhs-label" for={id}>
                {s.heading}
                {s.required ? ' (required)' : ''}
              </label>
              {s.hint && (
                <p class="nhs-hint" id={`${id}-hint`}>
                  {s.hint}
                </p>
              )}
              <textarea
                id={id}
                class="nhs-input composer__text"
                rows={3}
                disabled={off}
                data-section={s.id}
                aria-describedby={s.hint ? `${id}-hint` : undefined}
                value={letter.sections[s.id] ?? ''}
                onInput={(e) => change(writeSection(letter, s.id, (e.target as HTMLTextAreaElement).value, Date.now()))}
              />
            </div>
          );
        }
        const items = letter.items.filter((it) => it.field === s.field);
        return (
          <fieldset key={`r${s.field}`} class="composer__record" data-field={s.field}>
            <legend>{s.heading}</legend>
            {items.length === 0 && <p class="nhs-hint">Nothing was read from the record for this section.</p>}
            <ul>
              {items.map((it) => (
                <li key={it.id} class={it.included ? '' : 'composer__item--removed'} data-item={it.id}>
                  <input
                    class="nhs-input"
                    aria-label={`${FIELD_NAMES[it.field]} ${it.original}`}
                    value={it.text}
                    disabled={off || !it.included}
                    onInput={(e) => change(editItem(letter, it.id, { text: (e.target as HTMLInputElement).value }, Date.now()))}
                  />
                  <p class="nhs-hint">
                    From the {it.source}
                    {it.text !== it.original ? ` (edited; the record says “${it.original}”)` : ''}
                    {it.included ? '' : ' - removed, not in the letter'}
                  </p>
                  <button
                    type="button"
                    class="link-button"
                    disabled={off}
                    onClick={() => change(editItem(letter, it.id, { included: !it.included }, Date.now()))}
                  >
                    {it.included ? `Remove ${it.original}` : `Put back ${it.original}`}
                  </button>
                </li>
              ))}
            </ul>
          </fieldset>
        );
      })}
      {problems.length > 0 && <ErrorSummary problems={problems} testId="letter-problems" />}
      <div class="composer__actions">
        <button type="button" class="nhs-button nhs-button--secondary" data-testid="letter-preview-button" disabled={off} onClick={() => setPreview(check())}>
          Preview
        </button>
        <button type="button" class="nhs-button" data-testid="letter-add" disabled={off} onClick={() => void add()}>
          {busy ? 'Making the PDF…' : 'Add letter to referral'}
        </button>
        <button type="button" class="link-button" disabled={busy} onClick={props.onClose}>
          Close (your text is kept)
        </button>
        <button
          type="button"
          class="link-button"
          data-testid="letter-discard"
          disabled={off}
          onClick={() => (discarding ? props.onDiscard() : setDiscarding(true))}
        >
          {discarding ? 'Yes, discard this letter' : 'Discard this letter'}
        </button>
      </div>
      {discarding && (
        <p class="nhs-warning" role="status">
          Discarding deletes what you wrote in this letter. A PDF already added stays in the file list until you remove it.
        </p>
      )}
      {preview && <LetterPreview doc={preview} />}
    </section>
  );
}

/** The letter as it will read, as text (the PDF has the same content in the NHS letter layout). */
export function LetterPreview({ doc }: { doc: LetterDocument }) {
  return (
    <article class="letter-preview" aria-label="Letter preview" data-testid="letter-preview">
      <p class="letter-preview__from">{doc.from.join(', ')}</p>
      {doc.to.length > 0 && <p>{doc.to.join(', ')}</p>}
      <p>{doc.date}</p>
      <dl class="letter-preview__patient">
        {doc.patient.map(([l, v]) => (
          <div key={l}>
            <dt>{l}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <h4>{doc.title}</h4>
      {doc.blocks.map((b, i) =>
        b.kind === 'heading' ? (
          <h5 key={i}>{b.text}</h5>
        ) : b.kind === 'paragraph' ? (
          <p key={i} class="letter-preview__para">
            {b.text}
          </p>
        ) : (
          <ul key={i}>
            {b.items.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
        ),
      )}
      {doc.signOff?.map((l) => (
        <p key={l}>{l}</p>
      ))}
    </article>
  );
}

/** The composer for the panel's open draft: its templates, the patient, the referrer and the service. */
export function WrittenLetter({ store, onClose }: { store: PanelStore; onClose(): void }) {
  const draft = store.draft.value!;
  const adminTemplates = store.prefs.value?.letterTemplates;
  const templates = useMemo(() => letterTemplates(adminTemplates), [adminTemplates]);
  const session = store.session.value;
  const report = store.report.value;
  const letter = useMemo(() => letterActions(store, draft.id), [store, draft.id]);
  // As the letter step: nothing changes while a submission is under way.
  const phase = draft.submission.phase;
  const disabled = !store.signedIn.value || store.locked.value || !(phase === 'editing' || phase === 'ready' || phase === 'complete');
  const context = useMemo<LetterContext>(
    () => ({
      patient: letterPatientFrom(report, {
        nhsNumber: draft.patient.nhsNumber,
        name: draft.patient.displayName,
        birthDate: draft.patient.birthDate,
        gender: draft.patient.gender,
        postcode: draft.patient.postcode,
      }),
      referrer: referrerFrom({ ...session, roleLabel: session?.businessFunction && (LABELS[session.businessFunction] ?? session.businessFunction) }),
      date: new Date(),
      priority: PRIORITY_LABELS[draft.search.criteria.priority] ?? draft.search.criteria.priority,
      service: draft.shortlist[0]?.name,
    }),
    [report, draft.patient, session, draft.search.criteria.priority, draft.shortlist],
  );
  return (
    <LetterComposer
      letter={draft.letter}
      context={context}
      report={report}
      templates={templates.templates}
      templateProblems={templates.problems}
      specialty={draft.search.criteria.specialty}
      disabled={disabled}
      onChange={(l) => void letter.save(l).catch((e: Error) => store.actions.showError(e.message))}
      onAdd={letter.add}
      onDiscard={() => letter.discard().then(onClose, (e: Error) => store.actions.showError(e.message))}
      onClose={onClose}
    />
  );
}
