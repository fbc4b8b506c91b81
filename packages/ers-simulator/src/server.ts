// e-RS simulator HTTP server: request pipeline (faults → auth/role → operation), error bodies per
// flavour and path, tracing headers, static demo pages, mock CIS2 and the admin API.
//
// Pipeline per e-RS request: route → rate limit (429) → injected status fault → injected latency →
// handler (auth 401 → role 400/403 → media type 415/406 → body → business rules) → reply, or, for a
// fault after processing, the state change happened but the client never hears about it: "drop"
// destroys the socket part-way through the answer, "gateway" answers a 502/504 HTML page and "html"
// a 200 HTML page, as a gateway between the client and e-RS would.

import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleAdmin, referralSummary, stateSummary } from './admin';
import { SimCore, type SimulatorOptions, resolveOptions } from './core';
import { ErsError, ersOperationOutcome, proxyOperationOutcome, r4OperationOutcome } from './errors';
import { AFTER_PROCESSING, type FaultSpec, type RouteId } from './faults';
import { type Reply, FHIR_JSON, header, prereadBody, readBody } from './http';
import { type PathKind, matchRoute } from './routes';
import type { Flavour } from './search';
import { type SeedBinaryOptions, seedBinary } from './state';
import { indexPage, serveDemo } from './static';
import type { Directory } from './directory';
import { type TestUser, findUser } from './users';

export type { SimulatorOptions } from './core';
export type { FaultSpec, RouteId } from './faults';
export { TEST_SMARTCARDS, TEST_USERS, USER_IDS } from './users';
export { TEST_PATIENTS } from './data/patients';
export { EXAMPLE_BINARY_IDS } from './state';

export interface ReferralSummary {
  ubrn: string;
  version: number;
  state: string;
  priority: string;
  flavour: Flavour;
  patientNhsNumber: string;
  services: string[];
  attachments: string[];
  createdBy: { userId: string; ods: string; businessFunction: string };
  appointment?: string;
}

export interface BinarySummary {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  intendedUbrn: string | null;
  linkedUbrn: string | null;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:4010 */
  url: string;
  port: number;
  close(): Promise<void>;
  /** Same effect as POST /_admin/faults (status / drop faults count down per call; latency persists). */
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  setRateLimit(perSecond: number | undefined): void;
  /** Same as POST /_admin/reset. */
  reset(opts?: { auth?: boolean }): void;
  referrals(): ReferralSummary[];
  binaries(): BinarySummary[];
  /** Mints a platform access token for a test user without the OAuth dance. */
  issueToken(userId: string, opts?: { lifetimeSeconds?: number; clientId?: string }): string;
  expireTokens(token?: string): number;
  expireSessions(sessionKey?: string): number;
  /** Registers a new legacy smartcard SSO token for a test user and returns it. */
  createLegacySmartcard(userId: string): string;
  /** Puts a file in the document store as if uploaded with A020 (fixed ids for replaying examples). */
  seedBinary(opts: Omit<SeedBinaryOptions, 'now'>): void;
  directory: Directory;
  /** SPECIALTY system URLs the simulator publishes. */
  specialtySystem: { platform: string; legacy: string };
}

const DEFAULT_DEMO_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'demo');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'ETag, Location, X-Request-ID, X-Correlation-ID, X_ERS_TRANSACTION_ID, Content-Disposition, Retry-After',
};

/** Turns an error into the body shape documented for the flavour/path (README §4.6). */
function errorReply(e: ErsError, flavour: Flavour | undefined, kind: PathKind | undefined, now: Date): Reply {
  const headers = { ...e.headers };
  if (e.kind === 'text') return { status: e.status, body: e.diagnostics, contentType: 'text/plain;charset=utf-8', headers };
  if (e.status === 429 && kind !== 'r4') return { status: 429, headers }; // STU3 paths: empty body
  if (kind === 'r4') return { status: e.status, body: r4OperationOutcome(e.code, e.diagnostics, e.issueCode, now), contentType: FHIR_JSON, headers };
  if (e.kind === 'proxy' && flavour === 'platform') {
    return { status: e.status, body: proxyOperationOutcome(e.code, e.diagnostics, e.issueCode, now), contentType: FHIR_JSON, headers };
  }
  const contentType = kind === 'session' ? 'application/json' : FHIR_JSON;
  return { status: e.status, body: ersOperationOutcome(e.code, e.diagnostics, e.issueCode), contentType, headers };
}

/** The kind of page a corporate proxy or API gateway sends instead of e-RS's answer. */
function gatewayPage(status: number): string {
  const title = status === 502 ? '502 Bad Gateway' : status === 504 ? '504 Gateway Time-out' : 'Session check';
  return `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1><p>The proxy server received an invalid or no response from an upstream server.</p></body></html>`;
}

function faultError(f: Extract<FaultSpec, { kind: 'status' }>): ErsError {
  const retry = f.retryAfterSeconds ?? (f.status === 429 ? 1 : f.status === 503 ? 5 : undefined);
  const headers: Record<string, string> = retry !== undefined ? { 'Retry-After': String(retry) } : {};
  switch (f.status) {
    case 429:
      return new ErsError(429, 'TOO_MANY_REQUESTS', 'Rate limit exceeded (injected fault).', { headers });
    case 503:
      return new ErsError(503, 'SYSTEM_UNAVAILABLE', 'The service is unavailable (injected fault); retry later.', { headers });
    case 502:
      return new ErsError(502, 'PAS_RESPONDED_WITH_ERROR', 'Upstream error (injected fault).', { headers, issueCode: 'exception' });
    case 504:
      return new ErsError(504, 'PAS_NOT_RESPONDING', 'Upstream timeout (injected fault).', { headers, issueCode: 'timeout' });
    default:
      return new ErsError(500, 'SERVICE_ERROR', 'Unexpected server error (injected fault).', { headers });
  }
}

function send(res: ServerResponse, reply: Reply, extra: Record<string, string>): void {
  const headers: Record<string, string | number> = { ...CORS, ...extra, ...(reply.headers ?? {}) };
  let body: Buffer | undefined;
  if (reply.body !== undefined) {
    body = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body, null, 2));
    headers['Content-Type'] = reply.contentType ?? 'application/json';
    headers['Content-Length'] = body.length;
  } else if (reply.status !== 204 && reply.status !== 304) {
    headers['Content-Length'] = 0;
  }
  res.writeHead(reply.status, headers);
  res.end(body);
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const opts = resolveOptions(options);
  const clock = options.now ?? (() => new Date());
  const core = new SimCore(opts, clock);
  const demoDir = opts.demoDir ?? DEFAULT_DEMO_DIR;
  const log = options.log === true ? (l: string) => console.log(l) : typeof options.log === 'function' ? options.log : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const pathname = url.pathname;
    const extra: Record<string, string> = {};
    let status = 0;
    const finish = (reply: Reply) => {
      status = reply.status;
      send(res, reply, extra);
    };
    // Only method, path, status and duration are logged: never bodies, queries or headers, which can
    // carry patient data or credentials.
    res.on('close', () => log?.(`${method} ${pathname} ${status || 'dropped'} ${Math.round(performance.now() - started)}ms`));

    if (method === 'OPTIONS') {
      return finish({
        status: 204,
        headers: {
          'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
          'Access-Control-Allow-Headers': String(req.headers['access-control-request-headers'] ?? '*'),
          'Access-Control-Max-Age': '600',
        },
      });
    }
    if (pathname === '/' && method === 'GET') return finish(indexPage(core));
    if (pathname === '/demo' || pathname.startsWith('/demo/')) {
      if (method !== 'GET' && method !== 'HEAD') return finish({ status: 405, contentType: 'text/plain', body: 'Method Not Allowed' });
      return finish(await serveDemo(demoDir, pathname));
    }
    if (pathname.startsWith('/_admin/')) return finish(await handleAdmin(core, req, pathname));
    if (pathname.startsWith('/oauth2/')) {
      const route: RouteId | undefined =
        pathname === '/oauth2/authorize'
          ? 'CIS2_AUTHORIZE'
          : pathname === '/oauth2/token'
            ? 'CIS2_TOKEN'
            : pathname === '/oauth2/userinfo'
              ? 'CIS2_USERINFO'
              : undefined;
      if (!route) return finish({ status: 404, contentType: 'application/json', body: { error: 'not_found' } });
      const fault = core.faults.take(route, 'status');
      if (fault && fault.kind === 'status')
        return finish({
          status: fault.status,
          contentType: 'application/json',
          body: { error: 'temporarily_unavailable' },
          headers: fault.retryAfterSeconds ? { 'Retry-After': String(fault.retryAfterSeconds) } : {},
        });
      const ms = core.faults.latencyFor(route);
      if (ms) await sleep(ms);
      if (route === 'CIS2_AUTHORIZE' && method === 'GET') return finish(core.cis2.authorize(url.searchParams));
      if (route === 'CIS2_USERINFO' && method === 'GET') return finish(core.cis2.userinfo(header(req, 'authorization')));
      if (route === 'CIS2_TOKEN' && method === 'POST') {
        const { bytes } = await readBody(req, 64 * 1024);
        return finish(core.cis2.token(new URLSearchParams(bytes.toString('utf8')), header(req, 'authorization')));
      }
      return finish({ status: 405, contentType: 'application/json', body: { error: 'method_not_allowed' } });
    }

    const found = matchRoute(method, pathname);
    const flavour = found.match?.flavour ?? found.flavour;
    const kind = found.match?.kind ?? found.kind;
    if (flavour === 'platform') {
      const correlation = header(req, 'x-correlation-id');
      if (correlation) extra['X-Correlation-ID'] = correlation;
      extra['X-Request-ID'] = `${randomUUID()}-1`;
    } else if (flavour === 'legacy') {
      extra['X_ERS_TRANSACTION_ID'] = randomUUID();
    }
    const fail = (e: unknown) => {
      if (e instanceof ErsError) return finish(errorReply(e, flavour, kind, clock()));
      console.error('e-RS simulator: unexpected error', (e as Error)?.stack ?? e);
      return finish(errorReply(new ErsError(500, 'SERVICE_ERROR', 'Unexpected server error.'), flavour, kind, clock()));
    };
    if (!found.match) {
      if (!flavour) return finish({ status: 404, contentType: 'text/plain; charset=utf-8', body: 'Not found' });
      return fail(
        found.methodMismatch
          ? new ErsError(405, 'NOT_ALLOWED', `Method ${method} not allowed on ${pathname}`, { issueCode: 'not-supported' })
          : new ErsError(404, 'REFERENCE_NOT_FOUND', `No operation at ${pathname}`),
      );
    }
    const route = found.match;
    if (core.faults.rateLimited(clock().getTime())) {
      return fail(new ErsError(429, 'TOO_MANY_REQUESTS', 'Rate limit exceeded.', { headers: { 'Retry-After': '1' } }));
    }
    const statusFault = core.faults.take(route.id, 'status');
    if (statusFault && statusFault.kind === 'status') return fail(faultError(statusFault));
    const after = core.faults.take(route.id, AFTER_PROCESSING);
    const latency = () => {
      const ms = core.faults.latencyFor(route.id);
      return ms ? sleep(ms) : Promise.resolve();
    };
    let reply: Reply | undefined;
    let error: unknown;
    try {
      await prereadBody(req);
      if (!route.latencyInside) await latency();
      reply = await route.handler({ core, req, params: route.params, flavour: route.flavour, latency });
    } catch (e) {
      error = e;
    }
    if (after?.kind === 'gateway' || after?.kind === 'html') {
      // A gateway forwarded the request, e-RS processed it, and the gateway answered with its own page.
      return finish(
        after.kind === 'gateway'
          ? { status: after.status, contentType: 'text/html; charset=utf-8', body: gatewayPage(after.status) }
          : { status: 200, contentType: 'text/html; charset=utf-8', body: gatewayPage(200) },
      );
    }
    if (after) {
      // The request has been fully processed (state changed); the connection is lost part-way
      // through the answer: the status line and headers arrive, the body never completes. (A close
      // with no byte at all would be indistinguishable from an idle keep-alive connection closing,
      // which browsers answer by silently resending the request: see README "Known risks".)
      const socket = res.socket;
      socket?.write(`HTTP/1.1 ${reply?.status ?? 500} Connection lost\r\nContent-Type: application/fhir+json\r\nContent-Length: 65536\r\n\r\n{"resourceType":`);
      socket?.destroy();
      return;
    }
    if (error !== undefined) return fail(error);
    return finish(reply!);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      console.error('e-RS simulator: request failed', (e as Error)?.stack ?? e);
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('Internal error');
      } else res.destroy();
    });
  });
  // Long enough for Node's fetch (undici) to reuse connections: it subtracts a 2 s safety margin from
  // the server's Keep-Alive hint and closes after every response when nothing is left, which made
  // each call to the mock CIS2 a new TCP connection. close() ends open sockets itself.
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${hostForUrl}:${port}`;
  core.start(url);
  const systems = core.systems();

  return {
    url,
    port,
    directory: core.directory,
    specialtySystem: { platform: systems.platform, legacy: systems.legacy },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
    injectFault: (fault) => void core.faults.add(fault),
    clearFaults: () => core.faults.clear(),
    setRateLimit: (n) => core.faults.setRateLimit(n),
    reset: (o) => core.reset(o),
    referrals: () =>
      [...core.state.referrals.values()].map((r) => ({ ...referralSummary(r), patientNhsNumber: r.patientNhsNumber, createdBy: { ...r.createdBy } })),
    binaries: () =>
      [...core.state.binaries.values()].map((b) => ({
        id: b.id,
        fileName: b.fileName,
        contentType: b.contentType,
        size: b.bytes.length,
        intendedUbrn: b.intendedUbrn ?? null,
        linkedUbrn: b.linkedUbrn,
      })),
    issueToken: (userId, o = {}) => {
      const u: TestUser | undefined = findUser(userId);
      if (!u) throw new Error(`unknown test user ${userId}`);
      return core.auth.issueToken(u.id, o.clientId ?? opts.clientId, o.lifetimeSeconds).token;
    },
    expireTokens: (t) => core.auth.expireTokens(t),
    expireSessions: (k) => core.auth.expireSessions(k),
    createLegacySmartcard: (userId) => {
      if (!findUser(userId)) throw new Error(`unknown test user ${userId}`);
      const token = `AQIC5wM2LY4Sfcz${randomUUID().replace(/-/g, '').slice(0, 28)}=@AAJTSQACMDE=#`;
      core.auth.extraSmartcards.set(token, userId);
      return token;
    },
    seedBinary: (o) => void seedBinary(core.state, { ...o, now: clock() }),
  };
}

export { stateSummary };
