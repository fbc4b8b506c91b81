// e-RS simulator HTTP server: request pipeline (faults → auth/role → operation), error bodies per
// flavour and path, tracing headers, static demo pages, mock CIS2 and the admin API.
//
// Pipeline per e-RS request: route → rate limit (429) → injected status fault → injected latency →
// handler (auth 401 → role 400/403 → media type 415/406 → body → business rules) → reply, or, for a
// fault after processing, the state change happened but the client never hears about it: "drop"
// destroys the socket part-way through the answer, "gateway" answers a 502/504 HTML page and "html"
// a 200 HTML page, as a gateway between the client and e-RS would.

import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin, referralSummary, stateSummary } from './admin';
import { type ResolvedOptions, SimCore, type SimulatorOptions, resolveOptions } from './core';
import { ErsError, ersOperationOutcome, proxyOperationOutcome, r4OperationOutcome } from './errors';
import { AFTER_PROCESSING, type FaultSpec, type RouteId } from './faults';
import { type Reply, FHIR_JSON, header, prereadBody, readBody } from './http';
import { type PathKind, type RouteMatch, matchRoute, objectStoreReply } from './routes';
import type { Flavour } from './search';
import { type SeedBinaryOptions, seedBinary } from './state';
import { type DemoFiles, indexPage, serveDemo } from './static';
import { renderDemoSite } from '../demo/generate';
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
  /** Reason code of the current state (rejected, cancelled, …). */
  stateReason?: string;
  /** Its comment (in-process only: the admin API leaves free text out). */
  stateComment?: string;
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
  /** "METHOD /path" of each request received and not yet answered (tests wait on one being in progress). */
  requestsInProgress(): string[];
  /** The bytes of a stored file (tests read an attached letter's text). */
  binaryContent(id: string): Uint8Array | undefined;
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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'ETag, Location, X-Request-ID, X-Correlation-ID, X_ERS_TRANSACTION_ID, Content-Disposition, Retry-After',
};

/** Turns an error into the body shape documented for the flavour/path (packages/ers-contract/docs/ers-api.md §4.6). */
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

/** What every request handler needs: the simulator's state, its clock, the demo site and the log. */
interface SimContext {
  core: SimCore;
  clock: () => Date;
  opts: ResolvedOptions;
  /** A folder on disk, or the site generated at start-up. */
  demo: string | DemoFiles;
  log?: (line: string) => void;
  /** Requests received and not yet answered. */
  inProgress: Set<string>;
}

function requestLogger(log: SimulatorOptions['log']): ((line: string) => void) | undefined {
  if (log === true) return (l) => console.log(l);
  return typeof log === 'function' ? log : undefined;
}

/** CORS preflight: any method and header the page asks for. */
function preflightReply(req: IncomingMessage): Reply {
  return {
    status: 204,
    headers: {
      'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
      'Access-Control-Allow-Headers': String(req.headers['access-control-request-headers'] ?? '*'),
      'Access-Control-Max-Age': '600',
    },
  };
}

async function demoReply(ctx: SimContext, method: string, pathname: string): Promise<Reply> {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, contentType: 'text/plain', body: 'Method Not Allowed' };
  return serveDemo(ctx.demo, pathname);
}

const CIS2_ROUTES: Readonly<Record<string, RouteId>> = {
  '/oauth2/authorize': 'CIS2_AUTHORIZE',
  '/oauth2/token': 'CIS2_TOKEN',
  '/oauth2/userinfo': 'CIS2_USERINFO',
};

/** The mock CIS2 endpoints, with their own status faults and latency. */
async function cis2Reply(core: SimCore, req: IncomingMessage, method: string, url: URL): Promise<Reply> {
  const route = CIS2_ROUTES[url.pathname];
  if (!route) return { status: 404, contentType: 'application/json', body: { error: 'not_found' } };
  const fault = core.faults.take(route, 'status');
  if (fault && fault.kind === 'status')
    return {
      status: fault.status,
      contentType: 'application/json',
      body: { error: 'temporarily_unavailable' },
      headers: fault.retryAfterSeconds ? { 'Retry-After': String(fault.retryAfterSeconds) } : {},
    };
  const ms = core.faults.latencyFor(route);
  if (ms) await sleep(ms);
  if (route === 'CIS2_AUTHORIZE' && method === 'GET') return core.cis2.authorize(url.searchParams);
  if (route === 'CIS2_USERINFO' && method === 'GET') return core.cis2.userinfo(header(req, 'authorization'));
  if (route === 'CIS2_TOKEN' && method === 'POST') {
    const { bytes } = await readBody(req, 64 * 1024);
    return core.cis2.token(new URLSearchParams(bytes.toString('utf8')), header(req, 'authorization'));
  }
  return { status: 405, contentType: 'application/json', body: { error: 'method_not_allowed' } };
}

/** The tracing headers each flavour answers with (platform echoes the correlation id). */
function tracingHeaders(req: IncomingMessage, flavour: Flavour | undefined): Record<string, string> {
  if (flavour === 'platform') {
    const correlation = header(req, 'x-correlation-id');
    return { ...(correlation ? { 'X-Correlation-ID': correlation } : {}), 'X-Request-ID': `${randomUUID()}-1` };
  }
  return flavour === 'legacy' ? { X_ERS_TRANSACTION_ID: randomUUID() } : {};
}

/** An error as the flavour/path's body; anything not an ErsError is logged and becomes a 500. */
function failureReply(e: unknown, flavour: Flavour | undefined, kind: PathKind | undefined, now: Date): Reply {
  if (e instanceof ErsError) return errorReply(e, flavour, kind, now);
  console.error('e-RS simulator: unexpected error', (e as Error)?.stack ?? e);
  return errorReply(new ErsError(500, 'SERVICE_ERROR', 'Unexpected server error.'), flavour, kind, now);
}

/** Runs the operation (after its latency, unless the handler applies it itself); never throws. */
async function runOperation(core: SimCore, req: IncomingMessage, route: RouteMatch): Promise<{ reply?: Reply; error?: unknown }> {
  const latency = () => {
    const ms = core.faults.latencyFor(route.id);
    return ms ? sleep(ms) : Promise.resolve();
  };
  try {
    await prereadBody(req);
    if (!route.latencyInside) await latency();
    return { reply: await route.handler({ core, req, params: route.params, flavour: route.flavour, latency }) };
  } catch (e) {
    return { error: e };
  }
}

/**
 * The request has been fully processed (state changed); the connection is lost part-way through the
 * answer: the status line and headers arrive, the body never completes. (A close with no byte at all
 * would be indistinguishable from an idle keep-alive connection closing, which browsers answer by
 * silently resending the request: see the README's "Known risks".)
 */
function dropConnection(res: ServerResponse, status: number | undefined): void {
  const socket = res.socket;
  socket?.write(`HTTP/1.1 ${status ?? 500} Connection lost\r\nContent-Type: application/fhir+json\r\nContent-Length: 65536\r\n\r\n{"resourceType":`);
  socket?.destroy();
}

/**
 * An e-RS API request through the pipeline: route → rate limit → status fault → operation → fault
 * after processing. Returns undefined when the connection was dropped instead of answered.
 */
async function ersReply(ctx: SimContext, { req, res, method, url, extra }: Exchange): Promise<Reply | undefined> {
  const { core, clock } = ctx;
  const pathname = url.pathname;
  const found = matchRoute(method, pathname);
  const flavour = found.match?.flavour ?? found.flavour;
  const kind = found.match?.kind ?? found.kind;
  Object.assign(extra, tracingHeaders(req, flavour));
  const fail = (e: unknown) => failureReply(e, flavour, kind, clock());
  if (!found.match) {
    if (!flavour) return { status: 404, contentType: 'text/plain; charset=utf-8', body: 'Not found' };
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
  const { reply, error } = await runOperation(core, req, route);
  // A gateway forwarded the request, e-RS processed it, and the gateway answered with its own page.
  if (after?.kind === 'gateway') return { status: after.status, contentType: 'text/html; charset=utf-8', body: gatewayPage(after.status) };
  if (after?.kind === 'html') return { status: 200, contentType: 'text/html; charset=utf-8', body: gatewayPage(200) };
  if (after) {
    dropConnection(res, reply?.status);
    return undefined;
  }
  if (error !== undefined) return fail(error);
  return reply!;
}

/** One request in flight: what came in, where the reply goes, and the extra headers the reply will carry. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  extra: Record<string, string>;
}

/** Picks the handler for a request by path. Undefined = the connection was dropped (a fault). */
async function dispatch(ctx: SimContext, exchange: Exchange): Promise<Reply | undefined> {
  const { req, method, url } = exchange;
  const pathname = url.pathname;
  if (method === 'OPTIONS') return preflightReply(req);
  if (pathname === '/' && method === 'GET') return indexPage(ctx.core);
  if (pathname === '/demo' || pathname.startsWith('/demo/')) return demoReply(ctx, method, pathname);
  if (pathname.startsWith('/_admin/')) return handleAdmin(ctx.core, req, pathname);
  if (pathname.startsWith('/oauth2/')) return cis2Reply(ctx.core, req, method, url);
  if (pathname.startsWith('/ObjectStore/')) return objectStoreReply(ctx.core, method, pathname);
  return ersReply(ctx, exchange);
}

async function handleRequest(ctx: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  const extra: Record<string, string> = {};
  let status = 0;
  // Only method, path, status and duration are logged: never bodies, queries or headers, which can
  // carry patient data or credentials.
  const entry = `${method} ${url.pathname} #${started}`;
  ctx.inProgress.add(entry);
  res.on('close', () => {
    ctx.inProgress.delete(entry);
    ctx.log?.(`${method} ${url.pathname} ${status || 'dropped'} ${Math.round(performance.now() - started)}ms`);
  });
  const reply = await dispatch(ctx, { req, res, method, url, extra });
  if (!reply) return;
  status = reply.status;
  send(res, reply, extra);
}

function createSimulatorServer(ctx: SimContext): Server {
  const server = createServer((req, res) => {
    handleRequest(ctx, req, res).catch((e) => {
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
  return server;
}

/** Listens and returns the base URL clients should use (a wildcard bind is reached on loopback). */
async function listen(server: Server, port: number, host: string): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const hostForUrl = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return { url: `http://${hostForUrl}:${bound}`, port: bound };
}

/** The in-process control surface tests and scripts use (same effects as the admin API). */
function controls(ctx: SimContext, server: Server, url: string, port: number): RunningSimulator {
  const { core, clock, opts } = ctx;
  const systems = core.systems();
  return {
    url,
    port,
    directory: core.directory,
    requestsInProgress: () => [...ctx.inProgress].map((e) => e.replace(/ #[\d.]+$/, '')),
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
      [...core.state.referrals.values()].map((r) => ({
        ...referralSummary(r),
        patientNhsNumber: r.patientNhsNumber,
        createdBy: { ...r.createdBy },
        ...(r.stateComment ? { stateComment: r.stateComment } : {}),
      })),
    binaries: () =>
      [...core.state.binaries.values()].map((b) => ({
        id: b.id,
        fileName: b.fileName,
        contentType: b.contentType,
        size: b.bytes.length,
        intendedUbrn: b.intendedUbrn ?? null,
        linkedUbrn: b.linkedUbrn,
      })),
    binaryContent: (id) => {
      const b = core.state.binaries.get(id);
      return b ? new Uint8Array(b.bytes) : undefined;
    },
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

let demoSite: DemoFiles | undefined;
/**
 * The demo pages, generated at the first start from the same test patients the simulator serves
 * (deterministic, so one rendering serves every simulator in the process).
 */
function generatedDemoSite(): DemoFiles {
  demoSite ??= renderDemoSite();
  return demoSite;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const opts = resolveOptions(options);
  const clock = options.now ?? (() => new Date());
  const core = new SimCore(opts, clock);
  const ctx: SimContext = { core, clock, opts, demo: opts.demoDir ?? generatedDemoSite(), log: requestLogger(options.log), inProgress: new Set() };
  const server = createSimulatorServer(ctx);
  const { url, port } = await listen(server, opts.port, opts.host);
  core.start(url);
  return controls(ctx, server, url, port);
}

export { stateSummary };
