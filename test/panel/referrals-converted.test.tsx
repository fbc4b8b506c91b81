// @vitest-environment happy-dom
// A&G requests the provider converted into referrals, in the Referrals view (the background's answer
// mocked at the message boundary): shown as their own list until a worklist shows them, counted on
// the bar once per referral, and opened on e-RS's current state (A005) like any referral.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../entrypoints/sidepanel/App';
import { resetDbConnection } from '../../utils/referral/store';
import type { WorklistsAnswer } from '../../utils/tracking/messages';
import { fakeApi, report, USER_ADAMS } from './fake-api';

const NHS = '9434765919';
const CONVERTED = '000000080001';
const CONVERTED_LISTED = '000000080002';
let answer: WorklistsAnswer;
const asked: string[] = [];

vi.mock('../../utils/messaging/client', () => ({
  sendMessage: async (type: string, body: { ubrn?: string }) => {
    asked.push(body?.ubrn ? `${type} ${body.ubrn}` : type);
    if (type === 'tracking/worklists') return answer;
    if (type === 'tracking/referral') {
      return { referral: { ubrn: body.ubrn, state: 'TRIAGED_PROVIDER_TO_ACTION', version: '1', attachments: [] }, actions: [] };
    }
    throw new Error(`unexpected ${type}`);
  },
  onBackgroundEvent: () => () => undefined,
}));

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetDbConnection();
  asked.length = 0;
  answer = {
    signedIn: true,
    userId: USER_ADAMS,
    intervalMinutes: 15,
    lists: {
      AWAITING_BOOKING: {
        items: [{ ubrn: CONVERTED_LISTED, nhsNumber: NHS, priority: 'ROUTINE', referrer: USER_ADAMS, status: 'NOT_BOOKED' }],
        ageMinutes: 1,
        fetchedAt: Date.now() - 60_000,
      },
    },
    converted: [
      { ubrn: CONVERTED, nhsNumber: NHS, displayName: 'JONES, Sarah', service: 'Cardiology Advice (A&G)', convertedAt: Date.now() },
      // Already on a list (the background has not marked it yet): shown there only, counted once.
      { ubrn: CONVERTED_LISTED, nhsNumber: NHS, displayName: 'JONES, Sarah', convertedAt: Date.now() - 1000 },
    ],
  };
});
afterEach(() => cleanup());

describe('converted A&G requests in the Referrals view', () => {
  it('are listed until a worklist shows them, counted once each, and open on e-RS’s current state', async () => {
    render(<App api={fakeApi({ report: report(NHS, 'JONES') }).api} />);
    await waitFor(() => expect(screen.getByTestId('referrals-count').textContent).toBe('2'), { timeout: 10_000 });
    fireEvent.click(screen.getByTestId('open-referrals'));
    await screen.findByTestId('referrals');
    const ubrns = (list: string) => Array.from(document.querySelectorAll(`[data-list="${list}"] [data-ubrn]`)).map((e) => e.getAttribute('data-ubrn'));
    expect(ubrns('ADVICE_CONVERTED')).toEqual([CONVERTED]);
    expect(ubrns('AWAITING_BOOKING')).toEqual([CONVERTED_LISTED]);
    expect(document.querySelectorAll(`[data-ubrn="${CONVERTED_LISTED}"]`)).toHaveLength(1);
    const row = document.querySelector(`[data-list="ADVICE_CONVERTED"] [data-ubrn="${CONVERTED}"]`)!;
    expect(row.textContent).toContain('JONES, Sarah');
    expect(row.textContent).toContain('Converted to a referral by the provider');
    fireEvent.click(screen.getByRole('button', { name: `Open referral ${CONVERTED}` }));
    await waitFor(() => expect(asked).toContain(`tracking/referral ${CONVERTED}`));
  });

  it('without any, the view and the count are as before', async () => {
    answer = { ...answer, converted: undefined };
    render(<App api={fakeApi({ report: report(NHS, 'JONES') }).api} />);
    await waitFor(() => expect(screen.getByTestId('referrals-count').textContent).toBe('1'), { timeout: 10_000 });
    fireEvent.click(screen.getByTestId('open-referrals'));
    await screen.findByTestId('referrals');
    expect(document.querySelector('[data-list="ADVICE_CONVERTED"]')).toBeNull();
  });
});
