// Sustained refresh load on the token relay over loopback (`npm run bench:relay`, and part of
// `npm run bench`): the relay runs as it does in production (compiled, `node dist/main.js`, its own
// process, so its memory is measured alone) in front of the simulator's mock CIS2 (also its own
// process, so the load generator, the relay and the mock do not share one event loop). Each simulated
// installation signs in once with its own key, then refreshes at a steady overall rate, every
// request with a fresh proof and the newest sealed token (CIS2 rotates refresh tokens). Prints JSON
// lines: throughput, p50/p99 latency, errors, and the relay's resident memory before and after.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { authorizeAs } from 'ers-simulator/cis2-client';
import { USER_IDS } from 'ers-simulator/users';
import { TestKey } from '../packages/token-relay/test/helpers';
import type { BenchLine } from './bench-content';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE = path.join(ROOT, 'packages', 'token-relay');
const EXT_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/';
const SECRET = 'bench-relay-secret';
const CLIENT_ID = 'ers-extension-demo';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
/** CPU time (user + system) the process has used, in ms: a figure that does not depend on how busy the machine is. */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
};

/** Starts a child process and resolves with what `ready` finds in its stdout (the address it listens on). */
function launch(args: string[], env: NodeJS.ProcessEnv, ready: (line: string) => string | undefined): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = new Promise<string>((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n')) {
        const found = ready(line);
        if (found) {
          child.stdout!.off('data', onData);
          child.stdout!.resume();
          resolve(found);
          return;
        }
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return { child, url };
}

export interface RelayBenchOptions {
  rps?: number;
  seconds?: number;
  clients?: number;
}

export async function benchRelay(options: RelayBenchOptions = {}): Promise<BenchLine[]> {
  const rps = options.rps ?? 200;
  const seconds = options.seconds ?? 30;
  const clients = options.clients ?? 200;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(PACKAGE, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });

  const simProcess = launch(
    [
      ...'--import tsx packages/ers-simulator/src/main.ts --port 0 --seed 1 --quiet --token-lifetime 3600'.split(' '),
      ...['--client-id', CLIENT_ID, '--client-secret', SECRET],
    ],
    {},
    (line) => /listening on (http:\/\/\S+)/.exec(line)?.[1],
  );
  const simUrl = await simProcess.url;
  // Each installation refreshes rps/clients times a second: the per-key limit is raised to allow it
  // (production default 10/min); the global ceiling is off so the figure is the relay's own speed.
  const perKey = Math.ceil((rps / clients) * 60 * 2);
  const relayProcess = launch(
    [...(process.env.RELAY_BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/wt18-prof'] : []), path.join(PACKAGE, 'dist', 'main.js')],
    {
      RELAY_PORT: '0',
      RELAY_TOKEN_URL: `${simUrl}/oauth2/token`,
      RELAY_CLIENT_ID: CLIENT_ID,
      RELAY_CLIENT_SECRET: SECRET,
      RELAY_ALLOWED_ORIGINS: EXT_ORIGIN,
      RELAY_WRAP_KEYS: randomBytes(32).toString('base64'),
      RELAY_REFRESH_LIMIT: String(perKey),
      RELAY_EXCHANGE_LIMIT: String(clients * 2),
      RELAY_GLOBAL_LIMIT: '0',
    },
    (line) => (line.includes('"listening"') ? `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}` : undefined),
  );
  const child = relayProcess.child;
  try {
    const relayUrl = await relayProcess.url;

    const post = async (pathname: string, key: TestKey, body: unknown) => {
      const url = `${relayUrl}${pathname}`;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: EXT_ORIGIN, DPoP: key.proof(url) },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    // Sign in every installation once (the same test clinician on many PCs: each has its own key).
    const sessions: { key: TestKey; token: string; busy: boolean }[] = [];
    for (let i = 0; i < clients; i++) {
      const { redirect, verifier } = await authorizeAs(simUrl, { clientId: CLIENT_ID, redirectUri: REDIRECT, userId: USER_IDS.adams });
      const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
      const key = new TestKey();
      const answer = await post('/oauth/token', key, { code, code_verifier: verifier, redirect_uri: REDIRECT });
      if (answer.status !== 200) throw new Error(`bench sign-in failed: ${JSON.stringify(answer.body)}`);
      sessions.push({ key, token: String(answer.body.refresh_token), busy: false });
    }

    const rssBefore = rssMb(child.pid!);
    const cpuBefore = cpuMs(child.pid!);
    const latencies: number[] = [];
    let errors = 0;
    let skipped = 0;
    const inFlight = new Set<Promise<void>>();
    const total = rps * seconds;
    const started = performance.now();
    let rssMiddle = NaN;
    for (let i = 0; i < total; i++) {
      if (i === Math.floor(total / 2)) rssMiddle = rssMb(child.pid!);
      const due = started + (i * 1000) / rps;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const session = sessions[i % clients]!;
      if (session.busy) {
        skipped += 1;
        continue;
      } // its previous refresh is still running: tokens rotate, so wait
      session.busy = true;
      const t = performance.now();
      const p = post('/oauth/refresh', session.key, { refresh_token: session.token })
        .then(
          (answer) => {
            latencies.push(performance.now() - t);
            if (answer.status === 200) session.token = String(answer.body.refresh_token);
            else errors += 1;
          },
          () => {
            errors += 1;
          },
        )
        .finally(() => {
          session.busy = false;
          inFlight.delete(p);
        });
      inFlight.add(p);
    }
    await Promise.all(inFlight);
    const elapsed = (performance.now() - started) / 1000;
    const rssAfter = rssMb(child.pid!);
    const cpuUsed = cpuMs(child.pid!) - cpuBefore;
    const sorted = [...latencies].sort((a, b) => a - b);
    return [
      { name: 'relay_refresh_rps', value: round(latencies.length / elapsed), unit: 'requests/s' },
      { name: 'relay_refresh_p50_ms', value: round(percentile(sorted, 50), 2), unit: 'ms' },
      { name: 'relay_refresh_p99_ms', value: round(percentile(sorted, 99), 2), unit: 'ms' },
      { name: 'relay_errors', value: errors, unit: 'count' },
      // Refreshes the generator could not start because that installation's previous one was still running.
      { name: 'relay_refresh_skipped', value: skipped, unit: 'count' },
      { name: 'relay_refresh_requests', value: latencies.length, unit: 'count' },
      // The relay's own CPU per refresh: on a shared machine latency includes waiting for a core; this does not.
      { name: 'relay_cpu_ms_per_refresh', value: round(cpuUsed / Math.max(1, latencies.length), 3), unit: 'ms' },
      { name: 'relay_rss_before_mb', value: round(rssBefore), unit: 'MB' },
      { name: 'relay_rss_middle_mb', value: round(rssMiddle), unit: 'MB' },
      { name: 'relay_rss_after_mb', value: round(rssAfter), unit: 'MB' },
    ];
  } finally {
    child.kill('SIGTERM');
    simProcess.child.kill('SIGTERM');
  }
}

// `npm run bench:relay` (RELAY_BENCH_SECONDS, RELAY_BENCH_RPS to change the load).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const lines = await benchRelay({ seconds: Number(process.env.RELAY_BENCH_SECONDS ?? 30), rps: Number(process.env.RELAY_BENCH_RPS ?? 200) });
  for (const l of lines) console.log(JSON.stringify(l));
}
