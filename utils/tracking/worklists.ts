// The referrer worklists as the Referrals view and the record show them: one row per referral and
// list, most urgent first, "mine" against "my organisation", and the line said about the open patient
// before a new referral is started. Pure functions of the A008 items (utils/ers/parse.ts).
import type { ReferrerWorklist } from 'ers-contract';
import type { WorklistItem } from '../ers/parse';

export type Lists = Partial<Record<ReferrerWorklist, readonly WorklistItem[]>>;

export interface TrackedReferral extends WorklistItem {
  list: ReferrerWorklist;
}

/** Which referrals the user sees: their own, or every referral of the organisation. */
export type Scope = 'mine' | 'organisation';

const PRIORITY_LABEL: Record<string, string> = { ROUTINE: 'Routine', URGENT: 'Urgent', TWO_WEEK_WAIT: 'Two week wait' };

const NEEDS_ACTION: Record<string, string> = {
  REJECTED: 'Rejected by the provider',
  TRIAGE_RESPONSE: 'Returned by triage with a response',
  ASSESSMENT_RESULT: 'Returned after assessment',
  CANCELLED_REFERRAL: 'Cancelled by the provider',
  DID_NOT_ATTEND: 'Patient did not attend',
  NOT_BOOKED: 'Not booked',
  AWAITING_TRIAGE: 'Awaiting triage',
  DEFERRED_TO_PROVIDER: 'Deferred to the provider',
  APP_CANCELLED_BY_PATIENT: 'Appointment cancelled by the patient',
  APP_CANCELLED_BY_PROVIDER: 'Appointment cancelled by the provider',
};

/**
 * "Mine" is decided by the worklist item's `referrer` (the SDS user id e-RS records as the referring
 * clinician) being the signed-in user's SDS id. An administrator (RCA) who refers on behalf of
 * clinicians is not the referrer, so their "mine" is empty and they work from "my organisation".
 * e-RS does not say whether the lists hold only the caller's own referrals, so this filter is ours.
 */
export function isMine(item: Pick<WorklistItem, 'referrer'>, userId: string): boolean {
  return item.referrer !== undefined && item.referrer === userId;
}

/** Flattens the lists into rows (a referral may be on two lists, e.g. letter outstanding and awaiting booking). */
export function rowsOf(lists: Lists, scope: Scope, userId: string): TrackedReferral[] {
  const rows: TrackedReferral[] = [];
  for (const [list, items] of Object.entries(lists) as [ReferrerWorklist, readonly WorklistItem[]][]) {
    for (const item of items) if (scope === 'organisation' || isMine(item, userId)) rows.push({ ...item, list });
  }
  return rows;
}

/** A letter is overdue when its due date is before today (dates compared as YYYY-MM-DD). */
export function isOverdue(item: Pick<WorklistItem, 'letterDue'>, today: string): boolean {
  return item.letterDue !== undefined && item.letterDue < today;
}

/**
 * Urgency band, lower first: overdue letters; two-week-wait; rejected or returned by triage (the
 * patient is waiting on nobody); returned, cancelled by the provider or did not attend; urgent;
 * everything else.
 */
export function urgency(row: TrackedReferral, today: string): number {
  if (row.list === 'LETTERS_OUTSTANDING' && isOverdue(row, today)) return 0;
  if (row.priority === 'TWO_WEEK_WAIT') return 1;
  if (row.list === 'REJECTED_TRIAGE_RESPONSE') return 2;
  if (row.list === 'ASSESSMENT_RETURNED_CANCELLED_DNA') return 3;
  if (row.priority === 'URGENT') return 4;
  return 5;
}

/** Most urgent first; within a band the oldest (due date, else last update, else creation) first; then UBRN. */
export function sortByUrgency(rows: readonly TrackedReferral[], today: string): TrackedReferral[] {
  const when = (r: TrackedReferral) => r.letterDue ?? r.lastUpdated ?? r.created ?? '';
  return rows
    .map((r) => ({ r, band: urgency(r, today), at: when(r) }))
    .sort((a, b) => a.band - b.band || (a.at < b.at ? -1 : a.at > b.at ? 1 : 0) || (a.r.ubrn < b.r.ubrn ? -1 : 1))
    .map((x) => x.r);
}

export interface ReferralRow {
  ubrn: string;
  list: ReferrerWorklist;
  nhsNumber?: string;
  priority: string;
  /** e-RS's display text such as `CARDIOLOGY/HEART_FAILURE`: shown as given, never parsed. */
  context: string;
  created?: string;
  /** The due date (letters outstanding) or the state and reason. */
  detail: string;
  overdue: boolean;
  needsResponseRead: boolean;
}

/** What one row of the Referrals view shows. `reasonDisplay` turns a reason code into words (A004 data). */
export function rowView(row: TrackedReferral, today: string, reasonDisplay: (code: string) => string | undefined = () => undefined): ReferralRow {
  const overdue = row.list === 'LETTERS_OUTSTANDING' && isOverdue(row, today);
  const state = row.status ? (NEEDS_ACTION[row.status] ?? row.status) : '';
  const reason = row.reason ? (reasonDisplay(row.reason) ?? row.reason) : undefined;
  const detail =
    row.list === 'LETTERS_OUTSTANDING'
      ? `Letter ${overdue ? 'overdue since' : 'due'} ${row.letterDue ?? 'date not given'}`
      : [state, reason].filter(Boolean).join(': ');
  return {
    ubrn: row.ubrn,
    list: row.list,
    nhsNumber: row.nhsNumber,
    priority: row.priority ? (PRIORITY_LABEL[row.priority] ?? row.priority) : 'Priority not given',
    context: row.clinicalContext ?? '',
    created: row.created?.slice(0, 10),
    detail,
    overdue,
    needsResponseRead: row.list === 'REJECTED_TRIAGE_RESPONSE' || row.list === 'ASSESSMENT_RETURNED_CANCELLED_DNA',
  };
}

/** The count badge: referrals (not rows) that need the user, in the chosen scope. */
export function badgeCount(lists: Lists, scope: Scope, userId: string): number {
  return new Set(rowsOf(lists, scope, userId).map((r) => r.ubrn)).size;
}

export interface PatientReferrals {
  count: number;
  rejected: number;
  returned: number;
  lettersOutstanding: number;
  /** e.g. "2 referrals for this patient: 1 rejected — read the response". Empty when there are none. */
  text: string;
}

/**
 * What the record says about the open patient before a new referral is started. Counts referrals of
 * the whole organisation (another clinician may already have referred this patient), matched on the
 * NHS number only.
 */
export function patientReferrals(lists: Lists, nhsNumber: string): PatientReferrals {
  const rows = rowsOf(lists, 'organisation', '').filter((r) => r.nhsNumber === nhsNumber);
  const ubrns = (pred: (r: TrackedReferral) => boolean) => new Set(rows.filter(pred).map((r) => r.ubrn)).size;
  const count = ubrns(() => true);
  const rejected = ubrns((r) => r.list === 'REJECTED_TRIAGE_RESPONSE');
  const returned = ubrns((r) => r.list === 'ASSESSMENT_RETURNED_CANCELLED_DNA');
  const lettersOutstanding = ubrns((r) => r.list === 'LETTERS_OUTSTANDING');
  if (count === 0) return { count, rejected, returned, lettersOutstanding, text: '' };
  const parts = [
    rejected ? `${rejected} rejected — read the response` : '',
    returned ? `${returned} returned or cancelled — read the response` : '',
    lettersOutstanding ? `${lettersOutstanding} waiting for a letter` : '',
  ].filter(Boolean);
  const head = `${count} referral${count === 1 ? '' : 's'} for this patient`;
  return { count, rejected, returned, lettersOutstanding, text: parts.length ? `${head}: ${parts.join('; ')}` : head };
}
