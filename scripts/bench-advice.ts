// Safety figures for Advice and Guidance sends: each send through the at-most-once machine
// (utils/advice/send.ts) with every fault a gateway can cause after e-RS processed the A044, then
// "Send" pressed again. Counts requests e-RS ended up with per intended request (duplicates must be
// 0) and sends left unresolved with nobody told (must be 0). Prints JSON lines.
import { startSimulator, USER_IDS } from 'ers-simulator';
import type { FaultSpec } from 'ers-simulator';
import type { AdviceRecord, AdviceStore } from '../utils/advice/model';
import { resolveAdvice, sendAdvice } from '../utils/advice/send';
import { ErsClient } from '../utils/ers';
import { createAdvice, getAdvice } from '../utils/ers/advice';
import type { BenchLine } from './bench-content';

const FAULTS: (FaultSpec | undefined)[] = [
  undefined,
  { route: 'A044', kind: 'gateway', status: 502, count: 1 },
  { route: 'A044', kind: 'gateway', status: 504, count: 1 },
  { route: 'A044', kind: 'html', count: 1 },
  { route: 'A044', kind: 'drop', count: 1 },
  { route: 'A044', kind: 'status', status: 503, count: 1 },
];

export async function benchAdvice(): Promise<BenchLine[]> {
  const sim = await startSimulator({ port: 0, seed: 1 });
  let duplicates = 0;
  let silent = 0;
  try {
    for (const fault of FAULTS) {
      sim.reset();
      const token = sim.issueToken(USER_IDS.adams, { lifetimeSeconds: 3600 });
      const client = new ErsClient({
        flavour: 'platform',
        baseUrl: `${sim.url}/referrals/FHIR`,
        credentials: () => ({ accessToken: token, businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001' }),
        retry: { baseDelayMs: 5, maxDelayMs: 20 },
      });
      const found = await client.searchServices({
        nhsNumber: '9434765919',
        requestType: 'ADVICE_AND_GUIDANCE_REQUEST',
        criteria: { priority: 'ROUTINE', specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true },
      });
      const records = new Map<string, AdviceRecord>();
      const store: AdviceStore = {
        get: async (id) => structuredClone(records.get(id)),
        put: async (r) => void records.set(r.id, structuredClone(r)),
        list: async (owner) => [...records.values()].filter((r) => r.owner === owner),
        getFile: async () => undefined,
      };
      await store.put({
        id: 'bench',
        owner: 'bench@B86001',
        patient: { nhsNumber: '9434765919', displayName: 'JONES, Sarah' },
        service: { id: found.services[0].id, name: found.services[0].name },
        criteria: found.criteria,
        request: 'Benchmark question.',
        files: [],
        conversion: 'NOT_AUTHORISED_TO_CONVERT',
        phase: 'ready',
        createdAt: 0,
        updatedAt: 0,
      });
      const ctx = {
        store,
        businessFunction: 'REFERRING_CLINICIAN',
        api: {
          uploadFile: (i: { fileName: string; contentType: string; bytes: Blob }) => client.uploadFile(i),
          createAdvice: (i: Parameters<typeof createAdvice>[1], role: { businessFunction?: string }) => createAdvice(client, i, role),
          getAdvice: (ubrn: string) => getAdvice(client, ubrn),
        },
      };
      if (fault) sim.injectFault(fault);
      const first = await sendAdvice(ctx, 'bench');
      await sendAdvice(ctx, 'bench'); // the user presses Send again
      const resolution = first.phase === 'outcome-unknown' ? await resolveAdvice(ctx, 'bench') : undefined;
      const onErs = ((await (await fetch(`${sim.url}/_admin/advice`)).json()) as { advice: unknown[] }).advice.length;
      if (onErs > 1) duplicates += onErs - 1;
      const final = (await store.get('bench'))!;
      // Unresolved is fine only when the user is told what to do (check the web app, or e-RS's reason).
      if (final.phase !== 'sent' && !final.error && resolution?.kind !== 'check-web-app') silent++;
    }
  } finally {
    await sim.close();
  }
  return [
    { name: 'advice_faults_duplicate_requests', value: duplicates, unit: 'requests' },
    { name: 'advice_faults_unresolved_without_user', value: silent, unit: 'sends' },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchAdvice()) console.log(JSON.stringify(line));
}
