// What the panel offers after a referral is created, from the shortlist as A010 described it (no
// extra call): book a directly bookable service, or tell the user the patient phones an indirectly
// bookable one, or nothing to book (sent to triage). And the referral facts a booking needs. Pure.
import type { BookableReferral } from '../ers/booking-client';
import type { Priority } from 'ers-contract';
import type { ServiceDetails } from '../ers/booking';
import type { ServiceSummary } from '../ers/parse';

export type BookingStep =
  | { kind: 'book'; serviceId: string; serviceName: string }
  | { kind: 'patient-phones'; serviceName: string; phone?: string }
  | { kind: 'none' };

/** Referral states from which e-RS accepts a booking or a deferral (packages/ers-contract/docs/referral-lifecycle.md §3.5). */
export const BOOKABLE_STATES: readonly string[] = ['NOT_BOOKED', 'APP_CANCELLED_BY_PATIENT', 'APP_CANCELLED_BY_PROVIDER'];

/** The first directly bookable shortlisted service is booked; e-RS books one service per referral. */
export function bookingStepFor(shortlist: readonly Pick<ServiceSummary, 'id' | 'name' | 'bookableType' | 'isTriage'>[], triaged: boolean): BookingStep {
  if (triaged) return { kind: 'none' };
  const dbs = shortlist.find((s) => !s.isTriage && s.bookableType === 'DIRECTLY_BOOKABLE');
  if (dbs) return { kind: 'book', serviceId: dbs.id, serviceName: dbs.name };
  const ibs = shortlist.find((s) => !s.isTriage && s.bookableType === 'INDIRECTLY_BOOKABLE');
  return ibs ? { kind: 'patient-phones', serviceName: ibs.name } : { kind: 'none' };
}

/**
 * The same choice for a referral opened from the Referrals view, which has no draft: its state and
 * shortlist from A005, each service's bookable type from A035. Nothing is offered unless e-RS would
 * accept a booking in that state; services are taken in the shortlist's order.
 */
export function trackedBookingStep(
  state: string | undefined,
  shortlist: readonly { id: string }[],
  services: readonly Pick<ServiceDetails, 'id' | 'name' | 'kind' | 'contacts'>[],
): BookingStep {
  if (!state || !BOOKABLE_STATES.includes(state)) return { kind: 'none' };
  const ordered = shortlist.flatMap((s) => services.filter((d) => d.id === s.id));
  const dbs = ordered.find((s) => s.kind === 'DBS');
  if (dbs) return { kind: 'book', serviceId: dbs.id, serviceName: dbs.name };
  const ibs = ordered.find((s) => s.kind === 'IBS');
  return ibs ? { kind: 'patient-phones', serviceName: ibs.name, ...(ibs.contacts[0] ? { phone: ibs.contacts[0].value } : {}) } : { kind: 'none' };
}

/** The referral facts for A015/A016 from a created referral, or a reason it cannot be booked yet. */
export function bookableReferral(
  submission: { ubrn?: string; version?: string; commissioningRuleOrg?: string },
  nhsNumber: string,
  priority: Priority | undefined,
): BookableReferral | string {
  if (!submission.ubrn || !submission.version) return 'The referral is not created yet.';
  if (!submission.commissioningRuleOrg) return 'Read the referral again before booking: its commissioning organisation is not known.';
  return {
    ubrn: submission.ubrn,
    version: submission.version,
    nhsNumber,
    ...(priority ? { priority } : {}),
    commissioningRuleOrg: submission.commissioningRuleOrg,
  };
}
