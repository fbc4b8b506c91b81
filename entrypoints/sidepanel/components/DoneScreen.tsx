import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Draft } from '../../../utils/referral/model';
import type { ReferenceData } from '../../../utils/referral/panel-api';
import { ReferralSummary } from './ReferralSummary';

/** e-RS shows a UBRN in groups of four: 0000 0007 0000. */
export function formatUbrn(ubrn: string): string {
  return ubrn.replace(/(\d{4})(\d{4})(\d{4})/, '$1 $2 $3');
}

export interface DoneScreenProps {
  draft: Draft;
  letterUrl?: string;
  triageContactDays?: number;
  /** Names the specialty and clinic type in what was sent. */
  reference?: ReferenceData;
  /**
   * What happens next, when a feature says it (booking at the point of referral, screens/Booking.tsx),
   * given the usual words to show until, or unless, it has more to say.
   */
  next?: (usual: ComponentChildren) => ComponentChildren;
  onClose(): void;
}

export function DoneScreen({ draft, letterUrl, triageContactDays, reference, next, onClose }: DoneScreenProps) {
  const s = draft.submission;
  const [copied, setCopied] = useState(false);
  const triage = s.route === 'A021' || s.route === 'A011+A016';
  // The user was at Submit, far down the panel: move them (and a screen reader) to the result.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const usual = triage ? (
    <p>
      The referral has gone to the triage service{triageContactDays ? `, which should contact the patient within ${triageContactDays} working days` : ''}. The
      patient does not need to book anything.
    </p>
  ) : (
    <p>
      Give the patient the letter. They book their appointment online or by phone using the UBRN and the password on the letter, choosing from the shortlisted
      services.
    </p>
  );
  return (
    <section class="done" aria-labelledby="done-heading" data-testid="done">
      <div class="confirmation-panel confirmation">
        <h2 id="done-heading" class="confirmation__title" tabIndex={-1} ref={heading}>
          Referral created
        </h2>
        <div class="confirmation__body">
          <p>UBRN (booking reference)</p>
          <p class="ubrn" data-testid="ubrn" data-ubrn={s.ubrn}>
            {formatUbrn(s.ubrn!)}
          </p>
          <button
            type="button"
            class="nhs-button nhs-button--reverse"
            onClick={async () => {
              try {
                await navigator.clipboard.writeText(s.ubrn!);
                setCopied(true);
              } catch {
                setCopied(false);
              }
            }}
          >
            {copied ? 'Copied' : 'Copy UBRN'}
          </button>
        </div>
      </div>
      <h3>What was sent</h3>
      <ReferralSummary draft={draft} reference={reference} />
      <h3>Patient letter</h3>
      {letterUrl ? (
        <p>
          <a class="nhs-button" href={letterUrl} target="_blank" rel="noopener" data-testid="open-letter">
            Open the patient letter to print
          </a>{' '}
          <a href={letterUrl} download={s.patientLetter?.fileName}>
            Download ({s.patientLetter?.fileName})
          </a>
        </p>
      ) : (
        <div class="nhs-warning" role="status">
          <p>{s.patientLetterError?.message ?? 'The patient letter is not available.'}</p>
          <p>Give the patient the UBRN above.</p>
        </div>
      )}
      <h3>What happens next</h3>
      {next ? next(usual) : usual}
      {draft.letterMode === 'to-follow' && (
        <p class="nhs-inset">The referral letter is still to follow. It is listed under "Letters outstanding" until you attach it.</p>
      )}
      <button type="button" class="nhs-button nhs-button--secondary" data-testid="finish" onClick={onClose}>
        Finish
      </button>
    </section>
  );
}
