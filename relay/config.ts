// Configuration of the token relay: plain data, read from environment variables by loadConfigFromEnv.
// Everything the relay knows comes from here; it keeps no other state between requests.
import { readFileSync } from 'node:fs';

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
  /** Requests per minute per (origin, client IP), per relay instance. 0 disables the limit. */
  rateLimitPerMinute: number;
  /** Time allowed for the platform's token endpoint to answer. */
  timeoutMs: number;
  /** Take the client IP from the last X-Forwarded-For entry (set when behind a load balancer). */
  trustProxy: boolean;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  logger?: RelayLogger;
}

/** What startRelay accepts: the required settings, everything else defaulted. */
export type RelayOptions =
  Pick<RelayConfig, 'tokenUrl' | 'clientId' | 'clientSecret' | 'allowedOrigins'> & Partial<RelayConfig>;

export const DEFAULTS = {
  port: 8787,
  host: '127.0.0.1',
  rateLimitPerMinute: 30,
  timeoutMs: 10_000,
  trustProxy: false,
  maxBodyBytes: 8 * 1024,
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
  return origins
    .filter((o) => o.startsWith('chrome-extension://'))
    .map((o) => `https://${o.slice('chrome-extension://'.length)}.chromiumapp.org/*`);
}

/** Checks a redirect URI pattern: absolute https/http URL, `*` only as the very last character after the path's first slash. */
export function validateRedirectPattern(pattern: string): string {
  const value = pattern.trim();
  const star = value.indexOf('*');
  if (star !== -1 && star !== value.length - 1) throw new Error(`"${value}": "*" is only allowed at the end`);
  const base = star === -1 ? value : value.slice(0, -1);
  let url: URL;
  try { url = new URL(base); } catch { throw new Error(`"${value}" is not an absolute URL`); }
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
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
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
        problems.push(`RELAY_TOKEN_URL must be https (got ${url.protocol}//${url.host}); plain http is only allowed for localhost or with RELAY_ALLOW_INSECURE_UPSTREAM=true`);
      }
      if (url.username || url.password) problems.push('RELAY_TOKEN_URL must not contain credentials');
    } catch {
      problems.push('RELAY_TOKEN_URL / RELAY_PLATFORM_BASE_URL is not an absolute URL');
    }
  }

  const clientId = env.RELAY_CLIENT_ID?.trim() ?? '';
  if (!clientId) problems.push('set RELAY_CLIENT_ID (the application\'s API key / client id)');

  let clientSecret = env.RELAY_CLIENT_SECRET ?? '';
  const secretFile = env.RELAY_CLIENT_SECRET_FILE?.trim();
  if (clientSecret && secretFile) problems.push('set only one of RELAY_CLIENT_SECRET and RELAY_CLIENT_SECRET_FILE');
  else if (secretFile) {
    try { clientSecret = readFileSync(secretFile, 'utf8').replace(/[\r\n]+$/, ''); }
    catch (e) { problems.push(`cannot read RELAY_CLIENT_SECRET_FILE (${(e as NodeJS.ErrnoException).code ?? 'error'})`); }
  }
  if (!clientSecret && !problems.some((p) => p.includes('SECRET'))) problems.push('set RELAY_CLIENT_SECRET or RELAY_CLIENT_SECRET_FILE');

  const allowedOrigins: string[] = [];
  for (const entry of list(env.RELAY_ALLOWED_ORIGINS)) {
    try { allowedOrigins.push(normaliseOrigin(entry)); } catch (e) { problems.push(`RELAY_ALLOWED_ORIGINS: ${(e as Error).message}`); }
  }
  if (list(env.RELAY_ALLOWED_ORIGINS).length === 0) problems.push('set RELAY_ALLOWED_ORIGINS (comma-separated extension origins or ids)');

  const allowedRedirectUris: string[] = [];
  const explicitRedirects = list(env.RELAY_ALLOWED_REDIRECT_URIS);
  for (const entry of explicitRedirects) {
    try { allowedRedirectUris.push(validateRedirectPattern(entry)); } catch (e) { problems.push(`RELAY_ALLOWED_REDIRECT_URIS: ${(e as Error).message}`); }
  }
  if (explicitRedirects.length === 0) allowedRedirectUris.push(...derivedRedirectUris(allowedOrigins));
  if (allowedRedirectUris.length === 0 && allowedOrigins.length > 0 && explicitRedirects.length === 0) {
    problems.push('set RELAY_ALLOWED_REDIRECT_URIS (they can only be derived for chrome-extension:// origins)');
  }

  const config: RelayConfig = {
    port: integer('RELAY_PORT', env.RELAY_PORT ?? env.PORT, DEFAULTS.port, 0, 65535, problems),
    host: env.RELAY_HOST?.trim() || DEFAULTS.host,
    tokenUrl,
    clientId,
    clientSecret,
    allowedOrigins: [...new Set(allowedOrigins)],
    allowedRedirectUris: [...new Set(allowedRedirectUris)],
    rateLimitPerMinute: integer('RELAY_RATE_LIMIT', env.RELAY_RATE_LIMIT, DEFAULTS.rateLimitPerMinute, 0, 100_000, problems),
    timeoutMs: integer('RELAY_TIMEOUT_MS', env.RELAY_TIMEOUT_MS, DEFAULTS.timeoutMs, 100, 120_000, problems),
    trustProxy: bool(env.RELAY_TRUST_PROXY),
    maxBodyBytes: DEFAULTS.maxBodyBytes,
  };
  if (problems.length) throw new RelayConfigError(problems);
  return config;
}

/** Fills defaults and validates options given in code (tests, embedding). */
export function resolveConfig(options: RelayOptions): RelayConfig {
  const problems: string[] = [];
  const allowedOrigins: string[] = [];
  for (const entry of options.allowedOrigins) {
    try { allowedOrigins.push(normaliseOrigin(entry)); } catch (e) { problems.push((e as Error).message); }
  }
  const allowedRedirectUris: string[] = [];
  for (const entry of options.allowedRedirectUris ?? derivedRedirectUris(allowedOrigins)) {
    try { allowedRedirectUris.push(validateRedirectPattern(entry)); } catch (e) { problems.push((e as Error).message); }
  }
  if (!options.tokenUrl) problems.push('tokenUrl is required');
  if (!options.clientId) problems.push('clientId is required');
  if (!options.clientSecret) problems.push('clientSecret is required');
  if (problems.length) throw new RelayConfigError(problems);
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as RelayOptions;
  return { ...DEFAULTS, ...defined, allowedOrigins, allowedRedirectUris };
}

/** A description of the configuration that is safe to log: no secret, no secret length. */
export function describeConfig(config: RelayConfig): string {
  return [
    `token endpoint ${config.tokenUrl}`,
    `client id ${config.clientId}`,
    `${config.allowedOrigins.length} allowed origin(s): ${config.allowedOrigins.join(', ')}`,
    `${config.allowedRedirectUris.length} allowed redirect URI(s)`,
    `rate limit ${config.rateLimitPerMinute === 0 ? 'off' : `${config.rateLimitPerMinute}/min per origin+IP`}`,
    `upstream timeout ${config.timeoutMs} ms`,
  ].join('; ');
}
