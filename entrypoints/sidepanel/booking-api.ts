// What the booking part of the panel needs from the background, as one interface: the real one sends
// the booking messages (utils/booking/messages.ts); component tests pass a fake. Each call names its
// target: a referral just created from a draft, or one opened from the Referrals view (by UBRN).
import type { SearchCriteria, SearchResult } from '../../utils/ers/index';
import type { BookingTarget, BookingView, CancelReasonView, ShortlistChangeAnswer, SlotsView } from '../../utils/booking/messages';
import { bookingLetterKey } from '../../utils/booking/model';
import { sendMessage } from '../../utils/messaging/client';
import { getBlob } from '../../utils/referral/store';
import { fromBase64 } from '../../utils/tracking/files';

export type { BookingTarget };
export type DeferReason = 'NO_SLOTS_AT_SERVICE' | 'SLOT_NOT_AVAILABLE' | 'BOOKING_ATTEMPT_PROBLEM';

export interface BookingApi {
  view(target: BookingTarget): Promise<BookingView>;
  slots(target: BookingTarget, pages?: number): Promise<SlotsView>;
  book(target: BookingTarget, slotId: string): Promise<BookingView>;
  defer(target: BookingTarget, reason: DeferReason, slot?: string): Promise<BookingView>;
  cancelReasons(): Promise<CancelReasonView[]>;
  cancel(target: BookingTarget, reason: string, comment?: string): Promise<BookingView>;
  /** The appointment confirmation (or deferral) letter, if any: kept beside a draft, or read from e-RS for a UBRN. */
  letter(target: BookingTarget): Promise<Blob | undefined>;
  /** Services to change the shortlist to (A010 for the referral's patient and commissioning organisation). */
  search(target: BookingTarget, criteria: SearchCriteria, specialtySystem?: string): Promise<SearchResult>;
  /** Change the shortlist to these services of the last search (A031, sent once). */
  changeShortlist(target: BookingTarget, serviceIds: string[]): Promise<ShortlistChangeAnswer>;
}

export const browserBookingApi: BookingApi = {
  view: (target) => sendMessage('booking/view', { target }),
  slots: (target, pages) => sendMessage('booking/slots', { target, ...(pages ? { pages } : {}) }),
  book: (target, slotId) => sendMessage('booking/book', { target, slotId }),
  defer: (target, reason, slot) => sendMessage('booking/defer', { target, reason, ...(slot ? { slot } : {}) }),
  cancelReasons: () => sendMessage('booking/cancel-reasons'),
  cancel: (target, reason, comment) => sendMessage('booking/cancel', { target, reason, ...(comment ? { comment } : {}) }),
  async letter(target) {
    if ('draftId' in target) return getBlob(bookingLetterKey(target.draftId));
    const file = await sendMessage('booking/letter', { ubrn: target.ubrn });
    return new Blob([fromBase64(file.base64) as BlobPart], { type: file.contentType });
  },
  search: (target, criteria, specialtySystem) => sendMessage('booking/search', { target, criteria, ...(specialtySystem ? { specialtySystem } : {}) }),
  changeShortlist: (target, serviceIds) => sendMessage('booking/change-shortlist', { target, serviceIds }),
};
