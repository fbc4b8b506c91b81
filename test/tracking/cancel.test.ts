// Cancel at most once, against the simulator: a gateway error after e-RS cancelled is resolved by
// reading back (one A036 sent), a refusal is reported with e-RS's reason, a cancel that did not happen
// is reported as such.
import { startSimulator, type RunningSimulator } from 'ers-simulator';
import { USER_IDS } from 'ers-simulator/users';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cancellationReasons, ErsClient } from '../../utils/ers';
import { cancelAtMostOnce } from '../../utils/tracking/cancel';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 3 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

async function setup() {
  const token = sim.issueToken(USER_IDS.adams);
  const calls: string[] = [];
  const client = new ErsClient({
    flavour: 'platform',
    baseUrl: `${sim.url}/referrals/FHIR`,
    credentials: () => ({ accessToken: token, businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001' }),
    retry: { limit: 0 },
    onRequest: (e) => calls.push(`${e.operation}:${e.status}`),
  });
  const found = await client.searchServices({
    nhsNumber: '9434765919',
    criteria: { priority: 'ROUTINE', specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true },
  });
  const referral = await client.createReferral({ nhsNumber: '9434765919', criteria: found.criteria, shortlist: [found.services.find((s) => !s.isTriage)!] });
  const { codeSystem } = await client.getCodeSystem('REFERRAL-CANCELLATION-REASON');
  const reason = cancellationReasons(codeSystem, { businessFunction: 'REFERRING_CLINICIAN', hasAppointment: false }).find((r) => r.code === 'RAISED_IN_ERROR')!;
  return { client, calls, referral, reason };
}

const fault = (spec: string) => fetch(`${sim.url}/_admin/faults`, { method: 'POST', body: JSON.stringify({ fault: spec }) });

describe('cancel at most once', () => {
  it('a gateway error after e-RS cancelled is resolved by reading back, never by sending again', async () => {
    const { client, calls, referral, reason } = await setup();
    await fault('A036=gateway504');
    const result = await cancelAtMostOnce(client, { ubrn: referral.ubrn, etag: referral.etag, reason });
    expect(result).toMatchObject({ outcome: 'cancelled', referral: { state: 'CANCELLED_REFERRAL' } });
    expect(calls.filter((c) => c.startsWith('A036'))).toEqual(['A036:504']);
  });

  it('a 503 before e-RS acted reads back "not cancelled"; a stale version is a refusal with its reason', async () => {
    const { client, calls, referral, reason } = await setup();
    await fault('A036=503x1');
    expect(await cancelAtMostOnce(client, { ubrn: referral.ubrn, etag: referral.etag, reason })).toMatchObject({ outcome: 'not-cancelled' });
    expect(calls.filter((c) => c.startsWith('A036'))).toEqual(['A036:503']);
    expect(await cancelAtMostOnce(client, { ubrn: referral.ubrn, etag: 'W/"1"', reason })).toMatchObject({ outcome: 'refused', code: 'VERSION_CONFLICT' });
  });
});
