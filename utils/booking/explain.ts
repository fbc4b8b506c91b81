// Plain-English messages and next steps for booking failures, after e-RS said no (refused) or after
// reading back showed a request with a lost answer did not happen. Pure.
import type { ErsError } from '../ers/errors';
import type { BookingIntent, BookingOffer, BookingProblem } from './model';

const PAS_ERROR = "The provider's booking system reported an error, and reading the referral back shows no appointment was booked.";
const PAS_TIMEOUT =
  "The provider's booking system did not answer in time (e-RS waits up to two minutes), and reading the referral back shows no appointment was booked.";
const LOST = 'The answer from e-RS was lost or was an error, and reading the referral back shows it was not done. Nothing was sent again.';

function deferOffers(intent: BookingIntent | undefined): BookingOffer[] {
  // A booking that got no answer may be deferred with BOOKING_ATTEMPT_PROBLEM (packages/ers-contract/docs/referral-lifecycle.md §3.5).
  return intent?.kind === 'book' ? ['try-again', { defer: 'BOOKING_ATTEMPT_PROBLEM' }] : ['try-again'];
}

/** e-RS refused the request (a proven refusal: nothing changed). */
export function explainRefusal(error: ErsError, intent: BookingIntent | undefined): BookingProblem {
  const base = { code: error.code, status: error.status };
  const slot = intent?.kind === 'book' ? intent.slot.reference : undefined;
  switch (error.code) {
    case 'SLOT_NOT_AVAILABLE':
      return {
        ...base,
        message: 'That slot was taken by someone else moments ago, so it was not booked. Choose another from the fresh list, or defer to the provider.',
        offers: ['fresh-slots', { defer: 'SLOT_NOT_AVAILABLE', ...(slot ? { slot } : {}) }],
      };
    case 'INAPPROPRIATE_SLOT':
      return { ...base, message: 'e-RS says that slot does not suit this referral. Nothing was booked; choose from the fresh list.', offers: ['fresh-slots'] };
    case 'SLOTS_CURRENTLY_AVAILABLE':
      return { ...base, message: 'The service has free slots now, so e-RS will not defer. Book one of them instead.', offers: ['fresh-slots'] };
    case 'THIS_SLOT_IS_AVAILABLE':
      return { ...base, message: 'That slot is free again, so it cannot be the reason for a deferral. Book it instead.', offers: ['fresh-slots'] };
  }
  if (error.status === 409) {
    return {
      ...base,
      message: 'Someone else changed this referral since it was read (it may already be booked). It has been read again; check it before going on.',
      offers: ['reload'],
    };
  }
  if (error.status === 423) {
    return {
      ...base,
      message: 'Another user or system is updating this referral right now. Nothing was booked; try again in a moment.',
      offers: ['try-again'],
    };
  }
  return { ...base, message: error.message, offers: [] };
}

/** Read back after a lost answer, a 5xx or UNABLE_TO_CONFIRM_APPOINTMENT: it was not done. */
export function explainNotDone(cause: ErsError | undefined, intent: BookingIntent | undefined): BookingProblem {
  const base = { code: cause?.code, status: cause?.status };
  if (cause?.code === 'UNABLE_TO_CONFIRM_APPOINTMENT') {
    return {
      ...base,
      message: 'e-RS could not confirm the appointment, and reading the referral back shows it is not booked. Try again, or defer to the provider.',
      offers: deferOffers(intent),
    };
  }
  if (cause?.status === 502) return { ...base, message: PAS_ERROR, offers: deferOffers(intent) };
  if (cause?.status === 504 || cause?.kind === 'outcome-unknown' || cause?.kind === 'timeout') {
    const pasTimeout = cause?.status === 504 || cause?.code === 'PAS_NOT_RESPONDING';
    return { ...base, message: pasTimeout ? PAS_TIMEOUT : LOST, offers: deferOffers(intent) };
  }
  return { ...base, message: LOST, offers: deferOffers(intent) };
}

export const READ_BACK_FAILED =
  'The answer was lost and e-RS could not be read to check what happened. Nothing has been sent again. Check again before doing anything else.';

export const BOOKED_AFTER_ALL =
  'The answer from e-RS was lost or was an error, but reading the referral back shows the appointment was booked. It was not booked twice.';
export const DEFERRED_AFTER_ALL = 'The answer from e-RS was lost or was an error, but reading the referral back shows it was deferred to the provider.';
export const BOOKED_BY_SOMEONE_ELSE =
  'Reading the referral back shows it is booked, but not in the slot chosen here: someone else booked it. Nothing more was sent.';
