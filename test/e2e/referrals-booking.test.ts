// Booking from the Referrals view in real Chromium against the simulator: a referral created earlier
// (awaiting booking) is opened from the view, its services are changed (A031, through the same search
// form and results as a new referral) and the earliest slot of the new service is booked (A016)
// through the same at-most-once booking flow as after a create. e-RS holds it booked at the new
// service, each change was sent once, and the referral is off "awaiting booking" at once, shown at
// the top of the view with its appointment.
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { examplePath } from 'ers-contract/files';
import { requestLog } from '../../scripts/lib/ers-requests';
import { clickRendered, referFromRecord, waitForText } from '../../scripts/lib/walkthrough';
import { expectAccessible } from '../helpers/axe';
import { startSignedInHarness, useHarness, type Harness } from './harness';
import { openReferralRow, refreshBySigningInAgain } from './referrals-view';

const LETTER = examplePath('platform/A019_response_000000070000_Appointment_Confirmation_Summary_20210603121353.pdf');
const NHS = '9434765919';

let h: Harness;
let panel: Page | undefined;
const requests = requestLog();

useHarness('referrals-booking', async () => (h = await startSignedInHarness({ log: requests.log })), { page: () => panel, clearFaults: true });

describe('a referral awaiting booking, from the Referrals view', () => {
  it('changes its services and books a slot at the new service', async () => {
    const result = await referFromRecord(h, { record: `/demo/gp/record-${NHS}.html`, nhsNumber: NHS, letterFile: LETTER });
    const ubrn = result.ubrn!;
    panel = result.panel;
    await panel.click('[data-testid="finish"]');
    const first = h.sim.referrals().find((r) => r.ubrn === ubrn)!;
    expect(first.state).toBe('NOT_BOOKED');
    const oldService = first.services[0]!;

    // One refresh of the lists (signing in fetches each), as the alarm does every N minutes.
    await refreshBySigningInAgain(h, panel);
    const row = await openReferralRow(panel, 'AWAITING_BOOKING', ubrn);

    // A029 allows changing the services: the same search form and results as a new referral.
    await panel.waitForSelector(`${row} [data-testid="referral-change-services"]`, { timeout: 30_000 });
    await panel.click(`${row} [data-testid="referral-change-services"]`);
    const change = `${row} [data-testid="change-services"]`;
    await panel.waitForSelector(`${change} #specialty option[value="CARDIOLOGY"]`, { timeout: 30_000 });
    await panel.select(`${change} #specialty`, 'CARDIOLOGY');
    await panel.click(`${change} form button[type="submit"]`);
    await panel.waitForSelector(`${change} .service`, { timeout: 30_000 });
    const candidates = await panel.$$eval(`${change} .service`, (services) =>
      services.map((s) => ({
        id: s.getAttribute('data-service-id')!,
        name: (s.querySelector('.service__name') as HTMLElement).innerText,
        dbs: (s.querySelector('.service__facts') as HTMLElement).innerText.includes('Directly bookable'),
      })),
    );
    const chosen = candidates.find((c) => c.dbs && c.id !== oldService);
    expect(chosen, 'another directly bookable service in the results').toBeTruthy();
    const set = await fetch(h.url('/_admin/slots'), { method: 'POST', body: JSON.stringify({ serviceId: chosen!.id, profile: 'few' }) });
    expect(set.status).toBe(200);
    await panel.click(`${change} [data-service-id="${chosen!.id}"] .service__add`);
    await panel.waitForSelector(`${change} [data-shortlist-id="${chosen!.id}"]`);
    await expectAccessible(panel, 'change the services');

    requests.mark();
    await panel.click(`${change} [data-testid="change-services-send"]`);
    await panel.waitForSelector(`${row} [data-testid="services-changed"]`, { timeout: 30_000 });
    expect(h.sim.referrals().find((r) => r.ubrn === ubrn)!.services).toEqual([chosen!.id]);

    // Then book again: the new service's free slots, earliest first, one click.
    // A slot that can be clicked: the booking flow may still be listing the slots afresh (its
    // buttons shown disabled meanwhile), and the row renders again when the lists come back from the
    // refresh the change set off.
    // A click that lands as a fresh listing starts is a no-op a user would see and repeat: so do we,
    // at most three times (a booking, once started, takes the slots away, so it is never clicked twice).
    const slot = `${row} [data-testid="booking"]:not([aria-busy="true"]) [data-slot-id]:not([disabled])`;
    for (let tries = 1; ; tries++) {
      await panel.waitForSelector(slot, { timeout: 30_000 });
      await clickRendered(panel, slot);
      const started = await panel
        .waitForFunction(
          (r) => /Booking…/.test(document.querySelector(r)?.textContent ?? '') || !!document.querySelector('[data-recent="booked"]'),
          { timeout: 5000 },
          row,
        )
        .then(
          () => true,
          () => false,
        );
      if (started || tries === 3) break;
    }

    // Booked: off "awaiting booking" at once, said at the top of the view with its appointment.
    const recent = `[data-testid="referrals-recent"] [data-ubrn="${ubrn}"][data-recent="booked"]`;
    await panel.waitForSelector(`${recent} [data-testid="appointment"]`, { timeout: 60_000 });
    expect(await panel.$(row)).toBeNull();
    await waitForText(panel, recent, 'It is no longer awaiting booking');
    const held = h.sim.referrals().find((r) => r.ubrn === ubrn)!;
    expect(held.state).toBe('BOOKED');
    expect(held.services).toEqual([chosen!.id]);
    expect(held.appointment).toBeTruthy();
    await waitForText(panel, `${recent} [data-testid="appointment"]`, chosen!.name);
    expect(requests.ops().filter((op) => op === 'A031')).toHaveLength(1);
    expect(requests.ops().filter((op) => op === 'A016')).toHaveLength(1);
    await expectAccessible(panel, 'booked from the Referrals view');
  }, 300_000);
});
