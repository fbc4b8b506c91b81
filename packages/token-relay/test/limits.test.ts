// Fair limits: a bucket per bound key for refreshes, per client address for code exchanges, and a
// ceiling for the whole replica; X-Forwarded-For believed only from configured proxies.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientIp } from '../src/client-ip';
import { RateLimiter } from '../src/rate-limit';
import type { RelayOptions, RunningRelay } from '../src/server';
import { callRelay, captureLogger, EXT_ORIGIN, json, REDIRECT_URI, TestKey, useUpstream, type CapturedLogger, startTestRelay } from './helpers';

const VERIFIER = 'v'.repeat(43);
const exchangeBody = { code: 'auth-code-limits', code_verifier: VERIFIER, redirect_uri: REDIRECT_URI };

const upstream = useUpstream((_req, res) => json(res, 200, { access_token: 'AT', token_type: 'Bearer', expires_in: 600, refresh_token: 'RT' }));
let log: CapturedLogger;
const running: RunningRelay[] = [];

beforeEach(() => {
  log = captureLogger();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function relayWith(extra: Partial<RelayOptions>): Promise<RunningRelay> {
  const relay = await startTestRelay(upstream.url, log, { clientSecret: 'limits-secret', ...extra });
  running.push(relay);
  return relay;
}

async function signIn(relay: RunningRelay, key: TestKey): Promise<string> {
  const answer = await callRelay(relay.url, '/oauth/token', exchangeBody, EXT_ORIGIN, { key });
  expect(answer.status).toBe(200);
  return String(answer.body.refresh_token);
}

describe('one client cannot lock out the others', () => {
  it('2,000 refreshes from one installation are cut to its own allowance; another installation behind the same address is still served', async () => {
    const relay = await relayWith({ exchangePerMinute: 100, refreshPerMinute: 10, globalPerMinute: 100 });
    const flooder = new TestKey();
    const colleague = new TestKey();
    const flooderToken = await signIn(relay, flooder);
    const colleagueToken = await signIn(relay, colleague);

    const statuses: number[] = [];
    for (let batch = 0; batch < 40; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => callRelay(relay.url, '/oauth/refresh', { refresh_token: flooderToken }, EXT_ORIGIN, { key: flooder })),
      );
      statuses.push(...answers.map((a) => a.status));
    }
    expect(statuses).toHaveLength(2000);
    // Its allowance of 10, plus whatever trickled back in while the flood ran (one per 6 s).
    const served = statuses.filter((s) => s === 200).length;
    expect(served).toBeGreaterThanOrEqual(10);
    expect(served).toBeLessThan(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2000 - served);

    const colleagueAnswer = await callRelay(relay.url, '/oauth/refresh', { refresh_token: colleagueToken }, EXT_ORIGIN, { key: colleague });
    expect(colleagueAnswer.status).toBe(200);
    // A new sign-in from the same practice (same address) still works too.
    expect((await callRelay(relay.url, '/oauth/token', exchangeBody)).status).toBe(200);
    expect(relay.metrics.refusalCount('rate_limit_key')).toBe(2000 - served);
  });

  it('the replica-wide ceiling caps calls to the platform from everyone together', async () => {
    const relay = await relayWith({ exchangePerMinute: 100, refreshPerMinute: 100, globalPerMinute: 3 });
    const keys = [new TestKey(), new TestKey(), new TestKey(), new TestKey()];
    const statuses = [];
    for (const key of keys) statuses.push((await callRelay(relay.url, '/oauth/token', exchangeBody, EXT_ORIGIN, { key })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(upstream.seen).toHaveLength(3);
    expect(log.requests().at(-1)).toMatchObject({ status: 429, reason: 'rate_limit_global' });
  });

  it('code exchanges are limited per client address (nothing else identifies a caller before sign-in)', async () => {
    const relay = await relayWith({ exchangePerMinute: 2 });
    expect((await callRelay(relay.url, '/oauth/token', exchangeBody)).status).toBe(200);
    expect((await callRelay(relay.url, '/oauth/token', exchangeBody)).status).toBe(200);
    const third = await callRelay(relay.url, '/oauth/token', exchangeBody);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(third.headers.get('access-control-allow-origin')).toBe(EXT_ORIGIN);
  });
});

describe('X-Forwarded-For', () => {
  const rotate = (relay: RunningRelay, i: number) =>
    callRelay(relay.url, '/oauth/token', exchangeBody, EXT_ORIGIN, { headers: { 'X-Forwarded-For': `203.0.113.${i}` } });

  it('from an address that is not a configured proxy, rotating it does not get past the limit', async () => {
    const relay = await relayWith({ exchangePerMinute: 3, trustedProxies: ['10.0.0.1'] });
    const statuses = [];
    for (let i = 1; i <= 6; i++) statuses.push((await rotate(relay, i)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    expect(log.requests().every((r) => r.ip === '127.0.0.1')).toBe(true);
  });

  it('from a configured proxy, the client address it forwards is used', async () => {
    const relay = await relayWith({ exchangePerMinute: 1, trustedProxies: ['127.0.0.1'] });
    for (let i = 1; i <= 3; i++) expect((await rotate(relay, i)).status).toBe(200);
    expect(log.requests().map((r) => r.ip)).toEqual(['203.0.113.1', '203.0.113.2', '203.0.113.3']);
  });

  it('clientIp walks back through trusted proxies only, ignoring what the client wrote', () => {
    const proxies = new Set(['10.0.0.1', '10.0.0.2']);
    expect(clientIp('198.51.100.7', '1.2.3.4', proxies)).toBe('198.51.100.7');
    expect(clientIp('::ffff:10.0.0.1', '1.2.3.4, 198.51.100.7', proxies)).toBe('198.51.100.7');
    expect(clientIp('10.0.0.1', '1.2.3.4, 198.51.100.7, 10.0.0.2', proxies)).toBe('198.51.100.7');
    expect(clientIp('10.0.0.1', undefined, proxies)).toBe('10.0.0.1');
    expect(clientIp('10.0.0.1', 'not-an-ip', proxies)).toBe('10.0.0.1');
  });
});

describe('RateLimiter memory', () => {
  it('holds at most maxKeys buckets, refusing new keys while all are in use', () => {
    let now = 0;
    const limiter = new RateLimiter(1, () => now, 2);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('b').allowed).toBe(true);
    expect(limiter.take('c').allowed).toBe(false);
    expect(limiter.size).toBe(2);
    now += 60_000; // a and b have refilled: they are forgotten to make room
    expect(limiter.take('c').allowed).toBe(true);
    expect(limiter.size).toBe(1);
  });
});
