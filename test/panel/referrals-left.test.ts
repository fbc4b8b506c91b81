// @vitest-environment happy-dom
// The Referrals view's store after a cancel or a booking e-RS confirmed (referrals-store.ts left):
// the referral is said at the top of the view, the background's lists (already without it) are read
// again at once, then the lists it was on are fetched again; nothing of it stays for another user.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import { referralsOf } from '../../entrypoints/sidepanel/referrals-store';
import { createPanelStore } from '../../entrypoints/sidepanel/store';
import { resetDbConnection } from '../../utils/referral/store';
import type { WorklistsAnswer } from '../../utils/tracking/messages';
import type { TrackedReferral } from '../../utils/tracking/worklists';
import { fakeApi, USER_ADAMS } from './fake-api';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetDbConnection();
});

const ROW = { ubrn: '000000070003', list: 'AWAITING_BOOKING', nhsNumber: '9434765919', priority: 'ROUTINE' } as TrackedReferral;
const answer = (ubrns: string[]): WorklistsAnswer => ({
  signedIn: true,
  userId: USER_ADAMS,
  intervalMinutes: 15,
  lists: { AWAITING_BOOKING: { items: ubrns.map((ubrn) => ({ ubrn, nhsNumber: '9434765919', referrer: USER_ADAMS })), ageMinutes: 0, fetchedAt: Date.now() } },
});

describe('a referral acted on from the Referrals view', () => {
  it('is said at the top, the lists are read again at once (then fetched), and another user sees none of it', async () => {
    const api = fakeApi();
    const store = createPanelStore(api.api);
    const reads: boolean[] = [];
    let held = ['000000070003'];
    const referrals = referralsOf(store, async (refresh) => {
      reads.push(refresh);
      return answer(held);
    });
    store.actions.connect();
    await waitFor(() => expect(referrals.rows.value.AWAITING_BOOKING?.map((r) => r.ubrn)).toEqual(['000000070003']));
    reads.length = 0;

    held = []; // the background took it off its lists before answering the cancel
    await referrals.left(ROW, 'cancelled');
    expect(referrals.recent.value).toEqual([{ row: ROW, what: 'cancelled' }]);
    expect(referrals.rows.value.AWAITING_BOOKING ?? []).toEqual([]);
    await waitFor(() => expect(reads).toEqual([false, true]));

    api.changeSession({ userId: '021600556522', userName: 'Jo BAKER' });
    await waitFor(() => expect(referrals.recent.value).toEqual([]));
  });
});
