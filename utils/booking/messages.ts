// The side panel's booking messages (extension pages only). Every one names its target: a draft
// whose referral has been created (the referral facts read from that draft), or the UBRN of a
// referral opened from the Referrals view (the facts read from e-RS); never facts from the page.
import { SORT_BY } from 'ers-contract';
import { z } from 'zod';
import type { SlotDay } from '../ers/booking';
import type { SearchResult } from '../ers/client';
import { defineMessage, FROM_PAGES, messageSchema } from '../messaging/kit';
import { searchCriteriaSchema } from '../referral/messages';
import type { FileAnswer } from '../tracking/files';
import type { BookingRecord } from './model';
import type { BookingStep } from './step';

const target = z.union([z.object({ draftId: z.string().min(3).max(400) }).strict(), z.object({ ubrn: z.string().regex(/^\d{12}$/) }).strict()]);
const slotId = z.string().regex(/^\d{1,20}$/);
const serviceId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

/** What a booking message is about: a created referral of this browser's draft, or a referral by UBRN. */
export type BookingTarget = { draftId: string } | { ubrn: string };

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

/** An A004 APPOINTMENT-CANCELLATION-REASON this user may give now. */
export interface CancelReasonView {
  code: string;
  display: string;
  commentIsMandatory: boolean;
}

export const bookingMessages = {
  /** What can be done for the draft's referral now, and the booking record (settled first when in flight). */
  'booking/view': defineMessage<BookingView>()(messageSchema('booking/view', { target }), FROM_PAGES),
  /** Free slots of the directly bookable shortlisted service, grouped by day; `pages` more on request. */
  'booking/slots': defineMessage<SlotsView>()(messageSchema('booking/slots', { target, pages: z.number().int().min(1).max(10).optional() }), FROM_PAGES),
  /** Book one slot (it must be in the latest list read for this draft), at most once. */
  'booking/book': defineMessage<BookingView>()(messageSchema('booking/book', { target, slotId }), FROM_PAGES),
  /** Defer to the provider with one of the three reasons e-RS allows. */
  'booking/defer': defineMessage<BookingView>()(
    messageSchema('booking/defer', {
      target,
      reason: z.enum(['NO_SLOTS_AT_SERVICE', 'SLOT_NOT_AVAILABLE', 'BOOKING_ATTEMPT_PROBLEM']),
      slot: z
        .string()
        .regex(/^Slot\/\d{1,20}$/)
        .optional(),
      comment: z.string().max(1000).optional(),
    }),
    FROM_PAGES,
  ),
  /** The cancellation reasons this user may give (A004, filtered for the role's business function). */
  'booking/cancel-reasons': defineMessage<CancelReasonView[]>()(messageSchema('booking/cancel-reasons', {}), FROM_PAGES),
  /** Cancel the booked appointment (A034) with one of those reasons, at most once. */
  'booking/cancel': defineMessage<BookingView>()(
    messageSchema('booking/cancel', { target, reason: z.string().min(1).max(100), comment: z.string().max(1000).optional() }),
    FROM_PAGES,
  ),
  /** The appointment confirmation (or deferral) letter of a referral by UBRN (A019), read when asked: never kept. */
  'booking/letter': defineMessage<FileAnswer>()(messageSchema('booking/letter', { ubrn: z.string().regex(/^\d{12}$/) }), FROM_PAGES),
  /**
   * Search services to change the referral's shortlist to (A010), for the patient and commissioning
   * organisation e-RS holds for it; the background keeps the results, which the change must come from.
   */
  'booking/search': defineMessage<SearchResult>()(
    messageSchema('booking/search', {
      target,
      criteria: searchCriteriaSchema,
      sortBy: z.enum(SORT_BY).optional(),
      specialtySystem: z.string().url().max(2048).optional(),
    }),
    FROM_PAGES,
  ),
  /** Change the shortlist to these services from that search (A031), sent once (a lost answer is read back). */
  'booking/change-shortlist': defineMessage<ShortlistChangeAnswer>()(
    messageSchema('booking/change-shortlist', { target, serviceIds: z.array(serviceId).min(1).max(20) }),
    FROM_PAGES,
  ),
} as const;

export type ShortlistChangeAnswer = { changed: true; notice?: string } | { changed: false; message: string; unknown?: boolean };
