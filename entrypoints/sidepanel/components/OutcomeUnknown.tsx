import { useState } from 'preact/hooks';
import type { Draft } from '../../../utils/referral/model';
import type { ReconcileAction } from '../../../utils/referral/panel-api';

export interface OutcomeUnknownProps {
  draft: Draft;
  busy?: boolean;
  onAction(action: ReconcileAction): void;
}

function formatTime(t?: number | string) {
  return t ? new Date(t).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : 'just now';
}

/**
 * A create whose answer was lost or unreadable. The background looks for the referral on e-RS's
 * letters-outstanding worklist: while it looks, say so; when it found several, let the user choose;
 * when it found none, say so plainly with what to check, and send again only after the user confirms
 * they checked e-RS and the referral was not created.
 */
export function OutcomeUnknown({ draft, busy, onAction }: OutcomeUnknownProps) {
  const s = draft.submission;
  const r = s.reconcile;
  const [chosen, setChosen] = useState<string>();
  const [confirmed, setConfirmed] = useState(false);
  const sent = formatTime(s.createSentAt);
  return (
    <section class="step nhs-warning" role="alert" aria-labelledby="unknown-heading" data-testid="outcome-unknown" data-reconcile={r?.status ?? 'searching'}>
      <h3 id="unknown-heading" class="nhs-warning__label">
        We cannot tell whether the referral was created
      </h3>
      <p>
        e-RS's answer to the referral sent at {sent} was lost or could not be read. It has <strong>not</strong> been sent again, so there is no duplicate.
      </p>
      {s.error && s.error.step === 'reconcile' && <p data-testid="reconcile-error">{s.error.message}</p>}
      {(!r || r.status === 'searching') && (
        <>
          <p role="status">
            {s.error?.step === 'reconcile' ? 'We could not look in e-RS just now.' : 'Looking in e-RS for a referral for this patient created since then…'}
          </p>
          {s.error?.step === 'reconcile' && (
            <button type="button" class="nhs-button nhs-button--secondary" disabled={busy} onClick={() => onAction({ kind: 'recheck' })}>
              Look in e-RS again
            </button>
          )}
        </>
      )}
      {r?.status === 'several' && (
        <fieldset class="reconcile-choices" data-testid="reconcile-several">
          <legend>
            e-RS shows {r.candidates?.length} referrals for this patient made by you since {sent}. Which one is this referral? The letter will be attached to
            that one only.
          </legend>
          {r.candidates?.map((c) => (
            <label key={c.ubrn} class="checkbox">
              <input type="radio" name="reconcile-ubrn" value={c.ubrn} checked={chosen === c.ubrn} onChange={() => setChosen(c.ubrn)} /> UBRN {c.ubrn}, created{' '}
              {formatTime(c.created)}
              {c.clinicalContext ? `, ${c.clinicalContext}` : ''}
              {c.priority ? `, ${c.priority.toLowerCase().replace(/_/g, ' ')}` : ''}
            </label>
          ))}
          <p class="nhs-hint">Check the others in e-RS: any you did not mean to make should be cancelled there.</p>
          <button type="button" class="nhs-button" disabled={!chosen || busy} onClick={() => chosen && onAction({ kind: 'choose', ubrn: chosen })}>
            Use this referral
          </button>
        </fieldset>
      )}
      {r?.status === 'none' && (
        <div data-testid="reconcile-none">
          <p>e-RS does not show a referral for this patient made by you since {sent} that is waiting for its letter.</p>
          <p>
            Before sending again, check in the e-RS application: open the patient's referrals (or your worklist) and look for a referral created at about {sent}
            .
          </p>
          <ul>
            <li>If it is there, do not send again: note its UBRN, attach the letter to it in e-RS, and discard this draft.</li>
            <li>If it is not there, confirm below and send the referral again.</li>
          </ul>
          <button type="button" class="nhs-button nhs-button--secondary" disabled={busy} onClick={() => onAction({ kind: 'recheck' })}>
            Look in e-RS again
          </button>
          <label class="checkbox">
            <input
              type="checkbox"
              data-testid="confirm-not-created"
              checked={confirmed}
              onChange={(e) => setConfirmed((e.target as HTMLInputElement).checked)}
            />{' '}
            I have checked e-RS and this referral was not created
          </label>
          <button
            type="button"
            class="nhs-button"
            data-testid="resend"
            disabled={!confirmed || busy}
            onClick={() => onAction({ kind: 'resend', confirmedNotCreated: true })}
          >
            Send the referral again
          </button>
        </div>
      )}
    </section>
  );
}
