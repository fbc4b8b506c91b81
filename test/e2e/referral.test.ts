// The whole referral in real Chromium against the simulator: from a demo record page to the patient
// letter; a RAS referral; letter to follow then completed; a draft restored after the panel was
// closed; the worker stopped during every submission step producing exactly one referral.
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { attachOutstandingLetter, openPanelFromRecord, referFromRecord, signInFromPanel, waitForText } from '../../scripts/lib/walkthrough';
import { referralsWithLetters, startHarness, startSignedInHarness, useHarness, type Harness } from './harness';
import { USER_IDS } from 'ers-simulator';
import { examplePath } from 'ers-contract/files';

const LETTER = examplePath('platform/A019_response_000000070000_Appointment_Confirmation_Summary_20210603121353.pdf');

// Evaluated inside extension pages.
declare const chrome: any;

let h: Harness;
let lastPage: Page | undefined;
const referralsFor = (nhs: string) => referralsWithLetters(h.sim, nhs);

// Signed in once, from the side panel, through the mock CIS2 page and the relay.
useHarness('referral', async () => (h = await startSignedInHarness()), { page: () => lastPage });

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

describe('letters, drafts and patient changes', () => {
  it('letter to follow is listed as outstanding on the badge, then completed from the panel', async () => {
    const result = await referFromRecord(h, { record: '/demo/gp/record-9000000009.html', nhsNumber: '9000000009', letterToFollow: true });
    const panel = result.panel;
    lastPage = panel;
    expect(referralsFor('9000000009')[0].letters).toEqual([]);
    const badge = await h.probe.evaluate(() => chrome.action.getBadgeText({}));
    expect(Number(badge)).toBeGreaterThanOrEqual(1);
    await panel.click('[data-testid="finish"]');
    // By selector: Finish passes through the no-draft screen to the patient's fresh draft, each with its own lists.
    await waitForText(panel, '[data-testid="outstanding"]', result.ubrn!);
    await panel.waitForSelector('[data-testid="done"]', { hidden: true });
    await attachOutstandingLetter(panel, LETTER);
    await expect.poll(() => referralsFor('9000000009')[0].letters).toEqual([path.basename(LETTER)]);
    expect(referralsFor('9000000009')).toHaveLength(1);
    await expect.poll(() => h.probe.evaluate(() => chrome.action.getBadgeText({}))).toBe(badge === '1' ? '' : String(Number(badge) - 1));
  });

  it('a draft is restored when the panel is closed and opened again', async () => {
    const first = await referFromRecord(h, { record: '/demo/gp/record-4857773457.html', nhsNumber: '4857773457', letterFile: LETTER, stopBefore: 'submit' });
    const shortlisted = await first.panel.$$eval('[data-shortlist-id]', (els) => els.map((e) => e.getAttribute('data-shortlist-id')));
    await first.panel.close();
    const panel = await openPanelFromRecord(h.browser, first.record);
    lastPage = panel;
    await panel.waitForSelector('[data-shortlist-id]');
    expect(await panel.$$eval('[data-shortlist-id]', (els) => els.map((e) => e.getAttribute('data-shortlist-id')))).toEqual(shortlisted);
    expect(await panel.$$eval('[data-file-name]', (els) => els.map((e) => e.getAttribute('data-file-name')))).toEqual([path.basename(LETTER)]);
    expect(referralsFor('4857773457')).toHaveLength(0);
  });

  it('switching patient in the single-page app locks the open draft: it cannot be submitted for the patient now shown', async () => {
    const smithBefore = referralsFor('9912003888').length; // the simulator seeds example referrals for him
    const first = await referFromRecord(h, {
      record: '/demo/spa/index.html#/patient/9733333336',
      nhsNumber: '9733333336',
      letterFile: LETTER,
      stopBefore: 'submit',
    });
    const panel = first.panel;
    lastPage = panel;
    await first.record.bringToFront();
    await first.record.click('a[data-nhs-link="9912003888"]');
    await panel.waitForSelector('[data-testid="draft-locked"]', { timeout: 10_000 });
    expect(await panel.$eval('[data-testid="banner-nhs-number"]', (e) => e.textContent)).toBe('973 333 3336');
    expect(await panel.$eval('[data-testid="submit"]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    // Even a forged submit from an extension page is refused by the background.
    const forced = await h.send('referral/submit', {
      draftId: `${USER_IDS.adams}@B86001#${new URL(h.url('/')).origin}#9733333336`,
      tabId: await h.tabIdOf(first.record),
    });
    expect(forced).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(referralsFor('9733333336')).toHaveLength(0);
    expect(referralsFor('9912003888')).toHaveLength(smithBefore);
  });
});

describe('legacy flavour (HSCN session)', () => {
  it('signs in with a test smartcard from the panel (A001, A002) and refers; A021 for a RAS', async () => {
    const legacy = await startHarness({ flavour: 'legacy' });
    try {
      const record = await legacy.browser.newPage();
      await record.goto(legacy.url('/demo/gp/record-9434765919.html'));
      const panel = await openPanelFromRecord(legacy.browser, record);
      lastPage = panel;
      await signInFromPanel(legacy, panel, '021600556514', 'REFERRING_CLINICIAN|B86001');
      await record.close();
      const routine = await referFromRecord(legacy, { record: '/demo/gp/record-9434765919.html', nhsNumber: '9434765919', letterFile: LETTER });
      lastPage = routine.panel;
      expect(referralsWithLetters(legacy.sim, '9434765919')).toEqual([
        expect.objectContaining({ ubrn: routine.ubrn, letters: [path.basename(LETTER)], flavour: 'legacy' }),
      ]);
      const ras = await referFromRecord(legacy, { record: '/demo/gp/record-9000000009.html', nhsNumber: '9000000009', letterFile: LETTER, ras: true });
      expect(referralsWithLetters(legacy.sim, '9000000009')).toEqual([expect.objectContaining({ ubrn: ras.ubrn, state: 'AWAITING_TRIAGE' })]);
    } finally {
      await legacy.close();
    }
  });
});

describe('letters chosen in the browser', () => {
  it('an image over 5 MB is scaled down to fit and the user is told; a pasted image is added', async () => {
    const r = await referFromRecord(h, { record: '/demo/gp/record-9321456783.html', nhsNumber: '9321456783', letterToFollow: true, stopBefore: 'submit' });
    const panel = r.panel;
    lastPage = panel;
    await panel.click('#letter-heading ~ label input[type="checkbox"]'); // back to attaching a letter
    await panel.waitForSelector('#letter-file');
    // A photo of a letter that is too big for e-RS (random pixels do not compress).
    const size = await panel.evaluate(async () => {
      const canvas = new OffscreenCanvas(1600, 1200);
      const ctx = canvas.getContext('2d')!;
      const image = ctx.createImageData(1600, 1200);
      for (let i = 0; i < image.data.length; i += 65536) crypto.getRandomValues(image.data.subarray(i, i + 65536));
      for (let i = 3; i < image.data.length; i += 4) image.data[i] = 255; // opaque
      ctx.putImageData(image, 0, 0);
      const blob = await canvas.convertToBlob({ type: 'image/png' });
      const transfer = new DataTransfer();
      transfer.items.add(new File([blob], 'scanned-letter.png', { type: 'image/png' }));
      const input = document.querySelector('#letter-file') as HTMLInputElement;
      input.files = transfer.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
      return blob.size;
    });
    expect(size).toBeGreaterThan(5 * 1024 * 1024);
    const note = await panel.waitForSelector('.file__note', { timeout: 20_000 });
    expect(await note!.evaluate((e) => e.textContent)).toMatch(
      /scanned-letter\.png was [\d.]+ MB, so it was scaled down to \d+×\d+ \([\d.]+ MB\) to fit e-RS's 5 MB limit/,
    );
    expect(await panel.$eval('[data-file-name]', (e) => e.getAttribute('data-file-name'))).toBe('scanned-letter.jpg');
    // Paste an image from the clipboard onto the letter step.
    await panel.evaluate(async () => {
      const canvas = new OffscreenCanvas(40, 40);
      canvas.getContext('2d')!.fillRect(0, 0, 20, 20);
      const file = new File([await canvas.convertToBlob({ type: 'image/png' })], 'image.png', { type: 'image/png' });
      const data = new DataTransfer();
      data.items.add(file);
      document.querySelector('section[aria-labelledby="letter-heading"]')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
    });
    await panel.waitForFunction(() => document.querySelectorAll('[data-file-name]').length === 2);
    expect(await panel.$$eval('[data-file-name]', (els) => els.map((e) => e.getAttribute('data-file-name')))).toEqual(['scanned-letter.jpg', 'image.png']);
    await r.record.close();
  });
});
