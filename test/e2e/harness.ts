// Shared end-to-end harness: the built extension in real Chromium against a fresh simulator (and,
// for the platform flavour, the organisation's token relay), with helpers to configure the
// extension, drive its pages, stop its service worker and take screenshots on failure.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startRelay, type RunningRelay } from '../../packages/token-relay/src/server';
import { EXTENSION_ID, ROOT, isServiceWorker, launchChrome } from '../../scripts/lib/chromium';
import { configureExtension, startStage } from '../../scripts/lib/stage';
import type { RunningSimulator, SimulatorOptions } from 'ers-simulator';

export { EXTENSION_ID };
// Evaluated inside extension pages, where `chrome` is the extension API.
declare const chrome: any;
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');
export const CLIENT_SECRET = 'e2e-relay-secret';

export interface Harness {
  browser: Browser;
  sim: RunningSimulator;
  relayUrl: string;
  /** An extension page (options.html) used to send protocol messages and read extension storage. */
  probe: Page;
  url(pathname: string): string;
  /** Send a protocol message from an extension page and return the whole reply. */
  send<T = unknown>(type: string, payload?: Record<string, unknown>): Promise<{ ok: boolean; data?: T; error?: { code: string; message: string } }>;
  stopWorker(): Promise<void>;
  tabIdOf(page: Page): Promise<number>;
  screenshot(page: Page, name: string): Promise<string>;
  /** Open one of the extension's pages (popup.html, sidepanel.html, options.html) in a tab. */
  openPage(pathname: string): Promise<Page>;
  /**
   * Finish the mock NHS CIS2 sign-in that identity.launchWebAuthFlow opened: find the authorise
   * window (a page target in headless Chromium) and click the test user's button.
   */
  completeCis2Login(userId: string, timeout?: number): Promise<void>;
  /** The CIS2 authorise window, once launchWebAuthFlow has opened it. */
  cis2Page(timeout?: number): Promise<Page>;
  /**
   * Quit the browser and start it again on the same profile (what a user sees after a restart:
   * storage.session and the running worker are gone; IndexedDB and storage.local remain).
   */
  restartBrowser(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(options: { sim?: SimulatorOptions; flavour?: 'platform' | 'legacy' } = {}): Promise<Harness> {
  const stage = await startStage({ clientSecret: CLIENT_SECRET, sim: options.sim });
  let browser = stage.browser;
  let probe = await browser.newPage();
  await probe.goto(`chrome-extension://${EXTENSION_ID}/options.html`);
  const send: Harness['send'] = (type, payload = {}) => probe.evaluate((m) => chrome.runtime.sendMessage(m), { ...payload, type }) as never;
  await configureExtension(probe, stage, options.flavour ?? 'platform');

  const cis2Page = async (timeout = 15_000): Promise<Page> => {
    const target = await browser.waitForTarget((t) => t.url().startsWith(`${stage.sim.url}/oauth2/authorize`), { timeout });
    const page = (await target.asPage())!;
    await page.waitForSelector('button[name="login_hint"]', { timeout });
    return page;
  };
  const harness: Harness = {
    ...stage,
    probe,
    send,
    cis2Page,
    async completeCis2Login(userId, timeout) {
      const page = await cis2Page(timeout);
      await page.click(`button[name="login_hint"][value="${userId}"]`);
    },
    async restartBrowser() {
      const arg = browser.process()?.spawnargs.find((a) => a.startsWith('--user-data-dir='));
      if (!arg) throw new Error('cannot find the browser profile to restart with');
      await browser.close();
      browser = await launchChrome({ userDataDir: arg.slice('--user-data-dir='.length) });
      await browser.waitForTarget(isServiceWorker, { timeout: 20_000 });
      probe = await browser.newPage();
      await probe.goto(`chrome-extension://${EXTENSION_ID}/options.html`);
      harness.browser = browser;
      harness.probe = probe;
    },
    async close() {
      await browser.close().catch(() => undefined);
      await stage.close();
    },
    async stopWorker() {
      const target = browser.targets().find(isServiceWorker);
      const worker = await target?.worker();
      await worker?.close();
      await new Promise((r) => setTimeout(r, 200));
    },
    async tabIdOf(page) {
      const url = page.url();
      return probe.evaluate(async (u) => (await chrome.tabs.query({})).find((t: { url?: string }) => t.url === u)!.id!, url);
    },
    screenshot: saveScreenshot,
    async openPage(pathname) {
      const page = await browser.newPage();
      await page.goto(`chrome-extension://${EXTENSION_ID}/${pathname.replace(/^\//, '')}`);
      return page;
    },
  };
  return harness;
}

/** Save a full-page screenshot as test-results/screenshots/<name>.png (a page already gone is passed over). */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
  return file;
}

/**
 * The lifecycle an e2e file (or describe block) shares: `start` a harness before its tests and close it
 * after them; after a test that failed, a screenshot of the page it was on (`page`), named
 * `<name>-<test name>`; with `clearFaults`, the simulator's injected faults are dropped after every test
 * so that one case's fault cannot reach the next.
 */
export function useHarness(name: string, start: () => Promise<Harness>, options: { page?: () => Page | undefined; clearFaults?: boolean } = {}): void {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await start();
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(async (ctx) => {
    if (options.clearFaults) h?.sim.clearFaults();
    const page = options.page?.();
    if (ctx.task.result?.state === 'fail' && h && page) await h.screenshot(page, `${name}-${ctx.task.name}`);
  });
}

/**
 * The token relay the e2e tests put in front of `sim` for a browser other than the stage's Chromium
 * (scripts/lib/stage.ts starts Chromium's): the simulator's token endpoint, the demo client and
 * CLIENT_SECRET, quiet logs; only `origin` may call it and only `redirectUri` may receive its codes.
 */
/** Ask `fn` every 100 ms until it gives something truthy (returned), or throw after `timeout` ms naming `what`. */
export async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeout = 30_000): Promise<T> {
  for (const end = Date.now() + timeout; ; ) {
    const got = await fn();
    if (got) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function startRelayFor(sim: RunningSimulator, origin: string, redirectUri: string): Promise<RunningRelay> {
  const quiet = () => undefined;
  return startRelay({
    port: 0,
    tokenUrl: `${sim.url}/oauth2/token`,
    clientId: 'ers-extension-demo',
    clientSecret: CLIENT_SECRET,
    allowedOrigins: [origin],
    allowedRedirectUris: [redirectUri],
    logger: { info: quiet, warn: quiet },
  });
}

/** A harness already signed in as Dr Kate ADAMS (referring clinician at B86001), from the side panel. */
export async function startSignedInHarness(sim?: SimulatorOptions): Promise<Harness> {
  const { openPanelFromRecord, signInFromPanel } = await import('../../scripts/lib/walkthrough');
  const h = await startHarness({ flavour: 'platform', sim });
  const record = await h.browser.newPage();
  await record.goto(h.url('/demo/gp/record-9434765919.html'));
  const panel = await openPanelFromRecord(h.browser, record);
  await signInFromPanel(h, panel, '021600556514', 'REFERRING_CLINICIAN|B86001');
  await record.close();
  return h;
}

export { referralsWithLetters } from '../helpers/simulator';
