// Background side of booking: slots (A015), book and defer (A016), cancel (A034) through the
// at-most-once machine; changing the services (A031, utils/booking/shortlist.ts); the A019 letter for
// the patient once booked or deferred; bookings left in flight settled (read back) whenever a user is
// active. The target is a referral just created from the user's own draft (its facts read from the
// draft) or one opened from the Referrals view (its facts read from e-RS: A005, and A035 for the
// services' bookable types); never facts from the page. One booking record per referral and user
// whichever way it is reached, so the at-most-once rules hold across both.
import { registerHandler, ProtocolError } from '../messages';
import { getServices, groupSlotsByDay, listAllSlots, ReferenceDataCache, type BookableReferral, type FreeSlot, type SearchResult } from '../ers/index';
import type { Draft } from '../referral/model';
import { getOwnDraft, putBlob, updateDraft } from '../referral/store';
import { currentOwner, getErsClient, getSessionView, onActive } from '../session/manager';
import { referenceDataItem } from '../storage';
import { cancellationReasons } from './cancel-reasons';
import { contactDays, expectContactBy } from './contact-by';
import { bookOnce, cancelOnce, deferOnce, resolveBooking, resumeBookings, type BookingContext } from './machine';
import type { BookingTarget, BookingView } from './messages';
import { bookingLetterKey, IN_FLIGHT, type BookingRecord } from './model';
import { chooseServices, changeShortlistOnce } from './shortlist';
import { bookableReferral, bookingStepFor, trackedBookingStep, type BookingStep } from './step';
import { idbBookingStore } from './store';
import { toBase64 } from '../tracking/files';
import { referralLeft, refreshWorklists } from '../tracking/background';

/** The slots last listed per target: a booking must name one of them (its times and clinician come from e-RS). */
const listed = new Map<string, FreeSlot[]>();
/** The last service search per target: a new shortlist must come from it (its criteria are sent with it). */
const searched = new Map<string, SearchResult>();

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

const triagedOf = (draft: Draft) => draft.submission.route === 'A021' || draft.submission.route === 'A011+A016';

/** A booking target resolved: which referral, what may be booked, and its facts for A015/A016. */
interface Target {
  key: string;
  ubrn: string;
  draft?: Draft;
  step: BookingStep;
  priority?: string;
  /** The referral facts with its current version (read back when it may have moved on). */
  facts(): Promise<BookableReferral>;
}

function factsOr(r: BookableReferral | string): BookableReferral {
  if (typeof r === 'string') throw new ProtocolError('invalid-message', r);
  return r;
}

async function resolveTarget(ctx: BookingContext, owner: string, target: BookingTarget): Promise<Target> {
  if ('draftId' in target) {
    const draft = await createdDraft(owner, target.draftId);
    const priority = draft.search.criteria.priority;
    return {
      key: `draft:${draft.id}`,
      ubrn: draft.submission.ubrn!,
      draft,
      step: bookingStepFor(draft.shortlist, triagedOf(draft)),
      priority,
      facts: async () => ({ ...factsOr(bookableReferral(draft.submission, draft.patient.nhsNumber, priority)), version: await versionFor(ctx, draft) }),
    };
  }
  // e-RS decides who may see and book this referral (A005 answers only for a user allowed to).
  const referral = await ctx.client.getReferral(target.ubrn);
  const services =
    referral.shortlist.length > 0
      ? await getServices(
          ctx.client,
          referral.shortlist.map((s) => s.id),
        )
      : [];
  return {
    key: `ubrn:${referral.ubrn}`,
    ubrn: referral.ubrn,
    step: trackedBookingStep(referral.state, referral.shortlist, services),
    priority: referral.priority,
    facts: async () => factsOr(bookableReferral(referral, referral.nhsNumber, referral.priority)),
  };
}

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
 * deferral's): for a draft, fetched once per appointment and kept as a blob beside the draft, so the
 * panel can print it offline. A referral without a draft has nowhere its letter is removed with, so
 * its letter is read when the panel asks (booking/letter) and never kept.
 */
async function withLetter(ctx: BookingContext, t: Target, record: BookingRecord): Promise<BookingRecord> {
  const draft = t.draft;
  if (!draft || (record.phase !== 'booked' && record.phase !== 'deferred') || !record.appointment) return record;
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

/** A booking e-RS confirmed takes the referral off "awaiting booking" at once (utils/tracking/background.ts). */
async function settled(record: BookingRecord): Promise<BookingRecord> {
  if (record.phase === 'booked') await referralLeft(record.ubrn, ['AWAITING_BOOKING']).catch(() => undefined);
  return record;
}

async function view(ctx: BookingContext, t: Target, record: BookingRecord | undefined): Promise<BookingView> {
  const draft = t.draft;
  const triaged = draft ? triagedOf(draft) : false;
  const kind = record?.phase === 'deferred' ? 'deferral' : triaged ? 'triage' : undefined;
  const from =
    kind === 'deferral'
      ? record?.appointment?.created
      : kind === 'triage' && draft?.submission.createSentAt
        ? new Date(draft.submission.createSentAt).toISOString()
        : undefined;
  let by: string | undefined;
  if (kind && from && t.priority) {
    // A004 PRIORITY from the daily cache the referral feature keeps (no request when fresh).
    const cache = new ReferenceDataCache(ctx.client, { get: (k) => referenceDataItem(k).get(), set: (k, v) => referenceDataItem(k).set(v) });
    const { concepts } = await cache.get('PRIORITY').catch(() => ({ concepts: [] }));
    by = expectContactBy(from, contactDays(concepts, t.priority, kind));
  }
  return { step: t.step, ...(record ? { record } : {}), ...(by ? { expectContactBy: by } : {}) };
}

export function registerBooking(): void {
  registerHandler('booking/view', async ({ target }) => {
    const { ctx, owner } = await context();
    const t = await resolveTarget(ctx, owner, target);
    let record = await ctx.store.get(owner, t.ubrn);
    if (record && IN_FLIGHT.includes(record.phase)) record = await settled(await resolveBooking(ctx, record.ubrn));
    if (record) record = await withLetter(ctx, t, record);
    return view(ctx, t, record);
  });

  registerHandler('booking/slots', async ({ target, pages }) => {
    const { ctx, owner } = await context();
    const t = await resolveTarget(ctx, owner, target);
    const step = t.step;
    if (step.kind !== 'book') throw new ProtocolError('invalid-message', 'No directly bookable service is on the shortlist.');
    const found = await listAllSlots(ctx.client, await t.facts(), { serviceId: step.serviceId, pageSize: 20 }, pages ?? 1);
    listed.set(t.key, found.slots);
    return { serviceId: step.serviceId, days: groupSlotsByDay(found.slots), ...(found.nextPage ? { nextPage: found.nextPage } : {}) };
  });

  registerHandler('booking/book', async ({ target, slotId }) => {
    const { ctx, owner } = await context();
    const t = await resolveTarget(ctx, owner, target);
    const step = t.step;
    const slot = listed.get(t.key)?.find((s) => s.id === slotId);
    if (step.kind !== 'book' || !slot) throw new ProtocolError('invalid-message', 'That slot is not in the list shown. Show the slots again.');
    const record = await settled(await bookOnce(ctx, await t.facts(), step.serviceId, slot));
    return view(ctx, t, await withLetter(ctx, t, record));
  });

  registerHandler('booking/defer', async ({ target, reason, slot, comment }) => {
    const { ctx, owner } = await context();
    const t = await resolveTarget(ctx, owner, target);
    const step = t.step;
    if (step.kind !== 'book') throw new ProtocolError('invalid-message', 'No directly bookable service is on the shortlist.');
    const record = await deferOnce(ctx, await t.facts(), step.serviceId, reason, { slot, comment });
    return view(ctx, t, await withLetter(ctx, t, record));
  });

  registerHandler('booking/letter', async ({ ubrn }) => {
    const { ctx, owner } = await context();
    const record = await ctx.store.get(owner, ubrn);
    if (record?.phase !== 'booked' && record?.phase !== 'deferred') throw new ProtocolError('invalid-message', 'There is no booking for this referral.');
    const pdf = await ctx.client.generatePatientLetter(ubrn);
    return { fileName: pdf.fileName, contentType: 'application/pdf', base64: toBase64(pdf.bytes) };
  });

  registerHandler('booking/search', async ({ target, criteria, sortBy, specialtySystem }) => {
    const { ctx, owner } = await context();
    const facts =
      'draftId' in target
        ? await createdDraft(owner, target.draftId).then((d) => ({ ...d.submission, nhsNumber: d.patient.nhsNumber }))
        : await ctx.client.getReferral(target.ubrn);
    const session = await getSessionView();
    // The new services must be found for the patient and commissioning organisation e-RS holds for it.
    const found = await ctx.client.searchServices(
      {
        nhsNumber: facts.nhsNumber,
        criteria,
        ...(sortBy ? { sortBy } : {}),
        ...(specialtySystem ? { specialtySystem } : {}),
        ...(facts.commissioningRuleOrg ? { commissioningRuleOrganisation: facts.commissioningRuleOrg } : {}),
      },
      { businessFunction: session.role?.businessFunction },
    );
    searched.set('draftId' in target ? `draft:${target.draftId}` : `ubrn:${target.ubrn}`, found);
    return found;
  });

  registerHandler('booking/change-shortlist', async ({ target, serviceIds }) => {
    const { ctx, owner } = await context();
    const draft = 'draftId' in target ? await createdDraft(owner, target.draftId) : undefined;
    const ubrn = draft ? draft.submission.ubrn! : (target as { ubrn: string }).ubrn;
    const key = draft ? `draft:${draft.id}` : `ubrn:${ubrn}`;
    const found = searched.get(key);
    const chosen = chooseServices(found, serviceIds);
    if (typeof chosen === 'string') throw new ProtocolError('invalid-message', chosen);
    // No change while a booking may be in flight: settle it first (read back), never race it.
    const record = await ctx.store.get(owner, ubrn);
    if (record && IN_FLIGHT.includes(record.phase)) await resolveBooking(ctx, ubrn);
    const before = await ctx.client.getReferral(ubrn);
    const result = await changeShortlistOnce(ctx.client, before, found!, chosen);
    if (result.outcome !== 'changed') return { changed: false as const, message: result.message, ...(result.outcome === 'unknown' ? { unknown: true } : {}) };
    listed.delete(key);
    searched.delete(key);
    // The draft's shortlist and version now follow e-RS, so its booking step and A016 use the new ones.
    if (draft)
      await updateDraft(draft.id, (d) => {
        d.shortlist = chosen;
        d.criteriaResource = found!.criteria;
        d.submission.version = result.referral.version;
        d.submission.etag = result.referral.etag;
      });
    void refreshWorklists().catch(() => undefined);
    return { changed: true as const, ...(result.notice ? { notice: result.notice } : {}) };
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

  registerHandler('booking/cancel', async ({ target, reason, comment }) => {
    const { ctx, owner } = await context();
    const t = await resolveTarget(ctx, owner, target);
    const record = await ctx.store.get(owner, t.ubrn);
    if (record?.phase !== 'booked' || !record.appointment) throw new ProtocolError('invalid-message', 'There is no booked appointment to cancel.');
    // The reason must be one this user may give now (A004, read at the moment of cancelling).
    const { codeSystem } = await ctx.client.getCodeSystem('APPOINTMENT-CANCELLATION-REASON');
    const session = await getSessionView();
    const chosen = cancellationReasons(codeSystem, session.role?.businessFunction ?? '').find((r) => r.code === reason);
    if (!chosen) throw new ProtocolError('invalid-message', 'Choose a reason from the list.');
    if (chosen.commentIsMandatory && !comment?.trim()) throw new ProtocolError('invalid-message', `Say why: "${chosen.display}" needs a comment.`);
    listed.delete(t.key);
    const after = await cancelOnce(ctx, { ubrn: record.ubrn, nhsNumber: record.nhsNumber }, record.appointment.id, chosen, comment?.trim() || undefined);
    // Cancelled, the referral awaits booking again: fetch that list (it may come back on it).
    if (after.phase === 'cancelled') void refreshWorklists(['AWAITING_BOOKING']).catch(() => undefined);
    return view(ctx, after.phase === 'cancelled' ? await resolveTarget(ctx, owner, target) : t, after);
  });

  // A worker that stopped mid-booking: settle by reading back when the user is active again.
  onActive(() => {
    void context()
      .then(({ ctx }) => resumeBookings(ctx))
      .catch(() => undefined);
  });
}
