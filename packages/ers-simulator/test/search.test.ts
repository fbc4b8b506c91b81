// A004 reference data and A010 search rules/filters over real HTTP, plus directory determinism.

import { describe, expect, it } from 'vitest';
import { buildDirectory } from '../src/directory';
import { ADAMS_RC_B86001, ADAMS_RC_R68, BAKER_RCA, P, USER_IDS, c, expectOutcome, platformHeaders, platformPost, searchBody, useSimulator } from './helpers';

const sim = useSimulator({ now: () => new Date('2026-03-02T10:00:00Z') }, { reset: false });

const SEARCH = '/HealthcareService/$ers.searchHealthcareServicesForPatient';
const ids = (list: any) => list.entry.map((e: any) => e.item.identifier.value as string);
const listItem = (e: any, url: string) => e.extension[0].extension.find((x: any) => x.url === url);
async function search(body: object, role = ADAMS_RC_R68) {
  const res = await platformPost(sim, role, SEARCH, body);
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json;
}

describe('A004 reference data', () => {
  it('SPECIALTY is rewritten to the simulator base URL, carries ETag = version, honours If-None-Match', async () => {
    const h = platformHeaders(sim, ADAMS_RC_R68);
    const res = await fetch(`${sim.url}${P}/CodeSystem/SPECIALTY`, { headers: h });
    const cs = await res.json();
    expect(cs.url).toBe(`${sim.url}/referrals/FHIR/STU3/CodeSystem/SPECIALTY`);
    expect(res.headers.get('etag')).toBe(`W/"${cs.version}"`);
    const codes = cs.concept.map((x: any) => x.code);
    expect(codes).toEqual(expect.arrayContaining(['CARDIOLOGY', 'SLEEP_MEDICINE', '2WW']));
    expect(cs.concept.find((x: any) => x.code === 'ADULT_MENTAL_ILLNESS').property).toContainEqual({
      code: 'effectiveTo',
      valueDateTime: '2008-05-09T00:00:00.000Z',
    });
    const again = await fetch(`${sim.url}${P}/CodeSystem/SPECIALTY`, { headers: { ...h, 'If-None-Match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('CLINIC-TYPE concepts point at their parent specialty with the same system URL; PRIORITY has contact days', async () => {
    const h = platformHeaders(sim, ADAMS_RC_R68);
    const ct = await (await fetch(`${sim.url}${P}/CodeSystem/CLINIC-TYPE`, { headers: h })).json();
    expect(ct.concept).toHaveLength(672);
    const hf = ct.concept.find((x: any) => x.code === 'HEART_FAILURE');
    expect(hf.property.find((p: any) => p.code === 'specialty').valueCoding).toEqual({
      system: `${sim.url}/referrals/FHIR/STU3/CodeSystem/SPECIALTY`,
      code: 'CARDIOLOGY',
    });
    const pr = await (await fetch(`${sim.url}${P}/CodeSystem/PRIORITY`, { headers: h })).json();
    expect(pr.url).toBe(`${sim.url}/referrals/FHIR/STU3/CodeSystem/PRIORITY`);
    for (const t of ['APPOINTMENT-CANCELLATION-REASON', 'REFERRAL-CANCELLATION-REASON', 'APPOINTMENT-NON-ATTENDANCE-REASON']) {
      expect((await fetch(`${sim.url}${P}/CodeSystem/${t}`, { headers: h })).status).toBe(200);
    }
    await expectOutcome(await fetch(`${sim.url}${P}/CodeSystem/NOPE`, { headers: h }), 404, 'REFERENCE_NOT_FOUND');
  });
});

describe('A010 filters and ordering', () => {
  it('accepts the A004 SPECIALTY url, the _baseUrl_ alias and the legacy dev3 URL; rejects others', async () => {
    for (const system of [
      sim.specialtySystem.platform,
      '_baseUrl_/STU3/CodeSystem/SPECIALTY',
      'https://api.dev3.ers.ncrs.nhs.uk/ers-api/STU3/v1/CodeSystem/SPECIALTY',
    ]) {
      const list = await search(
        searchBody({ criteria: [c.priority('URGENT'), c.specialty('CARDIOLOGY', system), c.clinicType('LIPID_MANAGEMENT'), c.ageGender(true)] }),
      );
      expect(ids(list)).toContain('11002');
      expect(listItem(list.entry[0], 'distance')).toBeDefined();
      expect(list.entry[0].item.extension[0].extension.find((x: any) => x.url === 'specialty').valueCodeableConcept.coding[0].system).toBe(
        sim.specialtySystem.platform,
      );
    }
    const res = await platformPost(
      sim,
      ADAMS_RC_R68,
      SEARCH,
      searchBody({ criteria: [c.priority('URGENT'), c.specialty('CARDIOLOGY', 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-Specialty-1'), c.ageGender(true)] }),
    );
    await expectOutcome(res, 422, 'INVALID_CODE');
  });

  it('sorts by DISTANCE (ascending from the patient postcode) or IWT, and returns at most 30', async () => {
    const base = [c.priority('ROUTINE'), c.specialty('CARDIOLOGY'), c.ageGender(false)];
    const byDistance = await search(searchBody({ patient: '9434765919', criteria: base }));
    const d = byDistance.entry.map((e: any) => listItem(e, 'distance').valueUnsignedInt);
    expect(d).toEqual([...d].sort((a: number, b: number) => a - b));
    expect(byDistance.entry.length).toBeLessThanOrEqual(30);
    const byIwt = await search(searchBody({ patient: '9434765919', sortBy: 'IWT', criteria: base }));
    const w = byIwt.entry.map((e: any) => listItem(e, 'indicativeAppointmentWaitTime').valueUnsignedInt).filter((x: any) => x !== undefined);
    expect(w).toEqual([...w].sort((a: number, b: number) => a - b));
  });

  it('postcode + distanceLimit, IWT limit, clinical term, named clinician and organisation filter', async () => {
    const near = await search(
      searchBody({ criteria: [c.priority('URGENT'), c.term('1003'), c.postcode('BR1 1AB'), c.distance(23), c.iwt(15), c.org('R69'), c.ageGender(true)] }),
    );
    expect(ids(near)).toEqual(['11031']);
    for (const e of near.entry) expect(listItem(e, 'distance').valueUnsignedInt).toBeLessThanOrEqual(23);
    const named = await search(searchBody({ criteria: [c.priority('ROUTINE'), c.named(USER_IDS.adams), c.ageGender(false)] }));
    expect(ids(named)).toEqual(expect.arrayContaining(['11002', '11004', '12000']));
    const iwt = await search(
      searchBody({ criteria: [c.priority('URGENT'), c.specialty('CARDIOLOGY'), c.clinicType('LIPID_MANAGEMENT'), c.iwt(10), c.ageGender(true)] }),
    );
    for (const e of iwt.entry) {
      const v = listItem(e, 'indicativeAppointmentWaitTime');
      expect(v.valueUnsignedInt === undefined ? v.valueCodeableConcept.coding[0].code : v.valueUnsignedInt <= 10).toBeTruthy();
      expect(v.valueCodeableConcept?.coding[0].code).not.toBe('LIMITED_AVAILABILITY');
    }
  });

  it('A&G requests return only A&G services', async () => {
    const list = await search(
      searchBody({
        requestType: 'ADVICE_AND_GUIDANCE_REQUEST',
        criteria: [c.priority('URGENT'), c.specialty('CARDIOLOGY'), c.clinicType('LIPID_MANAGEMENT'), c.ageGender(true)],
      }),
    );
    expect(ids(list)).toContain('11010');
    for (const e of list.entry) {
      expect(
        e.item.extension[0].extension.filter((x: any) => x.url === 'supportedRequestFlowType').map((x: any) => x.valueCodeableConcept.coding[0].code),
      ).toContain('ADVICE_AND_GUIDANCE_REQUEST');
    }
  });

  it('age and gender: a child only sees services for her age; female-only services hidden from men', async () => {
    const child = await search(
      searchBody({ patient: '9000000009', criteria: [c.priority('ROUTINE'), c.specialty('GYNAECOLOGY'), c.ageGender(true)] }),
      ADAMS_RC_B86001,
    );
    for (const id of ids(child)) {
      const s = sim.directory.services.get(id)!;
      expect(s.minAge).toBeLessThanOrEqual(9);
    }
    const man = await search(
      searchBody({ patient: '4010232137', criteria: [c.priority('ROUTINE'), c.specialty('GYNAECOLOGY'), c.ageGender(true)] }),
      ADAMS_RC_B86001,
    );
    expect(ids(man)).toEqual([]);
    expect(man.emptyReason.coding[0].code).toBe('nilknown');
    const anyone = await search(
      searchBody({ patient: '4010232137', criteria: [c.priority('ROUTINE'), c.specialty('GYNAECOLOGY'), c.ageGender(false)] }),
      ADAMS_RC_B86001,
    );
    expect(ids(anyone).length).toBeGreaterThan(0);
  });

  it('commissioning: out-of-area services are invisible; commissioningRuleOrganisation switches the rules', async () => {
    const services = [...sim.directory.services.values()];
    const hidden = services.find((s) => Array.isArray(s.commissionedFor) && s.commissionedFor.includes('Y99999') && s.flows.includes('APPOINTMENT_REQUEST'))!;
    const crit = [c.priority(hidden.priorities[0]), c.specialty(hidden.specialty), c.org(hidden.locationOds), c.ageGender(false)];
    expect(ids(await search(searchBody({ criteria: crit })))).not.toContain(hidden.id);
    const viaRule = await search(
      searchBody({
        criteria: crit,
        extra: [{ name: 'commissioningRuleOrganisation', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'Y99999' } }],
      }),
    );
    expect(ids(viaRule)).toContain(hidden.id);
    const london = services.find((s) => Array.isArray(s.commissionedFor) && s.commissionedFor.includes('G84001') && s.flows.includes('APPOINTMENT_REQUEST'))!;
    const lc = [c.priority(london.priorities[0]), c.specialty(london.specialty), c.org(london.locationOds), c.ageGender(false)];
    expect(ids(await search(searchBody({ criteria: lc })))).not.toContain(london.id); // Adams at R68 (Yorkshire)
    const asBromley = await search(
      searchBody({
        criteria: lc,
        extra: [{ name: 'commissioningRuleOrganisation', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'G84001' } }],
      }),
    );
    expect(ids(asBromley)).toContain(london.id);
  });
});

describe('A010 rule violations', () => {
  const ok = [c.priority('URGENT'), c.specialty('CARDIOLOGY'), c.ageGender(true)];
  const cases: [string, object, number, string, string?][] = [
    ['no specialty/term/named clinician', searchBody({ criteria: [c.priority('URGENT'), c.ageGender(true)] }), 422, 'VALUE_IS_REQUIRED'],
    [
      'clinic type without specialty',
      searchBody({ criteria: [c.priority('URGENT'), c.clinicType('HEART_FAILURE'), c.term('1003'), c.ageGender(true)] }),
      422,
      'FIELD_NOT_PERMITTED',
      'clinicType',
    ],
    [
      'clinic type of another specialty',
      searchBody({ criteria: [c.priority('URGENT'), c.specialty('DERMATOLOGY'), c.clinicType('HEART_FAILURE'), c.ageGender(true)] }),
      422,
      'INAPPROPRIATE_VALUE',
    ],
    ['distance without postcode', searchBody({ criteria: [...ok, c.distance(10)] }), 422, 'FIELD_NOT_PERMITTED', 'distanceLimit'],
    ['IWT with 2WW', searchBody({ criteria: [c.priority('TWO_WEEK_WAIT'), c.specialty('2WW'), c.iwt(10), c.ageGender(true)] }), 422, 'FIELD_NOT_PERMITTED'],
    ['missing priority', searchBody({ criteria: [c.specialty('CARDIOLOGY'), c.ageGender(true)] }), 422, 'MISSING_VALUE', 'priority'],
    ['missing ageAndGenderAppropriate', searchBody({ criteria: [c.priority('URGENT'), c.specialty('CARDIOLOGY')] }), 422, 'MISSING_VALUE'],
    ['unknown priority code', searchBody({ criteria: [c.priority('SOON'), c.specialty('CARDIOLOGY'), c.ageGender(true)] }), 422, 'INVALID_CODE'],
    ['unknown specialty', searchBody({ criteria: [c.priority('URGENT'), c.specialty('ASTROLOGY'), c.ageGender(true)] }), 422, 'INVALID_CODE'],
    [
      'unknown criteria parameter',
      searchBody({ criteria: [...ok, { name: 'unknownParameter', valueString: 'x' }] }),
      422,
      'UNEXPECTED_FIELD',
      'parameter[3]/resource/parameter[3]',
    ],
    [
      'unknown top-level parameter',
      searchBody({ criteria: ok, extra: [{ name: 'contentSensitive', valueBoolean: true }] }),
      422,
      'UNEXPECTED_FIELD',
      'contentSensitive',
    ],
    [
      'array where an object is expected',
      searchBody({ criteria: [c.priority('URGENT'), { name: 'specialty', valueCoding: [] }, c.ageGender(true)] }),
      422,
      'INVALID_FHIR_STRUCTURE',
    ],
    ['unknown postcode', searchBody({ criteria: [...ok, c.postcode('ZE2 9XX')] }), 422, 'REFERENCE_NOT_FOUND', 'postcode'],
    ['unknown SNOMED term', searchBody({ criteria: [c.priority('URGENT'), c.term('999999999'), c.ageGender(true)] }), 422, 'SNOMED_NOT_FOUND'],
    [
      'named clinician not SPC',
      searchBody({ criteria: [c.priority('URGENT'), c.named(USER_IDS.baker), c.ageGender(true)] }),
      422,
      'REFERENCED_USER_IS_NOT_SPC',
    ],
    [
      'named clinician inactive',
      searchBody({ criteria: [c.priority('URGENT'), c.named(USER_IDS.dormant), c.ageGender(true)] }),
      422,
      'REFERENCED_USER_IS_NOT_ACTIVE',
    ],
    ['named clinician unknown', searchBody({ criteria: [c.priority('URGENT'), c.named('999999999999'), c.ageGender(true)] }), 422, 'REFERENCE_NOT_FOUND'],
    ['closed organisation', searchBody({ criteria: [...ok, c.org('RZZ01')] }), 422, 'ORGANISATION_IS_CLOSED'],
    ['GP practice as organisation', searchBody({ criteria: [...ok, c.org('B86001')] }), 422, 'ORGANISATION_NOT_APPROPRIATE'],
    ['unknown organisation', searchBody({ criteria: [...ok, c.org('QQQ')] }), 422, 'REFERENCE_NOT_FOUND'],
    ['patient without GP', searchBody({ patient: '9612345678', criteria: ok }), 422, 'NO_REG_GP_PRACTICE'],
    ['patient with PDS problem', searchBody({ patient: '9456789012', criteria: ok }), 422, 'PATIENT_ERROR'],
    ['unknown NHS number', searchBody({ patient: '9999999999', criteria: ok }), 422, 'REFERENCE_NOT_FOUND', 'patient'],
    ['malformed NHS number', searchBody({ patient: '12345', criteria: ok }), 422, 'INVALID_VALUE'],
    ['referringClinician sent by an RC', searchBody({ criteria: ok, referringClinician: USER_IDS.adams }), 422, 'FIELD_NOT_PERMITTED', 'referringClinician'],
  ];
  it.each(cases)('%s', async (_name, body, status, code, pathFragment) => {
    const d = await expectOutcome(await platformPost(sim, ADAMS_RC_R68, SEARCH, body), status, code);
    if (pathFragment) expect(d).toContain(pathFragment);
  });

  it('RCA must name an active referring clinician of the same organisation', async () => {
    const ok2 = [c.priority('URGENT'), c.specialty('CARDIOLOGY'), c.ageGender(true)];
    await expectOutcome(await platformPost(sim, BAKER_RCA, SEARCH, searchBody({ criteria: ok2 })), 422, 'VALUE_IS_REQUIRED');
    for (const [clinician, code] of [
      [USER_IDS.cook, 'REFERENCED_USER_IS_NOT_RC'],
      [USER_IDS.practitioner101, 'REFERENCED_USER_NOT_IN_ORG'],
      [USER_IDS.evans, 'REFERENCED_USER_IS_NOT_RC_AT_ORG'],
      [USER_IDS.dormant, 'REFERENCED_USER_IS_NOT_ACTIVE'],
    ]) {
      await expectOutcome(await platformPost(sim, BAKER_RCA, SEARCH, searchBody({ criteria: ok2, referringClinician: clinician })), 422, code);
    }
    expect((await platformPost(sim, BAKER_RCA, SEARCH, searchBody({ criteria: ok2, referringClinician: USER_IDS.adams }))).status).toBe(200);
  });

  it('415 for a non-JSON content type (text body), 400 for unparseable JSON, 406 for Accept it cannot meet', async () => {
    const h = platformHeaders(sim, ADAMS_RC_R68);
    const r415 = await fetch(`${sim.url}${P}${SEARCH}`, { method: 'POST', headers: { ...h, 'Content-Type': 'text/plain' }, body: '{}' });
    expect(r415.status).toBe(415);
    expect(r415.headers.get('content-type')).toMatch(/^text\/plain/);
    await expectOutcome(await fetch(`${sim.url}${P}${SEARCH}`, { method: 'POST', headers: h, body: '{nope' }), 400, 'INVALID_FHIR_STRUCTURE');
    expect((await fetch(`${sim.url}${P}${SEARCH}`, { method: 'POST', headers: { ...h, Accept: 'application/xml' }, body: '{}' })).status).toBe(406);
  });
});

describe('directory', () => {
  it('is deterministic for a seed and covers a few hundred services over many specialties', () => {
    const a = buildDirectory(7);
    const b = buildDirectory(7);
    const other = buildDirectory(8);
    expect([...a.services.values()]).toEqual([...b.services.values()]);
    expect(JSON.stringify([...a.services.values()])).not.toEqual(JSON.stringify([...other.services.values()]));
    expect(a.services.size).toBeGreaterThan(300);
    expect(new Set([...a.services.values()].map((s) => s.specialty)).size).toBeGreaterThan(40);
    for (const id of [
      '11002',
      '11004',
      '11007',
      '11008',
      '11010',
      '11021',
      '11030',
      '51002',
      '50001',
      '12000',
      '12019',
      '90636',
      '90596',
      '70004',
      '70101',
      '50',
      '50110',
    ]) {
      expect(a.services.has(id), id).toBe(true);
    }
    const kinds = new Set([...a.services.values()].map((s) => s.bookableType));
    expect(kinds).toEqual(new Set(['DIRECTLY_BOOKABLE', 'INDIRECTLY_BOOKABLE', 'UNSPECIFIED']));
  });
});
