// The booking commands of `npm run ers`: slots, book, defer, appointment, cancel-appointment,
// change-shortlist, and the booking step of `refer --book earliest`. Books, defers and cancels go
// through the at-most-once machine (utils/booking/machine.ts). A CLI run is one process, so its
// booking records are kept in memory: each command settles its own outcome (reading back after a
// lost answer) before it exits, and prints it.
import { cancellationReasons } from '../utils/booking/cancel-reasons';
import { contactDays, expectContactBy } from '../utils/booking/contact-by';
import { bookOnce, cancelOnce, deferOnce, type BookingContext } from '../utils/booking/machine';
import type { BookingRecord } from '../utils/booking/model';
import type { BookingStore } from '../utils/booking/store';
import {
  changeShortlist,
  getAppointment,
  getServices,
  getServiceVersion,
  groupSlotsByDay,
  listAllSlots,
  listSlots,
  type DeferReason,
  type ErsClient,
  type FreeSlot,
  type ReferralSummary,
} from '../utils/ers';

export const BOOKING_HELP = `Booking (after the referral exists; --ubrn U):
  slots                   free slots of a directly bookable shortlisted service, by day (A005, A035, A015)
                          [--service ID] [--clinician SDS] [--page-size N] [--pages N]
  book                    book a slot: --slot ID or --earliest                      (A005, A015, A016)
  defer                   defer to the provider: --reason NO_SLOTS_AT_SERVICE|SLOT_NOT_AVAILABLE|
                          BOOKING_ATTEMPT_PROBLEM [--slot ID] [--comment T]          (A005, A016, A004)
  appointment             the referral's current appointment                        (A005, A038)
  cancel-appointment      cancel the booked appointment: --reason CODE [--comment T] (A004, A005, A038, A034)
  change-shortlist        replace the shortlist: --services ID,ID and the search criteria (A005, A010, A031)
  refer --book earliest   refer, then book the earliest slot (or defer when there is none)
`;

/** A process-lifetime BookingStore (see the file comment). */
export function memoryBookingStore(): BookingStore {
  const records = new Map<string, BookingRecord>();
  const key = (owner: string, ubrn: string) => `${owner}|${ubrn}`;
  return {
    async get(owner, ubrn) {
      return records.get(key(owner, ubrn));
    },
    async update(owner, ubrn, change) {
      const next = change(records.get(key(owner, ubrn)));
      records.set(key(owner, ubrn), next);
      return next;
    },
    async list(owner) {
      return [...records.values()].filter((r) => r.owner === owner);
    },
  };
}

export interface BookingArgs {
  ubrn?: string;
  service?: string;
  slot?: string;
  earliest?: boolean;
  reason?: string;
  comment?: string;
  clinician?: string;
  'page-size'?: string;
  pages?: string;
}

export class BookingUsageError extends Error {}

/** The first directly bookable service on the referral's shortlist (A035), or the one named. */
async function dbsOf(client: ErsClient, referral: ReferralSummary, named?: string): Promise<string> {
  if (named) {
    if (!referral.shortlist.some((s) => s.id === named)) throw new BookingUsageError(`service ${named} is not on the referral's shortlist`);
    return named;
  }
  const services = await getServices(
    client,
    referral.shortlist.map((s) => s.id),
  );
  const dbs = services.find((s) => s.kind === 'DBS');
  if (!dbs) {
    const ibs = services.find((s) => s.kind === 'IBS');
    throw new BookingUsageError(
      ibs
        ? `no directly bookable service on the shortlist: the patient phones ${ibs.name}${ibs.contacts[0] ? ` on ${ibs.contacts[0].value}` : ''} to book`
        : 'no directly bookable service on the shortlist',
    );
  }
  return dbs.id;
}

function count(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new BookingUsageError(`--${name} must be a whole number from 1`);
  return n;
}

async function findSlot(client: ErsClient, referral: ReferralSummary, serviceId: string, slotId: string | undefined): Promise<FreeSlot | undefined> {
  const { slots } = await listAllSlots(client, referral, { serviceId, pageSize: 100 }, slotId ? 5 : 1);
  return slotId ? slots.find((s) => s.id === slotId) : slots[0];
}

function result(record: BookingRecord, contactBy?: string) {
  return {
    ubrn: record.ubrn,
    phase: record.phase,
    appointment: record.appointment,
    ...(contactBy ? { expectContactBy: contactBy } : {}),
    ...(record.notice ? { notice: record.notice } : {}),
    ...(record.problem ? { problem: record.problem } : {}),
  };
}

async function contactByFor(client: ErsClient, record: BookingRecord, priority: string | undefined): Promise<string | undefined> {
  if (record.phase !== 'deferred' || !record.appointment?.created || !priority) return undefined;
  const { concepts } = await client.getCodeSystem('PRIORITY');
  return expectContactBy(record.appointment.created, contactDays(concepts, priority, 'deferral'));
}

/** Runs one booking command; undefined when `command` is not one of them. */
export async function bookingCommand(
  client: ErsClient,
  ctx: { owner: string; businessFunction?: string },
  command: string,
  args: BookingArgs,
  required: (value: string | undefined, name: string) => string,
): Promise<unknown> {
  const machine = (): BookingContext => ({ client, store: memoryBookingStore(), owner: ctx.owner });
  switch (command) {
    case 'slots': {
      const referral = await client.getReferral(required(args.ubrn, 'ubrn'));
      const serviceId = await dbsOf(client, referral, args.service);
      const found = await listAllSlots(
        client,
        referral,
        { serviceId, clinician: args.clinician, pageSize: count(args['page-size'], 'page-size', 20) },
        count(args.pages, 'pages', 1),
      );
      return {
        ubrn: referral.ubrn,
        serviceId,
        serviceVersion: await getServiceVersion(client, serviceId),
        total: found.total,
        nextPage: found.nextPage,
        days: groupSlotsByDay(found.slots),
      };
    }
    case 'book': {
      const referral = await client.getReferral(required(args.ubrn, 'ubrn'));
      const serviceId = await dbsOf(client, referral, args.service);
      if (!args.slot && !args.earliest) throw new BookingUsageError('book needs --slot ID or --earliest');
      const slot = await findSlot(client, referral, serviceId, args.slot);
      if (!slot)
        throw new BookingUsageError(
          args.slot
            ? `slot ${args.slot} is not free at service ${serviceId}`
            : `service ${serviceId} has no free slots: use defer --reason NO_SLOTS_AT_SERVICE`,
        );
      return result(await bookOnce(machine(), referral, serviceId, slot));
    }
    case 'defer': {
      const referral = await client.getReferral(required(args.ubrn, 'ubrn'));
      const serviceId = await dbsOf(client, referral, args.service);
      const reason = required(args.reason, 'reason') as DeferReason;
      if (!['NO_SLOTS_AT_SERVICE', 'SLOT_NOT_AVAILABLE', 'BOOKING_ATTEMPT_PROBLEM'].includes(reason))
        throw new BookingUsageError(`not a deferral reason: ${reason}`);
      const record = await deferOnce(machine(), referral, serviceId, reason, {
        slot: args.slot ? `Slot/${args.slot.replace(/^Slot\//, '')}` : undefined,
        comment: args.comment,
      });
      return result(record, await contactByFor(client, record, referral.priority));
    }
    case 'appointment': {
      const referral = await client.getReferral(required(args.ubrn, 'ubrn'));
      const id = referral.appointmentReference?.replace(/^Appointment\//, '');
      if (!id) return { ubrn: referral.ubrn, state: referral.state, appointment: null };
      return { ubrn: referral.ubrn, state: referral.state, appointment: (await getAppointment(client, id)).summary };
    }
    case 'cancel-appointment': {
      const code = required(args.reason, 'reason');
      const reasons = cancellationReasons((await client.getCodeSystem('APPOINTMENT-CANCELLATION-REASON')).codeSystem, ctx.businessFunction ?? '');
      const reason = reasons.find((r) => r.code === code);
      if (!reason) throw new BookingUsageError(`not a reason you may use to cancel: ${code} (choose from ${reasons.map((r) => r.code).join(', ')})`);
      if (reason.commentIsMandatory && !args.comment?.trim()) throw new BookingUsageError(`${code} needs --comment`);
      const referral = await client.getReferral(required(args.ubrn, 'ubrn'));
      const id = referral.appointmentReference?.replace(/^Appointment\//, '');
      if (!id || referral.state !== 'BOOKED') throw new BookingUsageError(`the referral has no booked appointment (it is ${referral.state})`);
      return result(await cancelOnce(machine(), referral, id, reason, args.comment));
    }
    default:
      return undefined;
  }
}

/** `refer --book earliest`: the earliest slot at the first directly bookable shortlisted service, or a deferral when it has none. */
export async function bookEarliest(
  client: ErsClient,
  owner: string,
  referral: ReferralSummary,
  serviceId: string,
): Promise<ReturnType<typeof result> & { steps: string[] }> {
  const ctx: BookingContext = { client, store: memoryBookingStore(), owner };
  const page = await listSlots(client, referral, { serviceId, pageSize: 20 });
  if (page.slots.length > 0) return { ...result(await bookOnce(ctx, referral, serviceId, page.slots[0])), steps: ['A015', 'A016'] };
  const record = await deferOnce(ctx, referral, serviceId, 'NO_SLOTS_AT_SERVICE');
  const { concepts } = await client.getCodeSystem('PRIORITY');
  const days = referral.priority ? contactDays(concepts, referral.priority, 'deferral') : undefined;
  const by = record.phase === 'deferred' && record.appointment?.created ? expectContactBy(record.appointment.created, days) : undefined;
  return { ...result(record, by), steps: ['A015', 'A016', 'A004'] };
}

/** `change-shortlist`: A031 with criteria searched for this referral's commissioning organisation. */
export async function changeShortlistCommand(
  client: ErsClient,
  referral: ReferralSummary,
  found: { criteria: Parameters<typeof changeShortlist>[1]['criteria']; services: { id: string; isTriage: boolean; referralLetterRequired?: boolean }[] },
  serviceIds: string[],
): Promise<ReferralSummary> {
  const shortlist = serviceIds.map((id) => {
    const s = found.services.find((x) => x.id === id);
    if (!s) throw new BookingUsageError(`not in the search results: ${id}`);
    return s;
  });
  return changeShortlist(client, { ubrn: referral.ubrn, etag: referral.etag, criteria: found.criteria, shortlist });
}
