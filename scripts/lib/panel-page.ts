// Real side-panel components rendered in a plain page (no extension): the render benches bundle a
// small script that imports them from the repo and load it, with the panel's built CSS, into a blank page.
import { build } from 'esbuild';
import type { Page } from 'puppeteer-core';
import { ROOT } from './chromium';
import { pageCss } from './page-css';

/** Bundles `contents` (TSX importing from the repo root, Preact JSX) to one minified script and loads it into `page` styled as the panel. */
export async function loadPanelScript(page: Page, contents: string): Promise<void> {
  const out = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'tsx' },
    bundle: true,
    write: false,
    format: 'iife',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
  });
  await page.setContent(`<!doctype html><html><head><style>${pageCss('sidepanel')}</style></head><body></body></html>`);
  // No extension here: the stores' listeners for the background's page events get a runtime that never sends any.
  await page.addScriptTag({
    content: 'window.chrome = window.chrome || {}; chrome.runtime = chrome.runtime || { onMessage: { addListener() {}, removeListener() {} } };',
  });
  await page.addScriptTag({ content: out.outputFiles[0]!.text });
}
