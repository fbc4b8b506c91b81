// CLI: npm run simulator -- --port 4010 --seed 1 --latency A010=300 --client-secret X --token-lifetime 3600
// Prints "e-RS simulator listening on http://127.0.0.1:PORT" once ready; Ctrl+C stops it cleanly.

import { parseArgs } from 'node:util';
import { type FaultSpec, parseFaultArg, parseLatencyArg } from './faults';
import { startSimulator } from './server';

const HELP = `e-RS simulator — a local, stateful NHS e-Referral Service (legacy + platform flavours)

Usage: npm run simulator -- [options]

  --port N                 port to listen on (default 4010; 0 = any free port)
  --host H                 interface to bind (default 127.0.0.1)
  --seed N                 directory PRNG seed (default 1)
  --token-lifetime S       platform access-token lifetime in seconds (default 600)
  --session-idle S         legacy session idle timeout in seconds (default 1800)
  --client-id ID           mock CIS2 client id (default ers-extension-demo)
  --client-secret SECRET   require this client secret at /oauth2/token
  --redirect-uri PATTERN   allowed redirect URI pattern (repeatable; replaces the defaults)
  --latency [ROUTE=]MS     added latency, e.g. A010=300 (repeatable; no ROUTE = every route)
  --fault SPEC             start with a fault: ROUTE=STATUS[xN][:RETRY_AFTER], or after processing
                           ROUTE=drop|gateway502|gateway504|html[xN]
                           e.g. A011=503x2, A010=429x1:5, A011=drop, A011=gateway504 (repeatable);
                           the provider's PAS on A016/A034: pas502|pas504[-applied], unconfirmed,
                           slot-taken, e.g. A016=pas504-applied
  --rate-limit N           requests per second before 429 (default unlimited)
  --scan-delay MS          attachment stays PENDING this long after linking (default 0)
  --no-seed-examples       do not seed referrals 000000070000/000000070001 and example files
  --quiet                  no request log
  -h, --help               this help

Routes: A001 A002 A003 A004 A005 A010 A011 A012 A015 A016 A019 A020 A021 A030 A031 A033 A034 A035 A037 A038 CIS2_AUTHORIZE CIS2_TOKEN CIS2_USERINFO
Admin:  GET /_admin/state, POST /_admin/reset, GET|POST|DELETE /_admin/faults, POST /_admin/expire
`;

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a whole number`);
  return Number(v);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      'token-lifetime': { type: 'string' },
      'session-idle': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      latency: { type: 'string', multiple: true },
      fault: { type: 'string', multiple: true },
      'rate-limit': { type: 'string' },
      'scan-delay': { type: 'string' },
      'no-seed-examples': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const latencyMs: Record<string, number> = {};
  for (const l of values.latency ?? []) {
    const [route, ms] = parseLatencyArg(l);
    latencyMs[route] = ms;
  }
  const faults: FaultSpec[] = (values.fault ?? []).map(parseFaultArg);
  const sim = await startSimulator({
    port: int('port', values.port) ?? 4010,
    host: values.host,
    seed: int('seed', values.seed),
    tokenLifetimeSeconds: int('token-lifetime', values['token-lifetime']),
    sessionIdleSeconds: int('session-idle', values['session-idle']),
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
    redirectUris: values['redirect-uri'],
    latencyMs,
    faults,
    rateLimitPerSecond: int('rate-limit', values['rate-limit']),
    binaryScanDelayMs: int('scan-delay', values['scan-delay']),
    seedExamples: !values['no-seed-examples'],
    log: !values.quiet,
  });
  console.log(`e-RS simulator listening on ${sim.url}`);
  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`e-RS simulator: ${(e as Error).message}`);
  process.exit(1);
});
