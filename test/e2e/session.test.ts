// End to end in Chromium against the simulator and the real token relay: sign in through the mock
// NHS CIS2 page that identity.launchWebAuthFlow opens, pick a role, switch role in the popup, stop
// the service worker and carry on without signing in again, sign out; the legacy flavour too.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { USER_IDS } from '../../simulator/server';
import { startHarness, type Harness } from './harness';

// Evaluated inside extension pages.
declare const chrome: any; // eslint-disable-line @typescript-eslint/no-explicit-any

let current: { h?: Harness; page?: Page; name: string } = { name: '' };

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && current.h && current.page) await current.h.screenshot(current.page, `session-${current.name}`);
});

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
  beforeAll(async () => {
    h = await startHarness({ flavour: 'platform' });
    current.h = h;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('signs in through the mock CIS2 page, picks a role and switches role in the popup', async () => {
    current.name = 'platform-sign-in';
    const popup = await h.openPage('popup.html');
    current.page = popup;
    await text(popup, '.env-banner');
    expect(await text(popup, '.env-banner')).toContain('SIMULATOR');
    await waitStatus(popup, 'signed-out');
    await popup.click('#sign-in');
    // launchWebAuthFlow opens the authorise page in its own window: click Dr Adams there.
    await h.completeCis2Login(USER_IDS.adams);
    await waitStatus(popup, 'choose-role');
    expect(await text(popup, '[data-testid="who"]')).toContain(USER_IDS.adams);
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
    current.name = 'platform-worker-stop';
    await h.stopWorker();
    const popup = await h.openPage('popup.html');
    current.page = popup;
    await waitStatus(popup, 'active');
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
    current.name = 'platform-expired';
    h.sim.reset({ auth: true }); // every access and refresh token is now invalid
    const popup = await h.openPage('popup.html');
    current.page = popup;
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
    current.name = 'platform-sign-out';
    const popup = await h.openPage('popup.html');
    current.page = popup;
    await waitStatus(popup, 'active');
    await popup.click('#sign-out');
    await waitStatus(popup, 'signed-out');
    const stored = await storage(h);
    expect(stored.session).not.toMatch(/accessToken|refreshToken|sessionKey/);
    expect(stored.session).not.toContain(USER_IDS.adams);
    expect(await h.send('session/verify')).toMatchObject({ ok: false, error: { code: 'not-signed-in' } });
  });

  it('a worker stopped in the middle of sign-in leaves a clean signed-out state', async () => {
    current.name = 'platform-interrupted';
    const popup = await h.openPage('popup.html');
    current.page = popup;
    await waitStatus(popup, 'signed-out');
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
  beforeAll(async () => {
    h = await startHarness({ flavour: 'legacy' });
    current.h = h;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('signs in with a test smartcard, switches role, survives a worker stop and signs out', async () => {
    current.name = 'legacy';
    const popup = await h.openPage('popup.html');
    current.page = popup;
    await waitStatus(popup, 'signed-out');
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
    // A003 reached e-RS: the old session key is dead.
    const res = await fetch(h.url('/ers-api/STU3/v1/CodeSystem/PRIORITY'), { headers: { XAPI_ASID: '200000000001', HTTP_X_SESSION_KEY: key } });
    expect(res.status).toBe(401);
  });
});
