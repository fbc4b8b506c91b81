// Issue 7: the Firefox build (.output/firefox-mv3) in firefox-esr headless completes one referral
// against the simulator, through the real UI: Refer on a demo record page (the content script reads
// the patient, the background opens the panel), platform sign-in in the panel through the mock
// CIS2 page (identity.launchWebAuthFlow) and the token relay, then search, shortlist, letter, submit
// and the patient letter PDF.
//
// Firefox differences handled here (see scripts/lib/firefox.ts):
// - Firefox refuses sidebarAction.open for the Refer button (the click arrives by runtime.sendMessage,
//   not in a user input handler), so the background opens `sidepanel.html?tabId=<record tab>` in a
//   popup window instead; the test drives that page. (The sidebar itself cannot be driven over BiDi.)
// - Extension pages cannot be opened with page.goto; the first one is opened from Firefox's own UI
//   code (BiDi chrome scope), later ones by the extension (browser.tabs.create).
// - The extension UUID is pinned by pref, so the relay's allowed origin is known before launch; the
//   CIS2 redirect URL (https://<hash>.extensions.allizom.org/) is read from the extension first and
//   the relay is started with it.
import { execSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRelay } from '../../packages/token-relay/src/server';
import { ROOT } from '../../scripts/lib/chromium';
import { FIREFOX_EXTENSION_DIR, FIREFOX_EXTENSION_ORIGIN, findFirefox, launchFirefox, type FirefoxSession } from '../../scripts/lib/firefox';
import { clickRefer, referFromRecord, signInFromPanel, type ReferResult, type Stage } from '../../scripts/lib/walkthrough';
import { startSimulator, USER_IDS, type RunningSimulator } from 'ers-simulator';
import { examplePath } from 'ers-contract/files';
import { CLIENT_SECRET, saveScreenshot, startRelayFor } from './harness';

const LETTER = examplePath('platform/A019_response_000000070000_Appointment_Confirmation_Summary_20210603121353.pdf');
const FIREFOX = findFirefox();

// Evaluated inside extension pages, where `globalThis.browser` is the WebExtension API. (Spelled out
// because the WXT vitest plugin rewrites a bare `browser` into its fake-browser import.)
type WebExt = { browser: any };
type Reply<T = unknown> = { ok: boolean; data?: T; error?: { code: string; message: string } };

/** Newest modification time under the extension's sources (build again when newer than the output). */
function newestSource(): number {
  let newest = 0;
  const walk = (p: string) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p))
        if (!name.startsWith('.') && name !== 'node_modules' && !name.endsWith('.test.ts') && !name.endsWith('.test.tsx')) walk(path.join(p, name));
    } else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['entrypoints', 'utils', 'components', 'public', 'assets', 'wxt.config.ts', 'package.json', 'packages/ers-simulator/src/users.ts'])
    walk(path.join(ROOT, p));
  return newest;
}

function buildFirefoxIfStale(): void {
  let built = 0;
  try {
    built = statSync(path.join(FIREFOX_EXTENSION_DIR, 'manifest.json')).mtimeMs;
  } catch {
    /* not built */
  }
  if (built && built >= newestSource()) return;
  execSync('npm run build:firefox', { cwd: ROOT, stdio: 'pipe', timeout: 90_000 });
}

describe.skipIf(!FIREFOX)(`Firefox build in ${FIREFOX ?? 'firefox-esr (not installed: apt-get install firefox-esr)'}`, () => {
  let sim: RunningSimulator;
  let relay: RunningRelay;
  let ff: FirefoxSession;
  let probe: Page;
  let stage: Stage;
  let redirectUrl = '';
  let lastPage: Page | undefined;
  const panelWindows: string[] = [];
  const timings: Record<string, number> = {};
  const t0 = Date.now();
  const mark = (name: string) => {
    timings[name] = Date.now() - t0;
  };

  const send = <T = unknown>(type: string, payload: Record<string, unknown> = {}): Promise<Reply<T>> =>
    probe.evaluate((m) => (globalThis as unknown as WebExt).browser.runtime.sendMessage(m), { ...payload, type }) as Promise<Reply<T>>;

  const tabIdOf = (page: Page): Promise<number> =>
    probe.evaluate(
      async (u) => (await (globalThis as unknown as WebExt).browser.tabs.query({})).find((t: { url?: string }) => t.url === u)?.id ?? -1,
      page.url(),
    );

  beforeAll(async () => {
    buildFirefoxIfStale();
    mark('built');
    sim = await startSimulator({ port: 0, seed: 1, clientSecret: CLIENT_SECRET });
    ff = await launchFirefox();
    mark('firefox up');
    // Firefox shows a newly installed extension's sidebar once; a clinician would close it.
    await ff.hideSidebar();
    probe = await ff.openExtensionPageFromChrome('options.html');
    const current = await send<{ redirectUrl: string }>('settings/get');
    if (!current.ok) throw new Error(`settings/get failed: ${JSON.stringify(current.error)}`);
    redirectUrl = current.data!.redirectUrl;
    relay = await startRelayFor(sim, FIREFOX_EXTENSION_ORIGIN, redirectUrl);
    const saved = await send('settings/save', {
      patch: {
        environment: 'simulator',
        flavour: 'platform',
        platformBaseUrl: `${sim.url}/referrals/FHIR`,
        legacyBaseUrl: `${sim.url}/ers-api`,
        cis2AuthorizeUrl: `${sim.url}/oauth2/authorize`,
        relayUrl: relay.url,
        oauthClientId: 'ers-extension-demo',
      },
    });
    if (!saved.ok) throw new Error(`could not configure the extension: ${JSON.stringify(saved.error)}`);
    mark('configured');

    stage = {
      browser: ff.browser,
      url: (p) => `${sim.url}${p}`,
      async completeCis2Login(userId, timeout = 15_000) {
        // launchWebAuthFlow opens the authorise page in a popup window: a top-level page for BiDi.
        const target = await ff.browser.waitForTarget((t) => t.url().startsWith(`${sim.url}/oauth2/authorize`), { timeout });
        const page = (await target.asPage())!;
        await page.waitForSelector(`button[name="login_hint"][value="${userId}"]`, { timeout });
        await page.click(`button[name="login_hint"][value="${userId}"]`);
      },
      async openPanel(record) {
        const tabId = await tabIdOf(record);
        if (tabId < 0) throw new Error(`no tab for ${record.url()}`);
        await record.bringToFront();
        // Refer: the click reaches the background by runtime.sendMessage, which is no user input
        // handler for sidebarAction.open, so the background opens the panel page for this tab in a
        // popup window (utils/patient/background.ts, openPanelWindow).
        await clickRefer(record);
        const panel = await ff.waitForExtensionPage(`${FIREFOX_EXTENSION_ORIGIN}/sidepanel.html?tabId=${tabId}`);
        panelWindows.push(
          await probe.evaluate(async (id) => {
            const windows = await (globalThis as unknown as WebExt).browser.windows.getAll({ populate: true });
            const w = windows.find((x: { tabs?: { url?: string }[] }) => x.tabs?.some((t) => t.url?.endsWith(`/sidepanel.html?tabId=${id}`)));
            return w?.type ?? 'none';
          }, tabId),
        );
        await panel.setViewport({ width: 420, height: 900 });
        return panel;
      },
    };
  });

  afterAll(async () => {
    if (process.env.E2E_DEBUG) console.log('[firefox] timings (ms from start)', timings);
    await ff?.close();
    await relay?.close();
    await sim?.close();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && lastPage) await saveScreenshot(lastPage, `firefox-${ctx.task.name}`);
  });

  it('knows its Firefox origin and OAuth redirect URL', () => {
    expect(ff.extensionId).toBe('ers-referral@nhs-extension.example');
    expect(redirectUrl).toMatch(/^https:\/\/[0-9a-f]+\.extensions\.allizom\.org\/$/);
  });

  it('completes one referral from a demo record page: platform sign-in via CIS2 and the relay, letter attached, patient letter PDF', async () => {
    // Sign in once from the panel, as a clinician would on first use.
    const first = await ff.browser.newPage();
    await first.goto(stage.url('/demo/gp/record-9434765919.html'));
    const signInPanel = await stage.openPanel!(first);
    lastPage = signInPanel;
    await signInFromPanel(stage, signInPanel, USER_IDS.adams, 'REFERRING_CLINICIAN|B86001');
    mark('signed in');
    const session = await send<{ status: string; flavour: string; role?: { ods: string } }>('session/get');
    expect(session.data).toMatchObject({ status: 'active', flavour: 'platform', role: { ods: 'B86001' } });
    await signInPanel.close();
    await first.close();

    const result: ReferResult = await referFromRecord(stage, { record: '/demo/gp/record-9434765919.html', nhsNumber: '9434765919', letterFile: LETTER });
    lastPage = result.panel;
    mark('referred');

    // Each Refer (content script on 127.0.0.1) opened the panel for its record tab in a popup window.
    expect(panelWindows).toEqual(['popup', 'popup']);

    expect(result.ubrn).toMatch(/^\d{12}$/);
    expect(result.typedPatientFields).toBe(0);
    expect(result.patientLetter!.subarray(0, 5).toString()).toBe('%PDF-');
    // "Open the patient letter to print" opened the PDF (blob: URL of the panel) in a tab.
    expect((await ff.tabUrls()).filter((u) => u.startsWith(`blob:${FIREFOX_EXTENSION_ORIGIN}/`))).toHaveLength(1);
    const referral = sim.referrals().find((r) => r.ubrn === result.ubrn);
    expect(referral).toMatchObject({ patientNhsNumber: '9434765919', state: 'NOT_BOOKED' });
    const letters = sim
      .binaries()
      .filter((b) => b.linkedUbrn === result.ubrn)
      .map((b) => b.fileName);
    expect(letters).toEqual([path.basename(LETTER)]);
    if (process.env.E2E_DEBUG) console.log('[firefox]', result.steps.join('\n'));
  });
});
