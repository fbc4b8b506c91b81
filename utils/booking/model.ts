// One booking attempt per referral, persisted before anything is sent (utils/booking/machine.ts).
import type { AppointmentSummary, DeferReason, FreeSlot } from '../ers/booking';

export type BookingPhase =
  /** Nothing in flight: may list slots, book or defer. */
  | 'idle'
  /** A016 book sent (persisted first); its answer not yet recorded. */
  | 'booking'
  /** A016 defer sent; its answer not yet recorded. */
  | 'deferring'
  /** A034 cancel sent; its answer not yet recorded. */
  | 'cancelling'
  /** The answer was lost or was a 5xx, and reading back has not settled it yet. Never re-sent. */
  | 'outcome-unknown'
  | 'booked'
  | 'deferred'
  | 'cancelled';

export type BookingIntent =
  | { kind: 'book'; serviceId: string; slot: FreeSlot }
  | { kind: 'defer'; serviceId: string; reason: DeferReason; slot?: string; comment?: string }
  | { kind: 'cancel'; appointmentId: string; reason: { system: string; code: string }; comment?: string };

/** What the user can do next, offered with the message. */
export type BookingOffer =
  /** List the slots again (the one chosen was taken, or unsuitable). */
  | 'fresh-slots'
  /** Defer to the provider with this reason (and, for SLOT_NOT_AVAILABLE, the slot). */
  | { defer: DeferReason; slot?: string }
  /** Send the same request again: only after e-RS was read back and shows it did not happen. */
  | 'try-again'
  /** Read e-RS again (the read-back itself failed). */
  | 'check-again'
  /** Reload the referral (someone else changed it). */
  | 'reload';

export interface BookingProblem {
  code?: string;
  status?: number;
  message: string;
  offers: BookingOffer[];
}

export interface BookingRecord {
  ubrn: string;
  /** ownerKey() of the user: one user never sees another's bookings. */
  owner: string;
  nhsNumber: string;
  phase: BookingPhase;
  /** The request in flight or last sent. */
  intent?: BookingIntent;
  /** The referral version the request named (A016) or the appointment version (A034 If-Match). */
  sentVersion?: string;
  sentAt?: number;
  appointment?: AppointmentSummary;
  problem?: BookingProblem;
  /** Said when the read-back found the booking made even though the answer was lost or an error. */
  notice?: string;
  updatedAt: number;
}

/** Phases in which a request may have reached e-RS without its answer being recorded. */
export const IN_FLIGHT: readonly BookingPhase[] = ['booking', 'deferring', 'cancelling', 'outcome-unknown'];
