import { formatNhsNumber } from 'ers-contract/nhs-number';
import { useState } from 'preact/hooks';
import { draftStatus } from '../../../utils/referral/draft-status';
import type { Draft } from '../../../utils/referral/model';
import type { OutstandingLetter } from '../../../utils/referral/store';

export function DraftsList({
  drafts,
  currentId,
  onOpen,
  onDelete,
}: {
  drafts: Draft[];
  currentId?: string;
  onOpen(id: string): void;
  onDelete(id: string): void;
}) {
  const others = drafts.filter((d) => d.id !== currentId);
  // Delete asks first: the draft being confirmed shows "Yes, delete" and "Keep it" in its place.
  const [confirming, setConfirming] = useState<string | undefined>();
  return (
    <section class="drafts" aria-labelledby="drafts-heading">
      <h3 id="drafts-heading">Your other drafts ({others.length})</h3>
      {others.length === 0 ? (
        <p class="nhs-hint">No other drafts.</p>
      ) : (
        <ul class="drafts__list">
          {others
            .sort((a, b) => b.updatedAt - a.updatedAt)
            .map((d) => {
              const status = draftStatus(d);
              return (
                <li key={d.id}>
                  <button type="button" class="link-button" onClick={() => onOpen(d.id)}>
                    {d.patient.displayName}
                  </button>
                  <span class="nhs-hint">
                    {' '}
                    {formatNhsNumber(d.patient.nhsNumber)} · {new Date(d.updatedAt).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'short' })}{' '}
                  </span>
                  <strong class={`nhs-tag nhs-tag--${status.tone}`} data-testid="draft-status">
                    {status.label}
                  </strong>
                  {d.submission.phase === 'editing' &&
                    (confirming === d.id ? (
                      <fieldset class="drafts__confirm" aria-label={`Delete the draft for ${d.patient.displayName}?`}>
                        {' '}
                        Delete this draft? Nothing has been sent.{' '}
                        <button type="button" class="link-button" onClick={() => onDelete(d.id)}>
                          Yes, delete
                        </button>{' '}
                        <button type="button" class="link-button" onClick={() => setConfirming(undefined)}>
                          Keep it
                        </button>
                      </fieldset>
                    ) : (
                      <button
                        type="button"
                        class="link-button"
                        onClick={() => setConfirming(d.id)}
                        aria-label={`Delete the draft for ${d.patient.displayName}`}
                      >
                        Delete
                      </button>
                    ))}
                </li>
              );
            })}
        </ul>
      )}
    </section>
  );
}

export function OutstandingLetters({ letters, now, onComplete }: { letters: OutstandingLetter[]; now: number; onComplete(letter: OutstandingLetter): void }) {
  if (letters.length === 0) return null;
  return (
    <section class="outstanding" aria-labelledby="outstanding-heading" data-testid="outstanding">
      <h3 id="outstanding-heading">Letters outstanding ({letters.length})</h3>
      <ul>
        {letters.map((l) => {
          const overdue = l.deadline < now;
          return (
            <li key={l.ubrn} class={overdue ? 'outstanding--overdue' : ''}>
              <strong>{l.displayName}</strong> <span class="nhs-hint">UBRN {l.ubrn}</span>
              <span class={`nhs-tag ${overdue ? 'nhs-tag--red' : 'nhs-tag--yellow'}`}>
                {overdue ? 'Overdue since' : 'Due by'} {new Date(l.deadline).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}
              </span>
              <button type="button" class="nhs-button nhs-button--secondary" onClick={() => onComplete(l)}>
                Add letter
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
