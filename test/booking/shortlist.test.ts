// Changing a created referral's services (A031) from the panel, against the real simulator through
// the real client: sent once; a lost answer after e-RS changed it is found by reading back (no second
// A031); a failure before e-RS acted reads back "not changed"; a choice not from the search shown, or
// a triage service, is never sent. And the booking step of a referral opened from the Referrals view.
import { USER_IDS } from 'ers-simulator';
import { beforeEach, describe, expect, it } from 'vitest';
import { CHANGED_AFTER_ALL, changeShortlistOnce, chooseServices, holdsServices } from '../../utils/booking/shortlist';
import { trackedBookingStep } from '../../utils/booking/step';
import { ErsClient, type RequestEvent, type SearchResult } from '../../utils/ers';
import { simulatorForFile } from '../helpers/simulator-suite';

const sim = simulatorForFile(1);

let calls: RequestEvent[];
let client: ErsClient;
beforeEach(() => {
  calls = [];
  const token = sim().issueToken(USER_IDS.adams);
  client = new ErsClient({
    flavour: 'platform',
    baseUrl: `${sim().url}/referrals/FHIR`,
    credentials: () => ({ accessToken: token, businessFunction: 'REFERRING_CLINICIAN', ods: 'R68' }),
    retry: { baseDelayMs: 5, limit: 1 },
    onRequest: (e) => calls.push(e),
  });
});

const UBRN = '000000070001'; // seeded: ROUTINE, shortlist 11002 (directly bookable), commissioned by R69
const count = (op: string) => calls.filter((c) => c.operation === op).length;

/** The search the panel shows: for the patient and commissioning organisation e-RS holds. */
async function searchFor(ubrn: string): Promise<{ found: SearchResult; others: SearchResult['services'] }> {
  const referral = await client.getReferral(ubrn);
  const found = await client.searchServices({
    nhsNumber: referral.nhsNumber,
    criteria: { priority: 'ROUTINE', specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true },
    commissioningRuleOrganisation: referral.commissioningRuleOrg,
  });
  const others = found.services.filter((s) => !s.isTriage && !referral.shortlist.some((x) => x.id === s.id));
  return { found, others };
}

describe('change the services (A031) once', () => {
  it('changes them, and the referral now holds exactly the services chosen', async () => {
    const { found, others } = await searchFor(UBRN);
    const chosen = chooseServices(found, [others[0]!.id]);
    expect(Array.isArray(chosen)).toBe(true);
    const before = await client.getReferral(UBRN);
    const result = await changeShortlistOnce(client, before, found, chosen as SearchResult['services']);
    expect(result).toMatchObject({ outcome: 'changed' });
    const now = await client.getReferral(UBRN);
    expect(holdsServices(now, [others[0]!.id])).toBe(true);
    expect(count('A031')).toBe(1);
  });

  it('a lost answer after e-RS changed them is found by reading back, never sent again', async () => {
    const { found, others } = await searchFor(UBRN);
    const before = await client.getReferral(UBRN);
    sim().injectFault({ route: 'A031', kind: 'drop' });
    const result = await changeShortlistOnce(client, before, found, [others[0]!]);
    expect(result).toMatchObject({ outcome: 'changed', notice: CHANGED_AFTER_ALL });
    expect(count('A031')).toBe(1);
  });

  it('a failure before e-RS acted reads back "not changed"; e-RS unreadable is "unknown"; nothing is sent twice', async () => {
    const { found, others } = await searchFor(UBRN);
    const before = await client.getReferral(UBRN);
    sim().injectFault({ route: 'A031', kind: 'status', status: 503, count: 1 });
    expect(await changeShortlistOnce(client, before, found, [others[0]!])).toMatchObject({ outcome: 'not-changed' });
    expect(count('A031')).toBe(1);
    sim().injectFault({ route: 'A031', kind: 'status', status: 503, count: 1 });
    sim().injectFault({ route: 'A005', kind: 'status', status: 500, count: 10 });
    expect(await changeShortlistOnce(client, before, found, [others[0]!])).toMatchObject({ outcome: 'unknown' });
    expect(count('A031')).toBe(2);
    sim().clearFaults();
    expect(holdsServices(await client.getReferral(UBRN), ['11002'])).toBe(true);
  });
});

describe('choosing the new services', () => {
  const found = {
    criteria: {} as SearchResult['criteria'],
    services: [
      { id: '1', isTriage: false },
      { id: '2', isTriage: true },
    ] as SearchResult['services'],
  };
  it('only from the search shown, never twice, never a triage service', () => {
    expect(chooseServices(undefined, ['1'])).toMatch(/Search for the services again/);
    expect(chooseServices(found, [])).toMatch(/at least one/);
    expect(chooseServices(found, ['1', '1'])).toMatch(/twice/);
    expect(chooseServices(found, ['9'])).toMatch(/not in the search results/);
    expect(chooseServices(found, ['2'])).toMatch(/triage/);
    expect(chooseServices(found, ['1'])).toEqual([found.services[0]]);
  });
});

describe('booking step of a referral opened from the Referrals view', () => {
  const dbs = { id: 'd', name: 'DBS clinic', kind: 'DBS' as const, contacts: [] };
  const ibs = { id: 'i', name: 'IBS clinic', kind: 'IBS' as const, contacts: [{ value: '0113 000 0000' }] };
  it('books the first directly bookable service in shortlist order, else the patient phones, and nothing outside a bookable state', () => {
    expect(trackedBookingStep('NOT_BOOKED', [{ id: 'i' }, { id: 'd' }], [dbs, ibs])).toEqual({ kind: 'book', serviceId: 'd', serviceName: 'DBS clinic' });
    expect(trackedBookingStep('APP_CANCELLED_BY_PATIENT', [{ id: 'i' }], [ibs])).toEqual({
      kind: 'patient-phones',
      serviceName: 'IBS clinic',
      phone: '0113 000 0000',
    });
    expect(trackedBookingStep('REJECTED', [{ id: 'd' }], [dbs])).toEqual({ kind: 'none' });
    expect(trackedBookingStep('BOOKED', [{ id: 'd' }], [dbs])).toEqual({ kind: 'none' });
    expect(trackedBookingStep('NOT_BOOKED', [{ id: 'x' }], [dbs])).toEqual({ kind: 'none' });
  });
});
