// What an operator relies on: the upstream answer read only up to its cap, health and readiness
// probes, Prometheus metrics, and JSON logs that never hold a secret, token, code or proof.
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { assertNoneIn, callRelay, EXT_ORIGIN, json, REDIRECT_URI, TestKey, useTestRelay, useUpstream, type SeenRequest } from './helpers';

const SECRET = 'ops-client-secret-5e6f';
const CODE = 'auth-code-ops-1234';
const VERIFIER = 'verifier-ops-'.padEnd(50, 'x');
const exchangeBody = { code: CODE, code_verifier: VERIFIER, redirect_uri: REDIRECT_URI };

const tokens = (_req: SeenRequest, res: ServerResponse) =>
  json(res, 200, { access_token: 'AT-ops-secret-token', token_type: 'Bearer', expires_in: 600, refresh_token: 'RT-ops-secret-token', id_token: 'ID-ops' });
const upstream = useUpstream(tokens);
const { relay, log } = useTestRelay(upstream, { clientSecret: SECRET, timeoutMs: 5000 });

describe('bounded reads of the platform answer', () => {
  const FORTY_MB = 40 * 1024 * 1024;

  /** Streams 40 MB (no Content-Length), honouring back-pressure; resolves with the bytes the relay let it write. */
  function hugeAnswer(declareLength: boolean): Promise<number> {
    return new Promise((resolve) => {
      upstream.script = (_req, res) => {
        let written = 0;
        res.writeHead(200, { 'Content-Type': 'application/json', ...(declareLength ? { 'Content-Length': String(FORTY_MB) } : {}) });
        res.on('close', () => resolve(written));
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (written < FORTY_MB) {
            if (res.destroyed) return;
            written += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        pump();
      };
    });
  }

  it('stops reading a 40 MB answer at the 64 KB cap and answers 502', async () => {
    const written = hugeAnswer(false);
    const answer = await callRelay(relay.url, '/oauth/token', exchangeBody);
    expect(answer.status).toBe(502);
    expect(answer.body.error).toBe('upstream_error');
    // The relay read just past the cap, then hung up: the platform could not push the 40 MB.
    expect(relay.metrics.upstreamBytesRead).toBeGreaterThan(64 * 1024);
    expect(relay.metrics.upstreamBytesRead).toBeLessThan(512 * 1024);
    expect(await written).toBeLessThan(FORTY_MB / 4);
    expect(log.requests()[0]).toMatchObject({ status: 502, reason: 'upstream_too_large' });
  });

  it('refuses a declared 40 MB answer without reading it', async () => {
    const written = hugeAnswer(true);
    const answer = await callRelay(relay.url, '/oauth/token', exchangeBody);
    expect(answer.status).toBe(502);
    expect(relay.metrics.upstreamBytesRead).toBe(0);
    expect(await written).toBeLessThan(FORTY_MB / 4);
  });
});

describe('probes and metrics', () => {
  it('/healthz is alive; /readyz is ready until the replica drains', async () => {
    expect(await (await fetch(`${relay.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${relay.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    relay.drain();
    const draining = await fetch(`${relay.url}/readyz`);
    expect(draining.status).toBe(503);
    expect(await draining.json()).toEqual({ status: 'draining' });
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${relay.url}/readyz`, { method: 'POST' })).status).toBe(405);
  });

  it('/metrics counts requests, refusals by reason and upstream latency in Prometheus text', async () => {
    expect((await callRelay(relay.url, '/oauth/token', exchangeBody)).status).toBe(200);
    await callRelay(relay.url, '/oauth/token', exchangeBody, EXT_ORIGIN, { key: null });
    await callRelay(relay.url, '/oauth/token', exchangeBody, 'https://evil.example');
    upstream.script = (_req, res) => json(res, 503, { error: 'server_error' });
    await callRelay(relay.url, '/oauth/token', exchangeBody);
    const res = await fetch(`${relay.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const sample of [
      'relay_requests_total{route="/oauth/token",status="200"} 1',
      'relay_requests_total{route="/oauth/token",status="502"} 1',
      'relay_refusals_total{reason="proof_missing"} 1',
      'relay_refusals_total{reason="origin"} 1',
      'relay_refusals_total{reason="upstream_5xx"} 1',
      'relay_upstream_requests_total{outcome="ok"} 1',
      'relay_replay_cache_entries 2',
    ]) {
      expect(text).toContain(sample);
    }
    expect(text).toMatch(/relay_upstream_duration_seconds_count 2\n/);
    expect(text).toMatch(/relay_upstream_duration_seconds_bucket\{le="\+Inf"\} 2\n/);
  });
});

describe('logs', () => {
  it('hold no client secret, token (clear or sealed), code, verifier or proof, whatever happens', async () => {
    const key = new TestKey();
    const first = await callRelay(relay.url, '/oauth/token', exchangeBody, EXT_ORIGIN, { key });
    const sealed = String(first.body.refresh_token);
    const refreshed = await callRelay(relay.url, '/oauth/refresh', { refresh_token: sealed }, EXT_ORIGIN, { key });
    await callRelay(relay.url, '/oauth/refresh', { refresh_token: sealed }, EXT_ORIGIN, { key: new TestKey() });
    upstream.script = (_req, res) => json(res, 400, { error: 'invalid_grant', error_description: `code ${CODE} with ${VERIFIER}` });
    await callRelay(relay.url, '/oauth/token', exchangeBody, EXT_ORIGIN, { key });
    upstream.script = (_req, res) => json(res, 401, { error: 'invalid_client', error_description: `secret ${SECRET} wrong` });
    await callRelay(relay.url, '/oauth/token', exchangeBody, EXT_ORIGIN, { key });
    await fetch(`${relay.url}/oauth/token?code=${CODE}`, {
      method: 'POST',
      headers: { Origin: EXT_ORIGIN, 'Content-Type': 'application/json', DPoP: key.proof(`${relay.url}/x`) },
      body: JSON.stringify(exchangeBody),
    });
    await new Promise((r) => setTimeout(r, 50));

    const all = log.all();
    expect(log.requests()).toHaveLength(6);
    for (const line of [...log.lines, ...log.warnings]) expect(() => JSON.parse(line)).not.toThrow();
    assertNoneIn(all, [
      SECRET,
      CODE,
      VERIFIER,
      'AT-ops-secret-token',
      'RT-ops-secret-token',
      'ID-ops',
      sealed,
      String(refreshed.body.refresh_token),
      String(refreshed.body.access_token),
      ...key.proofs,
    ]);
    expect(log.warnings.some((w) => /RELAY_CLIENT_SECRET/.test(w))).toBe(true);
  });
});
