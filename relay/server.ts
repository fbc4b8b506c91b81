// The organisation's token relay: exchanges a CIS2 authorisation code (with the extension's PKCE
// verifier) and refresh tokens at the NHS API platform's token endpoint, adding the application's
// client secret, which therefore never ships inside the extension.
//
//   POST /oauth/token    { code, code_verifier, redirect_uri }  -> { access_token, token_type, expires_in, refresh_token?, scope? }
//   POST /oauth/refresh  { refresh_token }                      -> same shape
//   GET  /healthz                                               -> { status: 'ok' }
//
// Errors are JSON { error, error_description } with OAuth-style codes. Stateless: nothing is stored
// between requests except the per-instance rate-limit buckets. Logs one line per request (method,
// route, status, duration, origin, error code) and never tokens, codes, verifiers, secrets or bodies.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeConfig, redirectUriAllowed, resolveConfig, type RelayConfig, type RelayLogger, type RelayOptions } from './config';
import { RateLimiter } from './rate-limit';

export { loadConfigFromEnv, RelayConfigError, resolveConfig, describeConfig } from './config';
export type { RelayConfig, RelayLogger, RelayOptions } from './config';

export interface RunningRelay {
  url: string;
  port: number;
  close(): Promise<void>;
}

export type RelayErrorCode =
  | 'invalid_request'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'invalid_client'
  | 'rate_limited'
  | 'upstream_error'
  | 'not_found'
  | 'server_error';

export interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  scope?: string;
}

export const ROUTES = { token: '/oauth/token', refresh: '/oauth/refresh', health: '/healthz' } as const;

/** RFC 7636 §4.1: 43–128 characters of [A-Z a-z 0-9 - . _ ~]. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const MAX_FIELD = 4096;
const MAX_UPSTREAM_BODY = 64 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: RelayErrorCode,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }
}

const MESSAGES = {
  originRefused: 'This extension is not allowed to use this sign-in relay. Ask your IT team to add its extension id to RELAY_ALLOWED_ORIGINS.',
  redirectRefused: 'The redirect_uri is not one this relay allows. Ask your IT team to check RELAY_ALLOWED_REDIRECT_URIS.',
  badGrant: 'The sign-in code is invalid, has expired or was already used, or the PKCE verifier does not match it. Please sign in again.',
  badRefresh: 'Your session has expired or was ended. Please sign in again.',
  verifierMissing: 'The PKCE code_verifier is missing. Please sign in again.',
  verifierMalformed: 'The PKCE code_verifier is not valid (RFC 7636: 43–128 characters). Please sign in again.',
  clientRefused: 'The NHS login service refused this organisation\'s relay credentials (client id or secret). Sign-in cannot work until your IT team fixes the relay configuration.',
  rateLimited: 'Too many sign-in attempts. Please wait a moment and try again.',
  upstream5xx: 'The NHS login service is unavailable at the moment. Please try again later.',
  upstreamUnreachable: 'The sign-in relay could not reach the NHS login service. Please try again later; if it persists, tell your IT team.',
  upstreamTimeout: 'The NHS login service did not answer in time. Please try again later.',
  upstreamOdd: 'The NHS login service gave an answer the relay did not understand. Please try again later; if it persists, tell your IT team.',
} as const;

function defaultLogger(): RelayLogger {
  return {
    info: (line) => process.stdout.write(`${line}\n`),
    warn: (line) => process.stderr.write(`${line}\n`),
  };
}

/** Attacker-controlled text that ends up in a log line: no control characters, bounded length. */
function printable(value: string, max = 120): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const last = forwarded[forwarded.length - 1];
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new HttpError(413, 'invalid_request', `The request body is larger than ${limit} bytes.`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(new HttpError(413, 'invalid_request', `The request body is larger than ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => { if (!done) { done = true; resolve(Buffer.concat(chunks)); } });
    req.on('error', (e) => { if (!done) { done = true; reject(e); } });
  });
}

async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, 'invalid_request', 'Send the request as JSON (Content-Type: application/json).');
  }
  const raw = await readBody(req, limit);
  let parsed: unknown;
  try { parsed = JSON.parse(raw.toString('utf8')); } catch { throw new HttpError(400, 'invalid_request', 'The request body is not valid JSON.'); }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'invalid_request', 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.length === 0) throw new HttpError(400, 'invalid_request', `${name} is required (a non-empty string).`);
  if (value.length > MAX_FIELD) throw new HttpError(400, 'invalid_request', `${name} is too long.`);
  return value;
}

/** Turns the platform's answer into the relay's: only the contract's fields on success, a mapped error otherwise. */
function mapUpstream(status: number, headers: Headers, text: string, grant: 'authorization_code' | 'refresh_token', logger: RelayLogger): TokenAnswer {
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch { /* not JSON */ }

  if (status >= 200 && status < 300) {
    const expires = typeof json?.expires_in === 'string' ? Number(json.expires_in) : json?.expires_in;
    if (!json || typeof json.access_token !== 'string' || !json.access_token || typeof json.token_type !== 'string'
      || typeof expires !== 'number' || !Number.isFinite(expires) || expires < 0) {
      throw new HttpError(502, 'upstream_error', MESSAGES.upstreamOdd);
    }
    const answer: TokenAnswer = { access_token: json.access_token, token_type: json.token_type, expires_in: Math.floor(expires) };
    if (typeof json.refresh_token === 'string' && json.refresh_token) answer.refresh_token = json.refresh_token;
    if (typeof json.scope === 'string' && json.scope) answer.scope = json.scope;
    return answer;
  }

  if (status === 429) {
    const retry = Number(headers.get('retry-after'));
    const seconds = Number.isInteger(retry) && retry > 0 && retry <= 3600 ? retry : 30;
    throw new HttpError(429, 'rate_limited', MESSAGES.rateLimited, { 'Retry-After': String(seconds) });
  }
  if (status >= 500) throw new HttpError(502, 'upstream_error', MESSAGES.upstream5xx);

  const code = typeof json?.error === 'string' && /^[a-z_]{1,64}$/.test(json.error) ? json.error : undefined;
  if (status >= 400 && status < 500) {
    if (code === 'invalid_grant') {
      throw new HttpError(400, 'invalid_grant', grant === 'refresh_token' ? MESSAGES.badRefresh : MESSAGES.badGrant);
    }
    if (code === 'invalid_client' || code === 'unauthorized_client' || (status === 401 && !code)) {
      logger.warn(`relay warning: the platform refused the relay's client credentials (${status} ${code ?? 'no error code'}); check RELAY_CLIENT_ID and RELAY_CLIENT_SECRET`);
      throw new HttpError(502, 'invalid_client', MESSAGES.clientRefused);
    }
    if (code === 'invalid_request') {
      throw new HttpError(400, 'invalid_request', grant === 'refresh_token' ? MESSAGES.badRefresh : MESSAGES.badGrant);
    }
    logger.warn(`relay warning: the platform answered ${status} ${code ?? '(no error code)'}; check RELAY_TOKEN_URL and the application's settings`);
    throw new HttpError(502, 'upstream_error', `${MESSAGES.upstreamOdd} (platform answered ${status}${code ? ` ${code}` : ''})`);
  }
  throw new HttpError(502, 'upstream_error', `${MESSAGES.upstreamOdd} (platform answered ${status})`);
}

async function callPlatform(config: RelayConfig, form: URLSearchParams, grant: 'authorization_code' | 'refresh_token', logger: RelayLogger): Promise<{ answer: TokenAnswer; upstreamStatus: number }> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(config.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form.toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    text = await response.text();
  } catch (e) {
    const timedOut = (e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError';
    throw new HttpError(502, 'upstream_error', timedOut ? MESSAGES.upstreamTimeout : MESSAGES.upstreamUnreachable);
  }
  if (text.length > MAX_UPSTREAM_BODY) throw new HttpError(502, 'upstream_error', MESSAGES.upstreamOdd);
  try {
    return { answer: mapUpstream(response.status, response.headers, text, grant, logger), upstreamStatus: response.status };
  } catch (e) {
    if (e instanceof HttpError) (e as HttpError & { upstreamStatus?: number }).upstreamStatus = response.status;
    throw e;
  }
}

export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
  const config = resolveConfig(options);
  const logger = config.logger ?? defaultLogger();
  const limiter = new RateLimiter(config.rateLimitPerMinute);
  const allowedOrigins = new Set(config.allowedOrigins);

  const server = createServer((req, res) => { void handle(req, res); });
  // Slowloris protection; a request may legitimately wait up to the upstream timeout.
  server.headersTimeout = 10_000;
  server.requestTimeout = config.timeoutMs + 10_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0]!;
    const route = Object.values(ROUTES).includes(path as never) ? path : '(other)';
    const method = req.method ?? 'GET';
    const originHeader = req.headers.origin;
    const origin = typeof originHeader === 'string' ? originHeader : undefined;
    const originAllowed = origin !== undefined && allowedOrigins.has(origin);
    let errorCode: string | undefined;
    let upstreamStatus: number | undefined;

    res.on('close', () => {
      const ms = Math.round(performance.now() - started);
      const parts = [
        `method=${printable(method, 16)}`, `path=${route}`, `status=${res.writableFinished ? res.statusCode : 'aborted'}`, `ms=${ms}`,
        `origin=${origin === undefined ? '-' : printable(origin)}`,
      ];
      if (errorCode) parts.push(`error=${errorCode}`);
      if (upstreamStatus !== undefined) parts.push(`upstream=${upstreamStatus}`);
      logger.info(`relay ${parts.join(' ')}`);
    });

    const baseHeaders: Record<string, string> = {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      Vary: 'Origin',
    };
    if (originAllowed) {
      baseHeaders['Access-Control-Allow-Origin'] = origin!;
      baseHeaders['Access-Control-Expose-Headers'] = 'Retry-After';
    }

    const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      if (res.headersSent) return;
      const payload = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { ...baseHeaders, ...extra, 'Content-Length': String(Buffer.byteLength(payload)) });
      res.end(payload);
    };
    const fail = (e: HttpError) => {
      errorCode = e.code;
      send(e.status, { error: e.code, error_description: e.description }, e.headers);
    };

    try {
      if (path === ROUTES.health) {
        if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'invalid_request', 'Use GET.', { Allow: 'GET, HEAD' });
        send(200, { status: 'ok' });
        return;
      }
      if (path !== ROUTES.token && path !== ROUTES.refresh) {
        throw new HttpError(404, 'not_found', 'There is nothing here. The relay answers POST /oauth/token, POST /oauth/refresh and GET /healthz.');
      }
      // Every other answer needs an allowed origin, checked before anything is read or forwarded.
      if (!originAllowed) throw new HttpError(403, 'unauthorized_client', MESSAGES.originRefused);
      if (method === 'OPTIONS') {
        const preflight: Record<string, string> = {
          'Access-Control-Allow-Methods': 'POST, OPTIONS',
          'Access-Control-Allow-Headers': 'Content-Type',
          'Access-Control-Max-Age': '600',
        };
        if (req.headers['access-control-request-private-network'] === 'true') preflight['Access-Control-Allow-Private-Network'] = 'true';
        res.writeHead(204, { ...baseHeaders, ...preflight, 'Content-Length': '0' });
        res.end();
        return;
      }
      if (method !== 'POST') throw new HttpError(405, 'invalid_request', 'Use POST.', { Allow: 'POST, OPTIONS' });

      const decision = limiter.take(`${origin}|${clientIp(req, config.trustProxy)}`);
      if (!decision.allowed) {
        throw new HttpError(429, 'rate_limited', MESSAGES.rateLimited, { 'Retry-After': String(decision.retryAfterSeconds) });
      }

      const body = await readJsonObject(req, config.maxBodyBytes);
      let form: URLSearchParams;
      let grant: 'authorization_code' | 'refresh_token';
      if (path === ROUTES.token) {
        const code = requiredString(body, 'code');
        const redirectUri = requiredString(body, 'redirect_uri');
        const verifier = body.code_verifier;
        if (verifier === undefined || verifier === null || verifier === '') throw new HttpError(400, 'invalid_grant', MESSAGES.verifierMissing);
        if (typeof verifier !== 'string' || !VERIFIER.test(verifier)) throw new HttpError(400, 'invalid_grant', MESSAGES.verifierMalformed);
        if (!redirectUriAllowed(redirectUri, config.allowedRedirectUris)) throw new HttpError(400, 'invalid_request', MESSAGES.redirectRefused);
        grant = 'authorization_code';
        form = new URLSearchParams({
          grant_type: grant, code, redirect_uri: redirectUri,
          client_id: config.clientId, client_secret: config.clientSecret, code_verifier: verifier,
        });
      } else {
        const refreshToken = requiredString(body, 'refresh_token');
        grant = 'refresh_token';
        form = new URLSearchParams({
          grant_type: grant, refresh_token: refreshToken, client_id: config.clientId, client_secret: config.clientSecret,
        });
      }
      try {
        const result = await callPlatform(config, form, grant, logger);
        upstreamStatus = result.upstreamStatus;
        send(200, result.answer);
      } catch (e) {
        upstreamStatus = (e as { upstreamStatus?: number }).upstreamStatus;
        throw e;
      }
    } catch (e) {
      if (e instanceof HttpError) {
        if (e.status === 413) baseHeaders.Connection = 'close';
        fail(e);
      } else {
        logger.warn(`relay error: unexpected ${(e as Error)?.name ?? 'error'} while handling ${route}`);
        fail(new HttpError(500, 'server_error', 'The sign-in relay failed unexpectedly. Please try again; if it persists, tell your IT team.'));
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => { server.off('error', reject); resolve(); });
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  logger.info(`relay listening on ${config.host}:${port}; ${describeConfig(config)}`);

  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
