// Benchmarks for the e-RS client: client overhead per referral against a zero-latency
// simulator (wall time minus time spent waiting on HTTP), and HTTP requests per referral by
// operation (A004 must come from the cache on the second referral). Prints JSON lines.
import { performance } from 'node:perf_hooks';
import { ErsClient, ReferenceDataCache, type RequestEvent } from '../utils/ers';
import { startSimulator, USER_IDS } from 'ers-simulator';
import type { BenchLine } from './bench-content';

export async function benchClient(referrals = 30): Promise<BenchLine[]> {
  const sim = await startSimulator({ port: 0, seed: 1 });
  const events: RequestEvent[] = [];
  try {
    const token = sim.issueToken(USER_IDS.adams, { lifetimeSeconds: 3600 });
    const client = new ErsClient({
      flavour: 'platform',
      baseUrl: `${sim.url}/referrals/FHIR`,
      credentials: () => ({ accessToken: token, businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001' }),
      onRequest: (e) => events.push(e),
    });
    const cache = new ReferenceDataCache(client);
    const letter = new TextEncoder().encode('Referral letter for the benchmark.\n'.repeat(200));
    const perReferral: { wall: number; network: number; ops: Record<string, number> }[] = [];
    for (let i = 0; i < referrals; i++) {
      const before = events.length;
      const started = performance.now();
      const specialties = await cache.get('SPECIALTY');
      await cache.clinicTypesFor('CARDIOLOGY');
      const found = await client.searchServices({
        nhsNumber: '9434765919',
        specialtySystem: specialties.url,
        criteria: { priority: 'ROUTINE', specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true },
      });
      const service = found.services.find((s) => !s.isTriage)!;
      const created = await client.createReferral({ nhsNumber: '9434765919', criteria: found.criteria, shortlist: [service] });
      const { url } = await client.uploadFile({ ubrn: created.ubrn, fileName: 'letter.txt', contentType: 'text/plain', bytes: letter });
      const current = await client.getReferral(created.ubrn);
      await client.maintainReferralLetter({ ubrn: created.ubrn, etag: current.etag, files: [{ url, indexed: new Date().toISOString() }] });
      await client.generatePatientLetter(created.ubrn);
      const wall = performance.now() - started;
      const mine = events.slice(before);
      const ops: Record<string, number> = {};
      for (const e of mine) ops[e.operation] = (ops[e.operation] ?? 0) + 1;
      perReferral.push({ wall, network: mine.reduce((t, e) => t + e.durationMs, 0), ops });
    }
    const overheads = perReferral
      .slice(1)
      .map((r) => Math.max(0, r.wall - r.network))
      .sort((a, b) => a - b);
    const lines: BenchLine[] = [
      { name: 'client_overhead_per_referral_median', value: Number(overheads[Math.floor(overheads.length / 2)].toFixed(2)), unit: 'ms' },
    ];
    for (const [label, r] of [
      ['first', perReferral[0]],
      ['second', perReferral[1]],
    ] as const) {
      for (const op of ['A004', 'A010', 'A011', 'A020', 'A005', 'A012', 'A019']) {
        lines.push({ name: `http_requests_${label}_referral_${op}`, value: r.ops[op] ?? 0, unit: 'requests' });
      }
      lines.push({ name: `http_requests_${label}_referral_total`, value: Object.values(r.ops).reduce((a, b) => a + b, 0), unit: 'requests' });
    }
    return lines;
  } finally {
    await sim.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchClient()) console.log(JSON.stringify(line));
}
