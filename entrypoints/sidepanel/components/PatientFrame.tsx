// What every screen that may show a patient has around it, in this order: the panel's notice, the
// draft's "needs attention", the open draft's patient (banner, "check this is the right patient",
// "patient changed"), the panel's error summary, the screen itself, then the user's letters
// outstanding and drafts.
import type { ComponentChildren } from 'preact';
import type { PanelStore } from '../store';
import { lazyComponent } from '../lazy';
import { ErrorSummary } from './ErrorSummary';

// The screens shown in this frame (advice, booking) take the error summary from it: the bundler then
// keeps it in the scripts the panel starts with instead of a chunk of its own (docs/benchmarks.md).
export { ErrorSummary };
import { PatientBanner } from './PatientBanner';

const DraftsList = lazyComponent(() => import('./DraftsList').then((m) => m.DraftsList));
const OutstandingLetters = lazyComponent(() => import('./DraftsList').then((m) => m.OutstandingLetters));

export function PatientFrame({ store, children }: { store: PanelStore; children?: ComponentChildren }) {
  const draft = store.draft.value;
  return (
    <>
      <Notice store={store} />
      {draft?.attention && (
        <div class="nhs-warning" role="alert" data-testid="draft-attention">
          <h3 class="nhs-warning__label">Needs attention</h3>
          <p>{draft.attention.message}</p>
        </div>
      )}
      {draft && <DraftPatient store={store} />}
      <PanelError store={store} />
      {children}
      <OutstandingLetters letters={store.outstanding.value} now={Date.now()} onComplete={(l) => void store.actions.completeOutstanding(l)} />
      <DraftsList
        drafts={store.drafts.value}
        currentId={draft?.id}
        onOpen={(id) => void store.actions.openDraft(id)}
        onDelete={(id) => void store.actions.deleteDraft(id)}
      />
    </>
  );
}

/** The panel's error, or what is wrong with the search: at the top of the screen, below the patient's name. */
export function PanelError({ store }: { store: PanelStore }) {
  const error = store.error.value;
  const problems = [...store.searchProblems.value, ...(error ? [error] : [])];
  return problems.length ? <ErrorSummary problems={problems} testId="panel-error" /> : null;
}

export function Notice({ store }: { store: PanelStore }) {
  const notice = store.notice.value;
  return notice ? (
    <div class="nhs-inset-text" role="status" data-testid="panel-notice">
      <p>{notice}</p>
    </div>
  ) : null;
}

/** The open draft's patient, and the two checks that stop work on the wrong one. */
function DraftPatient({ store }: { store: PanelStore }) {
  const draft = store.draft.value!;
  const report = store.report.value;
  return (
    <>
      <PatientBanner
        patient={draft.patient}
        sourceUrl={draft.sourceUrl}
        from={!store.locked.value && report?.patient?.nhsNumber === draft.patient.nhsNumber ? report.from : undefined}
      />
      {store.unsure.value && !store.locked.value && (
        <div class="nhs-warning" role="alert" data-testid="check-patient">
          <h3 class="nhs-warning__label">Check this is the right patient</h3>
          <p>
            The page did not show this patient&rsquo;s NHS number, name and date of birth together, so the extension is less sure who it is. Compare the details
            above with the record before you continue.
          </p>
          <button type="button" class="nhs-button nhs-button--secondary" onClick={() => store.actions.confirmPatient(draft.id)}>
            Yes, this is the right patient
          </button>
        </div>
      )}
      {store.lockReason.value && (
        <div class="nhs-warning" role="alert" data-testid="draft-locked">
          <h3 class="nhs-warning__label">Patient changed</h3>
          <p>{store.lockReason.value}</p>
          {report?.status === 'single' && report.patient && report.patient.nhsNumber !== draft.patient.nhsNumber && (
            <button type="button" class="nhs-button nhs-button--secondary" onClick={() => void store.actions.openFor(report)}>
              Open a referral for the patient now shown
            </button>
          )}
        </div>
      )}
    </>
  );
}
