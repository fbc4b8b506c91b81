import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDemoSite } from 'ers-simulator/demo';

export const ROOT = join(import.meta.dirname, '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'pages');

/** Parse an HTML file into a detached Document (scripts do not run). */
export function loadPage(path: string): Document {
  // Stylesheet links are dropped: happy-dom would try (and refuse) to fetch them.
  return parseHtml(readFileSync(path, 'utf8'));
}

let demoSite: Map<string, string> | undefined;
/** A page of the demo site as the simulator serves it (generated from the test patients). */
export function demoPage(rel: string): string {
  demoSite ??= renderDemoSite();
  const text = demoSite.get(rel);
  if (text === undefined) throw new Error(`no demo page ${rel}`);
  return text;
}

/** A demo page parsed like loadPage. */
export const loadDemoPage = (rel: string): Document => parseHtml(demoPage(rel));

export const demoUrl = (rel: string) => `http://127.0.0.1:8080/demo/${rel}`;

export function parseHtml(html: string): Document {
  return new DOMParser().parseFromString(html.replace(/<link [^>]*>/g, ''), 'text/html');
}
