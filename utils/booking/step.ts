// What the panel offers after a referral is created, from the shortlist as A010 described it (no
// extra call): book a directly bookable service, or tell the user the patient phones an indirectly
// bookable one, or nothing to book (sent to triage). And the referral facts a booking needs. Pure.
import type { BookableReferral } from '../ers/booking-client';
import type { Priority } from 'ers-contract';
import type { ServiceSummary } from '../ers/parse';

export type BookingStep = { kind: 'book'; serviceId: string; serviceName: string } | { kind: 'patient-phones'; serviceName: string } | { kind: 'none' };

/** The first directly bookable shortlisted service is booked; e-RS books one service per referral. */
export function bookingStepFor(shortlist: readonly Pick<ServiceSummary, 'id' | 'name' | 'bookableType' | 'isTriage'>[], triaged: boolean): BookingStep {
  if (triaged) return { kind: 'none' };
  const dbs = shortlist.find((s) => !s.isTriage && s.bookableType === 'DIRECTLY_BOOKABLE');
  if (dbs) return { kind: 'book', serviceId: dbs.id, serviceName: dbs.name };
  const ibs = shortlist.find((s) => !s.isTriage && s.bookableType === 'INDIRECTLY_BOOKABLE');
  return ibs ? { kind: 'patient-phones', serviceName: ibs.name } : { kind: 'none' };
}

/** The referral facts for A015/A016 from a created referral, or a reason it cannot be booked yet. */
export function bookableReferral(
  submission: { ubrn?: string; version?: string; commissioningRuleOrg?: string },
  nhsNumber: string,
  priority: Priority,
): BookableReferral | string {
  if (!submission.ubrn || !submission.version) return 'The referral is not created yet.';
  if (!submission.commissioningRuleOrg) return 'Read the referral again before booking: its commissioning organisation is not known.';
  return { ubrn: submission.ubrn, version: submission.version, nhsNumber, priority, commissioningRuleOrg: submission.commissioningRuleOrg };
}
