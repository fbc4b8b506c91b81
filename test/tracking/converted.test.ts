// Converted A&G requests handed to the referral tracking: which of this user's requests show as
// referrals, until e-RS lists them on a worklist once, and never twice beside the lists.
import { describe, expect, it } from 'vitest';
import type { AdviceRecord } from '../../utils/advice/model';
import { convertedToShow, newlyListed, notOnLists } from '../../utils/tracking/converted';
import { adviceRecord } from '../helpers/advice';

const record = (id: string, ubrn: string, status: string, extra: Partial<AdviceRecord> = {}): AdviceRecord =>
  adviceRecord({
    id,
    service: { id: 's1', name: 'Cardiology Advice' },
    phase: 'sent',
    ubrn,
    tracking: { status, version: '2', lastPolledAt: Number(ubrn.slice(-2)) },
    ...extra,
  });

describe('converted A&G requests', () => {
  const records = [
    record('a', '000000000011', 'ADVICE_CONVERTED'),
    record('b', '000000000012', 'REFERRER_TO_REVIEW_RESPONSE'),
    record('c', '000000000013', 'ADVICE_CONVERTED', { listedAt: 5 }),
    record('d', '000000000014', 'ADVICE_CONVERTED'),
  ];

  it('shows only converted requests no worklist has listed yet, newest first', () => {
    expect(convertedToShow(records)).toEqual([
      { ubrn: '000000000014', nhsNumber: '9434765919', displayName: 'JONES, Sarah', service: 'Cardiology Advice', convertedAt: 14 },
      { ubrn: '000000000011', nhsNumber: '9434765919', displayName: 'JONES, Sarah', service: 'Cardiology Advice', convertedAt: 11 },
    ]);
  });

  it('marks a converted request listed the first time a worklist holds its UBRN', () => {
    const marked = newlyListed(records, new Set(['000000000011', '000000000012', '000000000013']), 99);
    expect(marked.map((r) => [r.id, r.listedAt])).toEqual([['a', 99]]);
    expect(convertedToShow(records.map((r) => marked.find((m) => m.id === r.id) ?? r)).map((c) => c.ubrn)).toEqual(['000000000014']);
  });

  it('never shows one beside the list that shows it', () => {
    const shown = convertedToShow(records);
    expect(notOnLists(shown, new Set(['000000000014'])).map((c) => c.ubrn)).toEqual(['000000000011']);
  });
});
