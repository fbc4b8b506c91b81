// The A&G send machine against the real simulator through the real client: at most one A044 per
// record whatever goes wrong (a gateway answering badly after e-RS processed it, a crash mid-send,
// a second Send), a proven refusal goes back to the user, and a lost answer is resolved only by
// reading back (or by the user's explicit "it was not created").
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from 'ers-simulator';
import { USER_IDS } from 'ers-simulator/users';
import { ErsClient } from '../../utils/ers';
import { createAdvice, getAdvice } from '../../utils/ers/advice';
import type { AdviceRecord, AdviceStore } from '../../utils/advice/model';
import { resolveAdvice, sendAdvice, type SendContext } from '../../utils/advice/send';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 3 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const NHS = '9434765919';

function memoryStore(): AdviceStore & { records: Map<string, AdviceRecord>; files: Map<string, Blob> } {
  const records = new Map<string, AdviceRecord>();
  const files = new Map<string, Blob>();
  return {
    records,
    files,
    get: async (id) => structuredClone(records.get(id)),
    put: async (r) => void records.set(r.id, structuredClone(r)),
    list: async (owner) => [...records.values()].filter((r) => r.owner === owner),
    getFile: async (key) => files.get(key),
  };
}

async function setup(businessFunction = 'REFERRING_CLINICIAN', user: string = USER_IDS.adams) {
  const token = sim.issueToken(user);
  const client = new ErsClient({
    flavour: 'platform',
    baseUrl: `${sim.url}/referrals/FHIR`,
    credentials: () => ({ accessToken: token, businessFunction, ods: 'B86001' }),
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
  });
  const found = await client.searchServices({
    nhsNumber: NHS,
    requestType: 'ADVICE_AND_GUIDANCE_REQUEST',
    referringClinician: businessFunction === 'REFERRING_CLINICIAN_ADMIN' ? USER_IDS.adams : undefined,
    criteria: { priority: 'ROUTINE', specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true },
  });
  const store = memoryStore();
  const record: AdviceRecord = {
    id: 'adv-1',
    owner: `${USER_IDS.adams}@B86001`,
    patient: { nhsNumber: NHS, displayName: 'JONES, Sarah (Mrs)' },
    service: { id: found.services[0].id, name: found.services[0].name },
    criteria: found.criteria,
    request: 'Murmur on auscultation; is an echo needed first?',
    files: [],
    conversion: 'NOT_AUTHORISED_TO_CONVERT',
    phase: 'ready',
    createdAt: 1,
    updatedAt: 1,
  };
  await store.put(record);
  const ctx: SendContext = {
    store,
    businessFunction,
    api: {
      uploadFile: (input) => client.uploadFile(input),
      createAdvice: (input, role) => createAdvice(client, input, role),
      getAdvice: (ubrn) => getAdvice(client, ubrn),
    },
  };
  return { client, store, record, ctx };
}

const adviceOnSim = async () => (await (await fetch(`${sim.url}/_admin/advice`)).json()).advice as { ubrn: string }[];

describe('sending an A&G request at most once', () => {
  it('sends once, uploads the attached file first, and a second Send does nothing', async () => {
    const { store, ctx } = await setup();
    store.files.set('f1', new Blob(['ECG result'], { type: 'text/plain' }));
    await store.put({ ...(await store.get('adv-1'))!, files: [{ key: 'f1', name: 'ecg.txt', contentType: 'text/plain', size: 10 }] });
    const sent = await sendAdvice(ctx, 'adv-1');
    expect(sent).toMatchObject({ phase: 'sent', tracking: { status: 'PROVIDER_RESPONSE_REQUIRED', version: '1' } });
    expect(sent.files[0].binaryUrl).toMatch(/^Binary\//);
    await sendAdvice(ctx, 'adv-1');
    expect(await adviceOnSim()).toHaveLength(1);
    expect(sim.binaries().find((b) => `Binary/${b.id}` === sent.files[0].binaryUrl)?.linkedUbrn).toBe(sent.ubrn);
  });

  it('a gateway 502 after e-RS created it: outcome unknown, never re-sent, the user is asked to check the web app', async () => {
    const { ctx } = await setup();
    sim.injectFault({ route: 'A044', kind: 'gateway', status: 502, count: 1 });
    const first = await sendAdvice(ctx, 'adv-1');
    expect(first.phase).toBe('outcome-unknown');
    expect(await adviceOnSim()).toHaveLength(1);
    expect(await sendAdvice(ctx, 'adv-1')).toMatchObject({ phase: 'outcome-unknown' });
    const resolution = await resolveAdvice(ctx, 'adv-1');
    expect(resolution.kind).toBe('check-web-app');
    expect(await adviceOnSim()).toHaveLength(1);
  });

  it('found mid-send after a crash: outcome unknown, not sent again', async () => {
    const { store, ctx } = await setup();
    await store.put({ ...(await store.get('adv-1'))!, phase: 'creating', sendStartedAt: 1 });
    expect(await sendAdvice(ctx, 'adv-1')).toMatchObject({ phase: 'outcome-unknown' });
    expect(await adviceOnSim()).toHaveLength(0);
  });

  it('a UBRN the lost answer carried is adopted only when A024 shows this patient’s request', async () => {
    const { client, store, ctx, record } = await setup();
    const real = await createAdvice(
      client,
      { nhsNumber: NHS, conversion: 'NOT_AUTHORISED_TO_CONVERT', criteria: record.criteria!, serviceIds: [record.service!.id], request: 'q' },
      {},
    );
    await store.put({ ...record, phase: 'outcome-unknown', candidateUbrn: real.ubrn });
    const adopted = await resolveAdvice(ctx, 'adv-1');
    expect(adopted).toMatchObject({ kind: 'adopted', record: { phase: 'sent', ubrn: real.ubrn } });

    await store.put({ ...record, phase: 'outcome-unknown', candidateUbrn: real.ubrn, patient: { nhsNumber: '9912003888', displayName: 'SMITH, John' } });
    expect((await resolveAdvice(ctx, 'adv-1')).kind).toBe('check-web-app');
  });

  it('sending again after a lost answer needs the user’s explicit confirmation', async () => {
    const { store, ctx, record } = await setup();
    await store.put({ ...record, phase: 'outcome-unknown' });
    expect((await resolveAdvice(ctx, 'adv-1')).kind).toBe('check-web-app');
    expect((await resolveAdvice(ctx, 'adv-1', { confirmNotCreated: true })).kind).toBe('ready-to-send');
    expect(await sendAdvice(ctx, 'adv-1')).toMatchObject({ phase: 'sent' });
    expect(await adviceOnSim()).toHaveLength(1);
  });

  it('a proven refusal goes back to the user with e-RS’s reason (an admin who named no clinician)', async () => {
    const { ctx } = await setup('REFERRING_CLINICIAN_ADMIN', USER_IDS.baker);
    const refused = await sendAdvice(ctx, 'adv-1');
    expect(refused.phase).toBe('ready');
    expect(refused.error).toMatchObject({ code: 'VALUE_IS_REQUIRED', kind: 'rule' });
    expect(refused.error?.message).toMatch(/name the referring clinician/);
    expect(await adviceOnSim()).toHaveLength(0);
  });
});
