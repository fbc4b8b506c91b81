// The pages' styles are nhsuk-frontend's own, compiled from the package at build time (only the
// components used), the pages' older class names get the real components, and the side panel's CSS
// stays within its budget.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as sass from 'sass';
import { describe, expect, it } from 'vitest';
import { CSS_BUDGET_GZIP_BYTES } from '../../scripts/lib/page-css';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const css = sass.compile(path.join(ROOT, 'components/nhs.scss'), {
  style: 'compressed',
  loadPaths: [path.join(ROOT, 'node_modules')],
  quietDeps: true,
  logger: sass.Logger.silent,
}).css;

/** The selector lists of every rule whose selector list contains `selector` exactly. */
function rulesWith(selector: string): string[][] {
  return [...css.matchAll(/([^{}]+)\{[^{}]*\}/g)].map((m) => m[1]!.split(',')).filter((list) => list.includes(selector));
}

describe('NHS styles (components/nhs.scss)', () => {
  it('are compiled from nhsuk-frontend: the components the pages use, and not the ones they do not', () => {
    for (const c of [
      '.nhsuk-button',
      '.nhsuk-error-summary',
      '.nhsuk-error-message',
      '.nhsuk-summary-list',
      '.nhsuk-tag',
      '.nhsuk-panel',
      '.nhsuk-inset-text',
      '.nhsuk-warning-callout',
      '.nhsuk-input',
      '.nhsuk-select',
      '.nhsuk-textarea',
      '.nhsuk-fieldset',
      '.nhsuk-label',
      '.nhsuk-hint',
      '.nhsuk-u-visually-hidden',
    ])
      expect(rulesWith(c).length, c).toBeGreaterThan(0);
    // nhsuk-frontend's version marker proves the package's own properties, not a hand-written copy.
    expect(/--nhsuk-frontend-version:\s*"10\.6\.1"/.test(css)).toBe(true);
    for (const unused of ['.nhsuk-header', '.nhsuk-footer', '.nhsuk-hero', '.nhsuk-grid-row', '.nhsuk-u-margin-top-0', '.nhsuk-card--feature'])
      expect(rulesWith(unused), unused).toEqual([]);
  });

  it('give the older class names the real components', () => {
    const pairs: [string, string][] = [
      ['.nhs-button', '.nhsuk-button'],
      ['.nhs-button--secondary', '.nhsuk-button--secondary'],
      ['.nhs-button--warning', '.nhsuk-button--warning'],
      ['.nhs-error-summary', '.nhsuk-error-summary'],
      ['.nhs-error-message', '.nhsuk-error-message'],
      ['.nhs-inset', '.nhsuk-inset-text'],
      ['.nhs-warning', '.nhsuk-warning-callout'],
      ['.nhs-tag', '.nhsuk-tag'],
      ['.nhs-tag--red', '.nhsuk-tag--red'],
      ['.nhs-label', '.nhsuk-label'],
      ['.nhs-hint', '.nhsuk-hint'],
      ['.nhs-input', '.nhsuk-input'],
      ['.nhs-select', '.nhsuk-select'],
      ['.nhs-visually-hidden', '.nhsuk-u-visually-hidden'],
    ];
    for (const [old, nhsuk] of pairs)
      expect(
        rulesWith(nhsuk).some((list) => list.includes(old)),
        `${old} → ${nhsuk}`,
      ).toBe(true);
  });

  it('load nothing from the web (no Frutiger web font, no remote images)', () => {
    expect(css.includes('@font-face')).toBe(false);
    expect(/url\(["']?(https?:)?\/\//.test(css)).toBe(false);
  });

  it('keep the side panel within its CSS budget (with panel.css)', () => {
    const panel = readFileSync(path.join(ROOT, 'entrypoints/sidepanel/panel.css'), 'utf8');
    const gzip = gzipSync(Buffer.from(`${css}\n${panel}`), { level: 9 }).length;
    expect(gzip).toBeLessThanOrEqual(CSS_BUDGET_GZIP_BYTES.sidepanel);
  });
});
