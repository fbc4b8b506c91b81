// Fault injection (status, drop-after-processing, latency, rate limit), the admin API, static demo
// pages and the CLI.

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseFaultArg } from '../src/faults';
import { resolveDemoPath } from '../src/static';
import { renderDemoSite } from '../demo/generate';
import type { RunningSimulator } from '../src/server';
import { ADAMS_RC_R68, CARDIO_HF, P, createBody, expectOutcome, fixture, platformHeaders, platformPost, post, startSim } from './helpers';

const SEARCH = '/HealthcareService/$ers.searchHealthcareServicesForPatient';
const search = (sim: RunningSimulator) => platformPost(sim, ADAMS_RC_R68, SEARCH, fixture('platform/A010_request_RcMinimal.json'));

let sim: RunningSimulator;
let demoDir: string;
beforeAll(async () => {
  demoDir = mkdtempSync(path.join(tmpdir(), 'ers-demo-'));
  mkdirSync(path.join(demoDir, 'gp'));
  writeFileSync(path.join(demoDir, 'index.html'), '<h1>demo</h1>');
  writeFileSync(path.join(demoDir, 'gp', 'index.html'), '<h1>gp</h1>');
  writeFileSync(path.join(demoDir, 'style.css'), 'h1{}');
  writeFileSync(path.join(demoDir, 'app.js'), 'console.log(1)');
  writeFileSync(path.join(demoDir, '.secret'), 'x');
  sim = await startSim({ demoDir });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

describe('fault injection', () => {
  it('a status fault answers the next N calls of the route, then normal service resumes', async () => {
    sim.injectFault({ route: 'A010', kind: 'status', status: 503, count: 2, retryAfterSeconds: 7 });
    for (let i = 0; i < 2; i++) {
      const res = await search(sim);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.headers.get('x-request-id')).toBeTruthy();
      await expectOutcome(res, 503, 'SYSTEM_UNAVAILABLE');
    }
    expect((await search(sim)).status).toBe(200);
    // other routes are unaffected
    sim.injectFault({ route: 'A011', kind: 'status', status: 500 });
    expect((await search(sim)).status).toBe(200);
    await expectOutcome(
      await platformPost(sim, ADAMS_RC_R68, '/ReferralRequest/$ers.createReferral', createBody({ services: ['11002'], criteria: CARDIO_HF })),
      500,
      'SERVICE_ERROR',
    );
  });

  it('429 faults carry Retry-After and (STU3 path) an empty body', async () => {
    sim.injectFault(parseFaultArg('A010=429x1:3'));
    const res = await search(sim);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.text()).toBe('');
  });

  it('drop: the request is processed (referral created) but the connection is lost before the answer completes', async () => {
    sim.injectFault({ route: 'A011', kind: 'drop' });
    const before = sim.referrals().length;
    const answer = async () =>
      (await platformPost(sim, ADAMS_RC_R68, '/ReferralRequest/$ers.createReferral', createBody({ services: ['11002'], criteria: CARDIO_HF }))).text();
    await expect(answer()).rejects.toThrow();
    expect(sim.referrals().length).toBe(before + 1);
    // only once
    expect(
      (await platformPost(sim, ADAMS_RC_R68, '/ReferralRequest/$ers.createReferral', createBody({ services: ['11002'], criteria: CARDIO_HF }))).status,
    ).toBe(201);
  });

  it.each([
    [{ kind: 'gateway', status: 502 } as const, 502],
    [{ kind: 'gateway', status: 504 } as const, 504],
    [{ kind: 'html' } as const, 200],
  ])('%o: the request is processed (referral created), then a gateway answers with its own HTML page', async (fault, status) => {
    sim.injectFault({ route: 'A011', ...fault });
    const before = sim.referrals().length;
    const res = await platformPost(sim, ADAMS_RC_R68, '/ReferralRequest/$ers.createReferral', createBody({ services: ['11002'], criteria: CARDIO_HF }));
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/^<!DOCTYPE html>/);
    expect(sim.referrals().length).toBe(before + 1);
    expect(
      (await platformPost(sim, ADAMS_RC_R68, '/ReferralRequest/$ers.createReferral', createBody({ services: ['11002'], criteria: CARDIO_HF }))).status,
    ).toBe(201);
  });

  it('latency per route', async () => {
    sim.injectFault({ route: 'A010', kind: 'latency', ms: 250 });
    const t = performance.now();
    expect((await search(sim)).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(240);
    const t2 = performance.now();
    await fetch(`${sim.url}${P}/CodeSystem/PRIORITY`, { headers: platformHeaders(sim, ADAMS_RC_R68) });
    expect(performance.now() - t2).toBeLessThan(200);
  });

  it('rate limit → 429 with Retry-After once the per-second budget is spent', async () => {
    sim.setRateLimit(3);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await search(sim)).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    sim.setRateLimit(undefined);
    expect((await search(sim)).status).toBe(200);
  });

  it('CLI-style fault strings are validated', () => {
    expect(parseFaultArg('A011=drop')).toEqual({ route: 'A011', kind: 'drop', count: 1 });
    expect(parseFaultArg('A012=gateway504x2')).toEqual({ route: 'A012', kind: 'gateway', status: 504, count: 2 });
    expect(parseFaultArg('A020=html')).toEqual({ route: 'A020', kind: 'html', count: 1 });
    expect(parseFaultArg('A010=503x2')).toEqual({ route: 'A010', kind: 'status', status: 503, count: 2 });
    expect(() => parseFaultArg('A999=503')).toThrow();
    expect(() => parseFaultArg('A010=418')).toThrow();
  });
});

describe('admin API', () => {
  const admin = (p: string, method = 'GET', body?: object) =>
    fetch(`${sim.url}/_admin/${p}`, { method, headers: { 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });

  it('state summary, faults, reset', async () => {
    const s0 = await (await admin('state')).json();
    expect(s0.counts).toMatchObject({ referrals: 2, binaries: 3 });
    expect(s0.counts.services).toBeGreaterThan(300);
    expect(JSON.stringify(s0)).not.toContain('9912003888'); // no patient identifiers
    expect((await admin('faults', 'POST', { fault: 'A010=503x1' })).status).toBe(201);
    expect((await admin('faults', 'POST', { route: 'A004', kind: 'status', status: 429, count: 1 })).status).toBe(201);
    expect((await admin('faults', 'POST', { latency: 'A019=10' })).status).toBe(201);
    const f = await (await admin('faults')).json();
    expect(f.faults).toHaveLength(2);
    expect(f.latencyMs).toEqual({ A019: 10 });
    expect((await search(sim)).status).toBe(503);
    expect((await admin('faults', 'POST', { nonsense: true })).status).toBe(400);
    await admin('faults', 'DELETE');
    expect(await (await admin('faults')).json()).toMatchObject({ faults: [], latencyMs: {} });
    await platformPost(sim, ADAMS_RC_R68, '/ReferralRequest/$ers.createReferral', createBody({ services: ['11002'], criteria: CARDIO_HF }));
    expect((await (await admin('state')).json()).counts.referrals).toBe(3);
    const reset = await (await admin('reset', 'POST')).json();
    expect(reset.counts.referrals).toBe(2);
  });

  it('expire sessions and tokens; rate limit via admin', async () => {
    const h = platformHeaders(sim, ADAMS_RC_R68);
    expect((await admin('expire', 'POST', { tokens: true })).status).toBe(200);
    await expectOutcome(await fetch(`${sim.url}${P}/CodeSystem/PRIORITY`, { headers: h }), 401, 'NO_ACCESS');
    await admin('faults', 'POST', { rateLimitPerSecond: 1 });
    expect((await search(sim)).status).toBe(200);
    expect((await search(sim)).status).toBe(429);
    await admin('faults', 'POST', { rateLimitPerSecond: null });
  });
});

describe('static pages', () => {
  /**
   * What a served demo site must do whatever its files: a folder asked for without its slash
   * redirects to it, and each of `refused` (traversal, dotfiles, files outside the site, missing
   * files) is answered 404.
   */
  async function expectFolderRedirectAndRefusals(get: (p: string) => Promise<Response>, refused: string[]): Promise<void> {
    expect((await get('/demo/gp')).headers.get('location')).toBe('/demo/gp/');
    for (const p of refused) expect((await get(p)).status, p).toBe(404);
  }

  it('serves /demo/ files with content types and refuses traversal and dotfiles', async () => {
    const get = (p: string) => fetch(sim.url + p, { redirect: 'manual' });
    const index = await get('/demo/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await get('/demo/style.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await get('/demo/app.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await (await get('/demo/gp/')).text()).toBe('<h1>gp</h1>');
    expect((await get('/demo')).status).toBe(301);
    await expectFolderRedirectAndRefusals(get, [
      '/demo/../server.ts',
      '/demo/%2e%2e/server.ts',
      '/demo/..%2fserver.ts',
      '/demo/%2e%2e%2f%2e%2e%2fpackage.json',
      '/demo/.secret',
      '/demo/..%5cserver.ts',
      '/demo/missing.html',
    ]);
    expect(resolveDemoPath('/srv/demo', '/demo/a/../../etc/passwd')).toBeUndefined();
    expect(resolveDemoPath('/srv/demo', '/demo/a/b.css')).toBe(path.resolve('/srv/demo/a/b.css'));
  });

  it('the index page links to /demo/ and the mock CIS2 sign-in; the generated demo site is served by default', async () => {
    const html = await (await fetch(sim.url)).text();
    expect(html).toContain('href="/demo/"');
    expect(html).toContain('/oauth2/authorize');
    const real = await startSim();
    const get = (p: string) => fetch(real.url + p, { redirect: 'manual' });
    try {
      const site = renderDemoSite();
      expect(await (await get('/demo/')).text()).toBe(site.get('index.html'));
      const record = await get('/demo/gp/record-9434765919.html');
      expect(record.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await record.text()).toBe(site.get('gp/record-9434765919.html'));
      expect((await get('/demo/spa/app.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await (await get('/demo/gp/')).text()).toBe(site.get('gp/index.html'));
      await expectFolderRedirectAndRefusals(get, [
        '/demo/../src/server.ts',
        '/demo/%2e%2e/demo/generate.ts',
        '/demo/gp/..%2f..%2fpackage.json',
        '/demo/.git',
        '/demo/generate.ts',
        '/demo/missing.html',
      ]);
    } finally {
      await real.close();
    }
  });
});

describe('CLI', () => {
  it('prints its URL, serves requests, and stops on SIGTERM; --help documents the flags', async () => {
    const tsx = path.resolve(__dirname, '../../../node_modules/.bin/tsx');
    const main = path.resolve(__dirname, '../src/main.ts');
    const help = await new Promise<string>((resolve) => {
      const p = spawn(tsx, [main, '--help']);
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.on('close', () => resolve(out));
    });
    for (const flag of ['--port', '--seed', '--latency', '--client-secret', '--token-lifetime', '--fault', '--rate-limit']) expect(help).toContain(flag);

    const child = spawn(tsx, [
      main,
      '--port',
      '0',
      '--seed',
      '3',
      '--latency',
      'A010=5',
      '--client-secret',
      'X',
      '--token-lifetime',
      '3600',
      '--fault',
      'A004=503x1',
    ]);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /e-RS simulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('exit', () => reject(new Error(`exited: ${out}`)));
      });
      const state = await (await fetch(`${url}/_admin/state`)).json();
      expect(state.faults.latencyMs).toEqual({ A010: 5 });
      expect(state.faults.faults[0].spec).toMatchObject({ route: 'A004', status: 503 });
      const tok = await fetch(`${url}/oauth2/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=refresh_token&client_id=ers-extension-demo&refresh_token=x',
      });
      expect(tok.status).toBe(401); // the client secret is required
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }, 30_000);
});

describe('no patient data in the request log', () => {
  it('logs method, path, status and duration only', async () => {
    const lines: string[] = [];
    const logged = await startSim({ log: (l) => lines.push(l) });
    try {
      await post(logged, `${P}${SEARCH}`, fixture('platform/A010_request_RcMinimal.json'), platformHeaders(logged, ADAMS_RC_R68));
      await fetch(`${logged.url}/oauth2/authorize?login_hint=021600556514&client_id=x`);
      await new Promise((r) => setTimeout(r, 20));
      expect(lines[0]).toMatch(/^POST \/referrals\/FHIR\/STU3\/HealthcareService\/\$ers\.searchHealthcareServicesForPatient 200 \d+ms$/);
      expect(lines.join('\n')).not.toMatch(/9912003888|login_hint|Bearer/);
    } finally {
      await logged.close();
    }
  });
});
