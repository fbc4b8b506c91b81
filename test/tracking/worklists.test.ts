// The Referrals view's rules: most urgent first, "mine" by the referrer's SDS id, the badge count,
// each row's detail, and what the record says about the open patient.
import { describe, expect, it } from 'vitest';
import type { WorklistItem } from '../../utils/ers';
import { badgeCount, patientReferrals, rowView, rowsOf, sortByUrgency, type Lists } from '../../utils/tracking/worklists';

const ME = '000000000101';
const OTHER = '000000000202';
const TODAY = '2026-12-01';
const item = (ubrn: string, extra: Partial<WorklistItem> = {}): WorklistItem => ({
  ubrn,
  nhsNumber: '9434765919',
  priority: 'ROUTINE',
  created: '2026-11-20T09:00:00Z',
  referrer: ME,
  clinicalContext: 'CARDIOLOGY',
  ...extra,
});

const lists: Lists = {
  LETTERS_OUTSTANDING: [item('000000000001', { letterDue: '2026-12-05' }), item('000000000002', { letterDue: '2026-11-28', referrer: OTHER })],
  REJECTED_TRIAGE_RESPONSE: [item('000000000003', { status: 'REJECTED', reason: 'SERVICE_INAPPROPRIATE', lastUpdated: '2026-11-30T10:00:00Z' })],
  ASSESSMENT_RETURNED_CANCELLED_DNA: [item('000000000004', { status: 'DID_NOT_ATTEND', lastUpdated: '2026-11-29T10:00:00Z', nhsNumber: '9000000009' })],
  AWAITING_BOOKING: [
    item('000000000005', { status: 'NOT_BOOKED', priority: 'TWO_WEEK_WAIT', lastUpdated: '2026-11-30T11:00:00Z' }),
    item('000000000006', { status: 'NOT_BOOKED', priority: 'URGENT', lastUpdated: '2026-11-30T11:00:00Z' }),
    item('000000000001', { status: 'NOT_BOOKED' }),
  ],
};

describe('Referrals view rules', () => {
  it('puts overdue letters first, then two-week-wait, rejected, returned/DNA, urgent, the rest', () => {
    const order = sortByUrgency(rowsOf(lists, 'organisation', ME), TODAY).map((r) => `${r.ubrn.slice(-1)}:${r.list}`);
    expect(order).toEqual([
      '2:LETTERS_OUTSTANDING',
      '5:AWAITING_BOOKING',
      '3:REJECTED_TRIAGE_RESPONSE',
      '4:ASSESSMENT_RETURNED_CANCELLED_DNA',
      '6:AWAITING_BOOKING',
      '1:AWAITING_BOOKING',
      '1:LETTERS_OUTSTANDING',
    ]);
  });

  it('"mine" keeps only referrals whose referrer is the signed-in user; the badge counts referrals, not rows', () => {
    expect(rowsOf(lists, 'mine', ME).map((r) => r.ubrn)).not.toContain('000000000002');
    expect(rowsOf(lists, 'mine', 'admin-user')).toEqual([]);
    expect(badgeCount(lists, 'organisation', ME)).toBe(6);
    expect(badgeCount(lists, 'mine', ME)).toBe(5);
  });

  it('shows the due date or the state and reason in words', () => {
    const [overdue] = rowsOf({ LETTERS_OUTSTANDING: lists.LETTERS_OUTSTANDING }, 'organisation', ME).filter((r) => r.ubrn.endsWith('2'));
    expect(rowView(overdue, TODAY)).toMatchObject({ detail: 'Letter overdue since 2026-11-28', overdue: true, priority: 'Routine', created: '2026-11-20' });
    const [rejected] = rowsOf({ REJECTED_TRIAGE_RESPONSE: lists.REJECTED_TRIAGE_RESPONSE }, 'organisation', ME);
    const view = rowView(rejected, TODAY, (c) => (c === 'SERVICE_INAPPROPRIATE' ? 'Inappropriate service' : undefined));
    expect(view).toMatchObject({ detail: 'Rejected by the provider: Inappropriate service', needsResponseRead: true });
  });

  it('tells the record about the open patient across the organisation, before a new referral', () => {
    const two: Lists = {
      REJECTED_TRIAGE_RESPONSE: [item('000000000003', { status: 'REJECTED', referrer: OTHER })],
      AWAITING_BOOKING: [item('000000000005', { status: 'NOT_BOOKED' })],
    };
    expect(patientReferrals(two, '9434765919').text).toBe('2 referrals for this patient: 1 rejected — read the response');
    expect(patientReferrals(lists, '9000000009')).toMatchObject({ count: 1, returned: 1 });
    expect(patientReferrals(lists, '9999999999')).toMatchObject({ count: 0, text: '' });
  });
});
