// Finding and launching a Chromium-family browser with the built extension: the system's Chrome,
// Edge or Chromium (CHROME_PATH picks one), the flags this machine kind needs, and the extension's
// service worker and id. Shared by the demo, the end-to-end tests and the benchmarks.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Target } from 'puppeteer-core';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const CHROME_EXTENSION_DIR = path.join(ROOT, '.output', 'chrome-mv3');
/** Fixed by the manifest `key` (wxt.config.ts). */
export const EXTENSION_ID = 'dokchjedcnlehjbbiccobocannakkama';

/** Where Chromium, Chrome and Edge install themselves on Linux, macOS and Windows, in order of preference. */
const CANDIDATES = [
  ...['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge', 'microsoft-edge-stable'].map((b) => `/usr/bin/${b}`),
  ...['Google Chrome', 'Microsoft Edge'].map((app) => `/Applications/${app}.app/Contents/MacOS/${app}`),
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
];

export function findChrome(): string {
  const chosen = process.env.CHROME_PATH ?? process.env.CHROMIUM_PATH;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`CHROME_PATH=${chosen} does not exist`);
    return chosen;
  }
  const found = CANDIDATES.find((c) => existsSync(c));
  if (!found) throw new Error("No Chrome, Edge or Chromium found: install Debian's chromium (apt-get install chromium) or set CHROME_PATH.");
  return found;
}

/** Flags for a sandboxed, offline CI machine: no background networking, no GPU, no first-run UI. */
export const CHROME_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--window-size=1400,900',
];

/** `userDataDir`: reuse a profile (a browser restart); by default a fresh one. */
export async function launchChrome(options: { headless?: boolean; extension?: boolean; userDataDir?: string } = {}): Promise<Browser> {
  return puppeteer.launch({
    executablePath: findChrome(),
    headless: options.headless ?? true,
    pipe: true,
    ...(options.extension === false ? {} : { enableExtensions: [CHROME_EXTENSION_DIR] }),
    userDataDir: options.userDataDir ?? mkdtempSync(path.join(tmpdir(), 'ers-chrome-')),
    defaultViewport: null,
    args: CHROME_FLAGS,
  });
}

export function isServiceWorker(t: Target): boolean {
  return t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${EXTENSION_ID}/`);
}
