// The side panel's error summary, "no services found" and "check your answers" in real Chromium
// against the simulator: an e-RS refusal of the search lands on its field in plain English with the
// focus on the summary; an empty search says why with links to change each criterion; the answers
// are shown above Submit. axe-clean at each step.
import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { examplePath } from 'ers-contract/files';
import { openPanelFromRecord } from '../../scripts/lib/walkthrough';
import { expectAccessible } from '../helpers/axe';
import { startSignedInHarness, type Harness } from './harness';

const LETTER = examplePath('platform/A019_response_000000070000_Appointment_Confirmation_Summary_20210603121353.pdf');

let h: Harness;
let panel: Page;

beforeAll(async () => {
  h = await startSignedInHarness();
  const record = await h.browser.newPage();
  await record.goto(h.url('/demo/gp/record-9434765919.html'));
  panel = await openPanelFromRecord(h.browser, record);
  await panel.waitForSelector('#specialty option[value="CARDIOLOGY"]', { timeout: 20_000 });
  if ((await panel.$eval('#specialty', (s) => (s as HTMLSelectElement).value)) !== 'CARDIOLOGY') await panel.select('#specialty', 'CARDIOLOGY');
});
afterAll(async () => {
  await h?.close();
});
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && panel) await h.screenshot(panel, `panel-errors-${ctx.task.name}`);
});

/** Replace what a search-form field holds, as a user would. */
async function typeIn(id: string, text: string) {
  await panel.$eval('details.more-criteria', (d) => (d as HTMLDetailsElement).setAttribute('open', ''));
  await panel.waitForSelector(`#${id}`);
  await panel.focus(`#${id}`);
  await panel.$eval(`#${id}`, (e) => (e as HTMLInputElement).select());
  await panel.keyboard.press('Backspace');
  await panel.waitForFunction((sel) => (document.querySelector(sel) as HTMLInputElement).value === '', {}, `#${id}`);
  if (text) await panel.type(`#${id}`, text);
}

const search = () => panel.click('form[aria-labelledby="search-heading"] button[type="submit"]');
const focusedTestId = () => panel.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.id);

describe('panel errors in the NHS pattern', () => {
  it('e-RS refusing the clinical term: the summary has the focus, links to the field, which says why in plain English', async () => {
    await typeIn('clinical-term', '123456'); // the right shape, but not in the e-RS dictionary
    await search();
    await panel.waitForSelector('[data-testid="panel-error"] a[href="#clinical-term"]', { timeout: 20_000 });
    await panel.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'panel-error');
    const summary = await panel.$eval('[data-testid="panel-error"]', (e) => (e as HTMLElement).innerText);
    expect(summary).toContain('The clinical term is not in the e-RS dictionary');
    expect(summary).not.toMatch(/SNOMED_NOT_FOUND|Invalid|input\.criteria/);
    await panel.click('[data-testid="panel-error"] a[href="#clinical-term"]');
    expect(await focusedTestId()).toBe('clinical-term');
    expect(await panel.$eval('#clinical-term', (e) => e.getAttribute('aria-describedby'))).toBe('clinical-term-error');
    await expectAccessible(panel, 'panel error summary on the clinical term');
  });

  it('a SNOMED CT code of the wrong length is refused in the panel in plain words, before anything is sent', async () => {
    await typeIn('clinical-term', '12');
    await search();
    await panel.waitForFunction(
      () => document.querySelector('[data-testid="panel-error"]')?.textContent?.includes('Enter a SNOMED CT code of 6 to 18 digits'),
      {
        timeout: 20_000,
      },
    );
    await panel.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'panel-error');
    expect(await panel.$eval('#clinical-term-error', (e) => (e as HTMLElement).innerText)).toContain('Enter a SNOMED CT code of 6 to 18 digits');
  });

  it('no services found: says why from the criteria, with a link to change each', async () => {
    // Sleep apnoea is not a cardiology term: no cardiology service takes it.
    await typeIn('clinical-term', '78275009');
    await search();
    await panel.waitForSelector('[data-testid="no-services"]', { timeout: 20_000 });
    const why = await panel.$eval('[data-testid="no-services"]', (e) => (e as HTMLElement).innerText);
    expect(why).toMatch(/No Cardiology services accept routine referrals for SNOMED CT code 78275009/);
    expect(await panel.$$eval('[data-testid="no-services"] a', (as) => as.map((a) => a.getAttribute('href')))).toContain('#clinical-term');
    await expectAccessible(panel, 'panel no services found');
  });

  it('check your answers above Submit, once a service and the letter are there', async () => {
    await typeIn('clinical-term', '');
    await search();
    await panel.waitForSelector('.service', { timeout: 20_000 });
    const add = await panel.waitForSelector('.service .service__add:not([disabled])');
    await add!.click();
    await panel.waitForSelector('[data-testid="selected-bar"]');
    await panel.click('[data-testid="selected-bar"] a');
    expect(await focusedTestId()).toBe('shortlist-heading');
    const input = (await panel.waitForSelector('#letter-file')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(LETTER);
    const answers = await panel.waitForSelector('[data-testid="check-answers"]', { timeout: 20_000 });
    const text = await answers!.evaluate((e) => (e as HTMLElement).innerText);
    expect(text).toContain('Priority');
    expect(text).toContain('Cardiology');
    expect(text).toContain('A019_response_000000070000');
    await expectAccessible(panel, 'panel check your answers');
  });
});
