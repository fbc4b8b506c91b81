// Book, defer or cancel at most once. A016 is not idempotent and e-RS may wait two minutes on the
// provider's PAS, so each request is recorded (BookingStore) *before* it is sent:
//
//   idle ─A016 book─▶ booking ─201─▶ booked            idle ─A016 defer─▶ deferring ─201─▶ deferred
//     ├─ refused (4xx with an e-RS code; utils/ers/outcome.ts) ─▶ idle, with a message and offers
//     └─ lost answer, 5xx (PAS 502/504), UNABLE_TO_CONFIRM ─▶ outcome-unknown ─read back─▶ booked / deferred / idle
//   booked ─A034─▶ cancelling ─200─▶ cancelled (lost answer ─▶ read back A038)
//
// Reading back is A005 (state and appointment reference) then A038: it always comes before anything
// else, and nothing is ever re-sent automatically; a booking found made is adopted, never repeated.
import type { AppointmentSummary, DeferReason, FreeSlot } from '../ers/booking';
import { bookSlot, cancelAppointment, deferToProvider, getAppointment, type BookableReferral } from '../ers/booking-client';
import type { ErsClient } from '../ers/client';
import { ErsError } from '../ers/errors';
import { classifyChangeFailure } from '../ers/outcome';
import { BOOKED_AFTER_ALL, BOOKED_BY_SOMEONE_ELSE, DEFERRED_AFTER_ALL, READ_BACK_FAILED, explainNotDone, explainRefusal } from './explain';
import { IN_FLIGHT, type BookingIntent, type BookingRecord } from './model';
import { BOOKABLE_STATES } from './step';
import type { BookingStore } from './store';

export interface BookingContext {
  client: ErsClient;
  store: BookingStore;
  /** ownerKey() of the signed-in user. */
  owner: string;
  now?: () => number;
  /** Told after every persisted change. */
  onChange?: (record: BookingRecord) => void;
}

async function save(ctx: BookingContext, ubrn: string, nhsNumber: string, change: Partial<BookingRecord>): Promise<BookingRecord> {
  const now = ctx.now?.() ?? Date.now();
  const record = await ctx.store.update(ctx.owner, ubrn, (current) => ({
    ...(current ?? { ubrn, owner: ctx.owner, nhsNumber, phase: 'idle' as const }),
    ...change,
    updatedAt: now,
  }));
  ctx.onChange?.(record);
  return record;
}

/** What may be sent now: undefined, or the record to return instead (in flight: resolved first; done: kept). */
async function guard(ctx: BookingContext, ubrn: string, kind: BookingIntent['kind']): Promise<BookingRecord | undefined> {
  const current = await ctx.store.get(ctx.owner, ubrn);
  if (!current) return undefined;
  if (IN_FLIGHT.includes(current.phase)) return resolveBooking(ctx, ubrn);
  // A booked or deferred referral is never booked or deferred again here; it must be cancelled first.
  if (kind !== 'cancel' && (current.phase === 'booked' || current.phase === 'deferred')) return current;
  return undefined;
}

async function send(
  ctx: BookingContext,
  referral: { ubrn: string; nhsNumber: string },
  intent: BookingIntent,
  sentVersion: string,
  call: () => Promise<AppointmentSummary>,
) {
  await save(ctx, referral.ubrn, referral.nhsNumber, {
    phase: intent.kind === 'book' ? 'booking' : intent.kind === 'defer' ? 'deferring' : 'cancelling',
    intent,
    sentVersion,
    sentAt: ctx.now?.() ?? Date.now(),
    problem: undefined,
    notice: undefined,
  });
  let appointment: AppointmentSummary;
  try {
    appointment = await call();
  } catch (error) {
    const unconfirmed = error instanceof ErsError && error.code === 'UNABLE_TO_CONFIRM_APPOINTMENT';
    if (classifyChangeFailure(error) === 'refused' && !unconfirmed) {
      return save(ctx, referral.ubrn, referral.nhsNumber, {
        phase: intent.kind === 'cancel' ? 'booked' : 'idle',
        problem: explainRefusal(error as ErsError, intent),
      });
    }
    await save(ctx, referral.ubrn, referral.nhsNumber, { phase: 'outcome-unknown' });
    return resolveBooking(ctx, referral.ubrn, error instanceof ErsError ? error : undefined);
  }
  const phase = intent.kind === 'book' ? 'booked' : intent.kind === 'defer' ? 'deferred' : 'cancelled';
  return save(ctx, referral.ubrn, referral.nhsNumber, { phase, appointment });
}

/** A016 book `slot` at `serviceId`, at most once. */
export async function bookOnce(ctx: BookingContext, referral: BookableReferral, serviceId: string, slot: FreeSlot): Promise<BookingRecord> {
  const stop = await guard(ctx, referral.ubrn, 'book');
  if (stop) return stop;
  return send(ctx, referral, { kind: 'book', serviceId, slot }, referral.version, () => bookSlot(ctx.client, referral, serviceId, slot));
}

/** A016 defer to the provider, at most once. */
export async function deferOnce(
  ctx: BookingContext,
  referral: BookableReferral,
  serviceId: string,
  reason: DeferReason,
  options: { slot?: string; comment?: string } = {},
): Promise<BookingRecord> {
  const stop = await guard(ctx, referral.ubrn, 'defer');
  if (stop) return stop;
  return send(ctx, referral, { kind: 'defer', serviceId, reason, ...options }, referral.version, () =>
    deferToProvider(ctx.client, referral, serviceId, reason, options),
  );
}

/** A034 cancel the current booked appointment (read with A038 first, for its version), at most once. */
export async function cancelOnce(
  ctx: BookingContext,
  referral: { ubrn: string; nhsNumber: string },
  appointmentId: string,
  reason: { system: string; code: string; commentIsMandatory?: boolean },
  comment?: string,
): Promise<BookingRecord> {
  const stop = await guard(ctx, referral.ubrn, 'cancel');
  if (stop) return stop;
  const current = await getAppointment(ctx.client, appointmentId);
  if (current.summary.status === 'cancelled') return save(ctx, referral.ubrn, referral.nhsNumber, { phase: 'cancelled', appointment: current.summary });
  const intent: BookingIntent = { kind: 'cancel', appointmentId, reason: { system: reason.system, code: reason.code }, ...(comment ? { comment } : {}) };
  return send(ctx, referral, intent, current.summary.version ?? '', () =>
    cancelAppointment(ctx.client, { resource: current.resource, etag: current.summary.etag ?? '' }, reason, comment),
  );
}

/**
 * Settles a request whose outcome is not recorded (lost answer, 5xx, worker stopped mid-call) by
 * reading e-RS back: A005, then A038. Sends nothing. Safe to call at any time.
 */
export async function resolveBooking(ctx: BookingContext, ubrn: string, cause?: ErsError): Promise<BookingRecord> {
  const record = await ctx.store.get(ctx.owner, ubrn);
  if (!record) throw new Error('no booking record for this referral');
  if (!IN_FLIGHT.includes(record.phase)) return record;
  const intent = record.intent;
  try {
    if (intent?.kind === 'cancel') {
      const { summary } = await getAppointment(ctx.client, intent.appointmentId);
      if (summary.status === 'cancelled') return save(ctx, ubrn, record.nhsNumber, { phase: 'cancelled', appointment: summary, problem: undefined });
      return save(ctx, ubrn, record.nhsNumber, { phase: 'booked', appointment: summary, problem: explainNotDone(cause, intent) });
    }
    const referral = await ctx.client.getReferral(ubrn);
    const appointmentId = referral.appointmentReference?.replace(/^Appointment\//, '');
    if ((referral.state === 'BOOKED' || referral.state === 'DEFERRED_TO_PROVIDER') && appointmentId) {
      const { summary } = await getAppointment(ctx.client, appointmentId);
      const booked = referral.state === 'BOOKED';
      const ours = intent?.kind !== 'book' || summary.slot === intent.slot.reference;
      return save(ctx, ubrn, record.nhsNumber, {
        phase: booked ? 'booked' : 'deferred',
        appointment: summary,
        problem: undefined,
        notice: booked ? (ours ? BOOKED_AFTER_ALL : BOOKED_BY_SOMEONE_ELSE) : DEFERRED_AFTER_ALL,
      });
    }
    if (referral.state && !BOOKABLE_STATES.includes(referral.state)) {
      return save(ctx, ubrn, record.nhsNumber, {
        phase: 'idle',
        problem: { message: `The referral is now ${referral.state.toLowerCase().replace(/_/g, ' ')}; nothing more was sent.`, offers: ['reload'] },
      });
    }
    return save(ctx, ubrn, record.nhsNumber, { phase: 'idle', problem: explainNotDone(cause, intent) });
  } catch {
    // Could not read e-RS: stay unresolved. Nothing may be sent until a read-back succeeds.
    return save(ctx, ubrn, record.nhsNumber, { phase: 'outcome-unknown', problem: { message: READ_BACK_FAILED, offers: ['check-again'] } });
  }
}

/** On start-up (a restarted worker): settle every booking this user left in flight. */
export async function resumeBookings(ctx: BookingContext): Promise<BookingRecord[]> {
  const open = (await ctx.store.list(ctx.owner)).filter((r) => IN_FLIGHT.includes(r.phase));
  const out: BookingRecord[] = [];
  for (const r of open) out.push(await resolveBooking(ctx, r.ubrn));
  return out;
}
