// @vitest-environment happy-dom
// Stable reads: a half-updated banner never reaches the background or the Refer button, and a
// switch that only toggles a class is noticed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compileAdapter } from '../../utils/patient/compile';
import { startContentRuntime, type ContentRuntime } from '../../utils/patient/content-runtime';
import { parsePageRead } from '../../utils/patient/parse';
import type { PatientContentMessage } from '../../utils/patient/messages';
import type { PatientContextReport } from '../../utils/patient/types';
import { RETRY_MS, SETTLE_MS, SWITCH_SETTLE_MS, UNSETTLED } from '../../utils/patient/watcher';
import { setUrl, startOnPage } from './runtime';

let sent: PatientContentMessage[];
let rt: ContentRuntime | undefined;
const contexts = (): PatientContextReport[] => sent.filter((m) => m.type === 'patient-context').map((m) => m.context);

async function start(url: string, html: string, adapters: unknown[] = []) {
  sent = [];
  rt = await startOnPage(url, html, { send: async (m) => (sent.push(m), { ok: true, data: {} }), loadAdapters: async () => adapters });
  return rt;
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  rt?.stop();
  rt = undefined;
  vi.useRealTimers();
});

const WARD = `<div id="app"><div class="ward-banner"><h2 id="name">OSEI, Kwame (Mr)</h2><span>NHS No. <b id="nhs">999 079 2445</b></span>
<div class="pt-details"><span id="dob">DOB 10/10/1979</span> <span id="sex">Male</span> <span id="pc">SE15 4QA</span></div></div></div>`;

describe('a banner updated in two stages', () => {
  it('is never published half-updated, and Refer in the unsettled second gets no patient', async () => {
    const r = await start('https://ward.example/app', WARD);
    expect(contexts().at(-1)).toMatchObject({ status: 'single', patient: { nhsNumber: '9990792445', birthDate: '1979-10-10' } });
    // Stage 1: the new patient's name and NHS number; DOB, sex and postcode still the previous patient's.
    document.getElementById('name')!.textContent = 'PRICE, Linda (Mrs)';
    document.getElementById('nhs')!.textContent = '999 026 8592';
    await vi.advanceTimersByTimeAsync(300);
    expect(r.watcher.now()).toMatchObject({ status: 'none', reason: 'The record is still changing' }); // what Refer sends
    expect(rt!.button.host.isConnected).toBe(false);
    // Stage 2, a second later: the lookup fills in the rest.
    await vi.advanceTimersByTimeAsync(700);
    document.getElementById('dob')!.textContent = 'DOB 15/01/1962';
    document.getElementById('sex')!.textContent = 'Female';
    document.getElementById('pc')!.textContent = 'N1 6PQ';
    await vi.advanceTimersByTimeAsync(SWITCH_SETTLE_MS + 500);
    const singles = contexts().filter((c) => c.status === 'single');
    expect(singles.at(-1)!.patient).toMatchObject({ nhsNumber: '9990268592', birthDate: '1962-01-15', gender: 'female', postcode: 'N1 6PQ' });
    // Never the new NHS number with the previous patient's details.
    expect(singles.filter((c) => c.patient!.nhsNumber === '9990268592' && c.patient!.birthDate !== '1962-01-15')).toEqual([]);
  });
});

describe('a chart switch that only toggles a class', () => {
  const adapter = compileAdapter({
    id: 'tabbed-epr',
    name: 'Tabbed EPR',
    matches: ['https://epr.example/*'],
    recordOpen: { selector: '.chart.active' },
    fields: { nhsNumber: { selector: '.chart.active .nhs' }, name: { selector: '.chart.active .name' }, birthDate: { selector: '.chart.active .dob' } },
    watch: ['.banner'],
  });
  const CHARTS = `<div class="chart active" id="c1"><div class="banner"><span class="name">DAVIES, Owen (Mr)</span> <span class="nhs">999 952 8902</span> <span class="dob">01/04/1958</span></div></div>
<div class="chart" id="c2"><div class="banner"><span class="name">JAMES, Carys (Ms)</span> <span class="nhs">999 786 6665</span> <span class="dob">19/09/1983</span></div></div>`;

  it('is reported', async () => {
    await start('https://epr.example/charts', CHARTS, [adapter]);
    expect(contexts().at(-1)!.patient!.nhsNumber).toBe('9999528902');
    document.getElementById('c1')!.className = 'chart';
    document.getElementById('c2')!.className = 'chart active';
    await vi.advanceTimersByTimeAsync(SWITCH_SETTLE_MS + 1000);
    expect(contexts().at(-1)!.patient!.nhsNumber).toBe('9997866665');
  });
});

describe('when the background does not answer a parse', () => {
  it('shows no patient (never a guess) and reads again until it answers', async () => {
    setUrl('https://ward.example/app');
    document.body.innerHTML = WARD;
    sent = [];
    let answer = false;
    rt = await startContentRuntime({
      win: window,
      parse: async (read) => (answer ? parsePageRead(read) : undefined),
      send: async (m) => (sent.push(m), { ok: true, data: {} }),
      loadAdapters: async () => [],
    });
    await vi.advanceTimersByTimeAsync(SETTLE_MS + RETRY_MS * 2);
    expect(contexts().filter((c) => c.status === 'single')).toEqual([]);
    expect(rt.button.host.isConnected).toBe(false);
    expect(rt.watcher.now()).toMatchObject({ status: 'none' });
    answer = true; // the worker is back: the page is read again without any change on it
    await vi.advanceTimersByTimeAsync(RETRY_MS + SETTLE_MS * 2);
    expect(contexts().at(-1)).toMatchObject({ status: 'single', patient: { nhsNumber: '9990792445' } });
    expect(rt.button.host.isConnected).toBe(true);
  });
});

describe('a page that re-renders the same record', () => {
  it('is parsed once (reads the same but for their time send the background nothing), and Refer right after a re-render gets the patient', async () => {
    setUrl('https://ward.example/app');
    document.body.innerHTML = WARD;
    sent = [];
    let parses = 0;
    rt = await startContentRuntime({
      win: window,
      parse: async (read) => (parses++, parsePageRead(read)),
      send: async (m) => (sent.push(m), { ok: true, data: {} }),
      loadAdapters: async () => [],
    });
    await vi.advanceTimersByTimeAsync(SETTLE_MS * 2);
    expect(contexts().at(-1)).toMatchObject({ status: 'single', patient: { nhsNumber: '9990792445' } });
    const readsBefore = rt.watcher.reads;
    for (let i = 0; i < 5; i++) {
      document.body.innerHTML = WARD; // the app renders the same banner again
      await vi.advanceTimersByTimeAsync(2000);
    }
    expect(rt.watcher.reads).toBeGreaterThan(readsBefore + 3);
    expect(parses).toBe(1);
    expect(rt.watcher.now()).toMatchObject({ status: 'single', patient: { nhsNumber: '9990792445' } });
    // Refer at once after a re-render, before any read: the page read then is the one already parsed.
    document.body.innerHTML = WARD;
    expect(rt.watcher.now()).toMatchObject({ status: 'single', patient: { nhsNumber: '9990792445' } });
    // …but a banner half-way to another patient is still changing.
    document.body.innerHTML = WARD.replace('999 079 2445', '999 040 1268');
    expect(rt.watcher.now()).toMatchObject({ status: 'none', reason: UNSETTLED });
    // Another patient is a new read: parsed, and published once settled.
    document.body.innerHTML = WARD.replace('OSEI, Kwame (Mr)', 'OSEI, Ama (Ms)').replace('999 079 2445', '999 040 1268');
    // (Reads back off to one every 1.6 s while nothing changes, so the switch is seen within two of them.)
    await vi.advanceTimersByTimeAsync(SWITCH_SETTLE_MS + 2 * 1600);
    expect(parses).toBeGreaterThan(1);
    expect(contexts().at(-1)).toMatchObject({ status: 'single', patient: { nhsNumber: '9990401268' } });
  });
});
