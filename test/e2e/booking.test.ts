// Booking at the point of referral in real Chromium, from the done screen: refer and book the
// earliest slot (then cancel and book again); no slots → defer to the provider; a slot taken between
// the listing and the booking → a clear message and fresh slots; the PAS timing out after the booking
// was made → read back shows it booked, nothing sent twice; the worker stopped during A016 → the
// booking is found by reading back. Each asserts what the user saw and what the simulator holds.
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { examplePath } from 'ers-contract/files';
import { requestLog } from '../../scripts/lib/ers-requests';
import { openPanelFromRecord, referFromRecord, waitForText, type ReferResult } from '../../scripts/lib/walkthrough';
import { expectAccessible } from '../helpers/axe';
import { startSignedInHarness, until, useHarness, type Harness } from './harness';

const LETTER = examplePath('platform/A019_response_000000070000_Appointment_Confirmation_Summary_20210603121353.pdf');
const RECORD = '/demo/gp/record-9434765919.html';
const NHS = '9434765919';

let h: Harness;
let lastPage: Page | undefined;
const requests = requestLog();

useHarness('booking', async () => (h = await startSignedInHarness({ log: requests.log })), { page: () => lastPage, clearFaults: true });

/** Refer up to Submit, give the shortlisted service the slot profile asked for, then submit. */
async function referUpToDone(profile: 'none' | 'few' | 'many'): Promise<ReferResult & { ubrn: string }> {
  const r = await referFromRecord(h, { record: RECORD, nhsNumber: NHS, letterFile: LETTER, stopBefore: 'submit' });
  lastPage = r.panel;
  const serviceId = await r.panel.$eval('[data-shortlist-id]', (e) => e.getAttribute('data-shortlist-id')!);
  const set = await fetch(h.url('/_admin/slots'), { method: 'POST', body: JSON.stringify({ serviceId, profile }) });
  expect(set.status).toBe(200);
  await r.panel.waitForFunction(() => !(document.querySelector('[data-testid="submit"]') as HTMLButtonElement | null)?.disabled);
  await r.panel.click('[data-testid="submit"]');
  await r.panel.waitForSelector('[data-testid="done"]', { timeout: 60_000 });
  const ubrn = await r.panel.$eval('[data-testid="ubrn"]', (e) => e.getAttribute('data-ubrn')!);
  return { ...r, ubrn };
}

const referral = (ubrn: string) => h.sim.referrals().find((r) => r.ubrn === ubrn)!;

/** The slot buttons shown, in order, with their start times. */
async function shownSlots(panel: Page): Promise<{ id: string; start: string }[]> {
  return panel.$$eval('[data-slot-id]', (bs) => bs.map((b) => ({ id: b.getAttribute('data-slot-id')!, start: b.getAttribute('data-start')! })));
}

/** Refer up to the done screen (see referUpToDone) and wait there for the slots it offers. */
async function referUpToSlots(profile: 'few' | 'many') {
  const r = await referUpToDone(profile);
  await r.panel.waitForSelector('[data-slot-id]', { timeout: 30_000 });
  return { ...r, slots: await shownSlots(r.panel) };
}

/** With `fault` set on e-RS, click the first slot shown (the request log is marked just before); returns that slot. */
async function clickFirstSlotWith(panel: Page, fault: Parameters<Harness['sim']['injectFault']>[0]): Promise<{ id: string; start: string }> {
  const [first] = await shownSlots(panel);
  h.sim.injectFault(fault);
  requests.mark();
  await panel.click(`[data-slot-id="${first!.id}"]`);
  return first!;
}

/** Book the first slot shown: the appointment is shown and e-RS holds the referral booked. */
async function bookFirstSlot(r: ReferResult & { ubrn: string }): Promise<void> {
  const [first] = await shownSlots(r.panel);
  await r.panel.click(`[data-slot-id="${first!.id}"]`);
  await r.panel.waitForSelector('[data-testid="appointment"]', { timeout: 60_000 });
  expect(referral(r.ubrn).state).toBe('BOOKED');
}

async function letterBytes(panel: Page, selector: string): Promise<string> {
  const href = await panel.$eval(selector, (a) => (a as HTMLAnchorElement).href);
  return panel.evaluate(async (u) => new TextDecoder('latin1').decode((await (await fetch(u)).arrayBuffer()).slice(0, 5)), href);
}

describe('booking at the point of referral', () => {
  it('books the earliest slot in one click, shows the appointment and its letter; cancel and book again', async () => {
    const r = await referUpToSlots('many');
    const { slots } = r;
    const starts = slots.map((s) => Date.parse(s.start));
    expect(starts).toEqual([...starts].sort((a, b) => a - b)); // earliest first
    expect(await r.panel.$$eval('.slot-day h5', (hs) => hs.length)).toBeGreaterThan(1); // grouped by day
    await expectAccessible(r.panel, 'panel booking slots');

    // More pages on request.
    await r.panel.click('[data-testid="more-slots"]');
    await r.panel.waitForFunction((n) => document.querySelectorAll('[data-slot-id]').length > n, { timeout: 30_000 }, slots.length);

    requests.mark();
    await r.panel.click(`[data-slot-id="${slots[0]!.id}"]`);
    await r.panel.waitForSelector('[data-testid="appointment"]', { timeout: 60_000 });
    await r.panel.waitForSelector('[data-testid="open-booking-letter"]', { timeout: 30_000 });
    expect(await letterBytes(r.panel, '[data-testid="open-booking-letter"]')).toBe('%PDF-');
    expect(await r.panel.$eval('[data-testid="open-booking-letter"] + a', (a) => a.getAttribute('download'))).toMatch(/Appointment_Confirmation/);
    expect(referral(r.ubrn)).toMatchObject({ state: 'BOOKED' });
    expect(requests.ops().filter((op) => op === 'A016')).toHaveLength(1);
    expect(await r.panel.$('[data-slot-id]')).toBeNull(); // no second booking offered
    await expectAccessible(r.panel, 'panel appointment booked');

    // Manage: cancel with a reason from A004, then book again.
    await r.panel.click('[data-testid="start-cancel"]');
    await r.panel.waitForSelector('[data-testid="cancel-form"] input[type="radio"]', { timeout: 20_000 });
    await expectAccessible(r.panel, 'panel cancel appointment');
    await r.panel.click('[data-testid="cancel-form"] input[value="PATIENT_ILL"]');
    await r.panel.click('[data-testid="confirm-cancel"]');
    await r.panel.waitForSelector('[data-testid="cancelled"]', { timeout: 60_000 });
    expect(referral(r.ubrn).state).not.toBe('BOOKED');
    await r.panel.waitForSelector('[data-slot-id]', { timeout: 30_000 });
    await bookFirstSlot(r);
    await finish(r.panel, r.record);
  });

  it('no slots: defers to the provider in one click and says when to expect contact', async () => {
    const r = await referUpToDone('none');
    await r.panel.waitForSelector('[data-testid="no-slots"]', { timeout: 30_000 });
    await r.panel.click('[data-testid="defer"]');
    await r.panel.waitForSelector('[data-testid="deferred"]', { timeout: 60_000 });
    await waitForText(r.panel, '[data-testid="expect-contact"]', /\d{4}/);
    expect(referral(r.ubrn).state).toBe('DEFERRED_TO_PROVIDER');
    await r.panel.waitForSelector('[data-testid="open-booking-letter"]', { timeout: 30_000 });
    await expectAccessible(r.panel, 'panel deferred');
    await finish(r.panel, r.record);
  });

  it('a slot taken between the listing and the booking: a clear message and fresh slots, nothing booked', async () => {
    const r = await referUpToSlots('few');
    const taken = await clickFirstSlotWith(r.panel, { route: 'A016', kind: 'slot-taken', count: 1 });
    await waitForText(r.panel, '[data-testid="booking-problem"]', 'taken by someone else', 60_000);
    await r.panel.waitForFunction(
      (id) => document.querySelector('[data-slot-id]') && !document.querySelector(`[data-slot-id="${id}"]`),
      { timeout: 30_000 },
      taken.id,
    );
    expect(referral(r.ubrn).state).toBe('NOT_BOOKED');
    await expectAccessible(r.panel, 'panel slot taken');
    // The fresh list books.
    await bookFirstSlot(r);
    await finish(r.panel, r.record);
  });

  it('the PAS times out after the booking was made: read back shows it booked, no second booking', async () => {
    const r = await referUpToSlots('few');
    await clickFirstSlotWith(r.panel, { route: 'A016', kind: 'pas', status: 504, applied: true, count: 1 });
    await waitForText(r.panel, '[data-testid="booking-notice"]', 'It was not booked twice', 60_000);
    await r.panel.waitForSelector('[data-testid="appointment"]');
    const ops = requests.ops();
    expect(ops.filter((op) => op === 'A016')).toHaveLength(1);
    expect(ops).toContain('A005'); // read back before anything else
    expect(referral(r.ubrn)).toMatchObject({ state: 'BOOKED' });
    expect(await r.panel.$('[data-slot-id]')).toBeNull();
    await finish(r.panel, r.record);
  });

  it('the worker stopped during A016: the booking is found by reading back, never sent twice', async () => {
    const r = await referUpToSlots('few');
    await clickFirstSlotWith(r.panel, { route: 'A016', kind: 'latency', ms: 2_500 });
    // Stop the worker while e-RS holds the booking request (the latency fault): its answer will never arrive.
    await until('the booking (A016) to reach the simulator', () => h.sim.requestsInProgress().some((x) => /^POST \S*\/STU3\/Appointment$/.test(x)), 30_000);
    await h.stopWorker();
    h.sim.clearFaults();
    // e-RS finishes the booking on its own.
    await until('the simulator to hold the referral booked', () => referral(r.ubrn).state === 'BOOKED', 20_000);
    // The panel lost the answer: it offers no slot until e-RS has been checked.
    await r.panel.waitForSelector('[data-testid="check-booking"]', { timeout: 30_000 });
    expect(await r.panel.$('[data-slot-id]')).toBeNull();
    // The clinician opens the panel again: the background reads e-RS back and shows the appointment.
    await r.panel.close();
    const panel = await openPanelFromRecord(h.browser, r.record);
    lastPage = panel;
    await panel.waitForSelector('[data-testid="appointment"]', { timeout: 60_000 });
    expect(requests.ops().filter((op) => op === 'A016')).toHaveLength(1);
    expect(referral(r.ubrn).state).toBe('BOOKED');
    expect(await panel.$('[data-slot-id]')).toBeNull();
    await finish(panel, r.record);
  });
});

/** Finish on the done screen (the next referral for this patient starts afresh) and close the record. */
async function finish(panel: Page, record: Page): Promise<void> {
  await panel.click('[data-testid="finish"]');
  await panel.waitForSelector('[data-testid="done"]', { hidden: true });
  await record.close();
}
