// Background side of booking at the point of referral: slots (A015), book and defer (A016) through
// the at-most-once machine, bookings left in flight settled (read back) whenever a user is active.
// The referral facts come from the user's own draft, never from the page.
import { registerHandler, ProtocolError } from '../messages';
import { groupSlotsByDay, listAllSlots, type FreeSlot } from '../ers/index';
import type { Draft } from '../referral/model';
import { getOwnDraft } from '../referral/store';
import { currentOwner, getErsClient, onActive } from '../session/manager';
import { contactDays, expectContactBy } from './contact-by';
import { bookOnce, deferOnce, resolveBooking, resumeBookings, type BookingContext } from './machine';
import type { BookingView } from './messages';
import { IN_FLIGHT, type BookingRecord } from './model';
import { bookableReferral, bookingStepFor } from './step';
import { idbBookingStore } from './store';

/** The slots last listed per draft: a booking must name one of them (its times and clinician come from e-RS). */
const listed = new Map<string, FreeSlot[]>();

async function context(): Promise<{ ctx: BookingContext; owner: string }> {
  const owner = await currentOwner();
  if (!owner) throw new ProtocolError('not-signed-in', 'Sign in to book.');
  return { owner, ctx: { client: await getErsClient(), store: idbBookingStore, owner } };
}

async function createdDraft(owner: string, draftId: string): Promise<Draft> {
  const draft = await getOwnDraft(owner, draftId);
  if (!draft?.submission.ubrn) throw new ProtocolError('invalid-message', 'This referral has not been created yet.');
  return draft;
}

function referralOf(draft: Draft) {
  const r = bookableReferral(draft.submission, draft.patient.nhsNumber, draft.search.criteria.priority);
  if (typeof r === 'string') throw new ProtocolError('invalid-message', r);
  return r;
}

async function view(ctx: BookingContext, draft: Draft, record: BookingRecord | undefined): Promise<BookingView> {
  const triaged = draft.submission.route === 'A021' || draft.submission.route === 'A011+A016';
  let by: string | undefined;
  if (record?.phase === 'deferred' && record.appointment?.created) {
    const { concepts } = await ctx.client.getCodeSystem('PRIORITY').catch(() => ({ concepts: [] }));
    by = expectContactBy(record.appointment.created, contactDays(concepts, draft.search.criteria.priority, 'deferral'));
  }
  return { step: bookingStepFor(draft.shortlist, triaged), ...(record ? { record } : {}), ...(by ? { expectContactBy: by } : {}) };
}

export function registerBooking(): void {
  registerHandler('booking/view', async ({ draftId }) => {
    const { ctx, owner } = await context();
    const draft = await createdDraft(owner, draftId);
    let record = await ctx.store.get(owner, draft.submission.ubrn!);
    if (record && IN_FLIGHT.includes(record.phase)) record = await resolveBooking(ctx, record.ubrn);
    return view(ctx, draft, record);
  });

  registerHandler('booking/slots', async ({ draftId, pages }) => {
    const { ctx, owner } = await context();
    const draft = await createdDraft(owner, draftId);
    const step = bookingStepFor(draft.shortlist, false);
    if (step.kind !== 'book') throw new ProtocolError('invalid-message', 'No directly bookable service is on the shortlist.');
    const found = await listAllSlots(ctx.client, referralOf(draft), { serviceId: step.serviceId, pageSize: 20 }, pages ?? 1);
    listed.set(draftId, found.slots);
    return { serviceId: step.serviceId, days: groupSlotsByDay(found.slots), ...(found.nextPage ? { nextPage: found.nextPage } : {}) };
  });

  registerHandler('booking/book', async ({ draftId, slotId }) => {
    const { ctx, owner } = await context();
    const draft = await createdDraft(owner, draftId);
    const step = bookingStepFor(draft.shortlist, false);
    const slot = listed.get(draftId)?.find((s) => s.id === slotId);
    if (step.kind !== 'book' || !slot) throw new ProtocolError('invalid-message', 'That slot is not in the list shown. Show the slots again.');
    // The referral version moves with every change: read it back rather than trust the draft's copy.
    const current = await ctx.client.getReferral(draft.submission.ubrn!);
    const record = await bookOnce(ctx, { ...referralOf(draft), version: current.version }, step.serviceId, slot);
    return view(ctx, draft, record);
  });

  registerHandler('booking/defer', async ({ draftId, reason, slot, comment }) => {
    const { ctx, owner } = await context();
    const draft = await createdDraft(owner, draftId);
    const step = bookingStepFor(draft.shortlist, false);
    if (step.kind !== 'book') throw new ProtocolError('invalid-message', 'No directly bookable service is on the shortlist.');
    const current = await ctx.client.getReferral(draft.submission.ubrn!);
    const record = await deferOnce(ctx, { ...referralOf(draft), version: current.version }, step.serviceId, reason, { slot, comment });
    return view(ctx, draft, record);
  });

  // A worker that stopped mid-booking: settle by reading back when the user is active again.
  onActive(() => {
    void context()
      .then(({ ctx }) => resumeBookings(ctx))
      .catch(() => undefined);
  });
}
