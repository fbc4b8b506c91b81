// End to end in Chromium against the simulator and the real token relay: sign in through the mock
// NHS CIS2 page that identity.launchWebAuthFlow opens, pick a role, switch role in the popup, stop
// the service worker and carry on without signing in again, sign out; the legacy flavour too.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { openPanelFromRecord, referFromRecord, signInFromPanel, waitForText } from '../../scripts/lib/walkthrough';
import { examplePath } from 'ers-contract/files';
import { USER_IDS } from 'ers-simulator';
import { referralsWithLetters, startHarness, until, useHarness, type Harness } from './harness';

// Evaluated inside extension pages.
declare const chrome: any;

/** The page a failed test was on (its screenshot is saved). */
let lastPage: Page | undefined;

/** Open the popup in a tab of `h`'s browser; with `status`, wait until it shows the session in that status. */
async function openPopup(h: Harness, status?: string): Promise<Page> {
  lastPage = await h.openPage('popup.html');
  if (status) await waitStatus(lastPage, status);
  return lastPage;
}

async function text(page: Page, selector: string): Promise<string> {
  await page.waitForSelector(selector, { timeout: 15_000 });
  return page.$eval(selector, (el) => (el as HTMLElement).innerText.trim());
}

async function waitStatus(page: Page, status: string, timeout = 20_000): Promise<void> {
  await page.waitForSelector(`.session-controls[data-status="${status}"]`, { timeout });
}

/** What the extension keeps: session storage (memory) and local storage (disk). */
async function storage(h: Harness) {
  return h.probe.evaluate(async () => ({
    session: JSON.stringify(await chrome.storage.session.get(null)),
    local: JSON.stringify(await chrome.storage.local.get(null)),
  }));
}

describe('platform flavour: NHS CIS2 through the relay', () => {
  let h: Harness;
  useHarness('session', async () => (h = await startHarness({ flavour: 'platform' })), { page: () => lastPage });

  it('signs in through the mock CIS2 page, picks a role and switches role in the popup', async () => {
    const popup = await openPopup(h, 'signed-out');
    expect(await text(popup, '.env-banner')).toContain('SIMULATOR');
    await popup.click('#sign-in');
    // launchWebAuthFlow opens the authorise page in its own window: click Dr Adams there.
    await h.completeCis2Login(USER_IDS.adams);
    await waitStatus(popup, 'choose-role');
    // The name from CIS2 (userinfo), not the SDS user ID.
    expect(await text(popup, '[data-testid="who"]')).toBe('Dr Kate ADAMS');
    await popup.click('[data-role="REFERRING_CLINICIAN@B86001"]');
    await waitStatus(popup, 'active');
    expect(await text(popup, '[data-testid="org"]')).toContain('B86001');
    expect(await text(popup, '[data-testid="role"]')).toBe('Referring clinician');

    // One click to switch role.
    await popup.click('[data-role="REFERRING_CLINICIAN@R68"]');
    await popup.waitForFunction(() => document.querySelector('[data-testid="org"]')?.textContent?.includes('R68'), { timeout: 15_000 });
    expect((await h.send('session/verify')).ok).toBe(true);
    await h.screenshot(popup, 'session-platform-active');

    // Tokens: only in storage.session (memory), never on disk, never in what pages are told.
    const stored = await storage(h);
    expect(stored.session).toContain('accessToken');
    expect(stored.local).not.toContain('accessToken');
    expect(stored.local).not.toContain('refreshToken');
    const view = await h.send('session/get');
    expect(JSON.stringify(view)).not.toMatch(/accessToken|refreshToken|Bearer/);
  });

  it('carries on after the service worker is stopped, without signing in again', async () => {
    await h.stopWorker();
    const popup = await openPopup(h, 'active');
    expect(await text(popup, '[data-testid="org"]')).toContain('R68');
    expect(await h.send('session/verify')).toMatchObject({ ok: true });
    // And a role switch after another stop.
    await h.stopWorker();
    await popup.click('[data-role="REFERRING_CLINICIAN@B86001"]');
    await popup.waitForFunction(() => document.querySelector('[data-testid="org"]')?.textContent?.includes('B86001'), { timeout: 15_000 });
    await h.stopWorker();
    expect(await h.send('session/verify')).toMatchObject({ ok: true });
  });

  it('expired credentials: the user signs in again and the session carries on in the same role', async () => {
    h.sim.reset({ auth: true }); // every access and refresh token is now invalid
    const popup = await openPopup(h);
    const verifying = h.send('session/verify'); // interrupted work: waits for the new sign-in
    await waitStatus(popup, 'expired');
    expect(await text(popup, '[data-testid="session-notice"]')).toMatch(/Sign in again/);
    await popup.click('#sign-in');
    await h.completeCis2Login(USER_IDS.adams);
    await waitStatus(popup, 'active');
    expect(await text(popup, '[data-testid="org"]')).toContain('B86001');
    expect(await verifying).toMatchObject({ ok: true });
  });

  it('sign-out clears tokens and the session; e-RS calls are refused afterwards', async () => {
    const popup = await openPopup(h, 'active');
    await popup.click('#sign-out');
    await waitStatus(popup, 'signed-out');
    const stored = await storage(h);
    expect(stored.session).not.toMatch(/accessToken|refreshToken|sessionKey/);
    expect(stored.session).not.toContain(USER_IDS.adams);
    expect(await h.send('session/verify')).toMatchObject({ ok: false, error: { code: 'not-signed-in' } });
  });

  it('a worker stopped in the middle of sign-in leaves a clean signed-out state', async () => {
    const popup = await openPopup(h, 'signed-out');
    await popup.click('#sign-in');
    const cis2 = await h.cis2Page();
    await waitStatus(popup, 'signing-in');
    await h.stopWorker();
    await cis2.close().catch(() => undefined);
    await popup.reload();
    await waitStatus(popup, 'signed-out');
    expect(await text(popup, '[data-testid="session-notice"]')).toMatch(/interrupted/);
    // And signing in works again straight away.
    await popup.click('#sign-in');
    await h.completeCis2Login(USER_IDS.baker);
    await waitStatus(popup, 'active'); // Baker has one role: no choice needed
    expect(await text(popup, '[data-testid="role"]')).toBe('Referring clinician admin');
    await popup.click('#sign-out');
    await waitStatus(popup, 'signed-out');
  });
});

describe('legacy flavour: smartcard A001 → A002 → A003', () => {
  let h: Harness;
  useHarness('session', async () => (h = await startHarness({ flavour: 'legacy' })), { page: () => lastPage });

  it('signs in with a test smartcard, switches role, survives a worker stop and signs out', async () => {
    const popup = await openPopup(h, 'signed-out');
    await popup.select('#test-card', 'adams');
    await popup.click('#sign-in');
    await waitStatus(popup, 'choose-role');
    expect(await text(popup, '[data-testid="who"]')).toMatch(/ADAMS/i);
    await popup.click('[data-role="REFERRING_CLINICIAN@B86001"]');
    await waitStatus(popup, 'active');
    await popup.click('[data-role="REFERRING_CLINICIAN@R68"]');
    await popup.waitForFunction(() => document.querySelector('[data-testid="org"]')?.textContent?.includes('R68'), { timeout: 15_000 });
    await h.stopWorker();
    expect(await h.send('session/verify')).toMatchObject({ ok: true });
    const key = await h.probe.evaluate(async () => (await chrome.storage.session.get('ers.session'))['ers.session'].secrets.sessionKey);
    await popup.reload();
    await waitStatus(popup, 'active');
    await popup.click('#sign-out');
    await waitStatus(popup, 'signed-out');
    expect((await storage(h)).session).not.toMatch(/sessionKey|AQIC5wM2LY4S/);
    // A003 reached e-RS: the old session key is dead. The popup shows signed-out before A003 is sent
    // (the user is never kept waiting on the network), so ask until e-RS refuses the key or 10 s pass.
    const statusWithOldKey = async () =>
      (await fetch(h.url('/ers-api/STU3/v1/CodeSystem/PRIORITY'), { headers: { XAPI_ASID: '200000000001', HTTP_X_SESSION_KEY: key } })).status;
    await until('e-RS to refuse the old session key', async () => (await statusWithOldKey()) === 401, 10_000);
    expect(await statusWithOldKey()).toBe(401);
  });
});

describe("sign-out, restarts and other users never lose or leak a user's work", () => {
  let h: Harness;
  useHarness('session', async () => (h = await startHarness({ flavour: 'platform' })), { page: () => lastPage });

  const LETTER = examplePath('platform/A019_response_000000070000_Appointment_Confirmation_Summary_20210603121353.pdf');
  /** The extension's drafts as the background stores them (read from an extension page). */
  const drafts = () =>
    h.probe.evaluate(
      () =>
        new Promise<{ id: string; owner: string; phase: string; attention?: string; error?: string }[]>((resolve, reject) => {
          const open = indexedDB.open('ers-referrals');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const all = open.result.transaction('drafts').objectStore('drafts').getAll();
            all.onsuccess = () => {
              resolve(
                all.result.map((d: any) => ({
                  id: d.id,
                  owner: d.owner,
                  phase: d.submission.phase,
                  attention: d.attention?.reason,
                  error: d.submission.error?.message,
                })),
              );
              open.result.close();
            };
          };
        }),
    );
  /** Sign in from a side panel opened on a record, then close both. */
  async function signInAs(userId: string, role: string) {
    const record = await h.browser.newPage();
    await record.goto(h.url('/demo/gp/record-9434765919.html'));
    const panel = await openPanelFromRecord(h.browser, record);
    await signInFromPanel(h, panel, userId, role);
    await panel.close();
    await record.close();
  }

  it('sign-out during the letter upload keeps the referral; signing in again finishes it with its letter', async () => {
    await signInAs(USER_IDS.adams, 'REFERRING_CLINICIAN|B86001');
    const result = await referFromRecord(h, { record: '/demo/gp/record-9434765919.html', nhsNumber: '9434765919', letterFile: LETTER, stopBefore: 'submit' });
    lastPage = result.panel;
    h.sim.injectFault({ route: 'A020', kind: 'latency', ms: 2_500 });
    await result.panel.waitForFunction(() => !(document.querySelector('[data-testid="submit"]') as HTMLButtonElement | null)?.disabled, { timeout: 10_000 });
    await result.panel.click('[data-testid="submit"]');
    await until('the upload to start', async () => (await drafts()).find((d) => d.phase === 'uploading'));
    expect(await h.send('session/sign-out')).toMatchObject({ ok: true });
    // The panel shows nothing of the patient at once.
    await result.panel.waitForSelector('[data-testid="signed-out-panel"]', { timeout: 10_000 });
    expect(await result.panel.$eval('main', (m) => (m as HTMLElement).innerText)).not.toMatch(/943 476 5919/);
    h.sim.clearFaults();
    const parked = await until('the upload to end', async () => (await drafts()).find((d) => d.owner.startsWith(USER_IDS.adams) && d.phase !== 'uploading'));
    expect(parked).toMatchObject({ attention: 'signed-out' });
    const referrals = referralsWithLetters(h.sim, '9434765919');
    expect(referrals).toHaveLength(1);

    await signInFromPanel(h, result.panel, USER_IDS.adams, 'REFERRING_CLINICIAN|B86001');
    await until('the referral to finish', async () => (await drafts()).find((d) => d.owner.startsWith(USER_IDS.adams) && d.phase === 'complete'));
    expect(referralsWithLetters(h.sim, '9434765919')).toEqual([expect.objectContaining({ letters: [path.basename(LETTER)] })]);
    await result.record.close();
    await result.panel.close();
  });

  it("a browser restart then another user's sign-in shows them nothing of the first user's", async () => {
    // Dr Adams leaves a draft with a shortlist and a referral whose letter is to follow.
    const now = await h.send<{ status: string }>('session/get');
    if (now.data?.status !== 'active') await signInAs(USER_IDS.adams, 'REFERRING_CLINICIAN|B86001');
    const first = await referFromRecord(h, { record: '/demo/gp/record-9912003888.html', nhsNumber: '9912003888', letterToFollow: true });
    expect(first.ubrn).toMatch(/^\d{12}$/);
    const kept = await referFromRecord(h, { record: '/demo/gp/record-9321456783.html', nhsNumber: '9321456783', letterToFollow: true, stopBefore: 'submit' });
    await until('the shortlist to be saved', async () => (await drafts()).length >= 2);
    await kept.panel.close();
    const before = await drafts();

    await h.restartBrowser(); // no sign-out runs
    const record = await h.browser.newPage();
    await record.goto(h.url('/demo/gp/record-9321456783.html'));
    const panel = await openPanelFromRecord(h.browser, record);
    lastPage = panel;
    // Jo Baker holds one role, so she is in it straight after CIS2.
    await (await panel.waitForSelector('[data-testid="panel-sign-in"]', { timeout: 15_000 }))!.click();
    await h.completeCis2Login(USER_IDS.baker);
    await panel.waitForSelector('[data-testid="signed-in-as"]', { timeout: 20_000 });
    await panel.waitForSelector('[data-testid="patient-banner"]', { timeout: 15_000 });
    await waitForText(panel, 'main', /Your other drafts \(0\)/);
    const shown = await panel.$eval('main', (m) => (m as HTMLElement).innerText);
    expect(shown).not.toMatch(/Letters outstanding/);
    expect(shown).not.toContain('991 200 3888'); // the first user's other patient
    expect(shown).not.toContain(first.ubrn!);
    expect(await panel.$$('[data-shortlist-id]')).toHaveLength(0);
    // The first user's work is still there for them, untouched.
    const after = await drafts();
    for (const d of before) expect(after.find((x) => x.id === d.id)).toMatchObject({ owner: d.owner, phase: d.phase });
    expect(after.filter((d) => d.owner.startsWith(USER_IDS.baker))).toHaveLength(1);
    await panel.close();
    await record.close();
  });
});
