// Benchmarks for tracking referrals: A008 requests per list in one signed-in hour at the default
// refresh interval, against a local simulator, with the real client and refresh policy
// (utils/tracking/refresh.ts). Everything that would ask for a refresh asks: sign-in at the start, an
// alarm every minute, the panel opened every five minutes. Prints JSON lines.
import { startSimulator, USER_IDS } from 'ers-simulator';
import { ErsClient, REFERRER_WORKLISTS, type RequestEvent } from '../utils/ers';
import { refreshDue, refreshMinutes, stateFor } from '../utils/tracking/refresh';
import type { BenchLine } from './bench-content';

export async function benchTracking(): Promise<BenchLine[]> {
  const sim = await startSimulator({ port: 0, seed: 1 });
  const events: (RequestEvent & { list?: string })[] = [];
  try {
    const token = sim.issueToken(USER_IDS.adams, { lifetimeSeconds: 7200 });
    let current: string | undefined;
    const client = new ErsClient({
      flavour: 'platform',
      baseUrl: `${sim.url}/referrals/FHIR`,
      credentials: () => ({ accessToken: token, businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001' }),
      onRequest: (e) => events.push({ ...e, list: current }),
    });
    const counting = { fetchWorklist: (list: (typeof REFERRER_WORKLISTS)[number]) => ((current = list), client.fetchWorklist(list)) };
    const interval = refreshMinutes(undefined);
    let t = Date.parse('2026-12-01T09:00:00Z');
    let state = stateFor(undefined, { userId: USER_IDS.adams, ods: 'B86001' });
    const ask = async () => {
      state = await refreshDue(counting, state, { now: () => t, intervalMinutes: interval, save: () => undefined });
    };
    await ask(); // sign-in
    for (let minute = 0; minute < 60; minute++, t += 60_000) {
      await ask(); // the alarm
      if (minute % 5 === 0) await ask(); // the panel opened
    }
    const perList = REFERRER_WORKLISTS.map((l) => events.filter((e) => e.operation === 'A008' && e.list === l).length);
    return [{ name: 'worklist_requests_per_hour', value: Math.max(...perList), unit: `A008 requests per list (default ${interval} min)` }];
  } finally {
    await sim.close();
  }
}
