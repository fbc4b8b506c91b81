// Side-panel and background benchmarks in headless Chromium: panel JS loaded by its page
// (raw and gzip), panel opened → patient banner painted (median), 200 search results rendered
// (median), user actions and typed patient fields for a routine referral, and the service worker's
// memory after 50 referrals through the real background.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'puppeteer-core';
import { median, type BenchLine } from './bench-content';
import { loadPanelScript } from './lib/panel-page';
import { CHROME_EXTENSION_DIR, EXTENSION_ID, isServiceWorker } from './lib/chromium';
import { sampleLetterPdf } from './lib/sample-letter';
import { signInOnRecord, startStage } from './lib/stage';
import { referFromRecord } from './lib/walkthrough';

const round = (n: number, d = 1) => Number(n.toFixed(d));

/** Every script an extension page loads at start (its entry and the chunks it imports), raw and gzip. */
export function pageScriptBytes(page: 'sidepanel' | 'popup' | 'options'): BenchLine[] {
  const html = readFileSync(path.join(CHROME_EXTENSION_DIR, `${page}.html`), 'utf8');
  const seen = new Set<string>();
  const visit = (rel: string) => {
    const file = path.join(CHROME_EXTENSION_DIR, rel.replace(/^\//, ''));
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(/(?:from|import)\s*["']([^"']+\.js)["']/g)) visit(path.posix.join(path.posix.dirname(rel), m[1]!));
  };
  for (const m of html.matchAll(/(?:src|href)="([^"]+\.js)"/g)) visit(m[1]!);
  let raw = 0;
  let gzip = 0;
  for (const file of seen) {
    const bytes = readFileSync(file);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return [
    { name: `${page}_js_bytes`, value: raw, unit: 'bytes' },
    { name: `${page}_js_gzip_bytes`, value: gzip, unit: 'bytes' },
  ];
}

/** Render the real Results component with 200 services in headless Chromium, timing each render. */
async function resultsRenderMedian(page: Page): Promise<BenchLine> {
  const script = `
        import { h, render } from 'preact';
        import { Results } from './entrypoints/sidepanel/components/Results';
        const services = Array.from({ length: 200 }, (_, i) => ({ id: String(10000 + i), name: 'Cardiology service ' + i, bookableType: 'DIRECTLY_BOOKABLE',
          flowTypes: ['APPOINTMENT_REQUEST'], isTriage: i % 17 === 0, referralLetterRequired: true, location: { ods: 'R' + i, name: 'Provider ' + i },
          displayProminently: false, distance: i % 40, wait: i % 60, appointmentType: 'FIRST_OUTPATIENT' }));
        window.renderResults = () => {
          const root = document.createElement('div');
          document.body.appendChild(root);
          const t = performance.now();
          render(h(Results, { services, shortlist: [], onAdd: () => {} }), root);
          root.getBoundingClientRect(); document.body.offsetHeight; // layout included
          const ms = performance.now() - t;
          render(null, root); root.remove();
          return ms;
        };`;
  await loadPanelScript(page, script);
  const times: number[] = [];
  for (let i = 0; i < 25; i++) times.push(await page.evaluate(() => (window as unknown as { renderResults(): number }).renderResults()));
  return { name: 'render_200_results_median', value: round(median(times.slice(5)), 2), unit: 'ms' };
}

async function swHeapBytes(browser: import('puppeteer-core').Browser): Promise<number> {
  const target = browser.targets().find(isServiceWorker)!;
  const session = await target.createCDPSession();
  await session.send('HeapProfiler.collectGarbage').catch(() => undefined);
  const { usedSize } = await session.send('Runtime.getHeapUsage');
  await session.detach();
  return usedSize;
}

export async function benchPanel(referrals = 50): Promise<BenchLine[]> {
  const stage = await startStage();
  const { browser, sim } = stage;
  const lines: BenchLine[] = [...pageScriptBytes('sidepanel'), ...pageScriptBytes('popup')];
  try {
    const { probe, record, panel: signIn } = await signInOnRecord(stage);
    await signIn.close();

    // Panel opened → banner painted, for the patient open in the record tab.
    const tabId = await probe.evaluate(async (u) => (await chrome.tabs.query({})).find((t: { url?: string }) => t.url === u)!.id!, record.url());
    const paints: number[] = [];
    for (let i = 0; i < 15; i++) {
      const panel = await browser.newPage();
      // Record the moment the banner enters the DOM from inside the page (an observer installed
      // before the page's own scripts), not when a poll from here happens to look.
      await panel.evaluateOnNewDocument(`new MutationObserver((_, mo) => {
        if (document.querySelector('[data-testid="banner-nhs-number"]')) { window.__bannerAt = performance.now(); mo.disconnect(); }
      }).observe(document, { childList: true, subtree: true });`);
      await panel.goto(`chrome-extension://${EXTENSION_ID}/sidepanel.html?tabId=${tabId}`);
      await panel.waitForFunction(() => (window as unknown as { __bannerAt?: number }).__bannerAt !== undefined);
      paints.push(await panel.evaluate(() => (window as unknown as { __bannerAt: number }).__bannerAt));
      await panel.close();
    }
    lines.push({ name: 'panel_open_to_banner_median', value: round(median(paints.slice(2))), unit: 'ms' });

    lines.push(await resultsRenderMedian(await browser.newPage()));

    // A routine referral with one letter file, twice: the second with the remembered specialty.
    const letter = path.join(mkdtempSync(path.join(tmpdir(), 'ers-bench-')), 'referral-letter.pdf');
    writeFileSync(letter, await sampleLetterPdf('Benchmark referral letter'));
    const first = await referFromRecord(stage, { record: '/demo/gp/record-9000000009.html', nhsNumber: '9000000009', letterFile: letter });
    const second = await referFromRecord(stage, { record: '/demo/gp/record-4010232137.html', nhsNumber: '4010232137', letterFile: letter });
    lines.push(
      { name: 'routine_referral_user_actions_first_time', value: first.actions, unit: 'actions' },
      { name: 'routine_referral_user_actions', value: second.actions, unit: 'actions' },
      { name: 'routine_referral_typed_patient_fields', value: second.typedPatientFields, unit: 'fields' },
    );

    // Service-worker memory after 50 referrals through the real background (drafts written the
    // way the panel writes them, submitted with referral/submit for the record tab's patient).
    const before = await swHeapBytes(browser);
    const origin = new URL(sim.url).origin;
    const started = Date.now();
    for (let i = 0; i < referrals; i++) {
      const reply = await probe.evaluate(
        async ({ origin: o, tab, simUrl }) => {
          // (no named helpers in here: tsx would inject a __name() call the page does not have)
          const found = await chrome.runtime.sendMessage({
            type: 'ers/search',
            input: {
              nhsNumber: '9434765919',
              criteria: { priority: 'ROUTINE', specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true },
              specialtySystem: `${simUrl}/referrals/FHIR/STU3/CodeSystem/SPECIALTY`,
            },
          });
          const service = found.data.services.find((s: { isTriage: boolean }) => !s.isTriage);
          const id = `${o}#9434765919`;
          const now = Date.now();
          const draft = {
            id,
            hostOrigin: o,
            sourceUrl: `${o}/demo/gp/record-9434765919.html`,
            patient: { nhsNumber: '9434765919', displayName: 'JONES, Sarah (Mrs)' },
            search: {
              criteria: { priority: 'ROUTINE', specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true },
              sortBy: 'DISTANCE',
              requestType: 'APPOINTMENT_REQUEST',
            },
            criteriaResource: found.data.criteria,
            shortlist: [service],
            letterMode: 'attach',
            files: [{ id: 'f', name: 'letter.txt', contentType: 'text/plain', size: 12 }],
            submission: { phase: 'editing', updatedAt: now },
            createdAt: now,
            updatedAt: now,
            expiresAt: now + 3_600_000,
          };
          await new Promise<void>((resolve, reject) => {
            const open = indexedDB.open('ers-referrals');
            open.onsuccess = () => {
              const tx = open.result.transaction(['drafts', 'blobs'], 'readwrite');
              tx.objectStore('drafts').put(draft);
              tx.objectStore('blobs').put({ key: `file:${id}:f`, draftId: id, blob: new Blob(['Dear doctor.']) });
              tx.oncomplete = () => {
                open.result.close();
                resolve();
              };
              tx.onerror = () => reject(tx.error);
            };
          });
          const submitted = await chrome.runtime.sendMessage({ type: 'referral/submit', draftId: id, tabId: tab });
          await new Promise<void>((resolve) => {
            const open = indexedDB.open('ers-referrals');
            open.onsuccess = () => {
              const tx = open.result.transaction(['drafts', 'blobs'], 'readwrite');
              tx.objectStore('drafts').delete(id);
              tx.objectStore('blobs').clear();
              tx.oncomplete = () => {
                open.result.close();
                resolve();
              };
            };
          });
          return submitted;
        },
        { origin, tab: tabId, simUrl: sim.url },
      );
      if (!reply?.ok || reply.data.phase !== 'complete') throw new Error(`bench referral ${i + 1} failed: ${JSON.stringify(reply)}`);
    }
    const after = await swHeapBytes(browser);
    lines.push(
      { name: 'sw_heap_before_referrals', value: before, unit: 'bytes' },
      { name: 'sw_heap_after_50_referrals', value: after, unit: 'bytes' },
      { name: 'background_referral_median_wall', value: round((Date.now() - started) / referrals), unit: 'ms' },
    );
    return lines;
  } finally {
    await stage.close();
  }
}

declare const chrome: any;

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchPanel()) console.log(JSON.stringify(line));
}
