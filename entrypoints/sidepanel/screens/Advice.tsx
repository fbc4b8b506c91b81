// Ask for advice: the request for the patient on the banner (A&G service search, exactly one
// service, the question with its counter, files, the explicit conversion choice, Send at most once),
// then this user's A&G requests with their status, the conversation, its files and the overview PDF.
// Loaded the first time "Ask for advice" is chosen (App.tsx lazyScreen).
import { batch } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import type { AdviceRecord } from '../../../utils/advice/model';
import { recordText, requestCounter, statusText, withRecordText } from '../../../utils/advice/view';
import { recordItemsFrom } from '../../../utils/letter/model';
import { replyWaiting } from '../../../utils/advice/tracking';
import { formatNhsNumber } from 'ers-contract/nhs-number';
import { createAdviceStore, type AdvicePanelApi, type AdviceStore } from '../advice-store';
import { referralsOf } from '../referrals-store';
import type { PanelStore } from '../store';
import { ErrorSummary } from '../components/PatientFrame';
import type { ConversionAuthorisation } from '../../../utils/ers/advice';
import { type Choice, Select } from '../../../components/Select';

export function AdviceBody({ store, api }: { store: PanelStore; api?: AdvicePanelApi }) {
  const advice = useMemo(() => createAdviceStore(store, api), [store, api]);
  useEffect(() => {
    void advice.actions.load();
    return advice.actions.dispose;
  }, [advice]);
  const error = advice.error.value;
  return (
    <>
      {error && <ErrorSummary problems={[error]} testId="advice-error" />}
      <Compose store={store} advice={advice} />
      <Requests advice={advice} store={store} />
    </>
  );
}

/** The two answers to "may the provider convert this request into a referral?". */
const CONVERSIONS: readonly (readonly [ConversionAuthorisation, string])[] = [
  ['AUTHORISED_TO_CONVERT', 'Yes, they may convert it into a referral'],
  ['NOT_AUTHORISED_TO_CONVERT', 'No, advice only'],
];

const when = (iso?: string | number) => (iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : '');

function Compose({ store, advice }: { store: PanelStore; advice: AdviceStore }) {
  const record = advice.current.value;
  const patient = advice.patient.value;
  if (!patient || !record) {
    return (
      <section class="step" aria-labelledby="advice-heading">
        <h2 id="advice-heading">Ask for advice</h2>
        <p>Open a patient record in your clinical system and press Refer to ask a specialist for advice about them.</p>
      </section>
    );
  }
  const { actions } = advice;
  const reference = store.reference.value;
  const results = advice.results.value;
  const counter = requestCounter(record.request);
  const sending = record.phase === 'uploading' || record.phase === 'creating';
  const editable =
    store.signedIn.value && !store.locked.value && !store.unsure.value && (record.phase === 'editing' || record.phase === 'ready') && !advice.busy.value;
  const problems = advice.attempted.value ? advice.problems.value : [];

  if (record.phase === 'sent') {
    return (
      <section class="confirmation-panel" data-testid="advice-sent" aria-labelledby="advice-sent-heading">
        <h2 id="advice-sent-heading" class="confirmation__title">
          Request for advice sent
        </h2>
        <p>
          {record.service?.name} was asked for advice about {record.patient.displayName}. UBRN{' '}
          <strong class="ubrn" data-testid="advice-ubrn" data-ubrn={record.ubrn}>
            {record.ubrn}
          </strong>
          . It is listed under &ldquo;Your advice requests&rdquo; below, where replies show.
        </p>
        {/* On the green panel: the reverse button (white), as the NHS design system has it. */}
        <button type="button" class="nhs-button nhs-button--reverse" onClick={actions.askAnother}>
          Ask another question
        </button>
      </section>
    );
  }

  if (record.phase === 'outcome-unknown') {
    const status = statusText(record);
    return (
      <section class="nhs-warning" role="alert" data-testid="advice-outcome-unknown" aria-labelledby="advice-unknown-heading">
        <h2 id="advice-unknown-heading" class="nhs-warning__label">
          {status.label}
        </h2>
        <p>{record.error?.message}</p>
        <p>{advice.checkMessage.value ?? status.action}</p>
        <button type="button" class="nhs-button nhs-button--secondary" disabled={advice.busy.value} onClick={() => void actions.resolve()}>
          Check again
        </button>
        {advice.checkMessage.value && (
          <button type="button" class="nhs-button nhs-button--warning" disabled={advice.busy.value} onClick={() => void actions.resolve(true)}>
            I have checked e-RS: it is not there, let me send it again
          </button>
        )}
      </section>
    );
  }

  return (
    <section class="step" aria-labelledby="advice-heading" data-testid="advice-compose">
      <h2 id="advice-heading">Ask for advice about {record.patient.displayName}</h2>
      <p class="nhs-hint">NHS number {formatNhsNumber(record.patient.nhsNumber)}</p>

      <div class="nhs-form-group">
        <Select
          id="advice-specialty"
          label="Specialty"
          value={advice.specialty.value}
          disabled={!editable || !reference}
          choices={[['', 'Choose a specialty'], ...(reference?.specialties ?? []).filter((c) => !c.retired).map((c): Choice => [c.code, c.display])]}
          onChange={(v) => actions.setSpecialty(v)}
        />
        <button
          type="button"
          class="nhs-button nhs-button--secondary nhs-button--small"
          data-testid="advice-search"
          disabled={!editable || !advice.specialty.value || advice.searching.value}
          onClick={() => void actions.search()}
        >
          {advice.searching.value ? 'Searching…' : 'Find advice services'}
        </button>
      </div>

      {(results || record.service) && (
        <fieldset class="nhs-fieldset" data-testid="advice-services">
          <legend class="nhs-label">Advice service (choose one)</legend>
          {results?.length === 0 && <p>No service offers advice in this specialty for this patient. Choose another specialty.</p>}
          <div class="radios">
            {results
              ? results.map((s) => (
                  <label class="radio" key={s.id}>
                    <input
                      type="radio"
                      name="advice-service"
                      value={s.id}
                      checked={record.service?.id === s.id}
                      disabled={!editable}
                      onChange={() => actions.chooseService(s)}
                    />{' '}
                    <span>
                      {s.name}
                      <span class="nhs-hint"> · {s.location.name}</span>
                    </span>
                  </label>
                ))
              : record.service && (
                  <label class="radio">
                    <input type="radio" name="advice-service" value={record.service.id} checked disabled={!editable} /> {record.service.name}
                  </label>
                )}
          </div>
        </fieldset>
      )}

      <div class={`nhs-form-group${counter.over ? ' nhs-form-group--error' : ''}`}>
        <label class="nhs-label" for="advice-request">
          Your question for the specialist
        </label>
        <textarea
          id="advice-request"
          class="nhs-input"
          rows={8}
          value={record.request}
          disabled={!editable}
          aria-describedby="advice-counter"
          onInput={(e) => actions.setText((e.currentTarget as HTMLTextAreaElement).value)}
        />
        <p id="advice-counter" class={counter.over ? 'nhs-error-message' : 'nhs-hint'} aria-live="polite" data-testid="advice-counter">
          {counter.label}
        </p>
        <RecordData store={store} advice={advice} editable={editable} />
      </div>

      <div class="nhs-form-group">
        <label class="nhs-label" for="advice-files">
          Attach files (optional)
        </label>
        <input
          id="advice-files"
          type="file"
          multiple
          disabled={!editable}
          onChange={(e) => {
            const input = e.currentTarget as HTMLInputElement;
            const picked = [...(input.files ?? [])].map((f) => ({ blob: f as Blob, name: f.name }));
            input.value = '';
            void actions.addFiles(picked);
          }}
        />
        {advice.fileProblems.value.map((p) => (
          <p class="nhs-error-message" key={p} role="alert">
            {p}
          </p>
        ))}
        {record.files.length > 0 && (
          <ul class="nhs-list-plain">
            {record.files.map((f) => (
              <li key={f.key} data-advice-file={f.name}>
                {f.name}{' '}
                {editable && (
                  <button type="button" class="link-button" aria-label={`Remove ${f.name}`} onClick={() => actions.removeFile(f.key)}>
                    Remove
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>

      {(store.isAdmin.value || record.referringClinician) && (
        <div class="nhs-form-group">
          <label class="nhs-label" for="advice-clinician">
            Referring clinician (12-digit SDS user ID)
          </label>
          <p class="nhs-hint">
            {store.isAdmin.value
              ? 'As a referring clinician admin you ask on behalf of a clinician: name them.'
              : 'As a referring clinician you are the referrer: clear this field.'}
          </p>
          <input
            id="advice-clinician"
            class="nhs-input nhs-input--short"
            inputMode="numeric"
            value={record.referringClinician ?? ''}
            disabled={!editable}
            onChange={(e) => actions.setClinician((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
      )}

      <fieldset class="nhs-fieldset" data-testid="advice-conversion">
        <legend class="nhs-label">May the provider convert this request into a referral?</legend>
        <p class="nhs-hint">If they may, the specialist can turn it into a referral without asking you again.</p>
        <div class="radios">
          {CONVERSIONS.map(([conversion, label]) => (
            <label key={conversion} class="radio">
              <input
                type="radio"
                name="advice-conversion"
                value={conversion}
                checked={record.conversion === conversion}
                disabled={!editable}
                onChange={() => actions.setConversion(conversion)}
              />{' '}
              {label}
            </label>
          ))}
        </div>
      </fieldset>

      {(problems.length > 0 || record.error) && (
        <ErrorSummary
          title={problems.length ? 'Before you send' : 'Not sent'}
          problems={problems.length ? problems : [record.error!.message]}
          testId="advice-problems"
        />
      )}
      <button type="button" class="nhs-button" data-testid="advice-send" disabled={!editable || sending} onClick={() => void actions.send()}>
        {sending || advice.busy.value ? 'Sending…' : 'Send request for advice'}
      </button>
    </section>
  );
}

/**
 * The record's problems, medication and allergies, offered for the question: only from a reading of
 * this request's patient by a host reader (recordItemsFrom), shown before they go in, and added to
 * the end of the text, where the clinician can edit them like anything typed.
 */
function RecordData({ store, advice, editable }: { store: PanelStore; advice: AdviceStore; editable: boolean }) {
  const record = advice.current.value;
  const report = store.report.value;
  if (!record || !editable) return null;
  const lines = recordText(recordItemsFrom(report, record.patient.nhsNumber));
  if (!lines) return null;
  const source = report?.source;
  return (
    <div class="nhs-inset" data-testid="advice-record">
      <p class="nhs-hint">
        From the record page &ldquo;{source?.title || source?.url}&rdquo;, read by the {source?.adapterId} reader:
      </p>
      <p style={{ whiteSpace: 'pre-wrap' }}>{lines}</p>
      <button
        type="button"
        class="nhs-button nhs-button--secondary nhs-button--small"
        data-testid="advice-insert-record"
        onClick={() => advice.actions.setText(withRecordText(record.request, lines))}
      >
        Add these to the question
      </button>
    </div>
  );
}

/** A converted request is a referral now: the Referrals view opens on it (this patient's, opened). */
function openReferral(store: PanelStore, r: AdviceRecord) {
  const referrals = referralsOf(store);
  batch(() => {
    referrals.patient.value = r.patient.nhsNumber;
    referrals.focus.value = r.ubrn;
  });
  store.actions.showReferrals(true);
}

function Requests({ advice, store }: { advice: AdviceStore; store: PanelStore }) {
  const list = advice.sorted.value;
  const open = advice.conversation.value;
  const files = advice.files.value;
  const { actions } = advice;
  return (
    <section aria-labelledby="advice-requests-heading" data-testid="advice-requests">
      <h2 id="advice-requests-heading">Your advice requests ({list.length})</h2>
      <button type="button" class="nhs-button nhs-button--secondary nhs-button--small" data-testid="advice-check" onClick={() => void actions.load(true)}>
        Check for replies
      </button>
      {list.length === 0 ? (
        <p class="nhs-hint">You have not asked for advice from this browser.</p>
      ) : (
        <ul class="nhs-list-plain">
          {list.map((r) => {
            const status = statusText(r);
            return (
              <li key={r.id} class="advice-request" data-advice-id={r.id} data-ubrn={r.ubrn}>
                <p>
                  <strong>{r.patient.displayName}</strong> <span class="nhs-hint">{formatNhsNumber(r.patient.nhsNumber)}</span>
                </p>
                <p>
                  {r.service?.name} {r.ubrn && <span class="nhs-hint">· UBRN {r.ubrn}</span>}
                </p>
                <span class="nhs-tag" data-testid="advice-status">
                  {status.label}
                </span>
                {replyWaiting(r) && (
                  <strong class="nhs-tag nhs-tag--blue" data-testid="advice-reply-waiting">
                    Reply waiting
                  </strong>
                )}{' '}
                <span class="nhs-hint">{status.action}</span>{' '}
                {r.ubrn && (
                  <button type="button" class="link-button" data-testid="advice-open" onClick={() => void actions.openConversation(r.id)}>
                    Open the conversation
                  </button>
                )}
                {r.tracking?.status === 'ADVICE_CONVERTED' && (
                  <button type="button" class="link-button" data-testid="advice-open-referral" onClick={() => openReferral(store, r)}>
                    Open the referral in your referrals
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {open && <Conversation advice={advice} open={open} files={files} />}
    </section>
  );
}

function Conversation({
  advice,
  open,
  files,
}: {
  advice: AdviceStore;
  open: NonNullable<AdviceStore['conversation']['value']>;
  files: AdviceStore['files']['value'];
}) {
  const { actions } = advice;
  const record = advice.records.value.find((r) => r.id === open.id);
  const pdf = files[`pdf:${open.id}`];
  const status = record ? statusText(record) : undefined;
  return (
    <section class="nhs-card" aria-labelledby="advice-conversation-heading" data-testid="advice-conversation">
      <h3 id="advice-conversation-heading">Conversation · UBRN {open.summary.ubrn}</h3>
      {status && (
        <p data-testid="advice-conversation-status">
          <strong>{status.label}.</strong> {status.action}
        </p>
      )}
      <ol class="nhs-list-plain">
        {open.messages.map((m) => (
          <li key={m.id} data-testid="advice-message">
            <p class="nhs-hint">
              {m.sentBy === 'RESPONDER' ? 'From the provider' : 'From the referrer'} · {when(m.sent)}
            </p>
            <p style={{ whiteSpace: 'pre-wrap' }}>{m.text}</p>
            {m.attachments.map((a) => {
              const got = files[a.url];
              return (
                <p key={a.url} data-attachment-title={a.title}>
                  {got ? (
                    <a href={got.url} download={got.fileName} target="_blank" rel="noopener" data-testid="advice-attachment-link">
                      Open {got.fileName}
                    </a>
                  ) : (
                    <button type="button" class="link-button" data-testid="advice-attachment" onClick={() => void actions.attachment(open.id, a.url)}>
                      Get {a.title ?? 'the attachment'}
                    </button>
                  )}
                </p>
              );
            })}
          </li>
        ))}
      </ol>
      <p>
        {pdf ? (
          <a href={pdf.url} download={pdf.fileName} target="_blank" rel="noopener" data-testid="advice-pdf-link">
            Open or save {pdf.fileName} for the patient&rsquo;s record
          </a>
        ) : (
          <button type="button" class="nhs-button nhs-button--secondary nhs-button--small" data-testid="advice-pdf" onClick={() => void actions.pdf(open.id)}>
            Get the overview PDF for the record
          </button>
        )}
      </p>
      <p>
        The e-RS API cannot reply, end or convert a request: do that in the e-RS web application
        {open.webAppUrl ? (
          <>
            {' '}
            (
            <a href={open.webAppUrl} target="_blank" rel="noopener" data-testid="advice-web-app">
              open the e-RS web application
            </a>
            )
          </>
        ) : null}
        .
      </p>
      <button type="button" class="link-button" onClick={actions.closeConversation}>
        Close the conversation
      </button>
    </section>
  );
}
