// Sender-constrained refresh: the refresh token the relay hands out is sealed to the key that
// signed the code exchange's proof, and each refresh needs a fresh, single-use proof from that key.
import type { ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRelay, type RelayOptions, type RunningRelay } from '../src/server';
import { unwrapRefreshToken, wrapRefreshToken } from '../src/wrap';
import { callRelay, captureLogger, EXT_ORIGIN, json, REDIRECT_URI, TestKey, useUpstream, type CapturedLogger, type SeenRequest } from './helpers';

const CODE = 'auth-code-binding-1';
const VERIFIER = 'v'.repeat(43);
let counter = 0;
// Each answer carries a new platform refresh token, as CIS2 rotates them.
const rotating = (_req: SeenRequest, res: ServerResponse) => {
  counter += 1;
  json(res, 200, { access_token: `AT-${counter}`, token_type: 'Bearer', expires_in: 600, refresh_token: `RT-${counter}`, refresh_token_expires_in: 3600 });
};

const upstream = useUpstream(rotating);
let relay: RunningRelay;
let log: CapturedLogger;
const KEY_OLD = randomBytes(32);
const KEY_NEW = randomBytes(32);

function options(extra: Partial<RelayOptions> = {}): RelayOptions {
  return {
    port: 0,
    tokenUrl: `${upstream.url}/oauth2/token`,
    clientId: 'client',
    clientSecret: 'binding-secret',
    allowedOrigins: [EXT_ORIGIN],
    exchangePerMinute: 1000,
    refreshPerMinute: 1000,
    logger: log,
    wrapKeys: [KEY_OLD],
    ...extra,
  };
}

beforeEach(async () => {
  log = captureLogger();
  relay = await startRelay(options());
});
afterEach(async () => {
  await relay.close();
});

async function signIn(key: TestKey, relayUrl = relay.url): Promise<string> {
  const answer = await callRelay(relayUrl, '/oauth/token', { code: CODE, code_verifier: VERIFIER, redirect_uri: REDIRECT_URI }, EXT_ORIGIN, { key });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return String(answer.body.refresh_token);
}

const refresh = (sealed: string, init: Parameters<typeof callRelay>[4], relayUrl = relay.url) =>
  callRelay(relayUrl, '/oauth/refresh', { refresh_token: sealed }, EXT_ORIGIN, init);

const upstreamRefreshes = () => upstream.seen.filter((r) => r.body.toString().includes('grant_type=refresh_token')).length;

describe('binding the refresh token to the extension key', () => {
  it('the key that signed in can refresh, again and again, each time with a new sealed token', async () => {
    const key = new TestKey();
    const first = await signIn(key);
    const a = await refresh(first, { key });
    expect(a.status).toBe(200);
    const b = await refresh(String(a.body.refresh_token), { key });
    expect(b.status).toBe(200);
    expect(b.body.refresh_token).not.toBe(a.body.refresh_token);
    expect(unwrapRefreshToken([KEY_OLD], String(b.body.refresh_token), Date.now()).thumbprint).toBe(key.thumbprint);
  });

  it("a stolen sealed token is refused without the key: another key, no proof, or the extension's own earlier proof", async () => {
    const victim = new TestKey();
    const sealed = await signIn(victim);
    const before = upstreamRefreshes();

    const thief = await refresh(sealed, { key: new TestKey() });
    expect(thief.status).toBe(400);
    expect(thief.body.error).toBe('invalid_grant');
    expect(String(thief.body.error_description)).toMatch(/sign in again/i);

    const bare = await refresh(sealed, { key: null });
    expect(bare.status).toBe(400);
    expect(bare.body.error).toBe('invalid_dpop_proof');

    expect(upstreamRefreshes()).toBe(before); // nothing reached the platform
    expect(log.requests().map((r) => r.reason)).toEqual(expect.arrayContaining(['binding_mismatch', 'proof_missing']));
  });

  it('a replayed proof is refused, even with the right key and token', async () => {
    const key = new TestKey();
    const sealed = await signIn(key);
    const proof = key.proof(`${relay.url}/oauth/refresh`);
    expect((await refresh(sealed, { proof })).status).toBe(200);
    const again = await refresh(sealed, { proof });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error: 'invalid_dpop_proof' });
    expect(String(again.body.error_description)).toMatch(/already used/);
    expect(upstreamRefreshes()).toBe(1);
  });

  it('a proof for another address or method, or too old, or from the future, is refused', async () => {
    const key = new TestKey();
    const sealed = await signIn(key);
    const url = `${relay.url}/oauth/refresh`;
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string][] = [
      [key.proof(`${relay.url}/oauth/token`), 'proof_htu'],
      [key.proof('https://relay.elsewhere.example/oauth/refresh'), 'proof_htu'],
      [key.proof(url, { htm: 'GET' }), 'proof_htm'],
      [key.proof(url, { iat: now - 120 }), 'proof_time'],
      [key.proof(url, { iat: now + 120 }), 'proof_time'],
      [key.proof(url, {}, { alg: 'none' }), 'proof_malformed'],
      [key.proof(url, {}, { jwk: { ...key.jwk, d: 'private' } }), 'proof_malformed'],
      [`${key.proof(url).slice(0, -4)}AAAA`, 'proof_signature'],
    ];
    for (const [proof, reason] of cases) {
      const answer = await refresh(sealed, { proof });
      expect(answer.status, reason).toBe(400);
      expect(answer.body.error, reason).toBe('invalid_dpop_proof');
    }
    expect(
      log
        .requests()
        .slice(1)
        .map((r) => r.reason),
    ).toEqual(cases.map(([, reason]) => reason));
    expect(upstreamRefreshes()).toBe(0);
    expect(String((await refresh(sealed, { proof: key.proof(url, { iat: now - 3600 }) })).body.error_description)).toMatch(/clock/);
  });

  it('the code exchange needs a valid proof too, so every refresh token is bound', async () => {
    const answer = await callRelay(relay.url, '/oauth/token', { code: CODE, code_verifier: VERIFIER, redirect_uri: REDIRECT_URI }, EXT_ORIGIN, { key: null });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_dpop_proof');
    expect(upstream.seen).toHaveLength(0);
  });

  it('a tampered, expired or foreign sealed token is refused', async () => {
    const key = new TestKey();
    const sealed = await signIn(key);
    const flipped = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`;
    expect((await refresh(flipped, { key })).body).toMatchObject({ error: 'invalid_grant' });
    const expired = wrapRefreshToken([KEY_OLD], { refreshToken: 'RT-x', thumbprint: key.thumbprint, expiresAt: Date.now() - 1 });
    expect((await refresh(expired, { key })).body).toMatchObject({ error: 'invalid_grant' });
    const foreign = wrapRefreshToken([randomBytes(32)], { refreshToken: 'RT-x', thumbprint: key.thumbprint, expiresAt: Date.now() + 60_000 });
    expect((await refresh(foreign, { key })).body).toMatchObject({ error: 'invalid_grant' });
    expect(
      log
        .requests()
        .slice(1)
        .map((r) => r.reason),
    ).toEqual(['token_tampered', 'token_expired', 'token_unknown_key']);
    expect(upstreamRefreshes()).toBe(0);
  });

  it('a proof naming the configured public address is accepted behind a proxy', async () => {
    const proxied = await startRelay(options({ publicUrl: 'https://relay.trust.example/sso' }));
    try {
      const key = new TestKey();
      const answer = await callRelay(proxied.url, '/oauth/token', { code: CODE, code_verifier: VERIFIER, redirect_uri: REDIRECT_URI }, EXT_ORIGIN, {
        proof: key.proof('https://relay.trust.example/sso/oauth/token'),
      });
      expect(answer.status).toBe(200);
      const direct = await callRelay(proxied.url, '/oauth/token', { code: CODE, code_verifier: VERIFIER, redirect_uri: REDIRECT_URI }, EXT_ORIGIN, { key });
      expect(direct.body.error).toBe('invalid_dpop_proof');
    } finally {
      await proxied.close();
    }
  });
});

describe('wrapping key rotation', () => {
  it('after rotation (new key first, old key kept) old tokens still refresh and come back sealed with the new key; once the old key is dropped they are refused', async () => {
    const key = new TestKey();
    const sealedOld = await signIn(key);

    const rotated = await startRelay(options({ wrapKeys: [KEY_NEW, KEY_OLD] }));
    let sealedNew: string;
    try {
      const answer = await refresh(sealedOld, { key }, rotated.url);
      expect(answer.status).toBe(200);
      sealedNew = String(answer.body.refresh_token);
      expect(() => unwrapRefreshToken([KEY_OLD], sealedNew, Date.now())).toThrow();
      expect(unwrapRefreshToken([KEY_NEW], sealedNew, Date.now()).thumbprint).toBe(key.thumbprint);
    } finally {
      await rotated.close();
    }

    const retired = await startRelay(options({ wrapKeys: [KEY_NEW] }));
    try {
      expect((await refresh(sealedNew, { key }, retired.url)).status).toBe(200);
      const stale = await refresh(
        wrapRefreshToken([KEY_OLD], { refreshToken: 'RT-9', thumbprint: key.thumbprint, expiresAt: Date.now() + 60_000 }),
        { key },
        retired.url,
      );
      expect(stale.status).toBe(400);
      expect(stale.body.error).toBe('invalid_grant');
    } finally {
      await retired.close();
    }
  });
});
