// Shared bits of the relay tests: a log-capturing logger, an extension stand-in holding its own
// proof-of-possession key (Node's crypto, the same ES256 proofs the extension's WebCrypto signs), a
// scripted platform token endpoint, and a caller that POSTs to the relay through real HTTP with an
// Origin header, as the extension's service worker does.
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { scriptedServer, type Handler, type SeenRequest } from '../../../test/helpers/scripted-server';
import { startRelay, type RelayLogger, type RelayOptions, type RunningRelay } from '../src/server';

export const EXT_ID = 'abcdefghijklmnopabcdefghijklmnop';
export const EXT_ORIGIN = `chrome-extension://${EXT_ID}`;
export const FIREFOX_ORIGIN = 'moz-extension://0b7e1c52-5a53-4c0e-9d3b-4f3f5ad2b2a1';
export const OTHER_ORIGIN = 'chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba';
export const REDIRECT_URI = `https://${EXT_ID}.chromiumapp.org/cis2`;

export interface CapturedLogger extends RelayLogger {
  lines: string[];
  warnings: string[];
  all(): string;
  /** The request lines, parsed. */
  requests(): Record<string, unknown>[];
}

export function captureLogger(): CapturedLogger {
  const lines: string[] = [];
  const warnings: string[] = [];
  return {
    lines,
    warnings,
    info: (line) => lines.push(line),
    warn: (line) => warnings.push(line),
    all: () => [...lines, ...warnings].join('\n'),
    requests: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === 'request'),
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export interface ProofClaims {
  htm?: string;
  htu?: string;
  iat?: number;
  jti?: string;
}

/** One extension installation: its key pair and the proofs it signs. */
export class TestKey {
  readonly privateKey: KeyObject;
  readonly jwk: { kty: string; crv: string; x: string; y: string };
  /** Every proof signed, so tests can check none reached a log. */
  readonly proofs: string[] = [];

  constructor() {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    const { kty, crv, x, y } = pair.publicKey.export({ format: 'jwk' });
    this.jwk = { kty: kty!, crv: crv!, x: x!, y: y! };
  }

  get thumbprint(): string {
    return createHash('sha256')
      .update(JSON.stringify({ crv: this.jwk.crv, kty: this.jwk.kty, x: this.jwk.x, y: this.jwk.y }))
      .digest('base64url');
  }

  proof(url: string, claims: ProofClaims = {}, header: Record<string, unknown> = {}): string {
    const h = b64({ typ: 'dpop+jwt', alg: 'ES256', jwk: this.jwk, ...header });
    const p = b64({ htm: 'POST', htu: url, iat: Math.floor(Date.now() / 1000), jti: randomUUID(), ...claims });
    const s = sign('sha256', Buffer.from(`${h}.${p}`), { key: this.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    const proof = `${h}.${p}.${s}`;
    this.proofs.push(proof);
    return proof;
  }
}

export interface RelayAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export interface CallOptions {
  headers?: Record<string, string>;
  raw?: string;
  key?: TestKey | null;
  proof?: string;
}

/**
 * POSTs JSON to the relay the way the extension does, with a fresh proof from `key` (default: a
 * key made for the call; null: no proof). origin: null sends no Origin header.
 */
export async function callRelay(
  relayUrl: string,
  path: string,
  body: unknown,
  origin: string | null = EXT_ORIGIN,
  init: CallOptions = {},
): Promise<RelayAnswer> {
  const url = `${relayUrl}${path}`;
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...init.headers };
  if (origin !== null) headers.Origin = origin;
  const key = init.key === undefined ? new TestKey() : init.key;
  if (init.proof) headers.DPoP = init.proof;
  else if (key) headers.DPoP = key.proof(url);
  const res = await fetch(url, { method: 'POST', headers, body: init.raw ?? JSON.stringify(body) });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { _raw: text };
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** The strings that must never appear in any relay log line. */
export function assertNoneIn(haystack: string, needles: (string | undefined)[]): void {
  for (const needle of needles) {
    if (!needle) continue;
    if (haystack.includes(needle)) throw new Error(`log leaked a sensitive value (${needle.slice(0, 4)}…)`);
  }
}

/** A loopback stand-in for the platform's token endpoint whose answers each test scripts (the repo's one scripted server). */
export { scriptedServer as scriptedUpstream, type SeenRequest } from '../../../test/helpers/scripted-server';

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export interface Upstream {
  /** How the endpoint answers; a test may replace it, and it is back to the file's default before each test. */
  script: Handler;
  readonly url: string;
  /** The requests it received in this test. */
  readonly seen: SeenRequest[];
}

/**
 * One scripted platform token endpoint for a test file: started before the file's tests and closed
 * after them; before each test its script is back to `initial` and what it saw is forgotten.
 */
export function useUpstream(initial: Handler): Upstream {
  let server: Awaited<ReturnType<typeof scriptedServer>> | undefined;
  const started = () => {
    if (!server) throw new Error('the upstream is used before beforeAll started it');
    return server;
  };
  const upstream = {
    script: initial,
    get url() {
      return started().url;
    },
    get seen() {
      return started().seen;
    },
  };
  beforeAll(async () => {
    server = await scriptedServer((req, res) => upstream.script(req, res));
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    upstream.script = initial;
    started().seen.length = 0;
  });
  return upstream;
}

/**
 * A relay on a free loopback port in front of the token endpoint at `tokenBase`/oauth2/token, for
 * the extension's origin, logging to `logger`; `options` gives the secret and adds or changes settings.
 */
export function startTestRelay(tokenBase: string, logger: RelayLogger, options: Partial<RelayOptions> & { clientSecret: string }): Promise<RunningRelay> {
  return startRelay({ port: 0, tokenUrl: `${tokenBase}/oauth2/token`, clientId: 'client', allowedOrigins: [EXT_ORIGIN], logger, ...options });
}

/** Reads through to whatever `current()` is when used, so a per-test value can be named once at file level. */
function forwardTo<T extends object>(current: () => T): T {
  return new Proxy({} as T, {
    get(_target, prop) {
      const target = current();
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * One relay per test in front of `upstream` (see startTestRelay for `options`), logging to a fresh
 * captured log: started before each test and closed after it, then `afterClose` checks the whole log
 * of the test. The returned relay and log always stand for the current test's.
 */
export function useTestRelay(
  upstream: Upstream,
  options: Partial<RelayOptions> & { clientSecret: string },
  afterClose: (log: CapturedLogger) => void = () => {},
): { relay: RunningRelay; log: CapturedLogger } {
  let current: { relay: RunningRelay; log: CapturedLogger } | undefined;
  const started = () => {
    if (!current) throw new Error('the relay is used before beforeEach started it');
    return current;
  };
  beforeEach(async () => {
    const log = captureLogger();
    current = { log, relay: await startTestRelay(upstream.url, log, options) };
  });
  afterEach(async () => {
    const { relay, log } = started();
    current = undefined;
    await relay.close();
    afterClose(log);
  });
  return { relay: forwardTo(() => started().relay), log: forwardTo(() => started().log) };
}
