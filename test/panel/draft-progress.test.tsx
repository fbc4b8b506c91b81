// @vitest-environment happy-dom
// The draft's steps at the top of the panel: done or still to do, the first one left marked as the
// current step, each a link to its step.
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { DraftProgress } from '../../entrypoints/sidepanel/components/DraftProgress';
import { newDraft, type Draft } from '../../utils/referral/model';

afterEach(() => cleanup());

const draft = (over: Partial<Draft> = {}): Draft => ({
  ...newDraft({
    owner: '021600556514@B86001',
    hostOrigin: 'http://127.0.0.1',
    sourceUrl: 'http://127.0.0.1/record',
    patient: { nhsNumber: '9434765919', displayName: 'JONES, Sarah' },
    ttlMs: 1,
    now: 0,
  }),
  ...over,
});
const steps = () => screen.getAllByRole('link').map((a) => ({ text: a.textContent, href: a.getAttribute('href'), current: a.getAttribute('aria-current') }));

describe('the referral steps', () => {
  it('a new draft: nothing done, Find is the current step', () => {
    render(<DraftProgress draft={draft()} />);
    expect(steps()).toEqual([
      { text: 'Find', href: '#search-heading', current: 'step' },
      { text: 'Shortlist', href: '#shortlist-heading', current: null },
      { text: 'Letter', href: '#letter-heading', current: null },
      { text: 'Send', href: '#submit-heading', current: null },
    ]);
  });

  it('services chosen and the letter to follow: Send is what is left', () => {
    const shortlist = [{ id: 's1' }, { id: 's2' }] as Draft['shortlist'];
    render(<DraftProgress draft={draft({ shortlist, letterMode: 'to-follow' })} />);
    expect(steps().map((s) => [s.text, s.current])).toEqual([
      ['Find (done)', null],
      ['Shortlist (2) (done)', null],
      ['Letter (done)', null],
      ['Send', 'step'],
    ]);
  });
});
