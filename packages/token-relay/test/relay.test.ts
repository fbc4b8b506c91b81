// The relay against a scripted platform token endpoint, through real HTTP: what it forwards, what it
// answers, CORS, input checks, every upstream fault and its logs.
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startRelay } from '../src/server';
import {
  assertNoneIn,
  callRelay,
  EXT_ORIGIN,
  FIREFOX_ORIGIN,
  json,
  OTHER_ORIGIN,
  REDIRECT_URI,
  scriptedUpstream,
  TestKey,
  useTestRelay,
  useUpstream,
  type SeenRequest,
} from './helpers';

const SECRET = 'relay-test-secret-9f8e7d6c';
const CLIENT_ID = 'ers-extension-test';
const CODE = 'auth-code-7a6b5c4d3e2f';
const VERIFIER = `${'v'.repeat(20)}erifier-0123456789-abcdefghij`; // 49 chars, RFC 7636 alphabet
const FIREFOX_REDIRECT = 'https://0123456789abcdef.extensions.allizom.org/';

type Script = (req: SeenRequest, res: ServerResponse) => void;
const okTokens: Script = (_req, res) =>
  json(res, 200, {
    access_token: 'AT-upstream-1',
    token_type: 'Bearer',
    expires_in: '599',
    refresh_token: 'RT-upstream-1',
    refresh_token_expires_in: 43199,
    scope: 'nhs-cis2',
    id_token: 'ID-TOKEN-should-be-dropped',
    issued_at: '1',
  });

/** Sealed refresh tokens the relay handed out during a test. */
const issued: string[] = [];

const upstream = useUpstream(okTokens);
const { relay, log } = useTestRelay(
  upstream,
  {
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    allowedOrigins: [EXT_ORIGIN, FIREFOX_ORIGIN],
    allowedRedirectUris: [`https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/*`, FIREFOX_REDIRECT],
    exchangePerMinute: 1000,
    refreshPerMinute: 1000,
    timeoutMs: 1500,
  },
  (testLog) => {
    // Whatever a test did, nothing sensitive may reach the logs.
    assertNoneIn(testLog.all(), [SECRET, CODE, VERIFIER, 'AT-upstream-1', 'RT-upstream-1', 'RT-old', 'ID-TOKEN', ...issued]);
    issued.length = 0;
  },
);

/** Signs in with `key` and returns the sealed refresh token the relay answered. */
async function boundRefreshToken(key: TestKey): Promise<string> {
  const saved = upstream.script;
  upstream.script = okTokens;
  const answer = await callRelay(relay.url, '/oauth/token', { code: CODE, code_verifier: VERIFIER, redirect_uri: REDIRECT_URI }, EXT_ORIGIN, { key });
  upstream.script = saved;
  expect(answer.status).toBe(200);
  issued.push(String(answer.body.refresh_token));
  return String(answer.body.refresh_token);
}

const exchange = (body: Record<string, unknown> = { code: CODE, code_verifier: VERIFIER, redirect_uri: REDIRECT_URI }, origin: string | null = EXT_ORIGIN) =>
  callRelay(relay.url, '/oauth/token', body, origin);

describe('code exchange and refresh', () => {
  it('forwards the code with the client secret as a form and answers only the contract fields', async () => {
    const answer = await exchange();
    expect(answer.status).toBe(200);
    const { refresh_token: sealed, ...rest } = answer.body;
    expect(rest).toEqual({ access_token: 'AT-upstream-1', token_type: 'Bearer', expires_in: 599, scope: 'nhs-cis2' });
    // The platform's refresh token never leaves the relay in clear: the extension gets it sealed.
    expect(String(sealed)).toMatch(/^rt1\./);
    expect(String(sealed)).not.toContain('RT-upstream-1');
    expect(answer.headers.get('access-control-allow-origin')).toBe(EXT_ORIGIN);
    expect(answer.headers.get('vary')).toBe('Origin');
    expect(answer.headers.get('cache-control')).toBe('no-store');

    expect(upstream.seen).toHaveLength(1);
    const sent = upstream.seen[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/oauth2/token');
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sent.headers.origin).toBeUndefined();
    const form = new URLSearchParams(sent.body.toString('utf8'));
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'authorization_code',
      code: CODE,
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT_ID,
      client_secret: SECRET,
      code_verifier: VERIFIER,
    });
  });

  it('refreshes with the unsealed platform token, the client secret and nothing else from the caller', async () => {
    const key = new TestKey();
    const sealed = await boundRefreshToken(key);
    const answer = await callRelay(relay.url, '/oauth/refresh', { refresh_token: sealed, client_id: 'evil', scope: 'everything' }, EXT_ORIGIN, { key });
    expect(answer.status).toBe(200);
    expect(answer.body.access_token).toBe('AT-upstream-1');
    issued.push(String(answer.body.refresh_token));
    expect(Object.fromEntries(new URLSearchParams(upstream.seen[1]!.body.toString('utf8')))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'RT-upstream-1',
      client_id: CLIENT_ID,
      client_secret: SECRET,
    });
  });

  it('accepts a Firefox origin with its explicitly allowed redirect URI', async () => {
    const answer = await exchange({ code: CODE, code_verifier: VERIFIER, redirect_uri: FIREFOX_REDIRECT }, FIREFOX_ORIGIN);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(FIREFOX_ORIGIN);
  });

  it('refuses an upstream success that lacks an access token or expiry', async () => {
    upstream.script = (_req, res) => json(res, 200, { token_type: 'Bearer', expires_in: 599 });
    expect((await exchange()).body.error).toBe('upstream_error');
    upstream.script = (_req, res) => json(res, 200, { access_token: 'AT-upstream-1', token_type: 'Bearer' });
    expect((await exchange()).status).toBe(502);
    upstream.script = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>login</html>');
    };
    expect((await exchange()).body).toMatchObject({ error: 'upstream_error' });
  });
});

describe('origin, CORS and redirect URI checks', () => {
  it('refuses an unknown origin with 403 before forwarding anything', async () => {
    const answer = await exchange(undefined, OTHER_ORIGIN);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: 'unauthorized_client' });
    expect(String(answer.body.error_description)).toMatch(/RELAY_ALLOWED_ORIGINS/);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(upstream.seen).toHaveLength(0);
  });

  it('refuses a request with no Origin and a web page origin', async () => {
    expect((await exchange(undefined, null)).status).toBe(403);
    expect((await exchange(undefined, 'https://evil.example')).status).toBe(403);
    expect((await callRelay(relay.url, '/oauth/refresh', { refresh_token: 'RT-old' }, 'null')).status).toBe(403);
    expect(upstream.seen).toHaveLength(0);
  });

  it('answers the CORS preflight for allowed origins only', async () => {
    const ok = await fetch(`${relay.url}/oauth/token`, {
      method: 'OPTIONS',
      headers: { Origin: EXT_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(EXT_ORIGIN);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('dpop');
    expect(ok.headers.get('vary')).toBe('Origin');
    const bad = await fetch(`${relay.url}/oauth/refresh`, { method: 'OPTIONS', headers: { Origin: OTHER_ORIGIN, 'Access-Control-Request-Method': 'POST' } });
    expect(bad.status).toBe(403);
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses redirect URIs outside the allow-list, including look-alike hosts', async () => {
    for (const redirect_uri of [
      'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org.evil.example/',
      'https://ponmlkjihgfedcbaponmlkjihgfedcba.chromiumapp.org/',
      'http://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/',
      `${REDIRECT_URI}#frag`,
    ]) {
      const answer = await exchange({ code: CODE, code_verifier: VERIFIER, redirect_uri });
      expect(answer.status, redirect_uri).toBe(400);
      expect(answer.body.error).toBe('invalid_request');
      expect(String(answer.body.error_description)).toMatch(/redirect_uri/);
    }
    expect(upstream.seen).toHaveLength(0);
  });
});

describe('bad input', () => {
  it('missing or malformed PKCE verifier is invalid_grant and is not forwarded', async () => {
    const missing = await exchange({ code: CODE, redirect_uri: REDIRECT_URI });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'invalid_grant' });
    expect(String(missing.body.error_description)).toMatch(/verifier/);
    const short = await exchange({ code: CODE, code_verifier: 'short', redirect_uri: REDIRECT_URI });
    expect(short.body.error).toBe('invalid_grant');
    const wrongType = await exchange({ code: CODE, code_verifier: 12345, redirect_uri: REDIRECT_URI });
    expect(wrongType.body.error).toBe('invalid_grant');
    expect(upstream.seen).toHaveLength(0);
  });

  it('missing code, redirect URI or refresh token is invalid_request', async () => {
    expect((await exchange({ code_verifier: VERIFIER, redirect_uri: REDIRECT_URI })).body).toMatchObject({ error: 'invalid_request' });
    expect((await exchange({ code: CODE, code_verifier: VERIFIER })).body).toMatchObject({ error: 'invalid_request' });
    expect((await callRelay(relay.url, '/oauth/refresh', {})).body).toMatchObject({ error: 'invalid_request' });
    expect((await callRelay(relay.url, '/oauth/refresh', { refresh_token: ['x'] })).status).toBe(400);
    expect(upstream.seen).toHaveLength(0);
  });

  it('only takes a small JSON object', async () => {
    const form = await callRelay(relay.url, '/oauth/token', null, EXT_ORIGIN, {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      raw: `code=${CODE}`,
    });
    expect(form.status).toBe(415);
    expect(form.body.error).toBe('invalid_request');
    expect((await callRelay(relay.url, '/oauth/token', null, EXT_ORIGIN, { raw: '{"code":' })).status).toBe(400);
    expect((await callRelay(relay.url, '/oauth/token', [CODE])).status).toBe(400);
    const big = await callRelay(relay.url, '/oauth/token', { code: CODE, code_verifier: VERIFIER, redirect_uri: REDIRECT_URI, pad: 'x'.repeat(9000) });
    expect(big.status).toBe(413);
    expect(big.body.error).toBe('invalid_request');
    expect(upstream.seen).toHaveLength(0);
  });

  it('other methods and paths get clear JSON errors; /healthz answers ok', async () => {
    const get = await fetch(`${relay.url}/oauth/token`, { headers: { Origin: EXT_ORIGIN } });
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ error: 'invalid_request' });
    const missing = await fetch(`${relay.url}/oauth/authorize?code=${CODE}`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
    const health = await fetch(`${relay.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });
});

describe('platform faults', () => {
  it('platform invalid_grant becomes 400 invalid_grant with a sign-in-again message', async () => {
    upstream.script = (_req, res) => json(res, 400, { error: 'invalid_grant', error_description: `code ${CODE} expired` });
    const answer = await exchange();
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_grant');
    expect(String(answer.body.error_description)).toMatch(/sign in again/i);
    expect(String(answer.body.error_description)).not.toContain(CODE);
    const key = new TestKey();
    const sealed = await boundRefreshToken(key);
    const refresh = await callRelay(relay.url, '/oauth/refresh', { refresh_token: sealed }, EXT_ORIGIN, { key });
    expect(refresh.body).toMatchObject({ error: 'invalid_grant' });
    expect(String(refresh.body.error_description)).toMatch(/session has expired/i);
  });

  it("the relay's own credentials refused upstream become 502 invalid_client, with a warning for IT", async () => {
    upstream.script = (_req, res) => json(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
    const answer = await exchange();
    expect(answer.status).toBe(502);
    expect(answer.body.error).toBe('invalid_client');
    expect(String(answer.body.error_description)).toMatch(/IT team/);
    expect(log.warnings.join('\n')).toMatch(/RELAY_CLIENT_SECRET/);
    upstream.script = (_req, res) => json(res, 400, { error: 'unauthorized_client' });
    expect((await exchange()).body.error).toBe('invalid_client');
  });

  it('platform 5xx, odd 4xx and redirects become 502 upstream_error', async () => {
    for (const status of [500, 502, 503, 504]) {
      upstream.script = (_req, res) => json(res, status, { error: 'server_error' });
      const answer = await exchange();
      expect(answer.status, String(status)).toBe(502);
      expect(answer.body.error).toBe('upstream_error');
    }
    upstream.script = (_req, res) => json(res, 404, { message: 'not here' });
    expect((await exchange()).body).toMatchObject({ error: 'upstream_error' });
    upstream.script = (_req, res) => {
      res.writeHead(302, { Location: 'https://elsewhere.example/' });
      res.end();
    };
    expect((await exchange()).body).toMatchObject({ error: 'upstream_error' });
  });

  it('platform 429 becomes 429 rate_limited carrying Retry-After', async () => {
    upstream.script = (_req, res) => json(res, 429, { error: 'too_many_requests' }, { 'Retry-After': '7' });
    const answer = await exchange();
    expect(answer.status).toBe(429);
    expect(answer.body.error).toBe('rate_limited');
    expect(answer.headers.get('retry-after')).toBe('7');
    expect(answer.headers.get('access-control-expose-headers')).toContain('Retry-After');
  });

  it('a platform that never answers times out as 502 upstream_error', async () => {
    upstream.script = () => {
      /* never answers */
    };
    const started = Date.now();
    const answer = await exchange();
    expect(answer.status).toBe(502);
    expect(answer.body.error).toBe('upstream_error');
    expect(String(answer.body.error_description)).toMatch(/in time/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('an unreachable platform is 502 upstream_error', async () => {
    const gone = await scriptedUpstream(() => {});
    const goneUrl = gone.url;
    await gone.close();
    const lonely = await startRelay({
      port: 0,
      tokenUrl: `${goneUrl}/oauth2/token`,
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      allowedOrigins: [EXT_ORIGIN],
      logger: log,
    });
    try {
      const answer = await callRelay(lonely.url, '/oauth/token', { code: CODE, code_verifier: VERIFIER, redirect_uri: REDIRECT_URI });
      expect(answer.status).toBe(502);
      expect(answer.body).toMatchObject({ error: 'upstream_error' });
      expect(String(answer.body.error_description)).toMatch(/could not reach/);
    } finally {
      await lonely.close();
    }
  });
});

describe('logs', () => {
  it('one JSON line per token request with method, route, status, duration, origin and reason, and nothing sensitive', async () => {
    const key = new TestKey();
    await exchange();
    await exchange(undefined, OTHER_ORIGIN);
    const sealed = await boundRefreshToken(key);
    upstream.script = (_req, res) => json(res, 400, { error: 'invalid_grant', error_description: `bad code ${CODE}` });
    await callRelay(relay.url, '/oauth/refresh', { refresh_token: sealed }, EXT_ORIGIN, { key });
    await fetch(`${relay.url}/oauth/token?code=${CODE}&code_verifier=${VERIFIER}`, {
      method: 'POST',
      headers: { Origin: EXT_ORIGIN, 'Content-Type': 'application/json' },
      body: '{}',
    });
    await fetch(`${relay.url}/healthz`);
    await new Promise((r) => setTimeout(r, 50));
    const requests = log.requests();
    expect(requests).toHaveLength(5);
    expect(requests[0]).toMatchObject({
      level: 'info',
      event: 'request',
      method: 'POST',
      route: '/oauth/token',
      status: 200,
      origin: EXT_ORIGIN,
      ip: '127.0.0.1',
      upstream_status: 200,
    });
    expect(requests[0]!.ms).toEqual(expect.any(Number));
    expect(requests[0]!.key).toEqual(expect.any(String));
    expect(requests[1]).toMatchObject({ status: 403, reason: 'origin', origin: OTHER_ORIGIN });
    expect(requests[3]).toMatchObject({
      route: '/oauth/refresh',
      status: 400,
      reason: 'upstream_invalid_grant',
      upstream_status: 400,
      key: key.thumbprint.slice(0, 12),
    });
    expect(requests[4]).toMatchObject({ route: '/oauth/token', status: 400, reason: 'field_missing' });
    expect(JSON.parse(log.lines[0]!)).toMatchObject({ event: 'listening' });
    expect(log.all()).not.toMatch(/secret/i);
    assertNoneIn(log.all(), key.proofs);
  });
});
