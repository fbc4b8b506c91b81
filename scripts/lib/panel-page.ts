// Real side-panel components rendered in a plain page (no extension): the render benches bundle a
// small script that imports them from the repo and load it, with the panel's CSS, into a blank page.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { ROOT } from './chromium';

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
  const css = ['components/nhs.css', 'entrypoints/sidepanel/panel.css'].map((file) => readFileSync(path.join(ROOT, file), 'utf8')).join('');
  await page.setContent(`<!doctype html><html><head><style>${css}</style></head><body></body></html>`);
  await page.addScriptTag({ content: out.outputFiles[0]!.text });
}
