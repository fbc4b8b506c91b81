// Fault injection for tests and demos: per-route latency, a forced status for the next N calls of a
// route (answered before anything is processed), and three faults of a gateway between the client and
// e-RS that *forward the request, let e-RS process it, and then answer badly* (the client cannot tell
// whether e.g. a create succeeded): the connection dropped part-way through the answer, a gateway
// error page (502/504, HTML, no e-RS error code), or an HTML page with 200. Plus a global rate limit. Routes are operation ids (A010, A011, …,
// CIS2_TOKEN) or '*' for every route.

export type RouteId =
  | 'A001'
  | 'A002'
  | 'A003'
  | 'A004'
  | 'A005'
  | 'A007'
  | 'A008'
  | 'A010'
  | 'A011'
  | 'A012'
  | 'A015'
  | 'A016'
  | 'A019'
  | 'A020'
  | 'A021'
  | 'A029'
  | 'A030'
  | 'A031'
  | 'A033'
  | 'A034'
  | 'A035'
  | 'A037'
  | 'A038'
  | 'A036'
  | 'A042'
  | 'A024'
  | 'A025'
  | 'A043'
  | 'A044'
  | 'CIS2_AUTHORIZE'
  | 'CIS2_TOKEN'
  | 'CIS2_USERINFO';

export const ROUTE_IDS: readonly RouteId[] = [
  'A001',
  'A002',
  'A003',
  'A004',
  'A005',
  'A007',
  'A008',
  'A010',
  'A011',
  'A012',
  'A015',
  'A016',
  'A019',
  'A020',
  'A021',
  'A029',
  'A036',
  'A042',
  'A030',
  'A031',
  'A033',
  'A034',
  'A035',
  'A037',
  'A038',
  'A024',
  'A025',
  'A043',
  'A044',
  'CIS2_AUTHORIZE',
  'CIS2_TOKEN',
  'CIS2_USERINFO',
];

export type FaultSpec =
  | { route: RouteId | '*'; kind: 'status'; status: 429 | 500 | 502 | 503 | 504; count?: number; retryAfterSeconds?: number }
  | { route: RouteId | '*'; kind: 'drop'; count?: number }
  | { route: RouteId | '*'; kind: 'gateway'; status: 502 | 504; count?: number }
  | { route: RouteId | '*'; kind: 'html'; count?: number }
  | { route: RouteId | '*'; kind: 'latency'; ms: number }
  // The provider's PAS (A016 book/defer, A034): e-RS answers 502 PAS_RESPONDED_WITH_ERROR or 504
  // PAS_NOT_RESPONDING after the route's latency, with (`applied`) or without the change made.
  | { route: RouteId | '*'; kind: 'pas'; status: 502 | 504; applied: boolean; count?: number }
  // e-RS could not confirm the booking (422 UNABLE_TO_CONFIRM_APPOINTMENT; nothing booked).
  | { route: RouteId | '*'; kind: 'unconfirmed'; count?: number }
  // The slot an A016 booking names is taken by someone else between the listing and the booking.
  | { route: RouteId | '*'; kind: 'slot-taken'; count?: number };

type PendingKind = Exclude<FaultSpec['kind'], 'latency'>;

/** The faults applied after the request has been processed (the state changed; the answer is bad). */
export const AFTER_PROCESSING: readonly PendingKind[] = ['drop', 'gateway', 'html'];

export interface ActiveFault {
  id: number;
  spec: FaultSpec;
  remaining: number;
}

export class Faults {
  private latency = new Map<string, number>();
  private list: ActiveFault[] = [];
  private nextId = 1;
  private window: number[] = [];

  constructor(private readonly defaults: { latencyMs: Record<string, number>; rateLimitPerSecond?: number }) {
    this.reset();
  }

  reset(): void {
    this.latency = new Map(Object.entries(this.defaults.latencyMs));
    this.list = [];
    this.window = [];
  }

  add(spec: FaultSpec): ActiveFault | undefined {
    if (spec.kind === 'latency') {
      this.latency.set(spec.route, spec.ms);
      return undefined;
    }
    const f: ActiveFault = { id: this.nextId++, spec, remaining: spec.count ?? 1 };
    this.list.push(f);
    return f;
  }

  clear(): void {
    this.list = [];
    this.latency = new Map();
  }

  latencyFor(route: RouteId): number {
    return this.latency.get(route) ?? this.latency.get('*') ?? 0;
  }

  /** Consumes and returns the first pending fault of one of `kinds` for `route`. */
  take(route: RouteId, kind: PendingKind | readonly PendingKind[]): FaultSpec | undefined {
    const kinds: readonly string[] = typeof kind === 'string' ? [kind] : kind;
    const f = this.list.find((x) => kinds.includes(x.spec.kind) && (x.spec.route === route || x.spec.route === '*') && x.remaining > 0);
    if (!f) return undefined;
    f.remaining--;
    if (f.remaining <= 0) this.list = this.list.filter((x) => x !== f);
    return f.spec;
  }

  /** True when this request would exceed the configured requests-per-second (sliding 1 s window). */
  rateLimited(nowMs: number): boolean {
    const limit = this.defaults.rateLimitPerSecond;
    if (!limit) return false;
    this.window = this.window.filter((t) => nowMs - t < 1000);
    if (this.window.length >= limit) return true;
    this.window.push(nowMs);
    return false;
  }

  setRateLimit(perSecond: number | undefined): void {
    this.defaults.rateLimitPerSecond = perSecond;
    this.window = [];
  }

  summary(): { latencyMs: Record<string, number>; faults: ActiveFault[]; rateLimitPerSecond?: number } {
    return { latencyMs: Object.fromEntries(this.latency), faults: this.list.map((f) => ({ ...f })), rateLimitPerSecond: this.defaults.rateLimitPerSecond };
  }
}

/**
 * Parses a CLI/admin fault string: "A011=503", "A011=503x2", "A010=429x1:5" (Retry-After 5),
 * "A011=drop", "A011=gateway502" / "A011=gateway504" (processed, then a gateway error page),
 * "A011=html" (processed, then a proxy's HTML page with 200); for the provider's PAS on A016/A034
 * "A016=pas502" / "A016=pas504" (nothing booked) and "A016=pas504-applied" (booked, then the error),
 * "A016=unconfirmed" and "A016=slot-taken".
 */
export function parseFaultArg(arg: string): FaultSpec {
  const pas = /^([A-Z0-9_*]+)=(pas50[24](?:-applied)?|unconfirmed|slot-taken)(?:x(\d+))?$/.exec(arg.trim());
  if (pas) {
    const route = pas[1] as RouteId | '*';
    if (route !== '*' && !ROUTE_IDS.includes(route)) throw new Error(`unknown route ${route}`);
    const count = pas[3] ? Number(pas[3]) : 1;
    if (pas[2] === 'unconfirmed') return { route, kind: 'unconfirmed', count };
    if (pas[2] === 'slot-taken') return { route, kind: 'slot-taken', count };
    return { route, kind: 'pas', status: Number(pas[2].slice(3, 6)) as 502 | 504, applied: pas[2].endsWith('-applied'), count };
  }
  const m = /^([A-Z0-9_*]+)=(drop|html|gateway50[24]|\d{3})(?:x(\d+))?(?::(\d+))?$/.exec(arg.trim());
  if (!m) throw new Error(`bad fault "${arg}": use ROUTE=STATUS[xCOUNT][:RETRY_AFTER], ROUTE=drop|html|gateway502|gateway504[xCOUNT]`);
  const route = m[1] as RouteId | '*';
  if (route !== '*' && !ROUTE_IDS.includes(route)) throw new Error(`unknown route ${route}`);
  const count = m[3] ? Number(m[3]) : 1;
  if (m[2] === 'drop') return { route, kind: 'drop', count };
  if (m[2] === 'html') return { route, kind: 'html', count };
  if (m[2].startsWith('gateway')) return { route, kind: 'gateway', status: Number(m[2].slice(7)) as 502 | 504, count };
  const status = Number(m[2]);
  if (![429, 500, 502, 503, 504].includes(status)) throw new Error(`unsupported fault status ${status}`);
  return { route, kind: 'status', status: status as 429, count, ...(m[4] ? { retryAfterSeconds: Number(m[4]) } : {}) };
}

/** Parses "A010=300" or "300" (all routes). */
export function parseLatencyArg(arg: string): [string, number] {
  const m = /^(?:([A-Z0-9_*]+)=)?(\d+)$/.exec(arg.trim());
  if (!m) throw new Error(`bad latency "${arg}": use ROUTE=MS or MS`);
  const route = m[1] ?? '*';
  if (route !== '*' && !ROUTE_IDS.includes(route as RouteId)) throw new Error(`unknown route ${route}`);
  return [route, Number(m[2])];
}
