// Fault suite in real Chromium: the service worker stopped during every submission step; 429 with
// Retry-After, 503 and added latency on search; the connection dropped, or a gateway answered 504,
// after a create was processed (the referral is found on e-RS's worklist and adopted); a 503 on the
// create with nothing on the worklist (sent again only after the user confirms); the token expired mid-flow; the referral changed under us before the letter. Each
// asserts what the user saw and what the simulator holds: no duplicate referral, no lost letter,
// no lost draft.
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { ErsClient } from '../../utils/ers';
import { USER_IDS, type RouteId } from 'ers-simulator';
import { attachOutstandingLetter, openPanelFromRecord, referFromRecord, waitForText } from '../../scripts/lib/walkthrough';
import { referralsWithLetters, startSignedInHarness, useHarness, type Harness } from './harness';
import { examplePath } from 'ers-contract/files';

const LETTER = examplePath('platform/A019_response_000000070000_Appointment_Confirmation_Summary_20210603121353.pdf');
const RECORD = '/demo/gp/record-9434765919.html';
const NHS = '9434765919';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let h: Harness;
let lastPage: Page | undefined;
const referralsFor = (nhs: string) => referralsWithLetters(h.sim, nhs);

// Signed in once, from the side panel, through the mock CIS2 page and the relay.
useHarness('faults', async () => (h = await startSignedInHarness()), { page: () => lastPage, clearFaults: true });
/** Each test starts with no drafts: clear the extension's IndexedDB stores from an extension page. */
async function clearDrafts() {
  await h.probe.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('ers-referrals');
        open.onsuccess = () => {
          const tx = open.result.transaction(['drafts', 'blobs', 'outstanding'], 'readwrite');
          for (const store of ['drafts', 'blobs', 'outstanding']) tx.objectStore(store).clear();
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      }),
  );
}

beforeEach(async () => {
  await clearDrafts();
});

async function clickSubmit(panel: Page) {
  await panel.waitForFunction(() => !(document.querySelector('[data-testid="submit"]') as HTMLButtonElement | null)?.disabled);
  await panel.click('[data-testid="submit"]');
}

/** Each submission step: the e-RS operation it sends, and the progress line the panel shows meanwhile. */
const SUBMISSION_STEPS: { route: RouteId; label: string; ras?: true }[] = [
  { route: 'A011', label: 'Creating the referral in e-RS' },
  { route: 'A016', label: 'Sending to the triage service', ras: true }, // only a triage (RAS) referral has this step
  { route: 'A020', label: 'Uploading the letter' },
  { route: 'A012', label: 'Attaching the letter' },
  { route: 'A019', label: 'Producing the patient letter' },
];

describe('the service worker stopped during each submission step', () => {
  it.each(SUBMISSION_STEPS)('stopped during $route: exactly one referral, the letter attached, the user told', async ({ route, label, ras = false }) => {
    const before = referralsFor(NHS).length;
    const r = await referFromRecord(h, { record: RECORD, nhsNumber: NHS, letterFile: LETTER, ras, stopBefore: 'submit' });
    lastPage = r.panel;
    h.sim.injectFault({ route, kind: 'latency', ms: 2_500 });
    await clickSubmit(r.panel);
    await waitForText(r.panel, '.progress-steps__item--current', label, 15_000);
    await sleep(600); // the step's phase is saved before its request goes out: let the request leave
    await h.stopWorker(); // the request is on its way to e-RS; its answer will never arrive
    h.sim.clearFaults();
    await sleep(3_000); // e-RS finishes processing it
    // The clinician opens the panel again: the submission picks up where it was.
    await r.panel.close();
    const panel = await openPanelFromRecord(h.browser, r.record);
    lastPage = panel;
    const referrals = referralsFor(NHS);
    // Stopped during the create: never sent again; the referral is found on e-RS's worklist and adopted.
    await panel.waitForSelector('[data-testid="done"]', { timeout: 30_000 });
    const after = referralsFor(NHS);
    expect(after).toHaveLength(before + 1);
    const made = after.find((x) => !referrals.slice(0, before).some((y) => y.ubrn === x.ubrn))!;
    expect(made.letters).toEqual([path.basename(LETTER)]);
    if (ras) expect(made.state).toBe('AWAITING_TRIAGE');
    expect(await panel.$eval('[data-testid="ubrn"]', (e) => e.getAttribute('data-ubrn'))).toBe(made.ubrn);
    // Finish through the DOM: the done screen may still be laying out its booking part.
    await panel.$eval('[data-testid="finish"]', (b) => (b as HTMLButtonElement).click());
    await r.record.close();
  });
});

describe('search under pressure', () => {
  async function searchWith(fault: Parameters<Harness['sim']['injectFault']>[0] | undefined) {
    const r = await referFromRecord(h, { record: '/demo/gp/record-9000000009.html', nhsNumber: '9000000009', letterToFollow: true, stopBefore: 'submit' });
    lastPage = r.panel;
    if (fault) h.sim.injectFault(fault);
    const started = Date.now();
    await r.panel.click('form[aria-labelledby="search-heading"] button[type="submit"]');
    return { ...r, started };
  }

  it('429 with Retry-After: waits as asked, then shows the results', async () => {
    const r = await searchWith({ route: 'A010', kind: 'status', status: 429, count: 1, retryAfterSeconds: 1 });
    const button = 'form[aria-labelledby="search-heading"] button[type="submit"]';
    await waitForText(r.panel, button, 'Searching');
    await r.panel.waitForFunction((b) => (document.querySelector(b) as HTMLElement).innerText.trim() === 'Search', { timeout: 15_000 }, button);
    await waitForText(r.panel, '#results-heading', /\d+ services? found/);
    expect(Date.now() - r.started).toBeGreaterThanOrEqual(900);
    expect(await r.panel.$('[data-testid="panel-error"]')).toBeNull();
    await r.record.close();
  });

  it('503 once: retried, results shown; 503 that persists: a plain message and nothing entered is lost', async () => {
    let r = await searchWith({ route: 'A010', kind: 'status', status: 503, count: 1, retryAfterSeconds: 0 });
    await waitForText(r.panel, '#results-heading', /\d+ services? found/);
    await r.record.close();
    r = await searchWith({ route: 'A010', kind: 'status', status: 503, count: 20, retryAfterSeconds: 0 });
    await waitForText(r.panel, '[data-testid="panel-error"]', 'e-RS is unavailable at the moment', 30_000);
    expect(await r.panel.$$('[data-shortlist-id]')).toHaveLength(1); // the shortlist is still there
    expect(await r.panel.$eval('#specialty', (s) => (s as HTMLSelectElement).value)).toBe('CARDIOLOGY');
    await r.record.close();
  });

  it('added latency: the panel says it is searching, then shows the results', async () => {
    const r = await searchWith({ route: 'A010', kind: 'latency', ms: 1_500 });
    await waitForText(r.panel, 'form[aria-labelledby="search-heading"] button[type="submit"]', 'Searching');
    await waitForText(r.panel, '#results-heading', /\d+ services? found/, 15_000);
    await r.record.close();
  });
});

describe('a create whose answer was lost after e-RS processed it', () => {
  it.each([
    ['the connection dropped', '4010232137', { route: 'A011', kind: 'drop', count: 1 } as const],
    ['a gateway answered 504', '9321456783', { route: 'A011', kind: 'gateway', status: 504, count: 1 } as const],
  ])('%s: never sent again; the referral is found on the worklist and adopted, with its letter', async (_name, nhs, fault) => {
    const before = referralsFor(nhs).length;
    const r = await referFromRecord(h, { record: `/demo/gp/record-${nhs}.html`, nhsNumber: nhs, letterFile: LETTER, stopBefore: 'submit' });
    lastPage = r.panel;
    h.sim.injectFault(fault);
    await clickSubmit(r.panel);
    await r.panel.waitForSelector('[data-testid="done"]', { timeout: 40_000 });
    const after = referralsFor(nhs);
    expect(after).toHaveLength(before + 1);
    const made = after.at(-1)!;
    expect(made.letters).toEqual([path.basename(LETTER)]);
    expect(await r.panel.$eval('[data-testid="ubrn"]', (e) => e.getAttribute('data-ubrn'))).toBe(made.ubrn);
    // Leave the done screen for the next case (a DOM click: the button may still be laying out).
    await r.panel.$eval('[data-testid="finish"]', (b) => (b as HTMLButtonElement).click());
    await r.record.close();
  });

  it('a 503 (not a proven refusal) and nothing on the worklist: told plainly; sent again only after "I have checked e-RS"', async () => {
    const nhs = '9000000009';
    const before = referralsFor(nhs).length;
    const r = await referFromRecord(h, { record: `/demo/gp/record-${nhs}.html`, nhsNumber: nhs, letterFile: LETTER, stopBefore: 'submit' });
    lastPage = r.panel;
    h.sim.injectFault({ route: 'A011', kind: 'status', status: 503, count: 1 });
    await clickSubmit(r.panel);
    const box = await r.panel.waitForSelector('[data-testid="outcome-unknown"][data-reconcile="none"]', { timeout: 60_000 });
    expect(await box!.evaluate((e) => (e as HTMLElement).innerText)).toMatch(/not been sent again[\s\S]*does not show a referral/i);
    // Reopening the panel sends nothing.
    await r.panel.close();
    const panel = await openPanelFromRecord(h.browser, r.record);
    lastPage = panel;
    await panel.waitForSelector('[data-testid="reconcile-none"]');
    expect(await panel.$eval('[data-testid="resend"]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    await sleep(500);
    expect(referralsFor(nhs)).toHaveLength(before);
    await panel.click('[data-testid="confirm-not-created"]');
    await panel.waitForFunction(() => !(document.querySelector('[data-testid="resend"]') as HTMLButtonElement).disabled);
    await panel.click('[data-testid="resend"]');
    await panel.waitForSelector('[data-testid="done"]', { timeout: 30_000 });
    expect(referralsFor(nhs)).toHaveLength(before + 1);
    expect(referralsFor(nhs).at(-1)!.letters).toEqual([path.basename(LETTER)]);
    await r.record.close();
  });
});

describe('the access token expired mid-flow', () => {
  it('is refreshed through the relay without a prompt, and the referral completes', async () => {
    const nhs = '4857773457';
    const r = await referFromRecord(h, { record: `/demo/gp/record-${nhs}.html`, nhsNumber: nhs, letterFile: LETTER, stopBefore: 'submit' });
    lastPage = r.panel;
    expect(h.sim.expireTokens()).toBeGreaterThan(0);
    const cis2 = h.browser
      .waitForTarget((t) => t.url().includes('/oauth2/authorize'), { timeout: 5_000 })
      .then(
        () => true,
        () => false,
      );
    await clickSubmit(r.panel);
    await r.panel.waitForSelector('[data-testid="done"]', { timeout: 30_000 });
    expect(await cis2).toBe(false); // no sign-in window was needed
    expect(referralsFor(nhs)).toHaveLength(1);
    await r.record.close();
  });
});

describe('the referral changed under us before the letter was attached', () => {
  it('keeps the other letter and adds ours: nothing lost, nothing duplicated', async () => {
    const nhs = '9733333336';
    const sent = await referFromRecord(h, { record: `/demo/gp/record-${nhs}.html`, nhsNumber: nhs, letterToFollow: true });
    lastPage = sent.panel;
    // Another system attaches a letter meanwhile, moving the referral's version (our ETag is stale).
    const other = new ErsClient({
      flavour: 'platform',
      baseUrl: `${h.sim.url}/referrals/FHIR`,
      credentials: () => ({ accessToken: h.sim.issueToken(USER_IDS.adams), businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001' }),
    });
    const current = await other.getReferral(sent.ubrn!);
    const { url } = await other.uploadFile({
      ubrn: sent.ubrn!,
      fileName: 'gp-summary.txt',
      contentType: 'text/plain',
      bytes: new TextEncoder().encode('Summary'),
    });
    await other.maintainReferralLetter({ ubrn: sent.ubrn!, etag: current.etag, files: [{ url, indexed: new Date().toISOString() }] });
    // Now the clinician completes the outstanding letter from the panel.
    await sent.panel.click('[data-testid="finish"]');
    await sent.panel.waitForSelector('[data-testid="outstanding"]');
    await attachOutstandingLetter(sent.panel, LETTER);
    await expect.poll(() => referralsFor(nhs)[0].letters.sort()).toEqual([path.basename(LETTER), 'gp-summary.txt'].sort());
    expect(referralsFor(nhs)).toHaveLength(1);
  });
});
