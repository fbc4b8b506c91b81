// Accessibility audit in real Chromium: axe-core (WCAG 2.0/2.1 A and AA plus best practice) on the
// side panel at every step of a referral, on its error and warning states, on the popup (signed out
// and in) and on the options page. No serious or critical violation is allowed; on failure each
// violation is printed with its id, impact, help text and target selectors.
import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_IDS } from 'ers-simulator';
import { openPanelFromRecord, referFromRecord, signInFromPanel, waitForText } from '../../scripts/lib/walkthrough';
import { expectAccessible } from '../helpers/axe';
import { startHarness, type Harness } from './harness';
import { examplePath } from 'ers-contract/files';

const LETTER = examplePath('platform/A019_response_000000070000_Appointment_Confirmation_Summary_20210603121353.pdf');

let h: Harness;
let record: Page;
let panel: Page;

beforeAll(async () => {
  h = await startHarness({ flavour: 'platform' });
});
afterAll(async () => {
  await h?.close();
});

describe('signed out', () => {
  it('popup (signed out)', async () => {
    const popup = await h.openPage('popup.html');
    await popup.waitForSelector('main');
    await popup.waitForFunction(() => !document.body.innerText.includes('Loading'));
    await expectAccessible(popup, 'popup signed out');
    await popup.close();
  });

  it('options page (signed out)', async () => {
    const options = await h.openPage('options.html');
    await options.waitForSelector('form, main');
    await new Promise((r) => setTimeout(r, 500));
    await expectAccessible(options, 'options page');
    await options.close();
  });

  it('side panel: signed-out header, and no patient shown until sign-in', async () => {
    record = await h.browser.newPage();
    await record.setViewport({ width: 1200, height: 850 });
    await record.goto(h.url('/demo/gp/record-9434765919.html'));
    panel = await openPanelFromRecord(h.browser, record);
    await panel.waitForSelector('[data-testid="panel-sign-in"]');
    await waitForText(panel, '[data-testid="signed-out-panel"]', 'Sign in to see your referrals');
    expect(await panel.$('[data-testid="banner-nhs-number"]')).toBeNull();
    await expectAccessible(panel, 'panel signed out');
  });
});

describe('a referral, step by step', () => {
  it('signed in: patient banner and search form', async () => {
    await signInFromPanel(h, panel, USER_IDS.adams, 'REFERRING_CLINICIAN|B86001');
    await panel.waitForSelector('#specialty option[value="CARDIOLOGY"]', { timeout: 20_000 });
    await expectAccessible(panel, 'panel signed in, search form');
  });

  it('results list', async () => {
    if ((await panel.$eval('#specialty', (s) => (s as HTMLSelectElement).value)) !== 'CARDIOLOGY') await panel.select('#specialty', 'CARDIOLOGY');
    await panel.click('form[aria-labelledby="search-heading"] button[type="submit"]');
    await panel.waitForSelector('.service', { timeout: 20_000 });
    await expectAccessible(panel, 'panel results');
  });

  it('shortlist and letter step', async () => {
    for (const s of await panel.$$('.service')) {
      const triage = await s.$eval('.service__facts', (e) => (e as HTMLElement).innerText.includes('Triage (RAS)'));
      if (!triage) {
        const add = (await s.$('.service__add'))!;
        await add.scrollIntoView();
        await add.click();
        break;
      }
    }
    await panel.waitForSelector('[data-shortlist-id]');
    await panel.waitForSelector('#letter-file');
    await expectAccessible(panel, 'panel shortlist + letter step');
  });

  it('ready to submit (letter attached)', async () => {
    const input = (await panel.waitForSelector('#letter-file')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(LETTER);
    await panel.waitForSelector('[data-file-name]', { timeout: 10_000 });
    await panel.waitForFunction(() => !(document.querySelector('[data-testid="submit"]') as HTMLButtonElement | null)?.disabled, { timeout: 10_000 });
    await expectAccessible(panel, 'panel ready to submit');
  });

  it('done screen', async () => {
    await panel.click('[data-testid="submit"]');
    await panel.waitForSelector('[data-testid="done"]', { timeout: 60_000 });
    await expectAccessible(panel, 'panel done screen');
  });

  it('popup and options page (signed in)', async () => {
    const popup = await h.openPage('popup.html');
    await popup.waitForFunction(() => document.body.innerText.includes('Adams') || document.body.innerText.toLowerCase().includes('sign out'), {
      timeout: 10_000,
    });
    await expectAccessible(popup, 'popup signed in');
    await popup.close();
    const options = await h.openPage('options.html');
    await options.waitForSelector('form, main');
    await new Promise((r) => setTimeout(r, 500));
    await expectAccessible(options, 'options page signed in');
    await options.close();
  });
});

describe('warnings and errors', () => {
  /** A referral with a letter, up to Submit, from a demo record page. */
  const upToSubmit = (record: string, nhsNumber: string) => referFromRecord(h, { record, nhsNumber, letterFile: LETTER, stopBefore: 'submit' });

  it.each([
    [
      'outcome unknown (a 503 on the create, nothing found on the worklist)',
      '4857773457',
      { route: 'A011', kind: 'status', status: 503, count: 1 },
      '[data-testid="outcome-unknown"][data-reconcile="none"]',
      'panel outcome unknown',
    ],
    [
      'submit error (e-RS unavailable)',
      '9000000009',
      { route: 'A011', kind: 'status', status: 500, count: 10 },
      '[data-testid="submit-error"], [data-testid="panel-error"], [data-testid="outcome-unknown"]',
      'panel submit error',
    ],
  ] as const)('%s', async (_name, nhs, fault, shown, audit) => {
    const first = await upToSubmit(`/demo/gp/record-${nhs}.html`, nhs);
    h.sim.injectFault(fault);
    try {
      await first.panel.waitForFunction(() => !(document.querySelector('[data-testid="submit"]') as HTMLButtonElement | null)?.disabled, { timeout: 10_000 });
      await first.panel.click('[data-testid="submit"]');
      await first.panel.waitForSelector(shown, { timeout: 60_000 });
      await expectAccessible(first.panel, audit);
    } finally {
      h.sim.clearFaults();
      await first.record.close();
    }
  });

  it('patient changed: the draft is locked with a warning', async () => {
    const first = await upToSubmit('/demo/spa/index.html#/patient/9733333336', '9733333336');
    await first.record.bringToFront();
    await first.record.click('a[data-nhs-link="9912003888"]');
    await first.panel.waitForSelector('[data-testid="draft-locked"]', { timeout: 10_000 });
    await expectAccessible(first.panel, 'panel patient changed (locked draft)');
  });
});
