// The simulator's shared core: resolved options, clock, state, directory, auth, CIS2 and faults.
// One instance per running simulator; route handlers, the admin API and RunningSimulator use it.

import { AuthStore } from './auth';
import { DEFAULT_REDIRECT_URIS, MockCis2 } from './cis2';
import { type Directory, buildDirectory } from './directory';
import { type FaultSpec, Faults } from './faults';
import { specialtySystems } from './reference-data';
import { SimState, seedExampleState } from './state';

export interface SimulatorOptions {
  /** 0 (default) = any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** PRNG seed for the generated directory (default 1). */
  seed?: number;
  /** Platform access-token lifetime (default 600 s, like the NHS API platform). */
  tokenLifetimeSeconds?: number;
  /** Refresh-token lifetime (default 12 h). */
  refreshTokenLifetimeSeconds?: number;
  /** Legacy session idle timeout (default 1800 s). */
  sessionIdleSeconds?: number;
  /** Added latency per route id (A010, A011, … or '*' for all). */
  latencyMs?: Record<string, number>;
  /** Mock CIS2 client id (default ers-extension-demo). */
  clientId?: string;
  /** When set, /oauth2/token requires this client secret. */
  clientSecret?: string;
  /** Allowed redirect URI patterns (default chromiumapp.org, allizom.org, loopback). */
  redirectUris?: string[];
  /** Requests per second over all e-RS routes before 429 (default: unlimited). */
  rateLimitPerSecond?: number;
  /** How long a newly linked attachment stays PENDING before AVAILABLE (default 0). */
  binaryScanDelayMs?: number;
  /** Faults active from start-up (same shapes as injectFault). */
  faults?: FaultSpec[];
  /** Seed referrals 000000070000/000000070001 and the example binaries (default true). */
  seedExamples?: boolean;
  /** The simulator's notion of "now" (business rules, timestamps, expiry). Default: real time. */
  now?: () => Date;
  /** Request log (method, path, status, duration only). true = console; default off. */
  log?: boolean | ((line: string) => void);
  /** A folder to serve under /demo/ instead of the demo pages generated at start-up. */
  demoDir?: string;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  seed: number;
  tokenLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
  sessionIdleSeconds: number;
  latencyMs: Record<string, number>;
  clientId: string;
  clientSecret?: string;
  redirectUris: string[];
  rateLimitPerSecond?: number;
  binaryScanDelayMs: number;
  faults: FaultSpec[];
  seedExamples: boolean;
  demoDir?: string;
}

export function resolveOptions(o: SimulatorOptions = {}): ResolvedOptions {
  return {
    port: o.port ?? 0,
    host: o.host ?? '127.0.0.1',
    seed: o.seed ?? 1,
    tokenLifetimeSeconds: o.tokenLifetimeSeconds ?? 600,
    refreshTokenLifetimeSeconds: o.refreshTokenLifetimeSeconds ?? 12 * 3600,
    sessionIdleSeconds: o.sessionIdleSeconds ?? 1800,
    latencyMs: { ...(o.latencyMs ?? {}) },
    clientId: o.clientId ?? 'ers-extension-demo',
    clientSecret: o.clientSecret,
    redirectUris: o.redirectUris ?? DEFAULT_REDIRECT_URIS,
    rateLimitPerSecond: o.rateLimitPerSecond,
    binaryScanDelayMs: o.binaryScanDelayMs ?? 0,
    faults: o.faults ?? [],
    seedExamples: o.seedExamples ?? true,
    demoDir: o.demoDir,
  };
}

export class SimCore {
  url = '';
  state = new SimState();
  readonly directory: Directory;
  readonly auth: AuthStore;
  readonly cis2: MockCis2;
  readonly faults: Faults;

  constructor(
    readonly options: ResolvedOptions,
    readonly clock: () => Date,
  ) {
    // The directory depends only on the seed (fixed reference date), never on the clock.
    this.directory = buildDirectory(options.seed);
    this.auth = new AuthStore(clock, options);
    this.cis2 = new MockCis2(
      {
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        redirectUris: options.redirectUris,
        codeLifetimeSeconds: 60,
        refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds,
      },
      this.auth,
      clock,
    );
    this.faults = new Faults({ latencyMs: options.latencyMs, rateLimitPerSecond: options.rateLimitPerSecond });
  }

  /** Call once the listening URL is known (system URLs in seeded referrals use it). */
  start(url: string): void {
    this.url = url;
    this.reset();
  }

  systems() {
    return specialtySystems(this.url);
  }

  /** Back to the start-up state: data re-seeded, faults back to the options; sign-ins kept unless `auth`. */
  reset(opts: { auth?: boolean } = {}): void {
    this.state = new SimState();
    if (this.options.seedExamples) seedExampleState(this.state, this.systems().platform, this.clock());
    this.faults.reset();
    for (const f of this.options.faults) this.faults.add(f);
    this.cis2.reset();
    if (opts.auth) {
      this.auth.sessions.clear();
      this.auth.tokens.clear();
      this.auth.refreshTokens.clear();
    }
  }
}
