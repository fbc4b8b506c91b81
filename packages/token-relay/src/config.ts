// Configuration of the token relay: plain data, read from environment variables by loadConfigFromEnv.
// Everything the relay knows comes from here; it keeps no other state between requests.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { normaliseIp } from './client-ip.js';
import { wrapKeyId } from './wrap.js';

export interface RelayLogger {
  /** One line per request and a few lifecycle lines. Never receives tokens, codes, verifiers, secrets or bodies. */
  info(line: string): void;
  /** Configuration problems worth an operator's attention (e.g. the platform refused the client secret). */
  warn(line: string): void;
}

export interface RelayConfig {
  /** 0 picks a free port (tests). */
  port: number;
  host: string;
  /** The platform's OAuth token endpoint, e.g. https://api.service.nhs.uk/oauth2/token. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Exact origins allowed to call the relay: chrome-extension://<id>, moz-extension://<uuid>. */
  allowedOrigins: string[];
  /** Exact redirect URIs, or prefixes ending in `*` (after a path slash), e.g. https://<id>.chromiumapp.org/* */
  allowedRedirectUris: string[];
  /** Code exchanges per minute per client IP (nothing else identifies a caller before sign-in), per replica. 0 = off. */
  exchangePerMinute: number;
  /** Refreshes per minute per bound key (one extension instance), per replica. 0 = off. */
  refreshPerMinute: number;
  /** Calls to the platform per minute from this replica, all clients together. 0 = off. */
  globalPerMinute: number;
  /** Time allowed for the platform's token endpoint to answer. */
  timeoutMs: number;
  /** TCP peers (load balancers, reverse proxies) whose X-Forwarded-For is believed. Empty = believe nobody. */
  trustedProxies: string[];
  /** AES-256-GCM keys (32 bytes) that seal refresh tokens: the first seals, all open (rotation). Same on every replica. */
  wrapKeys: Buffer[];
  /** The relay's address as the extension calls it, e.g. https://relay.trust.nhs.uk (proofs name it). Unset: the request's Host header, http or https. */
  publicUrl?: string;
  /** How far a proof's iat may be from the relay's clock, either way. */
  proofWindowSeconds: number;
  /** Most proof ids remembered for replay detection (memory bound). */
  replayCacheSize: number;
  /** Lifetime of a sealed refresh token when the platform does not say (refresh_token_expires_in). */
  refreshLifetimeSeconds: number;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Largest platform answer read, in bytes; reading stops there. */
  maxUpstreamBytes: number;
  logger?: RelayLogger;
}

/** What startRelay accepts: the required settings, everything else defaulted (wrapKeys: one random key, for tests and the demo). */
export type RelayOptions = Pick<RelayConfig, 'tokenUrl' | 'clientId' | 'clientSecret' | 'allowedOrigins'> & Partial<RelayConfig>;

export const DEFAULTS = {
  port: 8787,
  host: '127.0.0.1',
  exchangePerMinute: 20,
  refreshPerMinute: 10,
  globalPerMinute: 3000,
  timeoutMs: 10_000,
  proofWindowSeconds: 60,
  replayCacheSize: 100_000,
  refreshLifetimeSeconds: 12 * 3600,
  maxBodyBytes: 8 * 1024,
  maxUpstreamBytes: 64 * 1024,
} as const;

export class RelayConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`token relay configuration is invalid:\n  - ${problems.join('\n  - ')}`);
    this.name = 'RelayConfigError';
  }
}

const CHROME_ID = /^[a-p]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Normalise one allow-list entry to an origin. Accepts full origins (chrome-extension://id,
 * moz-extension://uuid, or an http(s) origin for development) and, as a shorthand, a bare Chrome/Edge
 * extension id or a bare Firefox internal UUID.
 */
export function normaliseOrigin(entry: string): string {
  const value = entry.trim();
  if (CHROME_ID.test(value)) return `chrome-extension://${value}`;
  if (UUID.test(value)) return `moz-extension://${value.toLowerCase()}`;
  const match = /^(chrome-extension|moz-extension|https?):\/\/([^/?#\s]+)\/?$/i.exec(value);
  if (!match) throw new Error(`"${value}" is not an origin (expected chrome-extension://<id>, moz-extension://<uuid> or an extension id)`);
  const scheme = match[1]!.toLowerCase();
  const host = match[2]!;
  if (scheme === 'chrome-extension' && !CHROME_ID.test(host)) throw new Error(`"${value}": a Chrome/Edge extension id is 32 letters a–p`);
  if (scheme === 'moz-extension' && !UUID.test(host)) throw new Error(`"${value}": a Firefox extension origin is moz-extension://<internal UUID>`);
  return `${scheme}://${scheme === 'moz-extension' ? host.toLowerCase() : host}`;
}

/** chrome.identity.getRedirectURL() of each Chrome/Edge origin in the allow-list, as a prefix pattern. */
export function derivedRedirectUris(origins: readonly string[]): string[] {
  return origins.filter((o) => o.startsWith('chrome-extension://')).map((o) => `https://${o.slice('chrome-extension://'.length)}.chromiumapp.org/*`);
}

/** Checks a redirect URI pattern: absolute https/http URL, `*` only as the very last character after the path's first slash. */
export function validateRedirectPattern(pattern: string): string {
  const value = pattern.trim();
  const star = value.indexOf('*');
  if (star !== -1 && star !== value.length - 1) throw new Error(`"${value}": "*" is only allowed at the end`);
  const base = star === -1 ? value : value.slice(0, -1);
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new Error(`"${value}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`"${value}": redirect URIs must be http(s)`);
  if (url.hash) throw new Error(`"${value}": redirect URIs cannot have a fragment`);
  // The prefix must reach past the host, so "https://id.chromiumapp.org*" cannot match "https://id.chromiumapp.org.evil.example".
  if (star !== -1 && !/^https?:\/\/[^/]+\//i.test(base)) throw new Error(`"${value}": a wildcard needs a path, e.g. https://<id>.chromiumapp.org/*`);
  return value;
}

export function redirectUriAllowed(redirectUri: string, patterns: readonly string[]): boolean {
  if (redirectUri.includes('#')) return false;
  return patterns.some((p) => (p.endsWith('*') ? redirectUri.startsWith(p.slice(0, -1)) : redirectUri === p));
}

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function integer(name: string, value: string | undefined, fallback: number, min: number, max: number, problems: string[]): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
    return fallback;
  }
  return n;
}

function bool(value: string | undefined): boolean {
  return /^(1|true|yes|on)$/i.test((value ?? '').trim());
}

/**
 * Reads the relay's configuration from environment variables (see README "Token relay"). Collects
 * every problem and throws one RelayConfigError listing them all.
 */
export function loadConfigFromEnv(env: Record<string, string | undefined> = process.env): RelayConfig {
  const problems: string[] = [];

  let tokenUrl = env.RELAY_TOKEN_URL?.trim() ?? '';
  const baseUrl = env.RELAY_PLATFORM_BASE_URL?.trim() ?? '';
  if (!tokenUrl && baseUrl) tokenUrl = `${baseUrl.replace(/\/+$/, '')}/oauth2/token`;
  if (!tokenUrl) problems.push('set RELAY_TOKEN_URL (the platform token endpoint) or RELAY_PLATFORM_BASE_URL');
  else {
    try {
      const url = new URL(tokenUrl);
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (isLoopback(url) || bool(env.RELAY_ALLOW_INSECURE_UPSTREAM)))) {
        problems.push(
          `RELAY_TOKEN_URL must be https (got ${url.protocol}//${url.host}); plain http is only allowed for localhost or with RELAY_ALLOW_INSECURE_UPSTREAM=true`,
        );
      }
      if (url.username || url.password) problems.push('RELAY_TOKEN_URL must not contain credentials');
    } catch {
      problems.push('RELAY_TOKEN_URL / RELAY_PLATFORM_BASE_URL is not an absolute URL');
    }
  }

  const clientId = env.RELAY_CLIENT_ID?.trim() ?? '';
  if (!clientId) problems.push("set RELAY_CLIENT_ID (the application's API key / client id)");

  let clientSecret = env.RELAY_CLIENT_SECRET ?? '';
  const secretFile = env.RELAY_CLIENT_SECRET_FILE?.trim();
  if (clientSecret && secretFile) problems.push('set only one of RELAY_CLIENT_SECRET and RELAY_CLIENT_SECRET_FILE');
  else if (secretFile) {
    try {
      clientSecret = readFileSync(secretFile, 'utf8').replace(/[\r\n]+$/, '');
    } catch (e) {
      problems.push(`cannot read RELAY_CLIENT_SECRET_FILE (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (!clientSecret && !problems.some((p) => p.includes('SECRET'))) problems.push('set RELAY_CLIENT_SECRET or RELAY_CLIENT_SECRET_FILE');

  const allowedOrigins: string[] = [];
  for (const entry of list(env.RELAY_ALLOWED_ORIGINS)) {
    try {
      allowedOrigins.push(normaliseOrigin(entry));
    } catch (e) {
      problems.push(`RELAY_ALLOWED_ORIGINS: ${(e as Error).message}`);
    }
  }
  if (list(env.RELAY_ALLOWED_ORIGINS).length === 0) problems.push('set RELAY_ALLOWED_ORIGINS (comma-separated extension origins or ids)');

  const allowedRedirectUris: string[] = [];
  const explicitRedirects = list(env.RELAY_ALLOWED_REDIRECT_URIS);
  for (const entry of explicitRedirects) {
    try {
      allowedRedirectUris.push(validateRedirectPattern(entry));
    } catch (e) {
      problems.push(`RELAY_ALLOWED_REDIRECT_URIS: ${(e as Error).message}`);
    }
  }
  if (explicitRedirects.length === 0) allowedRedirectUris.push(...derivedRedirectUris(allowedOrigins));
  if (allowedRedirectUris.length === 0 && allowedOrigins.length > 0 && explicitRedirects.length === 0) {
    problems.push('set RELAY_ALLOWED_REDIRECT_URIS (they can only be derived for chrome-extension:// origins)');
  }

  if (env.RELAY_TRUST_PROXY !== undefined) {
    problems.push('RELAY_TRUST_PROXY is replaced by RELAY_TRUSTED_PROXIES (the addresses of your load balancers), so that only they can set X-Forwarded-For');
  }
  const trustedProxies: string[] = [];
  for (const entry of list(env.RELAY_TRUSTED_PROXIES)) {
    if (isIP(normaliseIp(entry))) trustedProxies.push(normaliseIp(entry));
    else problems.push(`RELAY_TRUSTED_PROXIES: "${entry}" is not an IP address`);
  }

  const wrapKeys = readWrapKeys(env, problems);

  let publicUrl: string | undefined = env.RELAY_PUBLIC_URL?.trim() || undefined;
  if (publicUrl) {
    try {
      const url = new URL(publicUrl);
      if (url.search || url.hash) problems.push('RELAY_PUBLIC_URL must be the address without query or fragment, e.g. https://relay.trust.nhs.uk');
      publicUrl = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    } catch {
      problems.push('RELAY_PUBLIC_URL is not an absolute URL');
    }
  }

  const config: RelayConfig = {
    port: integer('RELAY_PORT', env.RELAY_PORT ?? env.PORT, DEFAULTS.port, 0, 65535, problems),
    host: env.RELAY_HOST?.trim() || DEFAULTS.host,
    tokenUrl,
    clientId,
    clientSecret,
    allowedOrigins: [...new Set(allowedOrigins)],
    allowedRedirectUris: [...new Set(allowedRedirectUris)],
    exchangePerMinute: integer('RELAY_EXCHANGE_LIMIT', env.RELAY_EXCHANGE_LIMIT, DEFAULTS.exchangePerMinute, 0, 100_000, problems),
    refreshPerMinute: integer('RELAY_REFRESH_LIMIT', env.RELAY_REFRESH_LIMIT, DEFAULTS.refreshPerMinute, 0, 100_000, problems),
    globalPerMinute: integer('RELAY_GLOBAL_LIMIT', env.RELAY_GLOBAL_LIMIT, DEFAULTS.globalPerMinute, 0, 1_000_000, problems),
    timeoutMs: integer('RELAY_TIMEOUT_MS', env.RELAY_TIMEOUT_MS, DEFAULTS.timeoutMs, 100, 120_000, problems),
    trustedProxies,
    wrapKeys,
    ...(publicUrl ? { publicUrl } : {}),
    proofWindowSeconds: integer('RELAY_PROOF_WINDOW_SECONDS', env.RELAY_PROOF_WINDOW_SECONDS, DEFAULTS.proofWindowSeconds, 5, 600, problems),
    replayCacheSize: DEFAULTS.replayCacheSize,
    refreshLifetimeSeconds: integer(
      'RELAY_REFRESH_LIFETIME_SECONDS',
      env.RELAY_REFRESH_LIFETIME_SECONDS,
      DEFAULTS.refreshLifetimeSeconds,
      60,
      30 * 86400,
      problems,
    ),
    maxBodyBytes: DEFAULTS.maxBodyBytes,
    maxUpstreamBytes: DEFAULTS.maxUpstreamBytes,
  };
  if (problems.length) throw new RelayConfigError(problems);
  return config;
}

/** One key: 32 bytes written as 64 hex digits or 44 base64 characters (e.g. `openssl rand -base64 32`). */
export function parseWrapKey(text: string): Buffer {
  const value = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(value) ? Buffer.from(value, 'base64') : undefined;
  if (key?.length !== 32) throw new Error('a wrapping key is 32 random bytes, as 64 hex digits or base64 (openssl rand -base64 32)');
  return key;
}

/**
 * RELAY_WRAP_KEYS (or RELAY_WRAP_KEYS_FILE, one key per line): the current key first, then previous
 * keys that may still open refresh tokens sealed before a rotation.
 */
function readWrapKeys(env: Record<string, string | undefined>, problems: string[]): Buffer[] {
  let text = env.RELAY_WRAP_KEYS ?? '';
  const file = env.RELAY_WRAP_KEYS_FILE?.trim();
  if (text && file) {
    problems.push('set only one of RELAY_WRAP_KEYS and RELAY_WRAP_KEYS_FILE');
    return [];
  }
  if (file) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      problems.push(`cannot read RELAY_WRAP_KEYS_FILE (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      return [];
    }
  }
  const entries = text.split(/[\s,]+/).filter(Boolean);
  if (entries.length === 0) {
    problems.push(
      'set RELAY_WRAP_KEYS or RELAY_WRAP_KEYS_FILE (the key that seals refresh tokens; the same on every replica; generate with: openssl rand -base64 32)',
    );
    return [];
  }
  const keys: Buffer[] = [];
  entries.forEach((entry, i) => {
    try {
      keys.push(parseWrapKey(entry));
    } catch (e) {
      problems.push(`RELAY_WRAP_KEYS entry ${i + 1}: ${(e as Error).message}`);
    }
  });
  return keys;
}

/** Fills defaults and validates options given in code (tests, embedding). */
export function resolveConfig(options: RelayOptions): RelayConfig {
  const problems: string[] = [];
  const allowedOrigins: string[] = [];
  for (const entry of options.allowedOrigins) {
    try {
      allowedOrigins.push(normaliseOrigin(entry));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  const allowedRedirectUris: string[] = [];
  for (const entry of options.allowedRedirectUris ?? derivedRedirectUris(allowedOrigins)) {
    try {
      allowedRedirectUris.push(validateRedirectPattern(entry));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (!options.tokenUrl) problems.push('tokenUrl is required');
  if (!options.clientId) problems.push('clientId is required');
  if (!options.clientSecret) problems.push('clientSecret is required');
  if (options.wrapKeys && (options.wrapKeys.length === 0 || options.wrapKeys.some((k) => k.length !== 32))) problems.push('wrapKeys must be 32-byte keys');
  if (problems.length) throw new RelayConfigError(problems);
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as RelayOptions;
  return {
    ...DEFAULTS,
    wrapKeys: [randomBytes(32)],
    ...defined,
    allowedOrigins,
    allowedRedirectUris,
    trustedProxies: (options.trustedProxies ?? []).map(normaliseIp),
  };
}

/** A description of the configuration that is safe to log: no secret, no secret length. */
export function describeConfig(config: RelayConfig): string {
  return [
    `token endpoint ${config.tokenUrl}`,
    `client id ${config.clientId}`,
    `${config.allowedOrigins.length} allowed origin(s): ${config.allowedOrigins.join(', ')}`,
    `${config.allowedRedirectUris.length} allowed redirect URI(s)`,
    `limits per replica: ${config.exchangePerMinute || 'no'} code exchanges/min per IP, ${config.refreshPerMinute || 'no'} refreshes/min per key, ${config.globalPerMinute || 'no'} platform calls/min in all`,
    `${config.trustedProxies.length} trusted proxy address(es)`,
    `wrapping key ids ${config.wrapKeys.map(wrapKeyId).join(', ')} (first seals)`,
    `upstream timeout ${config.timeoutMs} ms`,
  ].join('; ');
}
