// loadConfigFromEnv, the allow-list helpers and the token bucket.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { derivedRedirectUris, normaliseOrigin, parseWrapKey, redirectUriAllowed, validateRedirectPattern } from '../src/config';
import { RateLimiter } from '../src/rate-limit';
import { loadConfigFromEnv, RelayConfigError } from '../src/server';
import { EXT_ID, EXT_ORIGIN, FIREFOX_ORIGIN } from './helpers';

const KEY_A = Buffer.alloc(32, 1);
const KEY_B = Buffer.alloc(32, 2);

const base = {
  RELAY_WRAP_KEYS: KEY_A.toString('base64'),
  RELAY_TOKEN_URL: 'https://int.api.service.nhs.uk/oauth2/token',
  RELAY_CLIENT_ID: 'app-key',
  RELAY_CLIENT_SECRET: 's3cret',
  RELAY_ALLOWED_ORIGINS: EXT_ORIGIN,
};

describe('loadConfigFromEnv', () => {
  it('reads every setting, with defaults', () => {
    expect(loadConfigFromEnv(base)).toEqual({
      port: 8787,
      host: '127.0.0.1',
      tokenUrl: base.RELAY_TOKEN_URL,
      clientId: 'app-key',
      clientSecret: 's3cret',
      allowedOrigins: [EXT_ORIGIN],
      allowedRedirectUris: [`https://${EXT_ID}.chromiumapp.org/*`],
      exchangePerMinute: 20,
      refreshPerMinute: 10,
      globalPerMinute: 3000,
      timeoutMs: 10_000,
      trustedProxies: [],
      wrapKeys: [KEY_A],
      proofWindowSeconds: 60,
      replayCacheSize: 100_000,
      refreshLifetimeSeconds: 43_200,
      maxBodyBytes: 8192,
      maxUpstreamBytes: 65_536,
    });
    const full = loadConfigFromEnv({
      ...base,
      RELAY_PORT: '9000',
      RELAY_HOST: '0.0.0.0',
      RELAY_EXCHANGE_LIMIT: '5',
      RELAY_REFRESH_LIMIT: '4',
      RELAY_GLOBAL_LIMIT: '600',
      RELAY_TIMEOUT_MS: '2500',
      RELAY_TRUSTED_PROXIES: '10.0.0.5, ::ffff:10.0.0.6',
      RELAY_PUBLIC_URL: 'https://relay.trust.example/sso/',
      RELAY_WRAP_KEYS: `${KEY_A.toString('hex')},${KEY_B.toString('base64url')}`,
      RELAY_ALLOWED_ORIGINS: ` ${EXT_ID} , ${FIREFOX_ORIGIN}`,
      RELAY_ALLOWED_REDIRECT_URIS: `https://${EXT_ID}.chromiumapp.org/cis2,https://abc.extensions.allizom.org/`,
    });
    expect(full).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      exchangePerMinute: 5,
      refreshPerMinute: 4,
      globalPerMinute: 600,
      timeoutMs: 2500,
      trustedProxies: ['10.0.0.5', '10.0.0.6'],
      publicUrl: 'https://relay.trust.example/sso',
      wrapKeys: [KEY_A, KEY_B],
      allowedOrigins: [EXT_ORIGIN, FIREFOX_ORIGIN],
      allowedRedirectUris: [`https://${EXT_ID}.chromiumapp.org/cis2`, 'https://abc.extensions.allizom.org/'],
    });
  });

  it('derives the token URL from the platform base URL', () => {
    const { RELAY_TOKEN_URL: _, ...rest } = base;
    expect(loadConfigFromEnv({ ...rest, RELAY_PLATFORM_BASE_URL: 'https://int.api.service.nhs.uk/' }).tokenUrl).toBe(
      'https://int.api.service.nhs.uk/oauth2/token',
    );
  });

  it('reads the secret from a file (systemd credentials, mounted secrets)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'relay-'));
    writeFileSync(path.join(dir, 'secret'), 'from-file\n');
    const { RELAY_CLIENT_SECRET: _, ...rest } = base;
    expect(loadConfigFromEnv({ ...rest, RELAY_CLIENT_SECRET_FILE: path.join(dir, 'secret') }).clientSecret).toBe('from-file');
    expect(() => loadConfigFromEnv({ ...base, RELAY_CLIENT_SECRET_FILE: path.join(dir, 'secret') })).toThrow(/only one/);
    expect(() => loadConfigFromEnv({ ...rest, RELAY_CLIENT_SECRET_FILE: path.join(dir, 'missing') })).toThrow(/ENOENT/);
  });

  it('lists every problem at once and never echoes the secret', () => {
    let error: RelayConfigError | undefined;
    try {
      loadConfigFromEnv({
        RELAY_CLIENT_SECRET: 'do-not-print',
        RELAY_ALLOWED_ORIGINS: 'https://evil.example/path, chrome-extension://short',
        RELAY_REFRESH_LIMIT: 'lots',
        RELAY_WRAP_KEYS: 'short',
      });
    } catch (e) {
      error = e as RelayConfigError;
    }
    expect(error).toBeInstanceOf(RelayConfigError);
    expect(error!.problems.join('\n')).toMatch(/RELAY_TOKEN_URL/);
    expect(error!.problems.join('\n')).toMatch(/RELAY_CLIENT_ID/);
    expect(error!.problems.join('\n')).toMatch(/32 letters/);
    expect(error!.problems.join('\n')).toMatch(/RELAY_REFRESH_LIMIT/);
    expect(error!.problems.join('\n')).toMatch(/RELAY_WRAP_KEYS entry 1/);
    expect(error!.message).not.toContain('do-not-print');
  });

  it('wants https upstream except on loopback or when explicitly allowed', () => {
    expect(() => loadConfigFromEnv({ ...base, RELAY_TOKEN_URL: 'http://platform.internal/oauth2/token' })).toThrow(/https/);
    expect(loadConfigFromEnv({ ...base, RELAY_TOKEN_URL: 'http://127.0.0.1:4010/oauth2/token' }).tokenUrl).toBe('http://127.0.0.1:4010/oauth2/token');
    expect(loadConfigFromEnv({ ...base, RELAY_TOKEN_URL: 'http://sim.internal/oauth2/token', RELAY_ALLOW_INSECURE_UPSTREAM: '1' }).tokenUrl).toContain(
      'sim.internal',
    );
  });

  it('needs a wrapping key, shared by every replica, and reads it from a file too', () => {
    const { RELAY_WRAP_KEYS: _, ...rest } = base;
    expect(() => loadConfigFromEnv(rest)).toThrow(/RELAY_WRAP_KEYS .*same on every replica/);
    const dir = mkdtempSync(path.join(tmpdir(), 'relay-'));
    writeFileSync(path.join(dir, 'keys'), `${KEY_B.toString('base64')}\n${KEY_A.toString('base64')}\n`);
    expect(loadConfigFromEnv({ ...rest, RELAY_WRAP_KEYS_FILE: path.join(dir, 'keys') }).wrapKeys).toEqual([KEY_B, KEY_A]);
    expect(() => parseWrapKey('too-short')).toThrow(/32 random bytes/);
  });

  it('refuses the old blanket RELAY_TRUST_PROXY and proxy entries that are not addresses', () => {
    expect(() => loadConfigFromEnv({ ...base, RELAY_TRUST_PROXY: 'true' })).toThrow(/RELAY_TRUSTED_PROXIES/);
    expect(() => loadConfigFromEnv({ ...base, RELAY_TRUSTED_PROXIES: 'lb.internal' })).toThrow(/not an IP address/);
  });

  it('needs explicit redirect URIs when only Firefox origins are allowed', () => {
    expect(() => loadConfigFromEnv({ ...base, RELAY_ALLOWED_ORIGINS: FIREFOX_ORIGIN })).toThrow(/RELAY_ALLOWED_REDIRECT_URIS/);
  });
});

describe('allow-list helpers', () => {
  it('normalises origins and bare ids', () => {
    expect(normaliseOrigin(EXT_ID)).toBe(EXT_ORIGIN);
    expect(normaliseOrigin(`${EXT_ORIGIN}/`)).toBe(EXT_ORIGIN);
    expect(normaliseOrigin('0B7E1C52-5A53-4C0E-9D3B-4F3F5AD2B2A1')).toBe(FIREFOX_ORIGIN);
    expect(normaliseOrigin('http://localhost:3000')).toBe('http://localhost:3000');
    expect(() => normaliseOrigin('chrome-extension://ABC')).toThrow();
    expect(() => normaliseOrigin('*')).toThrow();
  });

  it('derives chromiumapp.org redirect patterns only for Chrome/Edge origins', () => {
    expect(derivedRedirectUris([EXT_ORIGIN, FIREFOX_ORIGIN])).toEqual([`https://${EXT_ID}.chromiumapp.org/*`]);
  });

  it('matches exact URIs and path prefixes, never look-alike hosts', () => {
    const patterns = [`https://${EXT_ID}.chromiumapp.org/*`, 'https://abc.extensions.allizom.org/'];
    expect(redirectUriAllowed(`https://${EXT_ID}.chromiumapp.org/`, patterns)).toBe(true);
    expect(redirectUriAllowed(`https://${EXT_ID}.chromiumapp.org/cis2?x=1`, patterns)).toBe(true);
    expect(redirectUriAllowed('https://abc.extensions.allizom.org/', patterns)).toBe(true);
    expect(redirectUriAllowed('https://abc.extensions.allizom.org/other', patterns)).toBe(false);
    expect(redirectUriAllowed(`https://${EXT_ID}.chromiumapp.org.evil.example/`, patterns)).toBe(false);
    expect(redirectUriAllowed(`https://${EXT_ID}.chromiumapp.org/#x`, patterns)).toBe(false);
  });

  it('refuses unsafe patterns', () => {
    expect(() => validateRedirectPattern('https://x.chromiumapp.org*')).toThrow(/path/);
    expect(() => validateRedirectPattern('https://*.chromiumapp.org/')).toThrow(/end/);
    expect(() => validateRedirectPattern('chrome-extension://x/cb')).toThrow(/http/);
    expect(() => validateRedirectPattern('/relative')).toThrow(/absolute/);
  });
});

describe('RateLimiter', () => {
  it('is a token bucket per key that refills over a minute and forgets idle keys', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(2, () => now);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(true);
    const refused = limiter.take('a');
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(limiter.take('b').allowed).toBe(true);
    now += 30_000;
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    now += 5 * 60_000;
    limiter.take('c');
    expect(limiter.size).toBe(1);
    expect(new RateLimiter(0).take('x').allowed).toBe(true);
  });
});
