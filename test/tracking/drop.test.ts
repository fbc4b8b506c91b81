// A referral cancelled or booked from here goes off the cached lists at once (dropReferral), and the
// lists it was on are fetched again whatever the interval, but never against a 429's Retry-After
// (listsDue with `force`). Pure rules, no clock.
import { describe, expect, it } from 'vitest';
import { dropReferral, listsDue, type WorklistsState } from '../../utils/tracking/refresh';

const NOW = 1_000_000_000;
const item = (ubrn: string) => ({ ubrn, nhsNumber: '9434765919' });
const state: WorklistsState = {
  owner: { userId: 'u', ods: 'B86001' },
  lists: {
    AWAITING_BOOKING: { attemptedAt: NOW - 60_000, cache: { items: [item('000000000001'), item('000000000002')], fetchedAt: NOW - 60_000 } },
    LETTERS_OUTSTANDING: { attemptedAt: NOW - 60_000, cache: { items: [item('000000000001')], fetchedAt: NOW - 60_000 } },
    REJECTED_TRIAGE_RESPONSE: { attemptedAt: NOW - 60_000, cache: { items: [item('000000000002')], fetchedAt: NOW - 60_000 } },
    ASSESSMENT_RETURNED_CANCELLED_DNA: { attemptedAt: NOW - 60_000, notBefore: NOW + 60_000, cache: { items: [], fetchedAt: NOW - 60_000 } },
  },
};

describe('taking a referral off the lists', () => {
  it('removes it from the lists named, says which it was on, and leaves the rest (and its age) alone', () => {
    const { state: next, from } = dropReferral(state, '000000000001', ['AWAITING_BOOKING']);
    expect(from).toEqual(['AWAITING_BOOKING']);
    expect(next.lists.AWAITING_BOOKING!.cache!.items.map((i) => i.ubrn)).toEqual(['000000000002']);
    expect(next.lists.AWAITING_BOOKING!.cache!.fetchedAt).toBe(NOW - 60_000);
    expect(next.lists.LETTERS_OUTSTANDING!.cache!.items.map((i) => i.ubrn)).toEqual(['000000000001']);
  });

  it('a cancelled referral goes off every list it was on', () => {
    const { state: next, from } = dropReferral(state, '000000000002', [
      'LETTERS_OUTSTANDING',
      'REJECTED_TRIAGE_RESPONSE',
      'ASSESSMENT_RETURNED_CANCELLED_DNA',
      'AWAITING_BOOKING',
    ]);
    expect(from.sort()).toEqual(['AWAITING_BOOKING', 'REJECTED_TRIAGE_RESPONSE']);
    expect(Object.values(next.lists).flatMap((l) => l.cache!.items.map((i) => i.ubrn))).not.toContain('000000000002');
  });

  it('a referral on no list changes nothing', () => {
    expect(dropReferral(state, '000000000009', ['AWAITING_BOOKING'])).toEqual({ state, from: [] });
  });
});

describe('fetching the lists a change made stale', () => {
  it('fetches a forced list within the interval, but not one held back by a Retry-After', () => {
    expect(listsDue(state, NOW, 15)).toEqual([]);
    expect(listsDue(state, NOW, 15, ['AWAITING_BOOKING'])).toEqual(['AWAITING_BOOKING']);
    expect(listsDue(state, NOW, 15, ['ASSESSMENT_RETURNED_CANCELLED_DNA'])).toEqual([]);
  });
});
