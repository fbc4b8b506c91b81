// The organisation's token relay: exchanges a CIS2 authorisation code (with the extension's PKCE
// verifier) and refresh tokens at the NHS API platform's token endpoint, adding the application's
// client secret, which therefore never ships inside the extension.
//
//   POST /oauth/token    DPoP: <proof>  { code, code_verifier, redirect_uri } -> { access_token, token_type, expires_in, refresh_token?, scope? }
//   POST /oauth/refresh  DPoP: <proof>  { refresh_token }                     -> same shape
//   GET  /healthz (alive) · GET /readyz (taking traffic) · GET /metrics (Prometheus text)
//
// Refresh tokens are sender-constrained: the refresh_token the extension receives is sealed with the
// relay's key together with the thumbprint of the key that signed the exchange's proof (wrap.ts),
// and a refresh needs a fresh proof from that same key (proof.ts). Errors are JSON { error,
// error_description }. Stateless apart from per-replica rate-limit buckets and the replay cache.
// Logs one JSON line per token request and never tokens, codes, verifiers, proofs, secrets or bodies.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientIp } from './client-ip.js';
import { describeConfig, redirectUriAllowed, resolveConfig, type RelayConfig, type RelayLogger, type RelayOptions } from './config.js';
import { HttpError, MESSAGES } from './errors.js';
import { Metrics } from './metrics.js';
import { ProofError, ReplayCache, verifyProof, type VerifiedProof } from './proof.js';
import { RateLimiter } from './rate-limit.js';
import { callPlatform, type Grant, type PlatformAnswer, type UpstreamResult } from './upstream.js';
import { unwrapRefreshToken, UnwrapError, wrapRefreshToken } from './wrap.js';

export { loadConfigFromEnv, RelayConfigError } from './config.js';
export type { RelayLogger, RelayOptions } from './config.js';
export type { TokenAnswer } from './upstream.js';

export interface RunningRelay {
  url: string;
  port: number;
  metrics: Metrics;
  /** Stop answering /readyz with 200 (the load balancer drains this replica); requests are still served. */
  drain(): void;
  /** Stop listening, let requests in flight finish (up to a few seconds), then close. */
  close(): Promise<void>;
}

export const ROUTES = { token: '/oauth/token', refresh: '/oauth/refresh', health: '/healthz', ready: '/readyz', metrics: '/metrics' } as const;

/** RFC 7636 §4.1: 43–128 characters of [A-Z a-z 0-9 - . _ ~]. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const MAX_FIELD = 4096;

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

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new HttpError(413, 'invalid_request', `The request body is larger than ${limit} bytes.`, {}, 'body_too_large'));
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
        reject(new HttpError(413, 'invalid_request', `The request body is larger than ${limit} bytes.`, {}, 'body_too_large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', (e) => {
      if (!done) {
        done = true;
        reject(e);
      }
    });
  });
}

async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, 'invalid_request', 'Send the request as JSON (Content-Type: application/json).', {}, 'body_not_json');
  }
  const raw = await readBody(req, limit);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_request', 'The request body is not valid JSON.', {}, 'body_not_json');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'invalid_request', 'The request body must be a JSON object.', {}, 'body_not_json');
  }
  return parsed as Record<string, unknown>;
}

function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.length === 0)
    throw new HttpError(400, 'invalid_request', `${name} is required (a non-empty string).`, {}, 'field_missing');
  if (value.length > MAX_FIELD) throw new HttpError(400, 'invalid_request', `${name} is too long.`, {}, 'field_too_long');
  return value;
}

function proofFailure(e: ProofError): HttpError {
  if (e.reason === 'proof_cache_full') return new HttpError(503, 'temporarily_unavailable', MESSAGES.busy, { 'Retry-After': '60' }, e.reason);
  return new HttpError(400, 'invalid_dpop_proof', e.message, {}, e.reason);
}

export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
  const config: RelayConfig = resolveConfig(options);
  const logger = config.logger ?? defaultLogger();
  const metrics = new Metrics();
  const exchangeLimiter = new RateLimiter(config.exchangePerMinute);
  const refreshLimiter = new RateLimiter(config.refreshPerMinute);
  const globalLimiter = new RateLimiter(config.globalPerMinute);
  // A proof passes the time check for windowSeconds either side of now, so remember it that long twice over.
  const replays = new ReplayCache(config.replayCacheSize, 2 * config.proofWindowSeconds * 1000);
  const allowedOrigins = new Set(config.allowedOrigins);
  const trustedProxies = new Set(config.trustedProxies);
  let ready = false;

  const log = (level: 'info' | 'warn', fields: Record<string, unknown>) => {
    const line = JSON.stringify({ time: new Date().toISOString(), level, ...fields });
    if (level === 'warn') logger.warn(line);
    else logger.info(line);
  };
  const warn = (message: string) => log('warn', { event: 'warning', message });

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  // Slowloris protection; a request may legitimately wait up to the upstream timeout.
  server.headersTimeout = 10_000;
  server.requestTimeout = config.timeoutMs + 10_000;

  /** One token bucket for the caller, then the replica-wide ceiling: a flooding caller only ever spends its own share. */
  function admit(limiter: RateLimiter, key: string, reason: string): void {
    const own = limiter.take(key);
    if (!own.allowed) throw new HttpError(429, 'rate_limited', MESSAGES.rateLimited, { 'Retry-After': String(own.retryAfterSeconds) }, reason);
    const all = globalLimiter.take('global');
    if (!all.allowed) throw new HttpError(429, 'rate_limited', MESSAGES.busy, { 'Retry-After': String(all.retryAfterSeconds) }, 'rate_limit_global');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0]!;
    const route = Object.values(ROUTES).includes(path as never) ? path : '(other)';
    const method = req.method ?? 'GET';
    const originHeader = req.headers.origin;
    const origin = typeof originHeader === 'string' ? originHeader : undefined;
    const originAllowed = origin !== undefined && allowedOrigins.has(origin);
    const ip = clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], trustedProxies);
    let reason: string | undefined;
    let key: string | undefined;
    const upstream: UpstreamResult = { bytesRead: 0, seconds: 0 };
    let calledUpstream = false;

    res.on('close', () => {
      const status = res.writableFinished ? res.statusCode : 'aborted';
      metrics.request(route, status);
      if (reason) metrics.refusal(reason);
      if (calledUpstream) {
        metrics.upstreamBytesRead += upstream.bytesRead;
        metrics.upstreamCall(reason?.startsWith('upstream_') ? reason : upstream.status === undefined ? 'none' : 'ok', upstream.seconds);
      }
      // Probes and scrapes are counted, not logged: one line every few seconds per replica is noise.
      if (route === ROUTES.health || route === ROUTES.ready || route === ROUTES.metrics) return;
      log('info', {
        event: 'request',
        method: printable(method, 16),
        route,
        status,
        ms: Math.round(performance.now() - started),
        origin: origin === undefined ? null : printable(origin),
        ip: printable(ip, 64),
        ...(key ? { key: key.slice(0, 12) } : {}),
        ...(reason ? { reason } : {}),
        ...(calledUpstream ? { upstream_status: upstream.status ?? null, upstream_ms: Math.round(upstream.seconds * 1000) } : {}),
      });
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
      const payload = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { ...baseHeaders, ...extra, 'Content-Length': String(Buffer.byteLength(payload)) });
      res.end(method === 'HEAD' ? undefined : payload);
    };
    const fail = (e: HttpError) => {
      reason = e.reason;
      send(e.status, { error: e.code, error_description: e.description }, e.headers);
    };

    try {
      if (path === ROUTES.health || path === ROUTES.ready || path === ROUTES.metrics) {
        if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'invalid_request', 'Use GET.', { Allow: 'GET, HEAD' }, 'method');
        if (path === ROUTES.health) send(200, { status: 'ok' });
        else if (path === ROUTES.ready) send(ready ? 200 : 503, { status: ready ? 'ready' : 'draining' });
        else {
          send(
            200,
            metrics.render({
              relay_replay_cache_entries: { help: 'Proof ids remembered for replay detection.', value: replays.size },
              relay_ready: { help: '1 while this replica takes traffic.', value: ready ? 1 : 0 },
              process_resident_memory_bytes: { help: 'Resident memory of the relay process.', value: process.memoryUsage.rss() },
            }),
            { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' },
          );
        }
        return;
      }
      if (path !== ROUTES.token && path !== ROUTES.refresh) {
        throw new HttpError(
          404,
          'not_found',
          'There is nothing here. The relay answers POST /oauth/token, POST /oauth/refresh, GET /healthz, GET /readyz and GET /metrics.',
          {},
          'not_found',
        );
      }
      // Every other answer needs an allowed origin, checked before anything is read or forwarded.
      if (!originAllowed) throw new HttpError(403, 'unauthorized_client', MESSAGES.originRefused, {}, 'origin');
      if (method === 'OPTIONS') {
        const preflight: Record<string, string> = {
          'Access-Control-Allow-Methods': 'POST, OPTIONS',
          'Access-Control-Allow-Headers': 'Content-Type, DPoP',
          'Access-Control-Max-Age': '600',
        };
        if (req.headers['access-control-request-private-network'] === 'true') preflight['Access-Control-Allow-Private-Network'] = 'true';
        res.writeHead(204, { ...baseHeaders, ...preflight, 'Content-Length': '0' });
        res.end();
        return;
      }
      if (method !== 'POST') throw new HttpError(405, 'invalid_request', 'Use POST.', { Allow: 'POST, OPTIONS' }, 'method');

      // Before sign-in nothing but the address identifies a caller; check it before reading the body.
      if (path === ROUTES.token) {
        const own = exchangeLimiter.take(ip);
        if (!own.allowed) throw new HttpError(429, 'rate_limited', MESSAGES.rateLimited, { 'Retry-After': String(own.retryAfterSeconds) }, 'rate_limit_ip');
      }
      const body = await readJsonObject(req, config.maxBodyBytes);
      const proofHeader = req.headers.dpop;
      const checkProof = (): VerifiedProof => {
        try {
          return verifyProof(typeof proofHeader === 'string' ? proofHeader : undefined, {
            htm: 'POST',
            now: Date.now() / 1000,
            windowSeconds: config.proofWindowSeconds,
            htuMatches: (htu) => {
              if (config.publicUrl) return htu === `${config.publicUrl}${path}`;
              const url = new URL(htu);
              return (url.protocol === 'https:' || url.protocol === 'http:') && url.host === req.headers.host && url.pathname === path;
            },
          });
        } catch (e) {
          if (e instanceof ProofError) throw proofFailure(e);
          throw e;
        }
      };
      const useProof = (proof: VerifiedProof) => {
        try {
          replays.use(proof);
        } catch (e) {
          if (e instanceof ProofError) throw proofFailure(e);
          throw e;
        }
      };

      let form: URLSearchParams;
      let grant: Grant;
      let proof: VerifiedProof;
      if (path === ROUTES.token) {
        const code = requiredString(body, 'code');
        const redirectUri = requiredString(body, 'redirect_uri');
        const verifier = body.code_verifier;
        if (verifier === undefined || verifier === null || verifier === '')
          throw new HttpError(400, 'invalid_grant', MESSAGES.verifierMissing, {}, 'verifier_missing');
        if (typeof verifier !== 'string' || !VERIFIER.test(verifier))
          throw new HttpError(400, 'invalid_grant', MESSAGES.verifierMalformed, {}, 'verifier_malformed');
        if (!redirectUriAllowed(redirectUri, config.allowedRedirectUris))
          throw new HttpError(400, 'invalid_request', MESSAGES.redirectRefused, {}, 'redirect_uri');
        proof = checkProof();
        key = proof.thumbprint;
        const all = globalLimiter.take('global');
        if (!all.allowed) throw new HttpError(429, 'rate_limited', MESSAGES.busy, { 'Retry-After': String(all.retryAfterSeconds) }, 'rate_limit_global');
        useProof(proof);
        grant = 'authorization_code';
        form = new URLSearchParams({
          grant_type: grant,
          code,
          redirect_uri: redirectUri,
          client_id: config.clientId,
          client_secret: config.clientSecret,
          code_verifier: verifier,
        });
      } else {
        const sealed = requiredString(body, 'refresh_token');
        proof = checkProof();
        let bound: ReturnType<typeof unwrapRefreshToken>;
        try {
          bound = unwrapRefreshToken(config.wrapKeys, sealed, Date.now());
        } catch (e) {
          if (e instanceof UnwrapError) throw new HttpError(400, 'invalid_grant', MESSAGES.refreshUnreadable, {}, e.reason);
          throw e;
        }
        // The heart of sender-constraining: a sealed token opens only for the key it was issued to.
        if (bound.thumbprint !== proof.thumbprint) throw new HttpError(400, 'invalid_grant', MESSAGES.notBound, {}, 'binding_mismatch');
        key = proof.thumbprint;
        // Only after the binding check, so a stranger's requests can never spend this key's allowance.
        admit(refreshLimiter, proof.thumbprint, 'rate_limit_key');
        useProof(proof);
        grant = 'refresh_token';
        form = new URLSearchParams({
          grant_type: grant,
          refresh_token: bound.refreshToken,
          client_id: config.clientId,
          client_secret: config.clientSecret,
        });
      }
      calledUpstream = true;
      const result: PlatformAnswer = await callPlatform(config, form, grant, warn, upstream);
      const answer = { ...result.answer };
      if (answer.refresh_token) {
        const lifetime = Math.min(result.refreshExpiresIn ?? config.refreshLifetimeSeconds, 30 * 86400);
        answer.refresh_token = wrapRefreshToken(config.wrapKeys, {
          refreshToken: answer.refresh_token,
          thumbprint: proof.thumbprint,
          expiresAt: Date.now() + lifetime * 1000,
        });
      }
      send(200, answer);
    } catch (e) {
      if (e instanceof HttpError) {
        if (e.status === 413) baseHeaders.Connection = 'close';
        fail(e);
      } else {
        warn(`unexpected ${(e as Error)?.name ?? 'error'} while handling ${route}`);
        fail(
          new HttpError(500, 'server_error', 'The sign-in relay failed unexpectedly. Please try again; if it persists, tell your IT team.', {}, 'server_error'),
        );
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  ready = true;
  const { port } = server.address() as AddressInfo;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  log('info', { event: 'listening', host: config.host, port, config: describeConfig(config) });

  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    metrics,
    drain: () => {
      ready = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        ready = false;
        const force = setTimeout(() => server.closeAllConnections(), 5_000);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
