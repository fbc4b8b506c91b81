import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const DEMO = join(ROOT, 'packages', 'ers-simulator', 'demo');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'pages');

/** Parse an HTML file into a detached Document (scripts do not run). */
export function loadPage(path: string): Document {
  // Stylesheet links are dropped: happy-dom would try (and refuse) to fetch them.
  return parseHtml(readFileSync(path, 'utf8'));
}

export const demoUrl = (rel: string) => `http://127.0.0.1:8080/demo/${rel}`;

export function parseHtml(html: string): Document {
  return new DOMParser().parseFromString(html.replace(/<link [^>]*>/g, ''), 'text/html');
}
