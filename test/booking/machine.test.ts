// Booking at most once, against the real simulator over HTTP through the real client, with the
// booking records in (fake) IndexedDB. Faults stand in for the provider's PAS and for a lost answer.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { type FaultSpec, USER_IDS } from 'ers-simulator';
import { beforeEach, describe, expect, it } from 'vitest';
import { BOOKED_AFTER_ALL, READ_BACK_FAILED } from '../../utils/booking/explain';
import { bookOnce, cancelOnce, deferOnce, resolveBooking, resumeBookings, type BookingContext } from '../../utils/booking/machine';
import { idbBookingStore, resetBookingDbConnection } from '../../utils/booking/store';
import { ErsClient, getService, getServices, listAllSlots, listSlots, type BookableReferral, type RequestEvent } from '../../utils/ers';
import { simulatorForFile } from '../helpers/simulator-suite';

const sim = simulatorForFile(1);

let calls: RequestEvent[];
let ctx: BookingContext;
beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetBookingDbConnection();
  calls = [];
  const token = sim().issueToken(USER_IDS.adams);
  const client = new ErsClient({
    flavour: 'platform',
    baseUrl: `${sim().url}/referrals/FHIR`,
    credentials: () => ({ accessToken: token, businessFunction: 'REFERRING_CLINICIAN', ods: 'R68' }),
    retry: { baseDelayMs: 5, limit: 1 },
    onRequest: (e) => calls.push(e),
  });
  ctx = { client, store: idbBookingStore, owner: `${USER_IDS.adams}@R68` };
});

const UBRN = '000000070001'; // seeded: ROUTINE, shortlist 11002 (directly bookable), commissioned by R69
const count = (op: string) => calls.filter((c) => c.operation === op).length;

function referral() {
  return ctx.client.getReferral(UBRN);
}

async function earliest(r: BookableReferral) {
  return (await listSlots(ctx.client, r, { serviceId: '11002' })).slots[0];
}

/** Books the earliest slot at service 11002 with `fault` on the way. */
async function bookWith(fault: FaultSpec) {
  const r = await referral();
  const slot = await earliest(r);
  sim().injectFault(fault);
  return { r, slot, rec: await bookOnce(ctx, r, '11002', slot) };
}

describe('services (R4)', () => {
  it('A033 reads one service and A035 the same service among several; a directly bookable one says so', async () => {
    const one = await getService(ctx.client, '11002');
    expect(one).toMatchObject({ id: '11002', kind: 'DBS' });
    const many = await getServices(ctx.client, ['11002', '11002', '99999999']);
    expect(many.map((s) => s.id)).toEqual(['11002']);
    expect(count('A033')).toBe(1);
    expect(count('A035')).toBe(1);
  });
});

describe('slots', () => {
  it('sends the Comm-Rule-Org of the referral, pages through next links, and keeps one of each slot', async () => {
    const r = { ...(await referral()) };
    const all = await listAllSlots(ctx.client, r, { serviceId: '11031', pageSize: 20 });
    expect(all.slots).toHaveLength(45);
    expect(new Set(all.slots.map((s) => s.id)).size).toBe(45);
    expect(count('A015')).toBe(3);
    await expect(listSlots(ctx.client, { ...r, commissioningRuleOrg: undefined }, { serviceId: '11002' })).rejects.toMatchObject({ code: 'MISSING_HEADER' });
  });

  it('ends the walk when a later page no longer exists (slots taken since page 1)', async () => {
    const r = await referral();
    const first = await listSlots(ctx.client, r, { serviceId: '11031', pageSize: 20 });
    expect(first.nextPage).toBe(2);
    await fetch(`${sim().url}/_admin/slots`, { method: 'POST', body: JSON.stringify({ serviceId: '11031', profile: 'few' }) });
    const all = await listAllSlots(ctx.client, r, { serviceId: '11031', pageSize: 5 }, 10);
    expect(all.slots.length).toBeGreaterThan(0);
    expect(all.nextPage).toBeUndefined();
  });
});

describe('booking at most once', () => {
  it('books the earliest slot: persisted, BOOKED in e-RS, one A016', async () => {
    const r = await referral();
    const slot = await earliest(r);
    const rec = await bookOnce(ctx, r, '11002', slot);
    expect(rec.phase).toBe('booked');
    expect(rec.appointment).toMatchObject({ status: 'booked', slot: slot.reference, start: slot.start });
    expect((await ctx.client.getReferral(UBRN)).state).toBe('BOOKED');
    expect(count('A016')).toBe(1);
  });

  it('PAS timeout after the booking was made: read back shows it booked; asking again sends nothing', async () => {
    const { r, slot, rec } = await bookWith({ route: 'A016', kind: 'pas', status: 504, applied: true });
    expect([rec.phase, rec.notice]).toEqual(['booked', BOOKED_AFTER_ALL]);
    expect(rec.appointment?.slot).toBe(slot.reference);
    const again = await bookOnce(ctx, r, '11002', slot);
    expect(again.phase).toBe('booked');
    expect(count('A016')).toBe(1);
  });

  it('PAS timeout without a booking: not booked, and defer with BOOKING_ATTEMPT_PROBLEM is offered and works', async () => {
    const { rec } = await bookWith({ route: 'A016', kind: 'pas', status: 504, applied: false });
    expect(rec.phase).toBe('idle');
    expect(rec.problem?.message).toMatch(/did not answer in time.*no appointment was booked/);
    expect(rec.problem?.offers).toContainEqual({ defer: 'BOOKING_ATTEMPT_PROBLEM' });
    expect(count('A005')).toBe(2); // the referral read plus the read-back before anything else
    const deferred = await deferOnce(ctx, await referral(), '11002', 'BOOKING_ATTEMPT_PROBLEM');
    expect(deferred.phase).toBe('deferred');
    expect((await ctx.client.getReferral(UBRN)).state).toBe('DEFERRED_TO_PROVIDER');
  });

  it('slot taken between listing and booking: plain message, fresh slots or a SLOT_NOT_AVAILABLE deferral quoting it', async () => {
    const { r, slot, rec } = await bookWith({ route: 'A016', kind: 'slot-taken' });
    expect(rec.phase).toBe('idle');
    expect(rec.problem?.message).toMatch(/taken by someone else/);
    expect(rec.problem?.offers).toEqual(['fresh-slots', { defer: 'SLOT_NOT_AVAILABLE', slot: slot.reference }]);
    const fresh = await listSlots(ctx.client, r, { serviceId: '11002' });
    expect(fresh.slots.some((s) => s.id === slot.id)).toBe(false);
    const deferred = await deferOnce(ctx, r, '11002', 'SLOT_NOT_AVAILABLE', { slot: slot.reference });
    expect(deferred.appointment).toMatchObject({ status: 'proposed', reason: 'SLOT_NOT_AVAILABLE', slot: slot.reference });
  });

  it('worker stopped during A016 (answer never arrives): the next start reads back and adopts the booking, sending nothing', async () => {
    const r = await referral();
    const slot = await earliest(r);
    // The request reaches e-RS and is processed; the connection dies before the answer.
    sim().injectFault({ route: 'A016', kind: 'drop' });
    const first = await bookOnce(ctx, r, '11002', slot);
    expect(first.phase).toBe('booked');
    // A stale "booking" record left by a worker that stopped before even the read-back:
    await idbBookingStore.update(ctx.owner, UBRN, (cur) => ({ ...cur!, phase: 'booking' }));
    const before = count('A016');
    const [resumed] = await resumeBookings(ctx);
    expect(resumed.phase).toBe('booked');
    expect(count('A016')).toBe(before);
  });

  it('when the read-back itself fails the booking stays unresolved and nothing is sent again', async () => {
    const r = await referral();
    const slot = await earliest(r);
    sim().injectFault({ route: 'A016', kind: 'gateway', status: 502 });
    sim().injectFault({ route: 'A005', kind: 'status', status: 500, count: 10 });
    const rec = await bookOnce(ctx, r, '11002', slot);
    expect(rec.phase).toBe('outcome-unknown');
    expect(rec.problem?.message).toBe(READ_BACK_FAILED);
    const again = await bookOnce(ctx, r, '11002', slot);
    expect(again.phase).toBe('outcome-unknown');
    expect(count('A016')).toBe(1);
    sim().clearFaults();
    expect((await resolveBooking(ctx, UBRN)).phase).toBe('booked');
  });

  it('cancels the booked appointment with a reason, then the referral may be booked again', async () => {
    const r = await referral();
    const booked = await bookOnce(ctx, r, '11002', await earliest(r));
    const reason = { system: `${sim().url}/referrals/FHIR/STU3/CodeSystem/APPOINTMENT-CANCELLATION-REASON`, code: 'PATIENT_ILL' };
    const cancelled = await cancelOnce(ctx, r, booked.appointment!.id, reason);
    expect(cancelled.phase).toBe('cancelled');
    const after = await referral();
    expect(after.state).toBe('APP_CANCELLED_BY_PATIENT');
    const rebooked = await bookOnce(ctx, after, '11002', await earliest(after));
    expect(rebooked.phase).toBe('booked');
  });
});
