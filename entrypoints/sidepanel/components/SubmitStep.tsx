import type { Draft, SubmissionPhase } from '../../../utils/referral/model';
import type { ReferenceData } from '../../../utils/referral/panel-api';
import { lazyComponent } from '../lazy';
import { ErrorSummary } from './ErrorSummary';

const STEPS: { phase: SubmissionPhase[]; label: string }[] = [
  { phase: ['creating'], label: 'Creating the referral in e-RS' },
  { phase: ['triaging'], label: 'Sending to the triage service' },
  { phase: ['uploading'], label: 'Uploading the letter' },
  { phase: ['attaching'], label: 'Attaching the letter to the referral' },
  { phase: ['letter-attached'], label: 'Producing the patient letter' },
];
// "Check your answers" is this step itself (no extra screen or click before Submit); loaded when first shown.
const CheckAnswers = lazyComponent(() => import('./ReferralSummary').then((m) => m.ReferralSummary));
const ORDER: SubmissionPhase[] = ['editing', 'ready', 'creating', 'created', 'triaging', 'uploading', 'attaching', 'letter-attached', 'complete'];

export interface SubmitStepProps {
  draft: Draft;
  blocker?: string;
  busy?: boolean;
  reference?: ReferenceData;
  onSubmit(): void;
  onRetry(): void;
}

/** Submit once; then show where the submission is, what failed and what to do. */
export function SubmitStep({ draft, blocker, busy, reference, onSubmit, onRetry }: SubmitStepProps) {
  const s = draft.submission;
  const inFlight = s.phase !== 'editing' && s.phase !== 'ready' && s.phase !== 'complete';
  const at = ORDER.indexOf(s.phase);
  return (
    <section class="step" aria-labelledby="submit-heading">
      <h3 id="submit-heading" class="step__title">
        <span class="step__number">4</span> Check your answers and submit
      </h3>
      {s.error && (
        <ErrorSummary
          title={s.ubrn ? `Referral ${s.ubrn} was created, but a later step failed` : 'The referral was not created'}
          problems={[s.error.message]}
          testId="submit-error"
        >
          {s.error.code && <p class="nhs-hint">e-RS code: {s.error.code}</p>}
          <p class="nhs-hint">Everything you entered is kept.</p>
        </ErrorSummary>
      )}
      {inFlight || (s.error && s.ubrn) ? (
        <>
          <ol class="progress-steps" aria-live="polite">
            {STEPS.filter((st) => st.phase[0] !== 'triaging' || s.route === 'A011+A016')
              .filter((st) => draft.letterMode === 'attach' || (st.phase[0] !== 'uploading' && st.phase[0] !== 'attaching'))
              .map((st) => {
                const idx = ORDER.indexOf(st.phase[0]);
                const state = at > idx ? 'done' : at === idx ? (s.error ? 'failed' : 'current') : 'todo';
                return (
                  <li key={st.label} class={`progress-steps__item progress-steps__item--${state}`}>
                    {st.label}
                    {state === 'done' ? ' ✓' : ''}
                  </li>
                );
              })}
          </ol>
          {s.error && (
            <button type="button" class="nhs-button" onClick={onRetry} disabled={busy}>
              Try this step again
            </button>
          )}
        </>
      ) : (
        <>
          {blocker ? (
            <p class="nhs-hint" role="status" id="submit-blocker">
              {blocker}
            </p>
          ) : (
            <CheckAnswers draft={draft} reference={reference} changeable />
          )}
          <button
            type="button"
            class="nhs-button"
            data-testid="submit"
            disabled={!!blocker || busy}
            aria-describedby={blocker ? 'submit-blocker' : undefined}
            onClick={onSubmit}
          >
            {busy ? 'Submitting…' : 'Submit referral'}
          </button>
        </>
      )}
    </section>
  );
}
