// Background side of booking at the point of referral: slots (A015), book and defer (A016), cancel
// (A034) through the at-most-once machine; the A019 letter kept for the patient once booked or
// deferred; bookings left in flight settled (read back) whenever a user is active. The referral
// facts come from the user's own draft, never from the page.
import { registerHandler, ProtocolError } from '../messages';
import { groupSlotsByDay, listAllSlots, ReferenceDataCache, type FreeSlot } from '../ers/index';
import type { Draft } from '../referral/model';
import { getOwnDraft, putBlob } from '../referral/store';
import { currentOwner, getErsClient, getSessionView, onActive } from '../session/manager';
import { referenceDataItem } from '../storage';
import { cancellationReasons } from './cancel-reasons';
import { contactDays, expectContactBy } from './contact-by';
import { bookOnce, cancelOnce, deferOnce, resolveBooking, resumeBookings, type BookingContext } from './machine';
import type { BookingView } from './messages';
import { bookingLetterKey, IN_FLIGHT, type BookingRecord } from './model';
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

const triagedOf = (draft: Draft) => draft.submission.route === 'A021' || draft.submission.route === 'A011+A016';

/**
 * The referral version to name in A016. Straight after the create the draft holds the version the
 * create's last step returned, so no read is needed; once a booking record exists (a retry, a 409,
 * booking again after a cancellation) the version has moved on: read it back (A005).
 */
async function versionFor(ctx: BookingContext, draft: Draft): Promise<string> {
  const record = await ctx.store.get(ctx.owner, draft.submission.ubrn!);
  if (!record && draft.submission.version) return draft.submission.version;
  return (await ctx.client.getReferral(draft.submission.ubrn!)).version;
}

/**
 * Once booked or deferred, A019 gives the patient's letter (an appointment confirmation, or the
 * deferral's): fetched once per appointment and kept as a blob, so the panel can print it offline.
 */
async function withLetter(ctx: BookingContext, draft: Draft, record: BookingRecord): Promise<BookingRecord> {
  if ((record.phase !== 'booked' && record.phase !== 'deferred') || !record.appointment) return record;
  const forWhat = `${record.phase}:${record.appointment.id}`;
  if (record.letter?.for === forWhat) return record;
  let change: Pick<BookingRecord, 'letter' | 'letterError'>;
  try {
    const pdf = await ctx.client.generatePatientLetter(record.ubrn);
    await putBlob(bookingLetterKey(draft.id), draft.id, new Blob([pdf.bytes as BlobPart], { type: 'application/pdf' }));
    change = { letter: { fileName: pdf.fileName, size: pdf.bytes.length, for: forWhat }, letterError: undefined };
  } catch {
    // The booking stands; only the letter is missing. Said on the panel, with the UBRN to give instead.
    change = { letterError: 'The letter for the patient could not be produced. Give the patient the UBRN and the appointment details.' };
  }
  return ctx.store.update(ctx.owner, record.ubrn, (current) => ({ ...(current ?? record), ...change }));
}

async function view(ctx: BookingContext, draft: Draft, record: BookingRecord | undefined): Promise<BookingView> {
  const triaged = triagedOf(draft);
  const kind = record?.phase === 'deferred' ? 'deferral' : triaged ? 'triage' : undefined;
  const from =
    kind === 'deferral'
      ? record?.appointment?.created
      : kind === 'triage' && draft.submission.createSentAt
        ? new Date(draft.submission.createSentAt).toISOString()
        : undefined;
  let by: string | undefined;
  if (kind && from) {
    // A004 PRIORITY from the daily cache the referral feature keeps (no request when fresh).
    const cache = new ReferenceDataCache(ctx.client, { get: (k) => referenceDataItem(k).get(), set: (k, v) => referenceDataItem(k).set(v) });
    const { concepts } = await cache.get('PRIORITY').catch(() => ({ concepts: [] }));
    by = expectContactBy(from, contactDays(concepts, draft.search.criteria.priority, kind));
  }
  return { step: bookingStepFor(draft.shortlist, triaged), ...(record ? { record } : {}), ...(by ? { expectContactBy: by } : {}) };
}

export function registerBooking(): void {
  registerHandler('booking/view', async ({ draftId }) => {
    const { ctx, owner } = await context();
    const draft = await createdDraft(owner, draftId);
    let record = await ctx.store.get(owner, draft.submission.ubrn!);
    if (record && IN_FLIGHT.includes(record.phase)) record = await resolveBooking(ctx, record.ubrn);
    if (record) record = await withLetter(ctx, draft, record);
    return view(ctx, draft, record);
  });

  registerHandler('booking/slots', async ({ draftId, pages }) => {
    const { ctx, owner } = await context();
    const draft = await createdDraft(owner, draftId);
    const step = bookingStepFor(draft.shortlist, triagedOf(draft));
    if (step.kind !== 'book') throw new ProtocolError('invalid-message', 'No directly bookable service is on the shortlist.');
    const found = await listAllSlots(ctx.client, referralOf(draft), { serviceId: step.serviceId, pageSize: 20 }, pages ?? 1);
    listed.set(draftId, found.slots);
    return { serviceId: step.serviceId, days: groupSlotsByDay(found.slots), ...(found.nextPage ? { nextPage: found.nextPage } : {}) };
  });

  registerHandler('booking/book', async ({ draftId, slotId }) => {
    const { ctx, owner } = await context();
    const draft = await createdDraft(owner, draftId);
    const step = bookingStepFor(draft.shortlist, triagedOf(draft));
    const slot = listed.get(draftId)?.find((s) => s.id === slotId);
    if (step.kind !== 'book' || !slot) throw new ProtocolError('invalid-message', 'That slot is not in the list shown. Show the slots again.');
    const version = await versionFor(ctx, draft);
    const record = await bookOnce(ctx, { ...referralOf(draft), version }, step.serviceId, slot);
    return view(ctx, draft, await withLetter(ctx, draft, record));
  });

  registerHandler('booking/defer', async ({ draftId, reason, slot, comment }) => {
    const { ctx, owner } = await context();
    const draft = await createdDraft(owner, draftId);
    const step = bookingStepFor(draft.shortlist, triagedOf(draft));
    if (step.kind !== 'book') throw new ProtocolError('invalid-message', 'No directly bookable service is on the shortlist.');
    const version = await versionFor(ctx, draft);
    const record = await deferOnce(ctx, { ...referralOf(draft), version }, step.serviceId, reason, { slot, comment });
    return view(ctx, draft, await withLetter(ctx, draft, record));
  });

  registerHandler('booking/cancel-reasons', async () => {
    const [client, session] = await Promise.all([getErsClient(), getSessionView()]);
    const { codeSystem } = await client.getCodeSystem('APPOINTMENT-CANCELLATION-REASON');
    return cancellationReasons(codeSystem, session.role?.businessFunction ?? '').map(({ code, display, commentIsMandatory }) => ({
      code,
      display,
      commentIsMandatory,
    }));
  });

  registerHandler('booking/cancel', async ({ draftId, reason, comment }) => {
    const { ctx, owner } = await context();
    const draft = await createdDraft(owner, draftId);
    const record = await ctx.store.get(owner, draft.submission.ubrn!);
    if (record?.phase !== 'booked' || !record.appointment) throw new ProtocolError('invalid-message', 'There is no booked appointment to cancel.');
    // The reason must be one this user may give now (A004, read at the moment of cancelling).
    const { codeSystem } = await ctx.client.getCodeSystem('APPOINTMENT-CANCELLATION-REASON');
    const session = await getSessionView();
    const chosen = cancellationReasons(codeSystem, session.role?.businessFunction ?? '').find((r) => r.code === reason);
    if (!chosen) throw new ProtocolError('invalid-message', 'Choose a reason from the list.');
    if (chosen.commentIsMandatory && !comment?.trim()) throw new ProtocolError('invalid-message', `Say why: "${chosen.display}" needs a comment.`);
    listed.delete(draftId);
    const after = await cancelOnce(ctx, { ubrn: record.ubrn, nhsNumber: record.nhsNumber }, record.appointment.id, chosen, comment?.trim() || undefined);
    return view(ctx, draft, after);
  });

  // A worker that stopped mid-booking: settle by reading back when the user is active again.
  onActive(() => {
    void context()
      .then(({ ctx }) => resumeBookings(ctx))
      .catch(() => undefined);
  });
}
