// End to end in Chromium: the built extension on each demo clinical system sees the right patient,
// Refer opens the side panel on that patient, the SPA's patient switch locks the old draft, and the
// page cannot spoof context.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { USER_IDS } from 'ers-simulator/users';
import { draftId as draftIdFor, ownerKey } from '../../utils/referral/model';
import { EXTENSION_ID, startSignedInHarness, type Harness } from './harness';

// Evaluated inside extension pages, where the `chrome` global exists.
declare const chrome: typeof import('wxt/browser').browser;

let h: Harness;
let browser: Browser;
let origin: string;
let extId: string;
let probe: Page; // an extension page used to read chrome.storage.session and chrome.tabs

interface TabState {
  tabId: number;
  report: { status: string; patient?: { nhsNumber: string; name: { family: string; given: string[] } }; source: { adapterId: string } };
  draft?: { nhsNumber: string; locked: boolean; warning?: string };
}

async function tabIdOf(page: Page): Promise<number> {
  const url = page.url().split('#')[0]!;
  return probe.evaluate(async (u) => {
    const tabs = await chrome.tabs.query({});
    return tabs.find((t) => t.url?.split('#')[0] === u)!.id!;
  }, url);
}

async function stateOf(tabId: number): Promise<TabState | undefined> {
  return probe.evaluate(async (k) => (await chrome.storage.session.get(k))[k], `patientContext.tab.${tabId}`) as Promise<TabState | undefined>;
}

async function waitForState(tabId: number, ok: (s: TabState) => boolean, what: string, timeout = 10_000): Promise<TabState> {
  const until = Date.now() + timeout;
  let last: TabState | undefined;
  while (Date.now() < until) {
    last = await stateOf(tabId);
    if (last && ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last state ${JSON.stringify(last)}`);
}

async function clickRefer(page: Page) {
  const host = await page.waitForSelector('ers-refer-button', { visible: true });
  const box = (await host!.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + Math.min(box.height / 2, 15));
}

async function closePanels() {
  for (const t of browser.targets()) if (t.url().endsWith('/sidepanel.html')) await (await t.asPage()).close().catch(() => {});
}

async function openAndRefer(rel: string, nhs: string, family: string) {
  const page = await browser.newPage();
  await page.goto(`${origin}/demo/${rel}`);
  const tabId = await tabIdOf(page);
  const state = await waitForState(tabId, (s) => s.report.patient?.nhsNumber === nhs, `${rel} → ${nhs}`);
  expect(state.report.status).toBe('single');
  expect(state.report.patient!.name.family).toBe(family);
  await referOpensPanel(page);
  const bound = await waitForState(tabId, (s) => s.draft?.nhsNumber === nhs, 'draft bound to the patient');
  expect(bound.draft!.locked).toBe(false);
  await expectPanelRequest(tabId, nhs);
  return { page, tabId };
}

/** Click Refer on the page: the side panel opens. */
async function referOpensPanel(page: Page) {
  await closePanels();
  const panel = browser.waitForTarget((t) => t.url() === `chrome-extension://${extId}/sidepanel.html`, { timeout: 10_000 });
  await clickRefer(page);
  await panel; // the side panel opened
}

/** The background recorded the Refer request for this tab's patient. */
async function expectPanelRequest(tabId: number, nhs: string) {
  // The panel opens inside the click, before the background records the request: wait for this tab's.
  await probe.waitForFunction(
    async (t) =>
      ((await chrome.storage.session.get('patientContext.panelRequest'))['patientContext.panelRequest'] as { tabId?: number } | undefined)?.tabId === t,
    { timeout: 5000 },
    tabId,
  );
  const request = await probe.evaluate(async () => (await chrome.storage.session.get('patientContext.panelRequest'))['patientContext.panelRequest']);
  expect(request).toMatchObject({ tabId, via: 'refer-button', nhsNumber: nhs });
}

// Signed in as Dr Kate ADAMS: the background refuses every referral message before sign-in, so a
// refusal for the wrong patient can only be seen by a signed-in user. The simulator serves the demo.
beforeAll(async () => {
  h = await startSignedInHarness();
  browser = h.browser;
  probe = h.probe;
  extId = EXTENSION_ID;
  origin = new URL(h.url('/')).origin;
  await probe.waitForFunction(async () => Array.isArray((await chrome.storage.local.get('patientAdapters.active'))['patientAdapters.active']));
});

afterAll(async () => {
  await h?.close();
});

describe('patient context in Chromium', () => {
  it('GP record: sees JONES, Sarah; Refer opens the side panel on her', async () => {
    const { page } = await openAndRefer('gp/record-9434765919.html', '9434765919', 'JONES');
    await page.close();
  });

  it('hospital EPR: sees SMITH, John in the sticky banner; Refer (inside the banner) opens the panel on him', async () => {
    const { page } = await openAndRefer('epr/patient-9912003888.html', '9912003888', 'SMITH');
    expect(await page.evaluate(() => document.querySelector('#patient-banner ers-refer-button') !== null)).toBe(true);
    await page.close();
  });

  it('SPA: switching patient without a reload locks the open draft for the old patient, until she is back', async () => {
    const { page, tabId } = await openAndRefer('spa/index.html#/patient/9434765919', '9434765919', 'JONES');
    await page.click('a[data-nhs-link="9912003888"]');
    const s = await waitForState(tabId, (x) => x.report.patient?.nhsNumber === '9912003888', 'SPA switch to SMITH');
    expect(s.draft).toMatchObject({ nhsNumber: '9434765919', locked: true });
    expect(s.draft!.warning).toMatch(/JONES, Sarah .* SMITH, John .*locked/);
    // Back on JONES (the same identity): the background lifts the lock (docs/decisions/draft-lock.md).
    await page.goBack();
    const back = await waitForState(tabId, (x) => x.report.patient?.nhsNumber === '9434765919', 'back to JONES');
    expect(back.draft!.locked).toBe(false);
    await page.close();
  });

  it('clinic list with many NHS numbers: no patient, no Refer button', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/demo/list/clinic.html`);
    const tabId = await tabIdOf(page);
    const s = await waitForState(tabId, (x) => x.report.status !== 'single', 'list page report');
    expect(s.report.status).toBe('ambiguous');
    expect(await page.$('ers-refer-button')).toBeNull();
    await page.close();
  });

  it('hostile record: a markup name is data, shown literally, never run', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/demo/hostile/script-name.html`);
    const tabId = await tabIdOf(page);
    const s = await waitForState(tabId, (x) => x.report.status === 'single', 'hostile page read');
    expect(s.report.patient!.name.family).toBe(`<img src=x onerror="document.title='pwned'">`);
    expect(await page.$('ers-refer-button')).not.toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.title()).not.toBe('pwned');
    await page.close();
  });

  it('the page cannot spoof context with postMessage, custom events or a synthetic click', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/demo/gp/record-9733333336.html`);
    const tabId = await tabIdOf(page);
    await waitForState(tabId, (x) => x.report.patient?.nhsNumber === '9733333336', 'WILLIAMS');
    await page.evaluate(() => {
      const fake = {
        type: 'patient-context',
        context: {
          status: 'single',
          patient: { nhsNumber: '9912003888', name: { family: 'EVIL', given: ['Eve'] } },
          confidence: 1,
          source: { adapterId: 'x', url: location.href, title: '' },
          observedAt: 1,
        },
      };
      window.postMessage(fake, '*');
      document.dispatchEvent(new CustomEvent('patient-context', { detail: fake }));
      document.dispatchEvent(new CustomEvent('wxt:content-script-started', { detail: { contentScriptName: 'patient-context', messageId: 'x' } }));
      (document.querySelector('ers-refer-button') as HTMLElement).click();
    });
    await new Promise((r) => setTimeout(r, 600));
    const s = await stateOf(tabId);
    expect(s!.report.patient!.nhsNumber).toBe('9733333336');
    expect(s!.draft).toBeUndefined(); // the synthetic click did not open a draft
    await page.close();
  });

  /** Submit the tab's draft for `nhs` as the panel would; the background must refuse it. */
  async function submitRefusal(tabId: number, nhs: string): Promise<string> {
    const draftId = draftIdFor(ownerKey({ userId: USER_IDS.adams, ods: 'B86001' }), origin, nhs);
    const answer = (await probe.evaluate((m) => chrome.runtime.sendMessage(m), { type: 'referral/submit', draftId, tabId })) as {
      ok: boolean;
      error?: { code: string; message: string };
    };
    expect(answer.ok).toBe(false);
    expect(answer.error!.code).toBe('locked');
    return answer.error!.message;
  }

  it('two-stage SPA: Refer in the unsettled second shows nothing; the draft locks; a submit is refused', async () => {
    const { page, tabId } = await openAndRefer('ward/index.html', '9434765919', 'JONES');
    await page.click('#next'); // name + NHS number now, DOB/sex/postcode a second later
    // Within the unsettled second the Refer button is withdrawn and the background holds no patient.
    // (The window is about 2.5 s: the app's second stage after ~1 s, then the 1.5 s settle.)
    await page.waitForFunction(() => !document.querySelector('ers-refer-button'), { timeout: 2000 });
    const mid = await waitForState(tabId, (x) => x.report.status !== 'single', 'the background to drop the half-updated patient', 2000);
    expect(mid.report.patient).toBeUndefined();
    const s = await waitForState(tabId, (x) => x.report.patient?.nhsNumber === '9912003888', 'ward switch to SMITH', 6000);
    // Published only once whole: never SMITH's number with JONES's date of birth.
    expect(s.report.patient).toMatchObject({ nhsNumber: '9912003888', birthDate: '1970-01-01' });
    expect(s.draft).toMatchObject({ nhsNumber: '9434765919', locked: true });
    expect(await submitRefusal(tabId, '9434765919')).toMatch(/SMITH, John/);
    await page.close();
  });

  it('an app that renders its banner again (same patient, new elements): the Refer button comes back and opens the panel on him', async () => {
    const { page, tabId } = await openAndRefer('epr/patient-9912003888.html', '9912003888', 'SMITH');
    for (let i = 0; i < 3; i++) {
      // What a framework that replaces its DOM does: the same banner, new elements, without our button.
      await page.evaluate(() => {
        const b = document.getElementById('patient-banner')!;
        const again = b.cloneNode(true) as Element;
        again.querySelector('ers-refer-button')?.remove();
        b.replaceWith(again);
      });
      await page.waitForSelector('#patient-banner .banner-actions ers-refer-button', { visible: true, timeout: 5000 });
    }
    await probe.evaluate(() => chrome.storage.session.remove('patientContext.panelRequest'));
    await referOpensPanel(page);
    await expectPanelRequest(tabId, '9912003888');
    await page.close();
  });

  it('class-only tab switch with an administrator adapter: noticed, the draft locks, a submit is refused', async () => {
    await probe.evaluate(
      async (o) => {
        await chrome.storage.local.set({
          'patientAdapters.custom': [
            {
              id: 'tabchart',
              name: 'TabChart EPR',
              matches: [`${o}/demo/tabs/*`],
              recordOpen: { selector: '.chart.active' },
              fields: {
                nhsNumber: { selector: '.chart.active .nhs' },
                name: { selector: '.chart.active .name' },
                birthDate: { selector: '.chart.active .dob' },
              },
              watch: ['.chart'],
            },
          ],
        });
      },
      origin.replace(/:\d+$/, ''),
    );
    await probe.waitForFunction(async () =>
      ((await chrome.storage.local.get('patientAdapters.active'))['patientAdapters.active'] as { id: string }[]).some((a) => a.id === 'tabchart'),
    );
    const { page, tabId } = await openAndRefer('tabs/index.html', '9434765919', 'JONES');
    expect((await stateOf(tabId))!.report.source.adapterId).toBe('tabchart');
    await page.click('[data-chart="1"]'); // toggles a class only; the URL does not change
    const s = await waitForState(tabId, (x) => x.report.patient?.nhsNumber === '9912003888', 'tab switch to SMITH', 6000);
    expect(s.draft).toMatchObject({ nhsNumber: '9434765919', locked: true });
    expect(await submitRefusal(tabId, '9434765919')).toMatch(/SMITH, John/);
    await page.close();
  });
});
