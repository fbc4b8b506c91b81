// The CSS an extension page loads at start, read from the build (.output): nhsuk-frontend's compiled
// styles (components/nhs.scss) and the page's own. Used for the CSS size figures and by the render
// benchmarks, which style their test page with it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchLine } from '../bench-content';
import { CHROME_EXTENSION_DIR } from './chromium';

/**
 * CSS budgets, gzip, per page (docs/benchmarks.md says why): nhsuk-frontend's core (settings,
 * typography, links, forms; about 9 KB gzip) is the floor for using the package at all, then the
 * components the pages use and each page's own rules, with room for the panel's next screens.
 */
export const CSS_BUDGET_GZIP_BYTES = { sidepanel: 14 * 1024, popup: 12 * 1024, options: 12 * 1024 } as const;

/** The stylesheets an extension page links at start (nhsuk-frontend's compiled styles and its own), in order. */
export function pageCss(page: 'sidepanel' | 'popup' | 'options'): string {
  const html = readFileSync(path.join(CHROME_EXTENSION_DIR, `${page}.html`), 'utf8');
  return [...html.matchAll(/<link[^>]+href="([^"]+\.css)"/g)]
    .map((m) => readFileSync(path.join(CHROME_EXTENSION_DIR, m[1]!.replace(/^\//, '')), 'utf8'))
    .join('\n');
}

/** The CSS an extension page loads at start, raw and gzip (its budget: docs/benchmarks.md). */
export function pageCssBytes(page: 'sidepanel' | 'popup' | 'options'): BenchLine[] {
  const css = Buffer.from(pageCss(page));
  return [
    { name: `${page}_css_bytes`, value: css.length, unit: 'bytes' },
    { name: `${page}_css_gzip_bytes`, value: gzipSync(css, { level: 9 }).length, unit: 'bytes' },
  ];
}
