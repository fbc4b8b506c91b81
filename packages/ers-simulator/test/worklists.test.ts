// A008 referrer worklists over real HTTP, derived from the simulator's state: a referral with its
// letter promised later is in LETTERS_OUTSTANDING until a letter is linked; AWAITING_BOOKING holds the
// unbooked and awaiting-triage ones; the lists cover the caller's organisation only.
import { describe, expect, it } from 'vitest';
import { ErsClient, buildFetchWorklist, type Flavour } from '../../../utils/ers/index';
import { ADAMS_RC_R68, TEST_SMARTCARDS, attachTextLetter, USER_IDS, expectOutcome, platformPost, platformClient, useSimulator } from './helpers';

const sim = useSimulator({ seed: 3 });

const NHS = '9434765919';

async function clientFor(flavour: Flavour, ods = 'B86001'): Promise<ErsClient> {
  if (flavour === 'platform') return platformClient(sim, { ods });
  const creds: { sessionKey?: string } = {};
  const client = new ErsClient({ flavour, baseUrl: `${sim.url}/ers-api`, asid: '200000000001', credentials: () => creds });
  const session = await client.createSession(TEST_SMARTCARDS.adams);
  creds.sessionKey = (await client.selectRole(session, { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: ods })).id;
  return client;
}

async function create(client: ErsClient, triage = false) {
  const found = await client.searchServices({ nhsNumber: NHS, criteria: { priority: 'URGENT', specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true } });
  const service = found.services.find((s) => s.isTriage === triage)!;
  return triage && client.flavour === 'legacy'
    ? client.createReferralAndSendForTriage({ nhsNumber: NHS, criteria: found.criteria, shortlist: [service] })
    : client.createReferral({ nhsNumber: NHS, criteria: found.criteria, shortlist: [service], letterIntention: 'NEED_TO_ADD_LATER' });
}

describe('A008 referrer worklists', () => {
  it.each(['platform', 'legacy'] as const)('%s: a new referral is outstanding until its letter is linked, and awaits booking', async (flavour) => {
    const client = await clientFor(flavour);
    const before = Date.now();
    const referral = await create(client);
    const [outstanding] = (await client.fetchWorklist('LETTERS_OUTSTANDING')).filter((i) => i.ubrn === referral.ubrn);
    expect(outstanding).toMatchObject({ ubrn: referral.ubrn, nhsNumber: NHS, priority: 'URGENT', referrer: USER_IDS.adams, clinicalContext: 'CARDIOLOGY' });
    expect(Date.parse(outstanding.created!)).toBeGreaterThanOrEqual(before - 1000);
    expect(outstanding.letterDue).toBe(outstanding.created!.slice(0, 10));
    expect((await client.fetchWorklist('AWAITING_BOOKING')).find((i) => i.ubrn === referral.ubrn)).toMatchObject({ status: 'NOT_BOOKED' });

    await attachTextLetter(client, referral, 'Referral letter');
    expect((await client.fetchWorklist('LETTERS_OUTSTANDING')).map((i) => i.ubrn)).not.toContain(referral.ubrn);
    expect((await client.fetchWorklist('REJECTED_TRIAGE_RESPONSE')).map((i) => i.ubrn)).not.toContain(referral.ubrn);
    expect(await client.fetchWorklist('ASSESSMENT_RETURNED_CANCELLED_DNA')).toEqual([]);
  });

  it('legacy: a referral sent for triage (A021, letter always promised later) is outstanding and awaiting triage', async () => {
    const client = await clientFor('legacy');
    const referral = await create(client, true);
    expect((await client.fetchWorklist('LETTERS_OUTSTANDING')).map((i) => i.ubrn)).toContain(referral.ubrn);
    expect((await client.fetchWorklist('AWAITING_BOOKING')).find((i) => i.ubrn === referral.ubrn)).toMatchObject({ status: 'AWAITING_TRIAGE' });
  });

  it("covers only the caller's organisation", async () => {
    const referral = await create(await clientFor('platform', 'B86001'));
    const other = await clientFor('platform', 'R68');
    expect((await other.fetchWorklist('LETTERS_OUTSTANDING')).map((i) => i.ubrn)).not.toContain(referral.ubrn);
  });

  it('refuses filters on a referrer list and unknown list types, with e-RS codes', async () => {
    const body = buildFetchWorklist('LETTERS_OUTSTANDING');
    const filtered = { ...body, parameter: [...body.parameter, { name: 'specialty', valueCoding: { system: 'x', code: 'CARDIOLOGY' } }] };
    await expectOutcome(await platformPost(sim, ADAMS_RC_R68, '/ReferralRequest/$ers.fetchworklist', filtered), 422, 'UNEXPECTED_FIELD');
    const provider = JSON.parse(JSON.stringify(body).replace('LETTERS_OUTSTANDING', 'REFERRALS_FOR_REVIEW'));
    await expectOutcome(await platformPost(sim, ADAMS_RC_R68, '/ReferralRequest/$ers.fetchworklist', provider), 422, 'INVALID_CODE');
    const ok = await platformPost(sim, ADAMS_RC_R68, '/ReferralRequest/$ers.fetchworklist', body);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBeNull();
  });
});
