// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_ACTIVE_ADAPTERS } from '../../utils/patient/adapters/builtin';
import type { ContentRuntime, ContentRuntimeDeps } from '../../utils/patient/content-runtime';
import type { PatientContentMessage } from '../../utils/patient/messages';
import { FIXTURES, demoPage } from './helpers';
import { startOnPage } from './runtime';

const SPA_JS = demoPage('spa/app.js');
const RECORD_URL = 'http://127.0.0.1:8080/demo/gp/record-9434765919.html';
const SPA_DATA = demoPage('spa/patients.js');

let sent: PatientContentMessage[];
let rt: ContentRuntime | undefined;

async function start(url: string, html: string, delayMs = 200, send?: ContentRuntimeDeps['send']) {
  sent = [];
  rt = await startOnPage(url, html.replace(/<link [^>]*>/g, ''), {
    send: send ?? (async (m) => (sent.push(m), { ok: true, data: {} })),
    loadAdapters: async () => BUILTIN_ACTIVE_ADAPTERS,
    delayMs,
  });
  return rt;
}
const contexts = () => sent.filter((m) => m.type === 'patient-context').map((m) => m.context);

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  rt?.stop();
  rt = undefined;
  vi.useRealTimers();
});

// happy-dom dispatches hashchange on its own (real) timers, so the SPA tests run on real time.
describe('single-page app patient switches', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  async function startSpa(nhs: string) {
    vi.useRealTimers();
    await start(`http://127.0.0.1:8080/demo/spa/index.html#/patient/${nhs}`, '<div id="app"></div>', 50);
    new Function(SPA_DATA + SPA_JS)();
    await vi.waitFor(() => expect(contexts().at(-1)?.patient?.nhsNumber).toBe(nhs), { timeout: 3000 });
    await sleep(400); // let happy-dom's late hashchange for setURL settle
  }

  it('reports the patient once the SPA has rendered, then the new one after a switch without reload', async () => {
    await startSpa('9434765919');
    expect(contexts().at(-1)).toMatchObject({ status: 'single', patient: { nhsNumber: '9434765919' }, source: { adapterId: 'demo-spa' } });
    const before = sent.length;
    window.location.hash = '#/patient/9912003888';
    await vi.waitFor(() => expect(contexts().at(-1)?.patient?.nhsNumber).toBe('9912003888'), { timeout: 3000 });
    const after = contexts().slice(before);
    // While loading or settling there is no patient; then the new one. Never the old one again.
    expect(after.map((c) => c.status)).toEqual([...after.slice(1).map(() => 'none'), 'single']);
    expect(after.at(-1)!.patient).toMatchObject({
      nhsNumber: '9912003888',
      name: { family: 'SMITH', given: ['John'], prefix: 'Mr' },
      birthDate: '1970-01-01',
      gpPractice: 'R68',
    });
  });

  it('does one read per mutation burst, however large the burst', async () => {
    await startSpa('9434765919');
    const reads = rt!.watcher.reads;
    const app = document.getElementById('app')!;
    for (let i = 0; i < 5000; i++) app.appendChild(document.createElement('i'));
    await sleep(150);
    expect(rt!.watcher.reads - reads).toBe(1);
    expect(sent.length).toBeGreaterThan(0);
  });

  it('ignores mutations outside the adapter’s watched containers', async () => {
    await startSpa('9434765919');
    const reads = rt!.watcher.reads;
    const noise = document.body.appendChild(document.createElement('div'));
    for (let i = 0; i < 20; i++) {
      noise.textContent = String(i);
      await sleep(5);
    }
    await sleep(150);
    expect(rt!.watcher.reads - reads).toBe(0);
  });
});

describe('hostile pages', () => {
  it('under constant mutation reads at most ~5 times a second and reports only changes', async () => {
    await start('https://unknown.example/', readFileSync(join(FIXTURES, 'generic-letter.html'), 'utf8'));
    const reads = rt!.watcher.reads;
    const ticker = document.body.appendChild(document.createElement('span'));
    for (let i = 0; i < 1000; i++) {
      ticker.textContent = `tick ${i}`;
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(300);
    expect(rt!.watcher.reads - reads).toBeLessThanOrEqual(7);
    expect(contexts()).toHaveLength(1);
  });
});

describe('the page cannot spoof context', () => {
  it('postMessage and custom events change nothing', async () => {
    await start(
      'http://127.0.0.1:8080/demo/gp/record-9434765919.html',
      demoPage('gp/record-9434765919.html').replace(/^[\s\S]*<body[^>]*>|<\/body>[\s\S]*$/g, ''),
    );
    const fake = { type: 'patient-context', context: { status: 'single', patient: { nhsNumber: '9912003888', name: { family: 'EVIL', given: [] } } } };
    window.postMessage(fake, '*');
    document.dispatchEvent(new CustomEvent('patient-context', { detail: fake }));
    window.dispatchEvent(new CustomEvent('open-panel', { detail: fake }));
    await vi.advanceTimersByTimeAsync(500);
    expect(sent).toHaveLength(1);
    expect(contexts()[0]!.patient!.nhsNumber).toBe('9434765919');
  });

  it('a synthetic click on the Refer button does nothing', async () => {
    const r = await start('http://127.0.0.1:8080/demo/gp/record-9434765919.html', demoPage('gp/record-9434765919.html'));
    (r.button.root.querySelector('button') as HTMLButtonElement).click();
    r.button.host.click();
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.filter((m) => m.type === 'open-panel')).toHaveLength(0);
  });
});

describe('the Refer button', () => {
  it('shows a script-laden name literally, in a closed shadow root', async () => {
    const r = await start('https://unknown.example/', readFileSync(join(FIXTURES, 'script-name.html'), 'utf8'));
    const host = document.querySelector('ers-refer-button') as HTMLElement;
    expect(host).toBe(r.button.host);
    expect(host.shadowRoot).toBeNull(); // closed: the page cannot reach inside
    expect(r.button.root.querySelector('button')!.textContent).toContain('Refer <img src=x onerror="alert(document.cookie)">, Sarah (Mrs)');
    expect(r.button.root.querySelector('img')).toBeNull();
    expect(document.querySelectorAll('img')).toHaveLength(0);
  });

  it('is pinned with inline !important styles that host CSS cannot override', async () => {
    const r = await start('http://127.0.0.1:8080/demo/gp/record-9434765919.html', demoPage('gp/record-9434765919.html'));
    expect(r.button.host.getAttribute('style')).toContain('position:fixed !important');
    expect(r.button.host.getAttribute('style')).toContain('display:block !important');
  });

  it('sits in the EPR banner (adapter buttonAnchor) and is absent on a list page', async () => {
    await start('http://127.0.0.1:8080/demo/epr/patient-9912003888.html', demoPage('epr/patient-9912003888.html'));
    expect(document.querySelector('#patient-banner .banner-actions ers-refer-button')).not.toBeNull();
    rt!.stop();
    document.querySelector('ers-refer-button')?.remove();
    await start('http://127.0.0.1:8080/demo/list/clinic.html', demoPage('list/clinic.html'));
    expect(document.querySelector('ers-refer-button')).toBeNull();
    expect(contexts()[0]!.status).toBe('ambiguous');
  });

  it('comes back when the app renders its banner again (same patient), and Refer at once still gets the patient', async () => {
    const r = await start('http://127.0.0.1:8080/demo/epr/patient-9912003888.html', demoPage('epr/patient-9912003888.html'));
    const reports = contexts().length;
    const old = document.getElementById('patient-banner')!;
    const again = old.cloneNode(true) as Element;
    again.querySelector('ers-refer-button')?.remove(); // the app's own markup, without our button
    old.replaceWith(again);
    expect(r.button.host.isConnected).toBe(false);
    expect(r.watcher.now()).toMatchObject({ status: 'single', patient: { nhsNumber: '9912003888' } });
    await vi.advanceTimersByTimeAsync(2000);
    expect(document.querySelector('#patient-banner .banner-actions ers-refer-button')).toBe(r.button.host);
    expect(contexts()).toHaveLength(reports); // nothing new to tell the background
  });

  it('shows the error when the panel cannot be opened', async () => {
    rt = await start(RECORD_URL, demoPage('gp/record-9434765919.html'), undefined, async (m) =>
      m.type === 'open-panel' ? { ok: false, error: { code: 'forbidden-sender', message: 'Refused.' } } : { ok: true, data: {} },
    );
    // Simulate the trusted click path directly (happy-dom cannot make trusted events).
    const btn = rt.button.root.querySelector('button')!;
    const ev = new MouseEvent('click');
    Object.defineProperty(ev, 'isTrusted', { value: true });
    btn.dispatchEvent(ev);
    await vi.advanceTimersByTimeAsync(10);
    expect(rt.button.root.querySelector('p')!.textContent).toBe('Could not open the panel: the extension is not enabled on this page.');
  });

  it('says so when the extension does not answer Refer at all (never silent)', async () => {
    // The worker is gone (extension reloaded or updated): sendMessage rejects.
    rt = await start(RECORD_URL, demoPage('gp/record-9434765919.html'), undefined, async (m) => {
      if (m.type === 'open-panel') throw new Error('Extension context invalidated.');
      return { ok: true, data: {} };
    });
    const ev = new MouseEvent('click');
    Object.defineProperty(ev, 'isTrusted', { value: true });
    rt.button.root.querySelector('button')!.dispatchEvent(ev);
    await vi.advanceTimersByTimeAsync(10);
    expect(rt.button.root.querySelector('p')!.textContent).toBe('Could not open the panel: the extension did not answer. Reload the page and try again.');
  });
});
