// Where the referral is, at the top of the draft: the four steps, each done or still to do, each a
// link to its step, so a clinician at the 360 px panel sees what is left without scrolling.
import type { Draft } from '../../../utils/referral/model';

/** The steps and whether each is done (pure: the draft alone decides). */
export function draftProgress(draft: Draft): { href: string; label: string; done: boolean }[] {
  const services = draft.shortlist.length;
  return [
    { href: '#search-heading', label: 'Find', done: services > 0 },
    { href: '#shortlist-heading', label: services ? `Shortlist (${services})` : 'Shortlist', done: services > 0 },
    { href: '#letter-heading', label: 'Letter', done: draft.letterMode === 'to-follow' || draft.files.length > 0 },
    { href: '#submit-heading', label: 'Send', done: draft.submission.phase === 'complete' },
  ];
}

export function DraftProgress({ draft }: { draft: Draft }) {
  const steps = draftProgress(draft);
  const current = steps.findIndex((s) => !s.done);
  return (
    <nav aria-label="Referral steps" data-testid="draft-progress">
      <ol class="draft-progress">
        {steps.map((s, i) => (
          <li key={s.href} class={s.done ? 'draft-progress__done' : undefined}>
            <a href={s.href} aria-current={i === current ? 'step' : undefined}>
              {s.label}
              {s.done && <span class="nhsuk-u-visually-hidden"> (done)</span>}
            </a>
          </li>
        ))}
      </ol>
    </nav>
  );
}
