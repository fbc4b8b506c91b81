// Above every screen while signed in: the button that opens the Referrals view, with how many
// referrals need the user; and, before a new referral is started, what the lists hold for the open
// patient ("2 referrals for this patient: 1 rejected — read the response"), which also warns a
// second clinician about to refer the same patient. Loaded after the panel has painted (App.tsx).
import { referralsOf } from '../referrals-store';
import type { PanelStore } from '../store';

export function ReferralsBar({ store }: { store: PanelStore }) {
  const referrals = referralsOf(store);
  const screen = store.screen.value;
  if (screen === 'referrals' || screen === 'signed-out') return null;
  const draft = store.draft.value;
  const report = store.report.value;
  // A new referral: no draft yet, or a draft not sent. Its patient is the draft's, else the page's.
  const starting = screen === 'no-draft' || (screen === 'draft' && draft?.submission.phase === 'editing');
  const nhsNumber = draft?.patient.nhsNumber ?? (report?.status === 'single' ? report.patient?.nhsNumber : undefined);
  const line = starting && nhsNumber ? referrals.forPatient(nhsNumber) : undefined;
  const count = referrals.count.value;
  const open = (only?: string) => {
    referrals.patient.value = only;
    store.actions.showReferrals(true);
  };
  return (
    <>
      <nav class="referrals-bar" aria-label="Referrals">
        <button type="button" class="nhs-link-button" data-testid="open-referrals" onClick={() => open()}>
          Your referrals{' '}
          <span class="nhs-tag" data-testid="referrals-count">
            {referrals.answer.value ? count : '…'}
          </span>
        </button>
      </nav>
      {line?.text && (
        <div class="nhs-warning" role="status" data-testid="patient-referrals">
          <p>{line.text}.</p>
          <button type="button" class="nhs-button nhs-button--secondary" onClick={() => open(nhsNumber)}>
            Show this patient&rsquo;s referrals
          </button>
        </div>
      )}
    </>
  );
}
