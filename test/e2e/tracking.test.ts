// Tracking a referral to the end in real Chromium against the simulator: a provider rejects a
// referral (the simulator's admin endpoint); one refresh of the worklists (the one on sign-in) shows
// it on the record ("1 rejected — read the response") and in the Referrals view; the provider's
// response opens as a PDF (A007, and its file through A042); the referral is cancelled with a reason,
// e-RS holds it cancelled with that reason and comment, and it leaves the lists at once (even while
// e-RS will not give the lists again).
import path from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { examplePath } from 'ers-contract/files';
import { referFromRecord, waitForText } from '../../scripts/lib/walkthrough';
import { expectAccessible } from '../helpers/axe';
import { referralsWithLetters, startSignedInHarness, useHarness, type Harness } from './harness';
import { openReferralRow, refreshBySigningInAgain } from './referrals-view';

const LETTER = examplePath('platform/A019_response_000000070000_Appointment_Confirmation_Summary_20210603121353.pdf');
const NHS = '9434765919';

let h: Harness;
let panel: Page | undefined;

useHarness('tracking', async () => (h = await startSignedInHarness()), { page: () => panel, clearFaults: true });

/** Click something that opens a file, and return the first bytes of what the new tab shows. */
async function openedFileHead(page: Page, selector: string): Promise<string> {
  const opened = h.browser.waitForTarget((t) => t.url().startsWith(`blob:chrome-extension://`), { timeout: 30_000 });
  await page.click(selector);
  const url = (await opened).url();
  // The tab shows the panel's object URL: read the same bytes the tab was given.
  const head = await page.evaluate(async (u) => Array.from(new Uint8Array(await (await fetch(u)).arrayBuffer()).slice(0, 5)), url);
  for (const t of h.browser.targets()) if (t.url() === url) await (await t.asPage())?.close().catch(() => undefined);
  return String.fromCharCode(...head);
}

describe('a referral the provider rejected', () => {
  let ubrn: string;

  it('shows on the record and in the Referrals view after one refresh', async () => {
    const result = await referFromRecord(h, { record: `/demo/gp/record-${NHS}.html`, nhsNumber: NHS, letterFile: LETTER });
    ubrn = result.ubrn!;
    panel = result.panel;
    expect(ubrn).toMatch(/^\d{12}$/);
    await panel.click('[data-testid="finish"]');

    const rejected = await fetch(`${h.sim.url}/_admin/referrals/${ubrn}/reject`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason: 'FURTHER_INFORMATION_REQUIRED', comment: 'Please add the ECG.', attachResponse: true }),
    });
    expect(rejected.status).toBe(200);

    // One refresh: signing in again fetches every list (the alarm does the same every N minutes).
    await refreshBySigningInAgain(h, panel);

    // Back on the record with a new referral being started: the line about this patient's referrals.
    await waitForText(panel, '[data-testid="patient-referrals"]', '1 referral for this patient: 1 rejected — read the response', 60_000);

    await panel.click('[data-testid="open-referrals"]');
    await panel.waitForSelector(`[data-list="REJECTED_TRIAGE_RESPONSE"] [data-ubrn="${ubrn}"]`, { timeout: 30_000 });
    // textContent: rows off screen are not laid out (content-visibility: auto keeps 500 rows fast).
    const row = await panel.$eval(`[data-list="REJECTED_TRIAGE_RESPONSE"] [data-ubrn="${ubrn}"]`, (e) => e.textContent ?? '');
    expect(row).toContain('Rejected by the provider');
    expect(row).toContain('Further information required');
    expect(await panel.$eval('[data-list="REJECTED_TRIAGE_RESPONSE"] [data-testid="list-age"]', (e) => (e as HTMLElement).innerText)).toMatch(/^Updated /);
    await expectAccessible(panel, 'referrals view');
  }, 240_000);

  it("opens the provider's response as a PDF (A007) and its file (A042)", async () => {
    panel = panel!;
    await panel.click(`[data-list="REJECTED_TRIAGE_RESPONSE"] [data-ubrn="${ubrn}"] button[aria-expanded]`);
    await waitForText(panel, '[data-testid="referral-state"]', 'Further information required', 30_000);
    await waitForText(panel, '[data-testid="referral-item"]', 'Please add the ECG.');
    expect(await openedFileHead(panel, '[data-testid="referral-response"]')).toBe('%PDF-');
    const file = await panel.waitForSelector('[data-testid="referral-file"]::-p-text(Provider_Response)');
    expect(await file!.evaluate((e) => (e as HTMLButtonElement).disabled)).toBe(false);
    expect(await openedFileHead(panel, '[data-testid="referral-file"]::-p-text(Provider_Response)')).toBe('%PDF-');
    await expectAccessible(panel, 'referral opened');
  }, 120_000);

  it('is cancelled with a reason, once', async () => {
    panel = panel!;
    await panel.click('[data-testid="cancel-start"]');
    await panel.waitForSelector('[data-testid="cancel-referral"] input[type="radio"]', { timeout: 30_000 });
    // Without a reason nothing is sent.
    await panel.click('[data-testid="cancel-confirm"]');
    await waitForText(panel, '[data-testid="cancel-problem"]', 'Choose why');
    expect(h.sim.referrals().find((r) => r.ubrn === ubrn)!.state).toBe('REJECTED');

    const reason = await panel.$eval('[data-testid="cancel-referral"] input[type="radio"]', (e) => (e as HTMLInputElement).value);
    await panel.click(`[data-testid="cancel-referral"] input[value="${reason}"]`);
    await panel.type('[data-testid="cancel-referral"] textarea', 'Patient referred elsewhere after the rejection.');
    await expectAccessible(panel, 'cancel form');
    // e-RS will not give the lists again for a while (429, Retry-After 10 minutes): the cancelled
    // referral must leave them at once all the same, not at the next refresh.
    const held = await fetch(`${h.sim.url}/_admin/faults`, { method: 'POST', body: JSON.stringify({ fault: 'A008=429x20:600' }) });
    expect(held.ok).toBe(true);
    await panel.click('[data-testid="cancel-confirm"]');
    await waitForText(panel, `[data-testid="referrals-recent"] [data-ubrn="${ubrn}"][data-recent="cancelled"]`, 'was cancelled', 30_000);
    expect(await panel.$(`[data-list="REJECTED_TRIAGE_RESPONSE"] [data-ubrn="${ubrn}"]`)).toBeNull();
    await waitForText(panel, '[data-list="REJECTED_TRIAGE_RESPONSE"] h3', '(0)');

    const res = await fetch(`${h.sim.url}/_admin/state`);
    const state = (await res.json()) as { referrals: { ubrn: string; state: string; stateReason?: string }[] };
    expect(state.referrals.find((r) => r.ubrn === ubrn)).toMatchObject({ state: 'CANCELLED_REFERRAL', stateReason: reason });
    expect(h.sim.referrals().find((r) => r.ubrn === ubrn)!.stateComment).toBe('Patient referred elsewhere after the rejection.');
    expect(await panel.$('[data-testid="cancel-start"]')).toBeNull();
  }, 120_000);
});

describe('a letter outstanding on e-RS', () => {
  it("is added from the Referrals view through the add-letter screen's own machine", async () => {
    const nhs = '9000000009';
    const result = await referFromRecord(h, { record: `/demo/gp/record-${nhs}.html`, nhsNumber: nhs, letterToFollow: true });
    panel = result.panel;
    await panel.click('[data-testid="finish"]');
    await refreshBySigningInAgain(h, panel);
    await openReferralRow(panel, 'LETTERS_OUTSTANDING', result.ubrn!);
    await panel.waitForSelector('[data-testid="referral-add-letter"]', { timeout: 30_000 });
    await panel.click('[data-testid="referral-add-letter"]');
    // The add-letter screen's own input: the patient's fresh draft has one too until it is replaced.
    await panel.waitForSelector('[data-testid="attach-outstanding"]', { timeout: 30_000 });
    const input = (await panel.waitForSelector('#letter-file')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(LETTER);
    await panel.waitForSelector('[data-file-name]');
    await panel.click('[data-testid="attach-outstanding"]');
    await panel.waitForSelector('[data-testid="done"]', { timeout: 30_000 });
    await expect.poll(() => referralsWithLetters(h.sim, nhs)[0]?.letters).toEqual([path.basename(LETTER)]);
    expect(referralsWithLetters(h.sim, nhs)).toHaveLength(1);
  }, 240_000);
});
