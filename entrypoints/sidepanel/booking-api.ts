// What the booking part of the done screen needs from the background, as one interface: the real
// one sends the booking messages (utils/booking/messages.ts); component tests pass a fake.
import type { BookingView, CancelReasonView, SlotsView } from '../../utils/booking/messages';
import { bookingLetterKey } from '../../utils/booking/model';
import { sendMessage } from '../../utils/messaging/client';
import { getBlob } from '../../utils/referral/store';

export type DeferReason = 'NO_SLOTS_AT_SERVICE' | 'SLOT_NOT_AVAILABLE' | 'BOOKING_ATTEMPT_PROBLEM';

export interface BookingApi {
  view(draftId: string): Promise<BookingView>;
  slots(draftId: string, pages?: number): Promise<SlotsView>;
  book(draftId: string, slotId: string): Promise<BookingView>;
  defer(draftId: string, reason: DeferReason, slot?: string): Promise<BookingView>;
  cancelReasons(): Promise<CancelReasonView[]>;
  cancel(draftId: string, reason: string, comment?: string): Promise<BookingView>;
  /** The appointment confirmation (or deferral) letter kept by the background, if any. */
  letter(draftId: string): Promise<Blob | undefined>;
}

export const browserBookingApi: BookingApi = {
  view: (draftId) => sendMessage('booking/view', { draftId }),
  slots: (draftId, pages) => sendMessage('booking/slots', { draftId, ...(pages ? { pages } : {}) }),
  book: (draftId, slotId) => sendMessage('booking/book', { draftId, slotId }),
  defer: (draftId, reason, slot) => sendMessage('booking/defer', { draftId, reason, ...(slot ? { slot } : {}) }),
  cancelReasons: () => sendMessage('booking/cancel-reasons'),
  cancel: (draftId, reason, comment) => sendMessage('booking/cancel', { draftId, reason, ...(comment ? { comment } : {}) }),
  letter: (draftId) => getBlob(bookingLetterKey(draftId)),
};
