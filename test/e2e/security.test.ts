// Security checks in real Chromium: what the host clinical page (its own scripts, in the main world)
// can and cannot do to the extension. It cannot message the extension, cannot forge patient context
// or panel requests with postMessage or DOM events, cannot press Refer with a synthetic click or a
// fake button, and never sees a token. The content script's own world cannot read storage.session
// and is refused every privileged message. Tokens never reach IndexedDB, storage.local, any page's
// DOM, localStorage, cookies or console.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CDPSession, ConsoleMessage, Page, Target } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_IDS } from 'ers-simulator';
import { openPanelFromRecord, panelUrlPrefix, referFromRecord, signInFromPanel, waitForText } from '../../scripts/lib/walkthrough';
import { EXTENSION_ID, startHarness, until, type Harness } from './harness';
import { examplePath } from 'ers-contract/files';

// Evaluated inside pages (extension pages have the extension API as `chrome`).
declare const chrome: any;

const LETTER = examplePath('platform/A019_response_000000070000_Appointment_Confirmation_Summary_20210603121353.pdf');
const RECORD = '/demo/gp/record-9434765919.html';
const NHS = '9434765919';
const OTHER_NHS = '9912003888';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let h: Harness;
/** Simulator request log lines ("METHOD /path status ms"). */
const requests: string[] = [];
/** Everything any page or the worker printed to its console. */
const consoleLines: string[] = [];
let tokens: { accessToken: string; refreshToken?: string };

/** e-RS and CIS2 calls (not the demo pages) that reached the simulator. */
const ersCalls = () => requests.filter((l) => !/ \/demo\//.test(l) && !/ \/favicon/.test(l));
const panelTargets = () => h.browser.targets().filter((t) => t.url().startsWith(panelUrlPrefix()));

function watchConsole(target: Target) {
  void (async () => {
    const record = (where: string) => (m: ConsoleMessage) => consoleLines.push(`${where}: ${m.text()} ${m.args().length}`);
    if (target.type() === 'page' || target.type() === 'other') {
      const page = await target.page().catch(() => null);
      page?.on('console', record(target.url()));
      page?.on('pageerror', (e) => consoleLines.push(`${target.url()}: ${String(e)}`));
    } else if (target.type() === 'service_worker') {
      const worker = await target.worker().catch(() => null);
      worker?.on('console', record('worker'));
    }
  })();
}

async function tabState(tabId: number) {
  return h.probe.evaluate(async (k) => (await chrome.storage.session.get(k))[k], `patientContext.tab.${tabId}`) as Promise<
    | {
        tabId: number;
        report: { status: string; patient?: { nhsNumber: string } };
        updatedAt: number;
        draft?: unknown;
      }
    | undefined
  >;
}
const comparable = (s: Awaited<ReturnType<typeof tabState>>) => s && JSON.stringify({ report: s.report, draft: s.draft });

async function openRecord(pathname = RECORD): Promise<Page> {
  const page = await h.browser.newPage();
  await page.setViewport({ width: 1200, height: 850 });
  await page.goto(h.url(pathname));
  await page.waitForSelector('ers-refer-button', { visible: true, timeout: 15_000 });
  const tabId = await h.tabIdOf(page);
  await until("the extension to report the record page's patient", async () => (await tabState(tabId))?.report.patient?.nhsNumber, 10_000);
  return page;
}

/** Run fn on a record page, then check that nothing it did reached e-RS, the patient context or the panel. */
async function expectNoEffect(page: Page, fn: () => Promise<unknown>) {
  const tabId = await h.tabIdOf(page);
  const before = { state: comparable(await tabState(tabId)), referrals: JSON.stringify(h.sim.referrals()), calls: ersCalls().length };
  const panelsBefore = panelTargets().length;
  await fn();
  await sleep(1_200); // longer than the watcher's delay and the panel's opening
  expect(comparable(await tabState(tabId)), 'the per-tab patient context').toBe(before.state);
  expect(JSON.stringify(h.sim.referrals()), 'referrals in e-RS').toBe(before.referrals);
  expect(ersCalls().slice(before.calls), 'e-RS calls').toEqual([]);
  expect(panelTargets().length, 'side panels opened').toBe(panelsBefore);
}

beforeAll(async () => {
  h = await startHarness({ flavour: 'platform', sim: { log: (line: string) => void requests.push(line) } });
  h.browser.on('targetcreated', watchConsole);
  for (const t of h.browser.targets()) watchConsole(t);
  // Sign in from another patient's record: the hostile page below shows RECORD's patient and must
  // open a fresh draft (a restored draft would show the name it was saved with).
  const record = await openRecord('/demo/gp/record-9321456783.html');
  const panel = await openPanelFromRecord(h.browser, record);
  await signInFromPanel(h, panel, USER_IDS.adams, 'REFERRING_CLINICIAN|B86001');
  expect(ersCalls().length, 'the simulator request log sees e-RS and CIS2 calls').toBeGreaterThan(0);
  const session = await h.probe.evaluate(async () => (await chrome.storage.session.get('ers.session'))['ers.session']);
  tokens = (session as { secrets: typeof tokens }).secrets;
  expect(tokens.accessToken?.length).toBeGreaterThan(10);
  await panel.close();
  await record.close();
});
afterAll(async () => {
  await h?.close();
});

describe('the host page (main world) cannot reach the extension', () => {
  it('a patient name carrying markup is shown as text in the panel, never run (hostile demo page)', async () => {
    const page = await openRecord('/demo/hostile/script-name.html');
    const panel = await openPanelFromRecord(h.browser, page);
    await waitForText(panel, '[data-testid="banner-nhs-number"]', '943 476 5919');
    const shown = await panel.$eval('.patient-banner', (e) => (e as HTMLElement).innerText);
    expect(shown.toLowerCase()).toContain('<img src=x onerror='); // the markup, as text
    expect(await panel.evaluate(() => ({ title: document.title, imgs: document.querySelectorAll('main img').length }))).toEqual({
      title: 'e-RS referral',
      imgs: 0,
    });
    expect(await page.title()).not.toBe('pwned');
    await panel.close();
    await page.close();
  });

  it('has no extension messaging API: chrome.runtime.sendMessage / connect to the extension id fail', async () => {
    const page = await openRecord();
    await expectNoEffect(page, async () => {
      const outcome = await page.evaluate(async (id) => {
        const c = (globalThis as { chrome?: { runtime?: { sendMessage?: unknown; connect?: unknown } } }).chrome;
        const results: Record<string, string> = {
          runtime: typeof c?.runtime,
          sendMessage: typeof c?.runtime?.sendMessage,
          connect: typeof c?.runtime?.connect,
        };
        for (const [name, call] of [
          ['send session/get', () => (c!.runtime!.sendMessage as (...a: unknown[]) => unknown)(id, { type: 'session/get' })],
          ['send ers/search', () => (c!.runtime!.sendMessage as (...a: unknown[]) => unknown)(id, { type: 'ers/search', input: { nhsNumber: '9434765919' } })],
          ['connect', () => (c!.runtime!.connect as (...a: unknown[]) => unknown)(id)],
        ] as const) {
          try {
            results[name] = `returned ${JSON.stringify(await call())}`;
          } catch (e) {
            results[name] = `threw ${(e as Error).message}`;
          }
        }
        return results;
      }, EXTENSION_ID);
      console.log(`main world: ${JSON.stringify(outcome)}`);
      // Without externally_connectable, web pages get no chrome.runtime (or one that cannot reach us).
      expect(outcome.sendMessage === 'undefined' || /threw/.test(outcome['send session/get']!)).toBe(true);
      expect(outcome['send session/get']).toMatch(/^threw/);
      expect(outcome['send ers/search']).toMatch(/^threw/);
      expect(outcome.connect === 'undefined' || /^threw/.test(outcome.connect!)).toBe(true);
    });
    await page.close();
  });

  it('forged window.postMessage payloads (patient-context, open-panel, ers/search, referral/submit) do nothing', async () => {
    const page = await openRecord();
    const tabId = await h.tabIdOf(page);
    await expectNoEffect(page, () =>
      page.evaluate(
        (other, tab) => {
          const forgedPatient = {
            status: 'single',
            patient: { nhsNumber: other, name: { family: 'FORGED', given: ['Eve'] } },
            source: { adapterId: 'forged', url: location.href },
          };
          const messages = [
            { type: 'patient-context', context: forgedPatient },
            { type: 'open-panel', context: forgedPatient },
            { type: 'ers/search', input: { nhsNumber: other, criteria: { priority: 'ROUTINE', specialty: 'CARDIOLOGY' } } },
            { type: 'referral/submit', draftId: `${location.origin}#${other}`, tabId: tab },
            { type: 'session/get' },
            { type: 'session/sign-out' },
            { type: 'settings/save', patch: { relayUrl: 'http://evil.example' } },
          ];
          for (const m of messages) {
            window.postMessage(m, '*');
            window.postMessage(JSON.stringify(m), '*');
            window.postMessage({ source: 'ers-extension', ...m }, location.origin);
            window.top?.postMessage(m, '*');
          }
        },
        OTHER_NHS,
        tabId,
      ),
    );
    expect((await tabState(tabId))?.report.patient?.nhsNumber).toBe(NHS);
    expect(await h.send('session/get')).toMatchObject({ ok: true, data: { status: 'active' } });
    await page.close();
  });

  it('forged DOM / custom events do nothing', async () => {
    const page = await openRecord();
    await expectNoEffect(page, () =>
      page.evaluate((other) => {
        const detail = { type: 'open-panel', context: { status: 'single', patient: { nhsNumber: other } } };
        const names = [
          'patient-context',
          'open-panel',
          'ers/search',
          'referral/submit',
          'ers-refer',
          'refer',
          'wxt:content-script-started',
          'wxt:locationchange',
          'ers:open-panel',
          'message',
        ];
        for (const name of names) {
          for (const target of [window, document, document.body, document.querySelector('ers-refer-button')!]) {
            target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
          }
        }
        window.dispatchEvent(new MessageEvent('message', { data: detail, origin: location.origin, source: window }));
        window.dispatchEvent(new PopStateEvent('popstate'));
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      }, OTHER_NHS),
    );
    await page.close();
  });
});

describe('the Refer button cannot be driven or spoofed by the page', () => {
  it('its shadow root is closed and a synthetic click (host.click(), dispatched MouseEvent) does not open the panel', async () => {
    const page = await openRecord();
    expect(await page.$eval('ers-refer-button', (e) => e.shadowRoot)).toBeNull();
    await expectNoEffect(page, () =>
      page.evaluate(() => {
        const host = document.querySelector('ers-refer-button') as HTMLElement;
        host.click();
        host.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, clientX: 5, clientY: 5 }));
        host.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true }));
        host.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
        // Enter/space on the focused button are also synthetic here.
        host.focus();
        document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true }));
        // Reach the inner button through the composed path of a trusted-looking event? Not possible: closed root.
        const inner = (host as unknown as { shadowRoot: ShadowRoot | null }).shadowRoot?.querySelector('button');
        inner?.click();
      }),
    );
    await page.close();
  });

  it('tampering with the host element (attributes, removal, re-insertion, a fake ers-refer-button) opens nothing and changes nothing', async () => {
    const page = await openRecord();
    await expectNoEffect(page, () =>
      page.evaluate(() => {
        const host = document.querySelector('ers-refer-button') as HTMLElement;
        for (const a of Array.from(host.attributes)) host.removeAttribute(a.name);
        host.setAttribute('style', 'display:none');
        host.setAttribute('data-nhs-number', '9912003888');
        host.setAttribute('onclick', 'void 0');
        host.remove();
        document.body.appendChild(host); // back again, without its inline position
        host.click();
        const fake = document.createElement('ers-refer-button');
        fake.innerHTML =
          '<button id="fake-refer" style="position:fixed;left:10px;top:10px;width:200px;height:60px;z-index:2147483647">Refer FORGED (999 999 9999)</button>';
        fake.querySelector('button')!.addEventListener('click', () => {
          (window as unknown as { fakeClicked: boolean }).fakeClicked = true;
        });
        document.body.prepend(fake);
        fake.click();
        (fake.querySelector('button') as HTMLButtonElement).click();
      }),
    );
    // A *real* click on the page's fake button is just the page's own button: it cannot reach us.
    await expectNoEffect(page, () => page.click('#fake-refer'));
    expect(await page.evaluate(() => (window as unknown as { fakeClicked?: boolean }).fakeClicked)).toBe(true);
    await page.close();
  });

  it('a page-made ers-refer-button on a page the extension does not read opens nothing', async () => {
    const page = await h.browser.newPage();
    await page.goto(h.url('/demo/index.html'));
    const panels = panelTargets().length;
    const calls = ersCalls().length;
    await page.evaluate(() => {
      const fake = document.createElement('ers-refer-button');
      fake.innerHTML = '<button id="fake-refer">Refer</button>';
      document.body.appendChild(fake);
    });
    await page.click('#fake-refer');
    await sleep(1_000);
    expect(panelTargets().length).toBe(panels);
    expect(ersCalls().slice(calls)).toEqual([]);
    await page.close();
  });

  it("the real button still works after all this: a trusted click opens the panel on the record's patient", async () => {
    const page = await openRecord();
    await page.evaluate(() => window.postMessage({ type: 'open-panel' }, '*'));
    const panel = await openPanelFromRecord(h.browser, page);
    await waitForText(panel, '[data-testid="banner-nhs-number"]', '943 476 5919');
    await panel.close();
    await page.close();
  });
});

/** The extension's own content-script world on a page (an isolated world), through CDP. */
async function contentScriptWorld(page: Page): Promise<{ cdp: CDPSession; evaluate<T>(expression: string): Promise<T> }> {
  const cdp = await page.createCDPSession();
  const contexts: { id: number; name: string; origin: string; auxData?: { type?: string; isDefault?: boolean } }[] = [];
  cdp.on('Runtime.executionContextCreated', (e: { context: (typeof contexts)[number] }) => void contexts.push(e.context));
  await cdp.send('Runtime.enable');
  await sleep(300);
  let contextId: number | undefined;
  for (const c of contexts.filter((x) => x.auxData?.type === 'isolated')) {
    const probe = await cdp.send('Runtime.evaluate', { contextId: c.id, expression: 'globalThis.chrome?.runtime?.id ?? null', returnByValue: true });
    if (probe.result.value === EXTENSION_ID) {
      contextId = c.id;
      break;
    }
  }
  if (contextId === undefined) throw new Error(`no content-script world found among ${JSON.stringify(contexts.map((c) => [c.name, c.auxData?.type]))}`);
  return {
    cdp,
    async evaluate<T>(expression: string) {
      const r = await cdp.send('Runtime.evaluate', { contextId, expression, awaitPromise: true, returnByValue: true });
      if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
      return r.result.value as T;
    },
  };
}

describe("the content script's own world", () => {
  it('cannot read storage.session (tokens) and is refused every privileged message', async () => {
    const page = await openRecord();
    const world = await contentScriptWorld(page);
    const session = await world.evaluate<string>(`(async () => {
      try { return 'read ' + JSON.stringify(await chrome.storage.session.get(null)); } catch (e) { return 'refused: ' + e.message; }
    })()`);
    console.log(`content-script world, storage.session.get: ${session}`);
    expect(session).not.toMatch(/^read/);
    expect(session).not.toContain(tokens.accessToken);

    const before = { referrals: JSON.stringify(h.sim.referrals()), calls: ersCalls().length };
    const refused: Record<string, unknown> = {};
    for (const msg of [
      { type: 'session/get' },
      { type: 'session/sign-out' },
      { type: 'session/verify' },
      { type: 'settings/get' },
      { type: 'settings/save', patch: { relayUrl: 'http://evil.example/token' } },
      { type: 'ers/reference' },
      { type: 'ers/search', input: { nhsNumber: NHS, criteria: { priority: 'ROUTINE', specialty: 'CARDIOLOGY' } } },
      { type: 'referral/submit', draftId: `${new URL(h.url('/')).origin}#${NHS}` },
      { type: 'referral/resume', draftId: `${new URL(h.url('/')).origin}#${NHS}` },
    ]) {
      refused[msg.type] = await world.evaluate(`chrome.runtime.sendMessage(${JSON.stringify(msg)})`);
    }
    for (const [type, reply] of Object.entries(refused)) {
      expect(reply, type).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
      expect(JSON.stringify(reply)).not.toContain(tokens.accessToken);
    }
    expect(JSON.stringify(h.sim.referrals())).toBe(before.referrals);
    expect(ersCalls().slice(before.calls)).toEqual([]);
    expect(await h.send('session/get')).toMatchObject({ ok: true, data: { status: 'active' } });

    // storage.local is readable from here, so it must hold no secrets.
    const local = await world.evaluate<string>('chrome.storage.local.get(null).then((v) => JSON.stringify(v))');
    expect(local).not.toContain(tokens.accessToken);
    if (tokens.refreshToken) expect(local).not.toContain(tokens.refreshToken);
    await world.cdp.detach();
    await page.close();
  });
});

describe('where tokens go cannot be changed from the content-script world', () => {
  it('rewriting the relay, e-RS and CIS2 addresses in storage.local changes nothing: bearer calls still go to e-RS, nothing reaches the other host', async () => {
    const evilRequests: string[] = [];
    const evil = createServer((req, res) => {
      evilRequests.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
    const page = await openRecord();
    const world = await contentScriptWorld(page);
    try {
      const written = await world.evaluate<string>(`(async () => {
        const stored = (await chrome.storage.local.get('settings')).settings;
        await chrome.storage.local.set({ settings: { ...stored, relayUrl: '${evilUrl}/token', platformBaseUrl: '${evilUrl}/referrals/FHIR',
          cis2AuthorizeUrl: '${evilUrl}/oauth2/authorize', legacyBaseUrl: '${evilUrl}/ers-api' } });
        return JSON.stringify((await chrome.storage.local.get('settings')).settings);
      })()`);
      expect(written, 'the content-script world can write storage.local').toContain(evilUrl);
      await sleep(500); // the background's settings watcher runs
      const settings = await h.send<{ settings: { relayUrl: string; platformBaseUrl: string; cis2AuthorizeUrl: string } }>('settings/get');
      expect(JSON.stringify(settings.data)).not.toContain(evilUrl);
      expect(settings.data!.settings.relayUrl).toBe(h.relayUrl);
      const calls = ersCalls().length;
      expect(await h.send('session/verify')).toMatchObject({ ok: true });
      expect(ersCalls().length, 'the bearer call reached e-RS').toBeGreaterThan(calls);
      expect(await h.send('session/get')).toMatchObject({ ok: true, data: { status: 'active' } });
      expect(evilRequests).toEqual([]);
    } finally {
      await world.cdp.detach();
      await page.close();
      evil.close();
    }
  });
});

describe('tokens never reach anything a page can see', () => {
  it('after a whole referral: not in the record page DOM, localStorage, sessionStorage, cookies, IndexedDB, storage.local or any console', async () => {
    const result = await referFromRecord(h, { record: RECORD, nhsNumber: NHS, letterFile: LETTER });
    await result.record.evaluate(() => console.log('console-capture-check'));
    await expect.poll(() => consoleLines.some((l) => l.includes('console-capture-check'))).toBe(true);
    expect(result.ubrn).toMatch(/^\d{12}$/);
    // The token may have been refreshed along the way: check every token the session has held.
    const now = (await h.probe.evaluate(async () => (await chrome.storage.session.get('ers.session'))['ers.session'])) as { secrets: typeof tokens };
    const secrets = [
      ...new Set([tokens.accessToken, tokens.refreshToken, now.secrets.accessToken, now.secrets.refreshToken].filter((s): s is string => !!s && s.length > 8)),
    ];
    expect(secrets.length).toBeGreaterThan(0);

    const visible = await result.record.evaluate(() =>
      JSON.stringify({
        html: document.documentElement.outerHTML,
        text: document.body.innerText,
        local: Object.entries(localStorage),
        session: Object.entries(sessionStorage),
        cookie: document.cookie,
        name: window.name,
        title: document.title,
      }),
    );
    const idb = await h.probe.evaluate(async () => {
      const db: IDBDatabase = await new Promise((ok, ko) => {
        const r = indexedDB.open('ers-referrals');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => ko(r.error);
      });
      const out: Record<string, unknown[]> = {};
      for (const name of Array.from(db.objectStoreNames)) {
        const rows: unknown[] = await new Promise((ok, ko) => {
          const r = db.transaction(name).objectStore(name).getAll();
          r.onsuccess = () => ok(r.result);
          r.onerror = () => ko(r.error);
        });
        out[name] = await Promise.all(
          rows.map(async (row) => {
            const copy: Record<string, unknown> = { ...(row as Record<string, unknown>) };
            for (const [k, v] of Object.entries(copy)) if (v instanceof Blob) copy[k] = { blobText: await v.text() };
            return copy;
          }),
        );
      }
      db.close();
      return JSON.stringify(out);
    });
    const local = await h.probe.evaluate(async () => JSON.stringify(await chrome.storage.local.get(null)));
    const panelDom = await result.panel.evaluate(() => document.documentElement.outerHTML + JSON.stringify(Object.entries(localStorage)));
    expect(idb.length).toBeGreaterThan(100);
    for (const secret of secrets) {
      expect(visible.includes(secret), 'record page (DOM, storage, cookies)').toBe(false);
      expect(idb.includes(secret), 'IndexedDB ers-referrals').toBe(false);
      expect(local.includes(secret), 'chrome.storage.local').toBe(false);
      expect(panelDom.includes(secret), 'side panel DOM and localStorage').toBe(false);
      expect(
        consoleLines.filter((l) => l.includes(secret)),
        'console output',
      ).toEqual([]);
    }
    await result.panel.close();
    await result.record.close();
  });
});

describe('for the record: what the page CAN do (by design or harmless)', () => {
  it('can hide or remove the Refer button (denial of service only)', async () => {
    const page = await openRecord();
    const hidden = await page.evaluate(async () => {
      const host = document.querySelector('ers-refer-button') as HTMLElement;
      host.setAttribute('style', 'display:none !important');
      await new Promise((r) => setTimeout(r, 600));
      return getComputedStyle(host).display === 'none' || !host.isConnected;
    });
    // Denial of service only: the context menu and keyboard command still open the panel.
    expect(typeof hidden).toBe('boolean');
    console.log(`security note: the page ${hidden ? 'CAN' : 'cannot'} hide the Refer button by rewriting its style attribute`);
    await page.close();
  });

  it('decides which patient it shows: changing the record in its DOM changes the patient context (the page is the source of truth)', async () => {
    const page = await openRecord();
    const tabId = await h.tabIdOf(page);
    await page.evaluate((other) => {
      document.querySelector('.pt-nhs')!.textContent = other.replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3');
    }, OTHER_NHS);
    await expect.poll(async () => (await tabState(tabId))?.report.patient?.nhsNumber, { timeout: 5_000 }).not.toBe(NHS);
    console.log(
      `security note: a page on an enabled origin chooses the patient by what it renders (now ${JSON.stringify((await tabState(tabId))?.report.patient?.nhsNumber ?? (await tabState(tabId))?.report.status)})`,
    );
    await page.close();
  });
});
