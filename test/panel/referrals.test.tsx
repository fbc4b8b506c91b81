// @vitest-environment happy-dom
// The Referrals view in the panel (the background's lists mocked at the message boundary): the
// record's line about the open patient before a new referral, most urgent first, "mine" against "my
// organisation", each list's age, and nothing of one user's lists left when another signs in.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../entrypoints/sidepanel/App';
import { resetDbConnection } from '../../utils/referral/store';
import type { WorklistItem } from '../../utils/ers/parse';
import type { WorklistsAnswer } from '../../utils/tracking/messages';
import { fakeApi, report, USER_ADAMS } from './fake-api';

const NHS = '9434765919';
const BAKER = '021600556522';
const answers = new Map<string, WorklistsAnswer>();
let asking = USER_ADAMS;

vi.mock('../../utils/messaging/client', () => ({
  sendMessage: async (type: string) => {
    if (type !== 'tracking/worklists') throw new Error(`unexpected ${type}`);
    return answers.get(asking);
  },
  // The view listens to no background event itself; other panel parts in the same modules may.
  onBackgroundEvent: () => () => undefined,
}));

const item = (ubrn: string, extra: Partial<WorklistItem> = {}): WorklistItem => ({
  ubrn,
  nhsNumber: NHS,
  priority: 'ROUTINE',
  created: '2026-11-20T09:00:00Z',
  referrer: USER_ADAMS,
  clinicalContext: 'CARDIOLOGY/HEART_FAILURE',
  ...extra,
});

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetDbConnection();
  asking = USER_ADAMS;
  answers.set(USER_ADAMS, {
    signedIn: true,
    userId: USER_ADAMS,
    intervalMinutes: 15,
    lists: {
      REJECTED_TRIAGE_RESPONSE: {
        items: [
          item('000000070001', { status: 'REJECTED', reason: 'FURTHER_INFORMATION_REQUIRED', lastUpdated: '2026-11-25T10:00:00Z' }),
          item('000000070002', { nhsNumber: '9000000009', status: 'REJECTED', priority: 'TWO_WEEK_WAIT', lastUpdated: '2026-11-26T10:00:00Z' }),
        ],
        ageMinutes: 4,
        fetchedAt: Date.now() - 240_000,
      },
      AWAITING_BOOKING: {
        items: [item('000000070003', { status: 'NOT_BOOKED' }), item('000000070004', { nhsNumber: '9000000009', referrer: BAKER, status: 'NOT_BOOKED' })],
        ageMinutes: 20,
        fetchedAt: Date.now() - 1_200_000,
        error: 'e-RS is not available just now.',
      },
    },
  });
  answers.set(BAKER, { signedIn: true, userId: BAKER, intervalMinutes: 15, lists: { AWAITING_BOOKING: { items: [], ageMinutes: 0, fetchedAt: Date.now() } } });
});
afterEach(() => cleanup());

describe('Referrals view', () => {
  it('says what the lists hold for the open patient before a new referral is started, and opens just theirs', async () => {
    render(<App api={fakeApi({ report: report(NHS, 'JONES') }).api} />);
    const line = await screen.findByTestId('patient-referrals');
    expect(line.textContent).toContain('2 referrals for this patient: 1 rejected — read the response');
    fireEvent.click(screen.getByRole('button', { name: 'Show this patient’s referrals' }));
    await screen.findByTestId('referrals-patient');
    const shown = Array.from(document.querySelectorAll('[data-ubrn]')).map((e) => e.getAttribute('data-ubrn'));
    expect(shown).toEqual(['000000070001', '000000070003']);
  });

  it('most urgent first; mine by the referring clinician, my organisation for everyone; each list with its age', async () => {
    render(<App api={fakeApi({ report: report(NHS, 'JONES') }).api} />);
    await waitFor(() => expect(screen.getByTestId('referrals-count').textContent).toBe('3'));
    fireEvent.click(screen.getByTestId('open-referrals'));
    await screen.findByTestId('referrals');
    const ubrns = (list: string) => Array.from(document.querySelectorAll(`[data-list="${list}"] [data-ubrn]`)).map((e) => e.getAttribute('data-ubrn'));
    // Two week wait before routine, whatever the dates.
    expect(ubrns('REJECTED_TRIAGE_RESPONSE')).toEqual(['000000070002', '000000070001']);
    expect(ubrns('AWAITING_BOOKING')).toEqual(['000000070003']);
    fireEvent.click(screen.getByTestId('scope-organisation'));
    await waitFor(() => expect(ubrns('AWAITING_BOOKING')).toEqual(['000000070003', '000000070004']));
    const ages = Array.from(document.querySelectorAll('[data-list] [data-testid="list-age"]')).map((e) => e.textContent);
    expect(ages).toContain('Updated 4 minutes ago.');
    expect(ages).toContain('e-RS could not be read (e-RS is not available just now.); this is the copy from 20 minutes ago.');
    expect(document.querySelector('[data-ubrn="000000070001"]')!.textContent).toContain('Further information required');
  });

  it("shows none of one user's referrals once another user is signed in", async () => {
    const api = fakeApi({ report: report(NHS, 'JONES') });
    render(<App api={api.api} />);
    await screen.findByTestId('patient-referrals');
    asking = BAKER;
    api.changeSession({ userId: BAKER, userName: 'Jo BAKER' });
    await waitFor(() => expect(screen.getByTestId('referrals-count').textContent).toBe('0'));
    expect(screen.queryByTestId('patient-referrals')).toBeNull();
    fireEvent.click(screen.getByTestId('open-referrals'));
    await screen.findByTestId('referrals');
    expect(document.querySelectorAll('[data-ubrn]')).toHaveLength(0);
  });
});
