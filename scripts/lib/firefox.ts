// Launching Firefox (ESR) headless with the built Firefox extension through puppeteer-core and
// WebDriver BiDi, and reaching the extension's pages there.
//
// - The extension's internal UUID is pinned with the `extensions.webextensions.uuids` pref, so its
//   origin (moz-extension://<uuid>) is known before launch: the token relay's allow-list needs it.
// - BiDi refuses to navigate a tab to moz-extension:// ("not allowed in this context") and web pages
//   may not open extension pages. So the FIRST extension page (a probe, options.html) is opened from
//   Firefox's own UI code: Firefox is started with `--remote-allow-system-access`, which lets BiDi
//   evaluate in the browser window's chrome scope (`gBrowser.addTab`). Every later page is opened by
//   the extension itself (`browser.tabs.create` from the probe), like the product would.
// - Pages opened on moz-extension:// URLs keep a stale `about:blank` url() in puppeteer; evaluate and
//   click work, and `location.href` is right. `extensionPages()` finds them by `location.href`.
// - The chrome scope also answers what the sidebar (the Firefox form of the side panel) shows.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { ROOT } from './chromium';

export const FIREFOX_EXTENSION_DIR = path.join(ROOT, '.output', 'firefox-mv3');
/** browser_specific_settings.gecko.id (wxt.config.ts). */
const GECKO_ID = 'ers-referral@nhs-extension.example';
/** Pinned with `extensions.webextensions.uuids`, so the extension origin is predictable. */
export const FIREFOX_EXTENSION_UUID = '5f0c3d1e-9a7b-4c2d-8e6f-1a2b3c4d5e6f';
export const FIREFOX_EXTENSION_ORIGIN = `moz-extension://${FIREFOX_EXTENSION_UUID}`;

// Evaluated inside extension pages, where `globalThis.browser` is the WebExtension API. (Spelled out
// because the WXT vitest plugin rewrites a bare `browser` into its fake-browser import.)
type WebExt = { browser: any };

const CANDIDATES = ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/Applications/Firefox.app/Contents/MacOS/firefox'];

/** FIREFOX_PATH, else the first Firefox found in the usual places. */
export function findFirefox(): string | undefined {
  const chosen = process.env.FIREFOX_PATH;
  if (chosen) return existsSync(chosen) ? chosen : undefined;
  return CANDIDATES.find((c) => existsSync(c));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FirefoxSession {
  browser: Browser;
  /** The gecko id BiDi reported for the installed extension. */
  extensionId: string;
  /** Evaluate an expression in the browser window's chrome (privileged) scope; returns its JSON-able value. */
  chromeEval<T = unknown>(expression: string): Promise<T>;
  /** Open one of the extension's pages (e.g. `options.html`) from Firefox's UI and return it. */
  openExtensionPageFromChrome(pathname: string): Promise<Page>;
  /** The extension page in puppeteer whose location starts with this URL (waits for it). */
  waitForExtensionPage(urlPrefix: string, timeout?: number): Promise<Page>;
  /** What the sidebar shows: open or not, and the URL of the extension page inside it. */
  sidebar(): Promise<{ open: boolean; url?: string }>;
  hideSidebar(): Promise<void>;
  /** The address of every tab in every window, as Firefox's UI knows it (puppeteer's url() can be stale). */
  tabUrls(): Promise<string[]>;
  close(): Promise<void>;
}

export async function launchFirefox(options: { headless?: boolean; extensionDir?: string } = {}): Promise<FirefoxSession> {
  const executablePath = findFirefox();
  if (!executablePath) throw new Error('No Firefox found: install firefox-esr (apt-get install firefox-esr) or set FIREFOX_PATH.');
  const b = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: options.headless ?? true,
    args: ['--remote-allow-system-access'],
    userDataDir: mkdtempSync(path.join(tmpdir(), 'ers-firefox-')),
    defaultViewport: null,
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_EXTENSION_UUID }),
      // Offline CI machine: no update checks, remote settings or telemetry traffic.
      'app.update.enabled': false,
      'extensions.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
    },
  });
  try {
    const extensionId = await b.installExtension(options.extensionDir ?? FIREFOX_EXTENSION_DIR);
    // The BiDi connection puppeteer already holds (one session per Firefox).
    const connection = (b as unknown as { connection: { send(method: string, params: object): Promise<{ result: any }> } }).connection;

    const chromeContext = async (): Promise<string> => {
      const { result } = await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 });
      const top = (result.contexts as { context: string; url: string }[]).find((c) => c.url === 'chrome://browser/content/browser.xhtml');
      if (!top) throw new Error('no Firefox browser window in the chrome scope (was Firefox started with --remote-allow-system-access?)');
      return top.context;
    };
    const chromeEval: FirefoxSession['chromeEval'] = async (expression) => {
      const { result } = await connection.send('script.evaluate', {
        expression: `(async () => JSON.stringify(await (${expression})))()`,
        target: { context: await chromeContext() },
        awaitPromise: true,
      });
      if (result.type === 'exception') throw new Error(`chrome scope: ${result.exceptionDetails?.text ?? 'exception'}`);
      const value = result.result?.value as string | undefined;
      return value === undefined ? (undefined as never) : JSON.parse(value);
    };

    const waitForExtensionPage: FirefoxSession['waitForExtensionPage'] = async (urlPrefix, timeout = 15_000) => {
      const deadline = Date.now() + timeout;
      while (Date.now() < deadline) {
        for (const page of await b.pages()) {
          const href = await page.evaluate(() => location.href).catch(() => '');
          if (href.startsWith(urlPrefix)) return page;
        }
        await sleep(150);
      }
      throw new Error(`no extension page at ${urlPrefix} within ${timeout} ms`);
    };

    return {
      browser: b,
      extensionId,
      chromeEval,
      waitForExtensionPage,
      async openExtensionPageFromChrome(pathname) {
        const url = `${FIREFOX_EXTENSION_ORIGIN}/${pathname.replace(/^\//, '')}`;
        await chromeEval(
          `(gBrowser.selectedTab = gBrowser.addTab(${JSON.stringify(url)}, { triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() }), true)`,
        );
        const page = await waitForExtensionPage(url);
        // (page.evaluate, not waitForFunction: the latter's realm does not see the `browser` global.)
        for (const deadline = Date.now() + 15_000; ; ) {
          const ready = await page
            .evaluate(() => !!(globalThis as unknown as Partial<WebExt>).browser?.runtime?.id && document.readyState === 'complete')
            .catch(() => false);
          if (ready) return page;
          if (Date.now() > deadline) throw new Error(`${url} did not get the extension API`);
          await sleep(100);
        }
      },
      async sidebar() {
        return chromeEval(`({ open: !!SidebarController.isOpen,
          url: SidebarController.browser?.contentDocument?.querySelector('browser')?.currentURI?.spec })`);
      },
      async hideSidebar() {
        await chromeEval('(SidebarController.isOpen && SidebarController.hide(), true)');
      },
      async tabUrls() {
        return chromeEval(`[...Services.wm.getEnumerator('navigator:browser')].flatMap((w) => w.gBrowser.browsers.map((x) => x.currentURI.spec))`);
      },
      async close() {
        await b.close().catch(() => undefined);
      },
    };
  } catch (e) {
    await b.close().catch(() => undefined);
    throw e;
  }
}
