// The side panel's booking messages (extension pages only). Every one names a draft whose referral
// has been created; the background reads the referral facts from that draft, never from the page.
import { z } from 'zod';
import type { SlotDay } from '../ers/booking';
import { defineMessage, FROM_PAGES, messageSchema } from '../messaging/kit';
import type { BookingRecord } from './model';
import type { BookingStep } from './step';

const draftId = z.string().min(3).max(400);
const slotId = z.string().regex(/^\d{1,20}$/);

export interface BookingView {
  step: BookingStep;
  record?: BookingRecord;
  /** "Expect contact by" (YYYY-MM-DD) after a deferral. */
  expectContactBy?: string;
}

export interface SlotsView {
  serviceId: string;
  days: SlotDay[];
  nextPage?: number;
}

export const bookingMessages = {
  /** What can be done for the draft's referral now, and the booking record (settled first when in flight). */
  'booking/view': defineMessage<BookingView>()(messageSchema('booking/view', { draftId }), FROM_PAGES),
  /** Free slots of the directly bookable shortlisted service, grouped by day; `pages` more on request. */
  'booking/slots': defineMessage<SlotsView>()(messageSchema('booking/slots', { draftId, pages: z.number().int().min(1).max(10).optional() }), FROM_PAGES),
  /** Book one slot (it must be in the latest list read for this draft), at most once. */
  'booking/book': defineMessage<BookingView>()(messageSchema('booking/book', { draftId, slotId }), FROM_PAGES),
  /** Defer to the provider with one of the three reasons e-RS allows. */
  'booking/defer': defineMessage<BookingView>()(
    messageSchema('booking/defer', {
      draftId,
      reason: z.enum(['NO_SLOTS_AT_SERVICE', 'SLOT_NOT_AVAILABLE', 'BOOKING_ATTEMPT_PROBLEM']),
      slot: z
        .string()
        .regex(/^Slot\/\d{1,20}$/)
        .optional(),
      comment: z.string().max(1000).optional(),
    }),
    FROM_PAGES,
  ),
} as const;
