// A011 / A021 create rules, A016 send-to-triage, A005 read-back (incl. _history) over real HTTP.

import { describe, expect, it } from 'vitest';
import {
  ADAMS_RC_R68,
  BAKER_RCA,
  CARDIO_HF,
  COOK_SPC,
  P,
  USER_IDS,
  c,
  createBody,
  createReferral,
  expectOutcome,
  fixture,
  platformHeaders,
  platformPost,
  useSimulator,
} from './helpers';

const NOW = '2026-03-02T10:00:00.000Z';
const sim = useSimulator({ now: () => new Date(NOW) });

const A011 = '/ReferralRequest/$ers.createReferral';
const A021 = '/ReferralRequest/$ers.createReferralAndSendForTriage';

function ext(body: any, suffix: string) {
  return body.extension.find((e: any) => e.url.endsWith(suffix));
}

describe('A011 create referral', () => {
  it('creates a 12-digit UBRN at version 3 with ETag = meta.versionId and the documented shape', async () => {
    const { ubrn, etag, body } = await createReferral(sim, ['11002', '51002']);
    expect(ubrn).toMatch(/^\d{12}$/);
    expect(ubrn).toBe('000000070002'); // 070000/070001 are the seeded example referrals
    expect(body.meta.versionId).toBe('3');
    expect(etag).toBe('W/"3"');
    expect(body.contained.map((x: any) => x.id)).toEqual(['serviceSearchCriteria', 'shortlist']);
    const crit = body.contained[0];
    expect(crit.parameter.find((p: any) => p.name === 'specialty').valueCoding.system).toBe(sim.specialtySystem.platform);
    expect(crit.parameter.at(-1)).toEqual({
      name: 'commissioningProvisioning',
      valueCoding: { system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-CommissioningProvisioning-1', code: 'ALL_AVAILABLE_FOR_BOOKING' },
    });
    expect(body.contained[1].entry.map((e: any) => e.item.display)).toEqual(['Good Cardiology Business Service', 'Good Cardiology Triage Service']);
    expect(ext(body, 'ReferralState-1').extension[0].valueCoding.code).toBe('NOT_BOOKED');
    expect(ext(body, 'Commissioning-Rule-Org-1').valueIdentifier.value).toBe('R68');
    expect(body.supportingInfo).toEqual([]);
    const second = await createReferral(sim);
    expect(second.ubrn).toBe('000000070003');
  });

  it('eReferralPathwayStart: accepted when in the last 365 days, otherwise INAPPROPRIATE_VALUE (the 2024 example is now too old)', async () => {
    const good = await platformPost(
      sim,
      ADAMS_RC_R68,
      A011,
      createBody({ services: ['11002'], criteria: CARDIO_HF, pathwayStart: '2026-01-05T09:00:00.000Z' }),
    );
    expect(good.status).toBe(201);
    expect(ext(await good.json(), 'eReferralPathwayStart-1').valueInstant).toBe('2026-01-05T09:00:00.000Z');
    await expectOutcome(await platformPost(sim, ADAMS_RC_R68, A011, fixture('platform/A011_request_MinimalRequest.json')), 422, 'INAPPROPRIATE_VALUE');
    await expectOutcome(
      await platformPost(sim, ADAMS_RC_R68, A011, createBody({ services: ['11002'], criteria: CARDIO_HF, pathwayStart: '2026-04-01T00:00:00Z' })),
      422,
      'INAPPROPRIATE_VALUE',
    );
    await expectOutcome(
      await platformPost(sim, ADAMS_RC_R68, A011, createBody({ services: ['11002'], criteria: CARDIO_HF, pathwayStart: 'yesterday' })),
      422,
      'INVALID_VALUE',
    );
  });

  const cases: [string, object, string, string?][] = [
    ['empty shortlist', createBody({ services: [], criteria: CARDIO_HF }), 'MISSING_VALUE'],
    ['21 services', createBody({ services: Array.from({ length: 21 }, (_, i) => String(12000 + i)), criteria: CARDIO_HF }), 'TOO_MANY_ITEMS'],
    ['duplicate service', createBody({ services: ['11002', '11002'], criteria: CARDIO_HF }), 'DUPLICATE_SERVICE', 'entry[1]'],
    ['unknown service', createBody({ services: ['99999'], criteria: CARDIO_HF }), 'REFERENCE_NOT_FOUND'],
    ['service outside the criteria', createBody({ services: ['11002', '90636'], criteria: CARDIO_HF }), 'SHORTLISTED_SERVICE_NOT_IN_RESULTS', 'entry[1]'],
    ['A&G-only criteria mismatch (wrong clinic type)', createBody({ services: ['11030'], criteria: CARDIO_HF }), 'SHORTLISTED_SERVICE_NOT_IN_RESULTS'],
    [
      'NOT_INTENDING_TO_ADD with a letter-required service',
      createBody({ services: ['11002'], criteria: CARDIO_HF, intention: 'NOT_INTENDING_TO_ADD' }),
      'INAPPROPRIATE_VALUE',
      'intentionToAddReferralLetter',
    ],
    [
      'NOT_INTENDING_TO_ADD with a triage service',
      createBody({ services: ['11008', '51002'], criteria: CARDIO_HF, intention: 'NOT_INTENDING_TO_ADD' }),
      'INAPPROPRIATE_VALUE',
    ],
    [
      'obsolete contentSensitive',
      createBody({ services: ['11002'], criteria: CARDIO_HF, extra: [{ name: 'contentSensitive', valueBoolean: false }] }),
      'UNEXPECTED_FIELD',
      'contentSensitive',
    ],
    ['patient without GP', createBody({ patient: '9612345678', services: ['11002'], criteria: CARDIO_HF }), 'NO_REG_GP_PRACTICE'],
    ['patient with PDS problem', createBody({ patient: '9456789012', services: ['11002'], criteria: CARDIO_HF }), 'PATIENT_ERROR'],
    ['unknown patient', createBody({ patient: '9999999999', services: ['11002'], criteria: CARDIO_HF }), 'REFERENCE_NOT_FOUND'],
    ['referringClinician from an RC', createBody({ services: ['11002'], criteria: CARDIO_HF, referringClinician: USER_IDS.adams }), 'FIELD_NOT_PERMITTED'],
    ['invalid criteria inside the shortlist', createBody({ services: ['11002'], criteria: [c.priority('URGENT'), c.ageGender(true)] }), 'VALUE_IS_REQUIRED'],
  ];
  it.each(cases)('%s', async (_n, body, code, fragment) => {
    const d = await expectOutcome(await platformPost(sim, ADAMS_RC_R68, A011, body), 422, code);
    if (fragment) expect(d).toContain(fragment);
    expect(sim.referrals()).toHaveLength(2); // nothing was created
  });

  it('RCA must name the referring clinician (VALUE_IS_REQUIRED), RCA with Adams succeeds', async () => {
    await expectOutcome(await platformPost(sim, BAKER_RCA, A011, createBody({ services: ['11002'], criteria: CARDIO_HF })), 422, 'VALUE_IS_REQUIRED');
    const { body } = await createReferral(sim, ['11002'], BAKER_RCA);
    expect(body.id).toMatch(/^\d{12}$/);
    expect(sim.referrals().at(-1)!.createdBy).toEqual({ userId: USER_IDS.baker, ods: 'B86001', businessFunction: 'REFERRING_CLINICIAN_ADMIN' });
  });

  it('the extension reference must point at the contained criteria', async () => {
    const body: any = createBody({ services: ['11002'], criteria: CARDIO_HF });
    body.parameter.at(-1).resource.extension[0].valueReference.reference = '#other';
    await expectOutcome(await platformPost(sim, ADAMS_RC_R68, A011, body), 422, 'INVALID_VALUE');
  });

  it('403 for a provider-only user (Cook)', async () => {
    await expectOutcome(await platformPost(sim, COOK_SPC, A011, createBody({ services: ['11002'], criteria: CARDIO_HF })), 403, 'FORBIDDEN');
  });
});

describe('A021 create and send for triage', () => {
  const triage = (o: Partial<Parameters<typeof createBody>[0]> = {}) => createBody({ services: ['11004'], criteria: CARDIO_HF, triage: true, ...o });

  it('creates an AWAITING_TRIAGE referral with a contained proposed Appointment', async () => {
    const res = await platformPost(sim, ADAMS_RC_R68, A021, triage());
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(res.headers.get('etag')).toBe(`W/"${body.meta.versionId}"`);
    const state = ext(body, 'ReferralState-1').extension;
    expect(state.map((x: any) => x.valueCoding.code)).toEqual(['AWAITING_TRIAGE', 'TRIAGE']);
    const appt = body.contained.find((x: any) => x.id === 'appointment');
    expect(appt).toMatchObject({ resourceType: 'Appointment', status: 'proposed', incomingReferral: [{ reference: `ReferralRequest/${body.id}/_history/3` }] });
    expect(ext(body, 'Appointment-1').valueReference.reference).toBe('#appointment');
    expect(ext(body, 'Appointment-Reference-1').valueReference.reference).toMatch(/^Appointment\/\d+$/);
  });

  it.each([
    ['two services', triage({ services: ['11004', '51002'] }), 'TOO_MANY_ITEMS'],
    ['a bookable service', triage({ services: ['11002'] }), 'INAPPROPRIATE_VALUE'],
    ['NOT_INTENDING_TO_ADD', triage({ intention: 'NOT_INTENDING_TO_ADD' }), 'INAPPROPRIATE_VALUE'],
    ['reminder days ≠ 0', triage({ reminder: 5 }), 'INAPPROPRIATE_VALUE'],
    ['eReferralPathwayStart (not an A021 parameter)', triage({ pathwayStart: '2026-01-05T09:00:00.000Z' }), 'UNEXPECTED_FIELD'],
  ] as [string, object, string][])('rejects %s', async (_n, body, code) => {
    await expectOutcome(await platformPost(sim, ADAMS_RC_R68, A021, body), 422, code);
  });
});

describe('A016 send to triage (platform RAS route)', () => {
  const appointment = (ubrn: string, version: number | string, service = '51002', patient = '9912003888') => ({
    ...fixture('platform/A016_request_TriageDeferral.json'),
    incomingReferral: [{ reference: `ReferralRequest/${ubrn}/_history/${version}` }],
    participant: [
      { actor: { identifier: { system: 'http://fhir.nhs.net/Id/ers-service', value: service } }, status: 'accepted' },
      { actor: { identifier: { system: 'http://fhir.nhs.net/Id/nhs-number', value: patient } }, status: 'accepted' },
    ],
  });

  it('moves a mixed-shortlist referral to AWAITING_TRIAGE, bumps the version, 409 on the stale version', async () => {
    const { ubrn } = await createReferral(sim, ['11002', '51002']);
    const res = await platformPost(sim, ADAMS_RC_R68, '/Appointment', appointment(ubrn, 3));
    const appt = await res.json();
    expect(res.status, JSON.stringify(appt)).toBe(201);
    expect(appt).toMatchObject({
      resourceType: 'Appointment',
      status: 'proposed',
      reason: [{ coding: [{ code: 'TRIAGE' }] }],
      incomingReferral: [{ reference: `ReferralRequest/${ubrn}/_history/4` }],
    });
    const read = await (await fetch(`${sim.url}${P}/ReferralRequest/${ubrn}`, { headers: platformHeaders(sim, ADAMS_RC_R68) })).json();
    expect(read.meta.versionId).toBe('4');
    expect(ext(read, 'ReferralState-1').extension[0].valueCoding.code).toBe('AWAITING_TRIAGE');
    await expectOutcome(await platformPost(sim, ADAMS_RC_R68, '/Appointment', appointment(ubrn, 3)), 409, 'VERSION_CONFLICT');
    await expectOutcome(await platformPost(sim, ADAMS_RC_R68, '/Appointment', appointment(ubrn, 4)), 422, 'INVALID_REQUEST_STATE');
  });

  it('rejects services not on the shortlist or not triage, wrong patient, unknown referral, bookings', async () => {
    const { ubrn } = await createReferral(sim, ['11002', '51002']);
    await expectOutcome(await platformPost(sim, ADAMS_RC_R68, '/Appointment', appointment(ubrn, 3, '11004')), 422, 'INAPPROPRIATE_VALUE');
    await expectOutcome(await platformPost(sim, ADAMS_RC_R68, '/Appointment', appointment(ubrn, 3, '11002')), 422, 'INAPPROPRIATE_VALUE');
    await expectOutcome(await platformPost(sim, ADAMS_RC_R68, '/Appointment', appointment(ubrn, 3, '51002', '9434765919')), 422, 'CONFLICTING_VALUES');
    await expectOutcome(await platformPost(sim, ADAMS_RC_R68, '/Appointment', appointment('000000099999', 3)), 422, 'REFERENCE_NOT_FOUND');
    await expectOutcome(await platformPost(sim, ADAMS_RC_R68, '/Appointment', { ...appointment(ubrn, 3), status: 'booked' }), 422, 'INAPPROPRIATE_VALUE');
    // another organisation has no relationship with the referral
    await expectOutcome(await platformPost(sim, { ...ADAMS_RC_R68, ods: 'B86001' }, '/Appointment', appointment(ubrn, 3)), 422, 'NO_RELATIONSHIP');
  });
});

describe('A005 read-back', () => {
  it('returns the current version with ETag and earlier versions via _history (platform)', async () => {
    const h = platformHeaders(sim, ADAMS_RC_R68);
    const cur = await fetch(`${sim.url}${P}/ReferralRequest/000000070000`, { headers: h });
    const body = await cur.json();
    expect(cur.status).toBe(200);
    expect(cur.headers.get('etag')).toBe('W/"5"');
    expect(body.meta.versionId).toBe('5');
    expect(body.supportingInfo).toEqual([{ reference: '#DocumentReference-80000' }]);
    const v3 = await (await fetch(`${sim.url}${P}/ReferralRequest/000000070000/_history/3`, { headers: h })).json();
    expect(v3.meta.versionId).toBe('3');
    expect(v3.supportingInfo).toEqual([]);
    await expectOutcome(await fetch(`${sim.url}${P}/ReferralRequest/000000070000/_history/9`, { headers: h }), 404, 'REFERENCE_NOT_FOUND');
    await expectOutcome(await fetch(`${sim.url}${P}/ReferralRequest/000000012345`, { headers: h }), 404, 'REFERENCE_NOT_FOUND');
  });

  it('a provider whose service is shortlisted may read it; an unrelated referrer may not', async () => {
    expect((await fetch(`${sim.url}${P}/ReferralRequest/000000070000`, { headers: platformHeaders(sim, COOK_SPC) })).status).toBe(200);
    await expectOutcome(await fetch(`${sim.url}${P}/ReferralRequest/000000070000`, { headers: platformHeaders(sim, BAKER_RCA) }), 422, 'NO_RELATIONSHIP');
  });
});
