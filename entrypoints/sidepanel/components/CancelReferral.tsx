// Cancel a referral with a reason: the reasons this role may use for it now (A004, filtered in the
// background), the comment rules checked here as the e-RS client checks them (utils/ers/cancellation.ts),
// then one A036 sent at most once (utils/tracking/cancel.ts). When its answer is lost and e-RS could not
// be read, nothing can be sent again until the referral has been read back.
import { useState } from 'preact/hooks';
import { checkCancellation, MAX_CANCELLATION_COMMENT, type CancellationReason } from '../../../utils/ers/cancellation';
import type { ReferralSummary } from '../../../utils/ers/parse';
import { sendMessage } from '../../../utils/messaging/client';
import { ErrorSummary } from './ErrorSummary';

type Phase =
  | { kind: 'closed' }
  | { kind: 'form'; reasons?: CancellationReason[] }
  | { kind: 'sending' }
  /** e-RS may or may not have cancelled it: only reading it back is offered. */
  | { kind: 'unknown' };

export function CancelReferral({
  referral,
  signedIn,
  onCancelled,
  recheck,
}: {
  referral: ReferralSummary;
  signedIn: boolean;
  onCancelled(next: ReferralSummary): void;
  recheck(): Promise<ReferralSummary | undefined>;
}) {
  const [phase, setPhase] = useState<Phase>({ kind: 'closed' });
  const [code, setCode] = useState<string>();
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string>();

  async function start() {
    setProblem(undefined);
    setPhase({ kind: 'form' });
    try {
      const { reasons } = await sendMessage('tracking/cancel-reasons', { ubrn: referral.ubrn });
      setPhase({ kind: 'form', reasons });
    } catch (e) {
      setPhase({ kind: 'closed' });
      setProblem(`The cancellation reasons could not be read from e-RS (${(e as Error).message}).`);
    }
  }

  async function send(reasons: CancellationReason[]) {
    const reason = reasons.find((r) => r.code === code);
    if (!reason) return setProblem('Choose why the referral is being cancelled.');
    const violation = checkCancellation(reason, comment)[0];
    if (violation) return setProblem(violation.diagnostics);
    setProblem(undefined);
    setPhase({ kind: 'sending' });
    try {
      const result = await sendMessage('tracking/cancel', {
        ubrn: referral.ubrn,
        etag: referral.etag,
        reason: reason.code,
        comment: comment.trim() || undefined,
      });
      if (result.outcome === 'cancelled') return onCancelled(result.referral);
      if (result.outcome === 'unknown') {
        setProblem(result.message);
        return setPhase({ kind: 'unknown' });
      }
      setProblem(result.outcome === 'refused' ? result.message : 'e-RS did not cancel the referral. Nothing changed; you may try again.');
      setPhase({ kind: 'form', reasons });
      if (result.outcome === 'not-cancelled') await recheck();
    } catch (e) {
      // The background's answer itself was lost: treated as unknown, never sent again from here.
      setProblem(`It is not known whether the referral was cancelled (${(e as Error).message}). Check it before trying again.`);
      setPhase({ kind: 'unknown' });
    }
  }

  async function checkAgain() {
    setPhase({ kind: 'sending' });
    const now = await recheck();
    if (!now) return setPhase({ kind: 'unknown' });
    if (now.state === 'CANCELLED_REFERRAL') return onCancelled(now);
    setProblem('e-RS shows the referral is not cancelled. You may try again.');
    setPhase({ kind: 'closed' });
  }

  const mandatory = phase.kind === 'form' && phase.reasons?.find((r) => r.code === code)?.commentIsMandatory;
  return (
    <div class="cancel-referral" data-testid="cancel-referral">
      {problem && <ErrorSummary problems={[problem]} testId="cancel-problem" />}
      {phase.kind === 'closed' && (
        <button type="button" class="nhs-button nhs-button--warning" data-testid="cancel-start" disabled={!signedIn} onClick={() => void start()}>
          Cancel this referral
        </button>
      )}
      {phase.kind === 'unknown' && (
        <button type="button" class="nhs-button nhs-button--secondary" data-testid="cancel-recheck" onClick={() => void checkAgain()}>
          Check the referral in e-RS again
        </button>
      )}
      {phase.kind === 'sending' && <p role="status">Asking e-RS…</p>}
      {phase.kind === 'form' && !phase.reasons && <p role="status">Reading the cancellation reasons…</p>}
      {phase.kind === 'form' && phase.reasons && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void send(phase.reasons!);
          }}
        >
          <fieldset class="nhs-fieldset radios">
            <legend class="nhs-label">Why is the referral being cancelled?</legend>
            {phase.reasons.length === 0 && <p>e-RS offers no cancellation reason you can use for this referral: cancel it in e-RS.</p>}
            {phase.reasons.map((r) => (
              <label class="radio" key={r.code}>
                <input type="radio" name={`reason-${referral.ubrn}`} value={r.code} checked={code === r.code} onChange={() => setCode(r.code)} />
                {r.display}
              </label>
            ))}
          </fieldset>
          <div class="nhs-form-group">
            <label class="nhs-label" for={`cancel-comment-${referral.ubrn}`}>
              Comment {mandatory ? '(needed for this reason)' : '(optional)'}
            </label>
            <p class="nhs-hint" id={`cancel-hint-${referral.ubrn}`}>
              Up to {MAX_CANCELLATION_COMMENT} characters.
            </p>
            <textarea
              id={`cancel-comment-${referral.ubrn}`}
              class="nhs-input"
              rows={3}
              aria-describedby={`cancel-hint-${referral.ubrn}`}
              value={comment}
              onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)}
            />
          </div>
          <button type="submit" class="nhs-button nhs-button--warning" data-testid="cancel-confirm" disabled={!signedIn || phase.reasons.length === 0}>
            Cancel referral {referral.ubrn}
          </button>{' '}
          <button type="button" class="nhs-link-button" onClick={() => setPhase({ kind: 'closed' })}>
            Keep the referral
          </button>
        </form>
      )}
    </div>
  );
}
