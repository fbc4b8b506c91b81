// Keyboard only and 200 % zoom, in real Chromium with the built extension:
// - a routine referral from the opened panel to Submit with Tab, Enter and Space only (the letter
//   file is chosen in the file dialog that Space opens), axe (test/helpers/axe.ts) at every step, and
//   at every Tab the focused element is in view and not covered by the sticky patient strip
//   (WCAG 2.2 focus not obscured);
// - the same panel at 200 % zoom (a 360 px panel is 180 CSS px wide): nothing is cut off or needs
//   sideways scrolling, and the focused element is never under the strip.
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplePath } from 'ers-contract/files';
import { openPanelFromRecord, waitForText } from '../../scripts/lib/walkthrough';
import { expectAccessible } from '../helpers/axe';
import { startSignedInHarness, type Harness } from './harness';

const LETTER = examplePath('platform/A019_response_000000070000_Appointment_Confirmation_Summary_20210603121353.pdf');

let h: Harness;

beforeAll(async () => {
  h = await startSignedInHarness();
  // A clinician's last search is remembered (routine, cardiology), so no choice in a list is needed.
  const remembered = await h.send('referral/remember-search', { priority: 'ROUTINE', specialty: 'CARDIOLOGY' });
  expect(remembered.ok).toBe(true);
});
afterAll(async () => {
  await h?.close();
});

/**
 * Where the focused element is: its description, and whether any part of it is hidden (outside the
 * viewport, or under another element such as the sticky patient strip).
 */
async function focusReport(panel: Page) {
  return panel.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { what: 'body', obscured: undefined as string | undefined };
    const what = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el instanceof HTMLSelectElement ? el.value : el.innerText || el.getAttribute('aria-label') || (el as HTMLInputElement).value || '').trim().slice(0, 40).replace(/\s+/g, ' ')}"`;
    const r = el.getBoundingClientRect();
    // A file input or a control whose box is the label's: check the box the user sees.
    if (r.width === 0 || r.height === 0) return { what, obscured: 'has no size' };
    const { clientWidth: w, clientHeight: hgt } = document.documentElement;
    if (r.top < 0 || r.bottom > hgt + 0.5 || r.left < 0 || r.right > w + 0.5)
      return {
        what,
        obscured: `is outside the viewport (${Math.round(r.left)},${Math.round(r.top)} to ${Math.round(r.right)},${Math.round(r.bottom)} in ${w}×${hgt})`,
      };
    const inset = 2;
    const points: [number, number][] = [
      [r.left + inset, r.top + inset],
      [r.right - inset, r.top + inset],
      [r.left + r.width / 2, r.top + r.height / 2],
      [r.left + inset, r.bottom - inset],
    ];
    for (const [x, y] of points) {
      const top = document.elementFromPoint(x, y);
      if (top && top !== el && !el.contains(top) && !top.contains(el)) {
        const cover = top.closest('[class]') as HTMLElement | null;
        return { what, obscured: `is covered at (${Math.round(x)}, ${Math.round(y)}) by ${cover?.className ?? top.tagName}` };
      }
    }
    return { what, obscured: undefined };
  });
}

/** Press Tab until the focused element matches `selector`; every element passed on the way must be fully visible. */
async function tabTo(panel: Page, selector: string, maxTabs = 150): Promise<void> {
  for (let i = 0; i < maxTabs; i++) {
    await panel.keyboard.press('Tab');
    const focus = await focusReport(panel);
    expect(focus.obscured, `focused ${focus.what}`).toBeUndefined();
    if (await panel.evaluate((s) => !!document.activeElement?.matches(s), selector)) return;
  }
  throw new Error(`${selector} was not reached with ${maxTabs} presses of Tab`);
}

/** Nothing sticks out of the panel sideways: no horizontal scrolling, no element cut off at an edge. */
async function cutOff(panel: Page): Promise<string[]> {
  return panel.evaluate(() => {
    const out: string[] = [];
    const w = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > w + 1) out.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px in ${w} px)`);
    for (const el of document.querySelectorAll<HTMLElement>('main *')) {
      const r = el.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) continue; // visually hidden text
      if (getComputedStyle(el).visibility === 'hidden') continue;
      if (r.right > w + 1 || r.left < -1)
        out.push(
          `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${el.className} "${el.innerText.trim().slice(0, 30)}" spans ${Math.round(r.left)}..${Math.round(r.right)}`,
        );
    }
    return [...new Set(out)].slice(0, 10);
  });
}

/** Open the panel for a patient with no draft yet (a new draft takes the remembered search). */
async function openPanel(nhsNumber: string): Promise<Page> {
  const record = await h.browser.newPage();
  await record.setViewport({ width: 1200, height: 850 });
  await record.goto(h.url(`/demo/gp/record-${nhsNumber}.html`));
  const panel = await openPanelFromRecord(h.browser, record);
  await waitForText(panel, '[data-testid="banner-nhs-number"]', nhsNumber.replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3'));
  await panel.waitForFunction(() => (document.querySelector('#specialty') as HTMLSelectElement | null)?.value === 'CARDIOLOGY', { timeout: 20_000 });
  return panel;
}

describe('keyboard only', () => {
  it('a routine referral from the opened panel to Submit with Tab, Enter and Space, accessible at every step', async () => {
    const panel = await openPanel('4857773457');
    await panel.setViewport({ width: 360, height: 720 });
    await panel.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await expectAccessible(panel, 'keyboard: panel opened');

    await tabTo(panel, 'form[aria-labelledby="search-heading"] button[type="submit"]');
    await panel.keyboard.press('Enter');
    await panel.waitForSelector('.service', { timeout: 20_000 });
    await expectAccessible(panel, 'keyboard: results');

    // The first service that is not a triage service (Referral Assessment Service), added with Space.
    await panel.evaluate(() => {
      const add = [...document.querySelectorAll('.service')]
        .find((s) => !(s as HTMLElement).innerText.includes('Triage (RAS)'))
        ?.querySelector('.service__add');
      add?.setAttribute('data-keyboard-target', '');
    });
    await tabTo(panel, '[data-keyboard-target]', 300);
    await panel.keyboard.press('Space');
    await panel.waitForSelector('[data-shortlist-id]', { timeout: 10_000 });
    await expectAccessible(panel, 'keyboard: shortlist and letter step');

    await tabTo(panel, '#letter-file');
    const [chooser] = await Promise.all([panel.waitForFileChooser({ timeout: 10_000 }), panel.keyboard.press('Space')]);
    await chooser.accept([LETTER]);
    await panel.waitForSelector('[data-file-name]', { timeout: 10_000 });
    await panel.waitForFunction(() => !(document.querySelector('[data-testid="submit"]') as HTMLButtonElement | null)?.disabled, { timeout: 10_000 });
    await expectAccessible(panel, 'keyboard: ready to submit');

    await tabTo(panel, '[data-testid="submit"]');
    await panel.keyboard.press('Enter');
    await panel.waitForSelector('[data-testid="done"]', { timeout: 60_000 });
    await expectAccessible(panel, 'keyboard: done');
    expect(await panel.$eval('[data-testid="ubrn"]', (e) => e.getAttribute('data-ubrn'))).toMatch(/^\d{12}$/);
  });
});

describe('200 % zoom (the 360 px panel at 180 CSS px)', () => {
  it('cuts nothing off and never hides the focused element under the patient strip', async () => {
    const panel = await openPanel('9000000009');
    await panel.setViewport({ width: 180, height: 360 });
    expect(await cutOff(panel)).toEqual([]);
    await expectAccessible(panel, '200 %: panel opened');
    // Tab through the search form to Search: every focused element fully in view.
    await tabTo(panel, 'form[aria-labelledby="search-heading"] button[type="submit"]');
    await panel.keyboard.press('Enter');
    await panel.waitForSelector('.service', { timeout: 20_000 });
    expect(await cutOff(panel)).toEqual([]);
    // Down through the results: the strip stays on top and never covers what has focus.
    for (let i = 0; i < 12; i++) {
      await panel.keyboard.press('Tab');
      const focus = await focusReport(panel);
      expect(focus.obscured, `focused ${focus.what}`).toBeUndefined();
    }
    expect(await panel.$eval('.patient-banner__strip', (s) => s.getBoundingClientRect().top)).toBe(0);
  });
});
