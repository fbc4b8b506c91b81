// Faithfulness check: every example request of the contract pack is replayed verbatim against the
// simulator with the headers the sandbox expects; each must be accepted and answered with a body of
// the same shape as the corresponding example response (same resourceType/profile, and no JSON path
// the examples don't have) that also parses with the client's zod schemas in utils/ers/schemas.ts.
//
// Making the examples meaningful (packages/ers-contract/docs/ers-api.md §5.6 scenarios):
//  - the clock is pinned to 2024-06-01 so the examples' eReferralPathwayStart (2024-05-01) is within
//    the 365-day window, as it was when the sandbox examples were written;
//  - RC examples run as Dr Adams (REFERRING_CLINICIAN at R68), RCA examples (those naming a
//    referringClinician) as Jo Baker (REFERRING_CLINICIAN_ADMIN at B86001);
//  - A012 scenario 1 uses the seeded referral 000000070000 (read back first with A005, v5) which the
//    single-document update takes to v6 — exactly the version A016_request_TriageDeferral names;
//    scenarios 2 and 3 use the seeded 000000070001 after re-seeding file 50f0c0d5 for it (the sandbox
//    reuses that file id in both scenarios).

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as schemas from '../../../utils/ers/schemas';
import { EXAMPLE_BINARY_IDS } from '../src/server';
import {
  ADAMS_RC_R68,
  BAKER_RCA,
  FIXTURES,
  P,
  TEST_SMARTCARDS,
  USER_IDS,
  expectOutcome,
  fixture,
  legacyPost,
  legacySession,
  platformHeaders,
  platformPost,
  post,
  type Role,
  useSimulator,
} from './helpers';

/** Every JSON path of a value, with array indices collapsed to []. */
function paths(v: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => paths(x, `${prefix}[]`, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.add(`${prefix}.${k}`);
      paths(x, `${prefix}.${k}`, out);
    }
  }
  return out;
}

function examplePaths(prefix: string): Set<string> {
  const all = new Set<string>();
  for (const f of readdirSync(path.join(FIXTURES, 'platform')).filter((n) => n.startsWith(prefix) && n.includes('_response_') && n.endsWith('.json'))) {
    for (const p of paths(fixture(`platform/${f}`))) all.add(p);
  }
  return all;
}

/** Same resourceType + profile as `example`, and every path of `actual` occurs in the examples. */
function expectSameShape(actual: any, example: any, allowed: Set<string>): void {
  expect(actual.resourceType).toBe(example.resourceType);
  expect(actual.meta?.profile).toEqual(example.meta?.profile);
  const extra = [...paths(actual)].filter((p) => !allowed.has(p));
  expect(extra, `paths not in any example response: ${extra.join(', ')}`).toEqual([]);
}

const sim = useSimulator({ now: () => new Date('2024-06-01T12:00:00.000Z') }, { reset: false });

const LIST_PATHS = examplePaths('A010_');
const REFERRAL_PATHS = new Set([...examplePaths('A011_'), ...examplePaths('A012_'), ...examplePaths('A021_'), ...examplePaths('A005_')]);
const APPOINTMENT_PATHS = examplePaths('A016_');
const listExample = fixture('platform/A010_response_FetchServiceListWithMultipleServices.json');

/**
 * Replays the platform create example `file` (A011 or A021 `op`) as `role`: it must be answered 201
 * with a ReferralRequest shaped like the example `responseFile` that parses with the client's schema.
 */
async function replayCreate(op: string, file: string, role: Role, responseFile: string): Promise<{ res: Response; body: any; example: any }> {
  const res = await platformPost(sim, role, `/ReferralRequest/${op}`, fixture(`platform/${file}`));
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(201);
  const example = fixture(`platform/${responseFile}`);
  expectSameShape(body, example, REFERRAL_PATHS);
  expect(schemas.referralRequestSchema.safeParse(body).success).toBe(true);
  return { res, body, example };
}

const A010_CASES: [string, typeof ADAMS_RC_R68, string[]][] = [
  ['A010_request_RcMinimal.json', ADAMS_RC_R68, ['11002', '11007', '11008', '11010', '11021', '11030']],
  ['A010_request_RcSearchByClinicalTerm.json', BAKER_RCA, ['11031']],
  ['A010_request_RcSearchByNamedClinician.json', ADAMS_RC_R68, ['11002', '11004', '12000']],
  ['A010_request_RcSearchForAdviceService.json', ADAMS_RC_R68, ['11010']],
  ['A010_request_RcSearchWithCommissioningRuleOrganisation.json', ADAMS_RC_R68, ['11002', '11030']],
  ['A010_request_RcaWithIWT.json', BAKER_RCA, ['11002', '11007']],
];

describe('platform examples replayed verbatim', () => {
  it.each(A010_CASES)('%s → 200 List with the expected services', async (file, role, expected) => {
    const res = await post(sim, `${P}/HealthcareService/$ers.searchHealthcareServicesForPatient`, fixture(`platform/${file}`), platformHeaders(sim, role));
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(res.headers.get('x-correlation-id')).toBe('test-correlation');
    expectSameShape(body, listExample, LIST_PATHS);
    expect(schemas.fetchServicesListSchema.safeParse(body).success).toBe(true);
    expect(body.entry.map((e: any) => e.item.identifier.value)).toEqual(expect.arrayContaining(expected));
  });

  it.each([
    ['A011_request_MinimalRequest.json', ADAMS_RC_R68, 'A011_response_ReferralRequest.json'],
    ['A011_request_MinimalRequestWithReferringClinician.json', BAKER_RCA, 'A011_response_ReferralRequest.json'],
    ['A011_request_RequestMixedShortlist.json', ADAMS_RC_R68, 'A011_response_ReferralRequestMixedShortlist.json'],
    ['A011_request_RequestTwentyServices.json', ADAMS_RC_R68, 'A011_response_ReferralRequestTwentyServices.json'],
  ] as const)('%s → 201 ReferralRequest v3', async (file, role, responseFile) => {
    const { res, body, example } = await replayCreate('$ers.createReferral', file, role, responseFile);
    expect(body.meta.versionId).toBe('3');
    expect(res.headers.get('etag')).toBe('W/"3"');
    expect(body.contained.map((x: any) => x.id)).toEqual(example.contained.map((x: any) => x.id));
    expect(body.contained[1].entry.map((e: any) => e.item.identifier.value)).toEqual(example.contained[1].entry.map((e: any) => e.item.identifier.value));
    expect(body.extension.map((e: any) => e.url)).toEqual(expect.arrayContaining(example.extension.map((e: any) => e.url)));
  });

  it.each([
    ['A021_request_Parameters.json', ADAMS_RC_R68, 'A021_response_ReferralRequest.json'],
    ['A021_request_ParametersWithNamedClinician.json', BAKER_RCA, 'A021_response_ReferralRequestWithNamedClinician.json'],
  ] as const)('%s → 201 ReferralRequest awaiting triage', async (file, role, responseFile) => {
    const { res, body, example } = await replayCreate('$ers.createReferralAndSendForTriage', file, role, responseFile);
    expect(body.contained.map((x: any) => x.id)).toEqual(example.contained.map((x: any) => x.id));
    expect(res.headers.get('etag')).toBe(`W/"${body.meta.versionId}"`);
  });

  it('A005 → A012 SingleDocumentReference (070000 v5 → v6) → A016 TriageDeferral (names v6) → A005', async () => {
    sim.reset();
    const h = platformHeaders(sim, ADAMS_RC_R68);
    const read = await fetch(`${sim.url}${P}/ReferralRequest/000000070000`, { headers: h });
    const a005 = await read.json();
    expectSameShape(a005, fixture('platform/A005_response_Unbooked.json'), REFERRAL_PATHS);
    expect(schemas.referralRequestSchema.safeParse(a005).success).toBe(true);
    const etag = read.headers.get('etag')!;
    expect(etag).toBe('W/"5"');

    const res = await post(
      sim,
      `${P}/ReferralRequest/000000070000/$ers.maintainReferralLetter`,
      fixture('platform/A012_request_SingleDocumentReference.json'),
      { ...h, 'If-Match': etag },
    );
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expectSameShape(body, fixture('platform/A012_response_ReferralRequestWithSingleDocumentReference.json'), REFERRAL_PATHS);
    expect(schemas.referralRequestSchema.safeParse(body).success).toBe(true);
    expect(body.meta.versionId).toBe('6');
    expect(res.headers.get('etag')).toBe('W/"6"');
    expect(body.supportingInfo).toHaveLength(1);
    expect(body.contained.at(-1).content[0].attachment.url).toBe(`Binary/${EXAMPLE_BINARY_IDS.second}`);

    const tri = await post(sim, `${P}/Appointment`, fixture('platform/A016_request_TriageDeferral.json'), h);
    const appt = await tri.json();
    expect(tri.status, JSON.stringify(appt)).toBe(201);
    const apptExample = fixture('platform/A016_response_TriageDeferral.json');
    expectSameShape(appt, apptExample, APPOINTMENT_PATHS);
    expect(schemas.appointmentSchema.safeParse(appt).success).toBe(true);
    expect(appt.participant[0].actor).toEqual(apptExample.participant[0].actor);
    expect(appt.incomingReferral[0].reference).toBe('ReferralRequest/000000070000/_history/7');

    const after = await (await fetch(`${sim.url}${P}/ReferralRequest/000000070000`, { headers: h })).json();
    expect(after.extension.find((e: any) => e.url.endsWith('ReferralState-1')).extension[0].valueCoding.code).toBe('AWAITING_TRIAGE');
    // replaying the same A016 now names a stale version
    await expectOutcome(await post(sim, `${P}/Appointment`, fixture('platform/A016_request_TriageDeferral.json'), h), 409, 'VERSION_CONFLICT');
  });

  it('A012 MultipleDocumentReferences then UpdateClinicalInfo on 000000070001 (add two, then remove one by omission)', async () => {
    sim.reset();
    sim.seedBinary({ id: EXAMPLE_BINARY_IDS.second, fileName: 'testResult1.png', contentType: 'image/png', intendedUbrn: '000000070001' });
    const h = platformHeaders(sim, ADAMS_RC_R68);
    const r1 = await post(
      sim,
      `${P}/ReferralRequest/000000070001/$ers.maintainReferralLetter`,
      fixture('platform/A012_request_MultipleDocumentReferences.json'),
      { ...h, 'If-Match': 'W/"3"' },
    );
    const b1 = await r1.json();
    expect(r1.status, JSON.stringify(b1)).toBe(200);
    expectSameShape(b1, fixture('platform/A012_response_ReferralRequestWithMultipleDocumentReferences.json'), REFERRAL_PATHS);
    expect(schemas.referralRequestSchema.safeParse(b1).success).toBe(true);
    expect(b1.supportingInfo).toHaveLength(2);
    const r2 = await post(sim, `${P}/ReferralRequest/000000070001/$ers.maintainReferralLetter`, fixture('platform/A012_request_UpdateClinicalInfo.json'), {
      ...h,
      'If-Match': r1.headers.get('etag')!,
    });
    const b2 = await r2.json();
    expect(r2.status, JSON.stringify(b2)).toBe(200);
    expectSameShape(b2, fixture('platform/A012_response_ReferralRequestWithUpdatedDocumentReferences.json'), REFERRAL_PATHS);
    expect(b2.supportingInfo).toHaveLength(1);
    expect(Number(b2.meta.versionId)).toBe(Number(b1.meta.versionId) + 1);
    expect(b2.extension.some((e: any) => e.url.endsWith('ClinicalInfoLastUpdated-1'))).toBe(true);
  });

  it('A020 with the example upload body', async () => {
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(path.join(FIXTURES, 'platform/A020_request_body_upload.txt'));
    const res = await post(
      sim,
      `${P}/Binary`,
      bytes,
      platformHeaders(sim, ADAMS_RC_R68, { 'Content-Type': 'text/plain', 'NHSD-eRS-File-Name': 'upload.txt', 'NHSD-eRS-Referral-ID': '000000070000' }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toMatch(/^Binary\/[0-9a-f-]{36}$/);
  });

  it.each(['SPECIALTY', 'CLINIC-TYPE', 'PRIORITY', 'APPOINTMENT-CANCELLATION-REASON', 'REFERRAL-CANCELLATION-REASON', 'APPOINTMENT-NON-ATTENDANCE-REASON'])(
    'A004 %s',
    async (type) => {
      const res = await fetch(`${sim.url}${P}/CodeSystem/${type}`, { headers: platformHeaders(sim, ADAMS_RC_R68) });
      const body = await res.json();
      expect(res.status).toBe(200);
      const example = fixture(`platform/A004_response_${type}.json`);
      expect(body.resourceType).toBe(example.resourceType);
      expect(body.meta.profile).toEqual(example.meta.profile);
      expect(body.url).toBe(`${sim.url}/referrals/FHIR/STU3/CodeSystem/${type}`);
      expect(schemas.codeSystemSchema.safeParse(body).success).toBe(true);
    },
  );

  it('A030 and an error outcome parse with the client schemas', async () => {
    const res = await fetch(`${sim.url}/referrals/FHIR/R4/PractitionerRole`, {
      headers: { Authorization: `Bearer ${sim.issueToken(USER_IDS.practitioner101)}` },
    });
    const bundle = await res.json();
    expect(schemas.practitionerRoleBundleSchema.safeParse(bundle).success).toBe(true);
    expect([...paths(bundle)].filter((p) => !paths(fixture('platform/A030_response_PractitionerRoleBundle.json')).has(p))).toEqual([]);
    const err = await (await post(sim, `${P}/ReferralRequest/$ers.createReferral`, {}, platformHeaders(sim, ADAMS_RC_R68))).json();
    expect(schemas.operationOutcomeSchema.safeParse(err).success).toBe(true);
    const example = fixture('errors/platform-stu3_STU3-OperationOutcome.json');
    expect([...paths(err)].filter((p) => !paths(example).has(p))).toEqual([]);
  });
});

describe('legacy examples replayed through a legacy session', () => {
  let key: string;
  beforeAll(async () => {
    sim.reset();
    // The A001 example user holds REFERRING_CLINICIAN at R01 (see A001_response.json).
    key = await legacySession(sim, TEST_SMARTCARDS.legacyExample, 'REFERRING_CLINICIAN', 'R01');
  });

  it('A001 response parses with schemas.professionalSessionSchema', async () => {
    const res = await post(sim, '/ers-api/v1/ProfessionalSession', fixture('legacy/A001_request.json'), { XAPI_ASID: '1', 'Content-Type': 'application/json' });
    expect(schemas.professionalSessionSchema.safeParse(await res.json()).success).toBe(true);
  });

  it('A010_request.json → 90636 and 90596 at Pinderfields (~7 miles), shaped like the legacy response', async () => {
    const res = await legacyPost(sim, key, '/HealthcareService/$ers.searchHealthcareServicesForPatient', fixture('legacy/A010_request.json'));
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(res.headers.get('x_ers_transaction_id')).toBeTruthy();
    const example = fixture('legacy/A010_response.json');
    expect(body.resourceType).toBe(example.resourceType);
    expect(body.meta.profile).toEqual(example.meta.profile);
    expect(schemas.fetchServicesListSchema.safeParse(body).success).toBe(true);
    expect(body.entry.map((e: any) => e.item.identifier.value)).toEqual(expect.arrayContaining(['90636', '90596']));
    const d = body.entry[0].extension[0].extension.find((x: any) => x.url === 'distance').valueUnsignedInt;
    expect(d).toBeGreaterThan(3);
    expect(d).toBeLessThan(12);
    expect(body.entry[0].item.extension[0].extension.find((x: any) => x.url === 'specialty').valueCodeableConcept.coding[0].system).toBe(
      sim.specialtySystem.legacy,
    );
  });

  it.each([
    ['A011_request.json', '$ers.createReferral', 'A011_response.json'],
    ['A021_request.json', '$ers.createReferralAndSendForTriage', 'A021_response.json'],
    ['A021_request_sample1.json', '$ers.createReferralAndSendForTriage', 'A021_response_sample1.json'],
  ])('%s → 201 thin ReferralRequest like the legacy example', async (file, op, responseFile) => {
    const res = await legacyPost(sim, key, `/ReferralRequest/${op}`, fixture(`legacy/${file}`));
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    const example = fixture(`legacy/${responseFile}`);
    expect(Object.keys(body).sort()).toEqual(Object.keys(example).sort());
    expect(body.meta).toEqual({ ...example.meta, versionId: '3' });
    expect(schemas.referralRequestSchema.safeParse(body).success).toBe(true);
    expect(res.headers.get('etag')).toBe('W/"3"');
  });

  it.each([
    ['A011_request_OBSOLETE-createreferral_request.json', '$ers.createReferral'],
    ['A011_request_OBSOLETE-createreferral_request_withPathway.json', '$ers.createReferral'],
    ['A021_request_OBSOLETE-createReferralAndSendForTriage_request.json', '$ers.createReferralAndSendForTriage'],
  ])('obsolete %s → 422 UNEXPECTED_FIELD (contentSensitive)', async (file, op) => {
    const d = await expectOutcome(await legacyPost(sim, key, `/ReferralRequest/${op}`, fixture(`legacy/${file}`)), 422, 'UNEXPECTED_FIELD');
    expect(d).toContain('contentSensitive');
  });

  it('legacy A011 refuses a triage service (RAS only via A021)', async () => {
    const body = fixture('legacy/A011_request.json');
    body.parameter.find((p: any) => p.name === 'shortlist').resource.entry[0].item.identifier.value = '90596';
    await expectOutcome(await legacyPost(sim, key, '/ReferralRequest/$ers.createReferral', body), 422, 'INAPPROPRIATE_VALUE');
  });

  it('legacy A012 (legacy example body shape) links a legacy upload', async () => {
    const created = await (await legacyPost(sim, key, '/ReferralRequest/$ers.createReferral', fixture('legacy/A011_request.json'))).json();
    const up = await legacyPost(sim, key, '/Binary', 'letter', {
      'Content-Type': 'text/plain',
      'X-ERS-XAPI-META-FILE_NAME': 'letter.txt',
      'X-ERS-XAPI-META-INTENDED_UBRN': created.id,
    });
    expect(up.status).toBe(201);
    const body = fixture('legacy/A012_request.json');
    body.parameter[0].resource.content[0].attachment.url = up.headers.get('location');
    const res = await legacyPost(sim, key, `/ReferralRequest/${created.id}/$ers.maintainReferralLetter`, body, { 'If-Match': 'W/"3"' });
    const out = await res.json();
    expect(res.status, JSON.stringify(out)).toBe(200);
    expect(out.resourceType).toBe(fixture('legacy/A012_response.json').resourceType);
    expect(out.supportingInfo).toHaveLength(1);
  });
});
