// One "stage" for everything that drives the real extension: the e-RS simulator (with the demo
// clinical systems and mock NHS CIS2 requiring a client secret), the organisation's token relay
// holding that secret, and Chrome/Edge/Chromium with the built extension. Used by `npm run demo`,
// `npm run bench` and the end-to-end harness.
import type { Browser, Page } from 'puppeteer-core';
import { startRelay } from '../../packages/token-relay/src/server';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from 'ers-simulator';
import { USER_IDS } from 'ers-simulator/users';
import { EXTENSION_ID, isServiceWorker, launchChrome } from './chromium';
import { openPanelFromRecord, signInFromPanel } from './walkthrough';

export interface Stage {
  browser: Browser;
  sim: RunningSimulator;
  relayUrl: string;
  /** Address of a page on the simulator, e.g. a demo record. */
  url(pathname: string): string;
  /** The mock CIS2 authorise window that identity.launchWebAuthFlow opened. */
  cis2Page(timeout?: number): Promise<Page>;
  /** Click the test user's button in that window. */
  completeCis2Login(userId: string, timeout?: number): Promise<void>;
  close(): Promise<void>;
}

export interface StageOptions {
  /** 0 = any free port (tests); the demo uses the extension's defaults, 4010 and 4011. */
  simPort?: number;
  relayPort?: number;
  headless?: boolean;
  clientSecret?: string;
  sim?: SimulatorOptions;
  relayLog?: (line: string) => void;
}

export async function startStage(options: StageOptions = {}): Promise<Stage> {
  const clientSecret = options.clientSecret ?? 'stage-relay-secret';
  const sim = await startSimulator({ port: options.simPort ?? 0, seed: 1, clientSecret, ...options.sim });
  const relay = await startRelay({
    port: options.relayPort ?? 0,
    tokenUrl: `${sim.url}/oauth2/token`,
    clientId: 'ers-extension-demo',
    clientSecret,
    allowedOrigins: [`chrome-extension://${EXTENSION_ID}`],
    logger: { info: () => undefined, warn: options.relayLog ?? (() => undefined) },
  }).catch(async (error) => {
    await sim.close();
    throw error;
  });
  const browser = await launchChrome({ headless: options.headless ?? true });
  await browser.waitForTarget(isServiceWorker, { timeout: 20_000 });

  const cis2Page = async (timeout = 15_000): Promise<Page> => {
    const target = await browser.waitForTarget((t) => t.url().startsWith(`${sim.url}/oauth2/authorize`), { timeout });
    const page = (await target.asPage())!;
    await page.waitForSelector('button[name="login_hint"]', { timeout });
    return page;
  };
  return {
    browser,
    sim,
    relayUrl: relay.url,
    url: (pathname) => `${sim.url}${pathname}`,
    cis2Page,
    async completeCis2Login(userId, timeout) {
      const page = await cis2Page(timeout);
      await page.click(`button[name="login_hint"][value="${userId}"]`);
    },
    async close() {
      await browser.close().catch(() => undefined);
      await relay.close();
      await sim.close();
    },
  };
}

/** Point the extension at this stage's simulator and relay (protocol message from an extension page). */
export async function configureExtension(probe: Page, stage: Stage, flavour: 'platform' | 'legacy' = 'platform'): Promise<void> {
  const reply = (await probe.evaluate((m) => chrome.runtime.sendMessage(m), {
    type: 'settings/save',
    patch: {
      environment: 'simulator',
      flavour,
      platformBaseUrl: `${stage.sim.url}/referrals/FHIR`,
      legacyBaseUrl: `${stage.sim.url}/ers-api`,
      cis2AuthorizeUrl: `${stage.sim.url}/oauth2/authorize`,
      relayUrl: stage.relayUrl,
      oauthClientId: 'ers-extension-demo',
    },
  })) as { ok: boolean; error?: unknown };
  if (!reply?.ok) throw new Error(`could not configure the extension: ${JSON.stringify(reply?.error)}`);
}

/**
 * The benches' start: the extension configured for this stage (from `probe`, its options page) and
 * Dr Adams signed in as referring clinician at B86001 from `panel`, opened on the demo GP `record`.
 */
export async function signInOnRecord(stage: Stage): Promise<{ probe: Page; record: Page; panel: Page }> {
  const probe = await stage.browser.newPage();
  await probe.goto(`chrome-extension://${EXTENSION_ID}/options.html`);
  await configureExtension(probe, stage);
  const record = await stage.browser.newPage();
  await record.goto(`${stage.sim.url}/demo/gp/record-9434765919.html`);
  const panel = await openPanelFromRecord(stage.browser, record);
  await signInFromPanel(stage, panel, USER_IDS.adams, 'REFERRING_CLINICIAN|B86001');
  return { probe, record, panel };
}

// Evaluated inside extension pages, where `chrome` is the extension API.
declare const chrome: any;
