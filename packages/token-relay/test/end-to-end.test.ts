// The sign-in path end to end at Node level, all through real HTTP:
//   simulated extension (fetch with an Origin header and a proof signed by its own key) → relay
//   (holds the client secret, seals the refresh token to that key) → the simulator's mock CIS2
//   (requires the secret, checks PKCE) → tokens → e-RS A030 with the bearer → token expires →
//   refresh through the relay with a fresh proof → the new token works.
// Plus every fault the issue lists, and that the relay's logs hold no secret, token, code or verifier.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../ers-simulator/src/server';
import { authorizeAs } from '../../ers-simulator/src/cis2-client';
import { USER_IDS } from '../../ers-simulator/src/users';
import type { RelayOptions, RunningRelay, TokenAnswer } from '../src/server';
import { createCodeVerifier } from '../../../utils/session/pkce';
import {
  assertNoneIn,
  callRelay,
  captureLogger,
  EXT_ORIGIN,
  OTHER_ORIGIN,
  REDIRECT_URI,
  type RelayAnswer,
  TestKey,
  type CapturedLogger,
  startTestRelay,
} from './helpers';

const SECRET = 'sim-client-secret-4b3c2d1e';
const CLIENT_ID = 'ers-extension-demo';
const TOKEN_LIFETIME = 600;

let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);

let sim: RunningSimulator;
let relay: RunningRelay;
let log: CapturedLogger;
/** Every secret-ish value a test handled, checked against the relay's logs after each test. */
const sensitive: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, clientSecret: SECRET, clientId: CLIENT_ID, tokenLifetimeSeconds: TOKEN_LIFETIME, now: clock });
});
afterAll(async () => {
  await sim.close();
});

beforeEach(async () => {
  offsetMs = 0;
  sim.clearFaults();
  log = captureLogger();
  relay = await relayToSim();
});
afterEach(async () => {
  await relay.close();
  expect(JSON.parse(log.lines[0]!)).toMatchObject({ event: 'listening' });
  assertNoneIn(log.all(), [SECRET, ...sensitive]);
  sensitive.length = 0;
});

/** A relay in front of the simulator's mock CIS2 with this file's client, secret, origin and logger; `options` changes one setting. */
function relayToSim(options: Partial<RelayOptions> = {}): Promise<RunningRelay> {
  return startTestRelay(sim.url, log, { clientId: CLIENT_ID, clientSecret: SECRET, ...options });
}

/** The extension's half of the authorisation request: the mock CIS2 approves at once for a login_hint. */
async function authorize(userId: string = USER_IDS.adams): Promise<{ code: string; verifier: string }> {
  const { redirect: res, verifier, state } = await authorizeAs(sim.url, { clientId: CLIENT_ID, redirectUri: REDIRECT_URI, userId });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(back.origin + back.pathname).toBe(REDIRECT_URI);
  expect(back.searchParams.get('state')).toBe(state);
  const code = back.searchParams.get('code')!;
  expect(code).toBeTruthy();
  sensitive.push(code, verifier);
  return { code, verifier };
}

/** The tokens of a relay answer that must be 200; they join the values no log may hold. */
function tokensFrom(answer: RelayAnswer): TokenAnswer {
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const tokens = answer.body as unknown as TokenAnswer;
  sensitive.push(tokens.access_token, tokens.refresh_token ?? '');
  return tokens;
}

/** Authorises at the mock CIS2 and exchanges the fresh code through the relay at `relayUrl` (proof from `key`, else a new key). */
async function exchangeFreshCode(relayUrl: string, key?: TestKey): Promise<RelayAnswer> {
  const { code, verifier } = await authorize();
  return callRelay(relayUrl, '/oauth/token', { code, code_verifier: verifier, redirect_uri: REDIRECT_URI }, EXT_ORIGIN, { key });
}

async function signIn(relayUrl = relay.url, key = new TestKey()): Promise<TokenAnswer> {
  return tokensFrom(await exchangeFreshCode(relayUrl, key));
}

/** Runs `use` with a second relay in front of the simulator (`options` as for relayToSim), closing it whatever happens. */
async function withRelay(options: Partial<RelayOptions>, use: (other: RunningRelay) => Promise<void>): Promise<void> {
  const other = await relayToSim(options);
  try {
    await use(other);
  } finally {
    await other.close();
  }
}

/** Refreshes `refreshToken` through the relay at `relayUrl` with a fresh proof from `key`; must succeed. */
async function refreshThrough(relayUrl: string, refreshToken: string | undefined, key: TestKey): Promise<TokenAnswer> {
  return tokensFrom(await callRelay(relayUrl, '/oauth/refresh', { refresh_token: refreshToken }, EXT_ORIGIN, { key }));
}

/** A030: the user's roles; works only with a live bearer token. */
function a030(accessToken: string) {
  return fetch(`${sim.url}/referrals/FHIR/R4/PractitionerRole`, {
    headers: { Authorization: `Bearer ${accessToken}`, 'X-Correlation-ID': crypto.randomUUID(), Accept: 'application/fhir+json' },
  });
}

describe('sign-in through the relay', () => {
  it('signs in, calls e-RS, refreshes after expiry without a prompt, and the new token works', async () => {
    const key = new TestKey();
    const tokens = await signIn(relay.url, key);
    expect(Object.keys(tokens).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.expires_in).toBe(TOKEN_LIFETIME);

    const roles = await a030(tokens.access_token);
    expect(roles.status).toBe(200);
    const bundle = (await roles.json()) as { resourceType: string; entry: { resource: { practitioner: { identifier: { value: string } } } }[] };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry[0]!.resource.practitioner.identifier.value).toBe(USER_IDS.adams);

    // The access token expires…
    offsetMs = (TOKEN_LIFETIME + 1) * 1000;
    expect((await a030(tokens.access_token)).status).toBe(401);

    // …and the extension refreshes through the relay, no user interaction.
    const next = await refreshThrough(relay.url, tokens.refresh_token, key);
    expect(next.access_token).not.toBe(tokens.access_token);
    expect(next.refresh_token).toBeTruthy();
    expect((await a030(next.access_token)).status).toBe(200);

    // Refresh tokens rotate: the old one is refused, clearly.
    const reused = await callRelay(relay.url, '/oauth/refresh', { refresh_token: tokens.refresh_token }, EXT_ORIGIN, { key });
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
  });

  it('a sealed refresh token copied to another installation is refused; the mock CIS2 never sees it', async () => {
    const tokens = await signIn(relay.url, new TestKey());
    offsetMs = (TOKEN_LIFETIME + 1) * 1000;
    const stolen = await callRelay(relay.url, '/oauth/refresh', { refresh_token: tokens.refresh_token }, EXT_ORIGIN, { key: new TestKey() });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');
  });

  it('the mock CIS2 refuses the same exchange without the client secret, so only the relay can sign in', async () => {
    const { code, verifier } = await authorize();
    const direct = await fetch(`${sim.url}/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, code_verifier: verifier }),
    });
    expect(direct.status).toBe(401);
    expect(await direct.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('several replicas sharing the wrapping key are interchangeable: sign in through one, refresh through another', async () => {
    const wrapKeys = [randomBytes(32)];
    const one = await relayToSim({ wrapKeys });
    const other = await relayToSim({ wrapKeys });
    try {
      const key = new TestKey();
      const tokens = await signIn(one.url, key);
      const refreshed = await refreshThrough(other.url, tokens.refresh_token, key);
      expect((await a030(refreshed.access_token)).status).toBe(200);
    } finally {
      await one.close();
      await other.close();
    }
  });
});

describe('faults', () => {
  it('an unknown extension origin is refused 403 and nothing reaches the mock CIS2', async () => {
    const { code, verifier } = await authorize();
    const refused = await callRelay(relay.url, '/oauth/token', { code, code_verifier: verifier, redirect_uri: REDIRECT_URI }, OTHER_ORIGIN);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('unauthorized_client');
    // The code was never spent: the allowed extension can still use it.
    tokensFrom(await callRelay(relay.url, '/oauth/token', { code, code_verifier: verifier, redirect_uri: REDIRECT_URI }));
  });

  it('a wrong PKCE verifier is invalid_grant (checked by the mock CIS2)', async () => {
    const { code } = await authorize();
    const wrong = createCodeVerifier();
    sensitive.push(wrong);
    const answer = await callRelay(relay.url, '/oauth/token', { code, code_verifier: wrong, redirect_uri: REDIRECT_URI });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_grant');
    expect(String(answer.body.error_description)).toMatch(/sign in again/i);
  });

  it('a missing PKCE verifier is invalid_grant', async () => {
    const { code } = await authorize();
    const answer = await callRelay(relay.url, '/oauth/token', { code, redirect_uri: REDIRECT_URI });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_grant');
  });

  it('an expired code is invalid_grant', async () => {
    const { code, verifier } = await authorize();
    offsetMs = 61_000; // the mock CIS2's codes live 60 s
    const answer = await callRelay(relay.url, '/oauth/token', { code, code_verifier: verifier, redirect_uri: REDIRECT_URI });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_grant');
  });

  it('a reused code is invalid_grant, and revokes what the first use issued', async () => {
    const { code, verifier } = await authorize();
    const first = tokensFrom(await callRelay(relay.url, '/oauth/token', { code, code_verifier: verifier, redirect_uri: REDIRECT_URI }));
    const second = await callRelay(relay.url, '/oauth/token', { code, code_verifier: verifier, redirect_uri: REDIRECT_URI });
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
    expect((await a030(first.access_token)).status).toBe(401);
  });

  it('a mock CIS2 5xx is 502 upstream_error', async () => {
    const { code, verifier } = await authorize();
    sim.injectFault({ route: 'CIS2_TOKEN', kind: 'status', status: 503, count: 1 });
    const answer = await callRelay(relay.url, '/oauth/token', { code, code_verifier: verifier, redirect_uri: REDIRECT_URI });
    expect(answer.status).toBe(502);
    expect(answer.body.error).toBe('upstream_error');
    expect(String(answer.body.error_description)).toMatch(/unavailable/);
  });

  it('a slow mock CIS2 times out as 502 upstream_error', async () => {
    await withRelay({ timeoutMs: 200 }, async (impatient) => {
      sim.injectFault({ route: 'CIS2_TOKEN', kind: 'latency', ms: 1000 });
      try {
        const answer = await exchangeFreshCode(impatient.url);
        expect(answer.status).toBe(502);
        expect(answer.body.error).toBe('upstream_error');
      } finally {
        sim.clearFaults();
      }
    });
  });

  it('an unreachable platform is 502 upstream_error', async () => {
    const gone = await startSimulator({ port: 0, clientSecret: SECRET });
    const goneUrl = gone.url;
    await gone.close();
    await withRelay({ tokenUrl: `${goneUrl}/oauth2/token` }, async (lonely) => {
      const answer = await exchangeFreshCode(lonely.url);
      expect(answer.status).toBe(502);
      expect(answer.body.error).toBe('upstream_error');
    });
  });

  it('a wrong relay secret is 502 invalid_client with a message for IT', async () => {
    sensitive.push('not-the-secret');
    await withRelay({ clientSecret: 'not-the-secret' }, async (misconfigured) => {
      const answer = await exchangeFreshCode(misconfigured.url);
      expect(answer.status).toBe(502);
      expect(answer.body.error).toBe('invalid_client');
      expect(String(answer.body.error_description)).toMatch(/IT team/);
      expect(log.warnings.some((w) => /RELAY_CLIENT_SECRET/.test(w))).toBe(true);
    });
  });

  it('rate-limits refreshes per installation key with 429 and Retry-After', async () => {
    await withRelay({ refreshPerMinute: 1 }, async (strict) => {
      const key = new TestKey();
      const tokens = await signIn(strict.url, key);
      const again = await refreshThrough(strict.url, tokens.refresh_token, key);
      const limited = await callRelay(strict.url, '/oauth/refresh', { refresh_token: again.refresh_token }, EXT_ORIGIN, { key });
      expect(limited.status).toBe(429);
      expect(limited.body.error).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  });
});
