// Shared helpers for the simulator tests: real HTTP on loopback with plain fetch.

import { readExample } from 'ers-contract/files';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { ErsClient, type ErsClientOptions, type ReferralSummary } from '../../../utils/ers/index';
import { TEST_SMARTCARDS, USER_IDS, startSimulator, type RunningSimulator, type SimulatorOptions } from '../src/server';

export { TEST_SMARTCARDS, USER_IDS };

export { EXAMPLES_DIR as FIXTURES } from 'ers-contract/files';
export const P = '/referrals/FHIR/STU3';
export const L = '/ers-api/STU3/v1';

export function fixture<T = any>(rel: string): T {
  return readExample<T>(rel);
}

export function startSim(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ port: 0, ...opts });
}

/**
 * One simulator for a test file: started before the file's tests, closed after them and (unless
 * `reset: false`) reset before each test. The returned handle forwards to the running simulator, so
 * tests read `sim.url` and call `sim.reset()` as on the simulator itself.
 */
export function useSimulator(opts: SimulatorOptions = {}, { reset = true }: { reset?: boolean } = {}): RunningSimulator {
  let running: RunningSimulator | undefined;
  beforeAll(async () => {
    running = await startSim(opts);
  });
  afterAll(() => running?.close());
  if (reset) beforeEach(() => running!.reset());
  return new Proxy({} as RunningSimulator, {
    get(_target, prop) {
      if (!running) throw new Error('the simulator is used before beforeAll started it');
      const value = Reflect.get(running, prop);
      return typeof value === 'function' ? value.bind(running) : value;
    },
  });
}

/** The extension's platform client signed in to `sim` as `user` with the chosen role. */
export function platformClient(
  sim: RunningSimulator,
  {
    user = USER_IDS.adams,
    businessFunction = 'REFERRING_CLINICIAN',
    ods = 'B86001',
    retry,
  }: { user?: string; businessFunction?: string; ods?: string; retry?: ErsClientOptions['retry'] } = {},
): ErsClient {
  const token = sim.issueToken(user);
  return new ErsClient({
    flavour: 'platform',
    baseUrl: `${sim.url}/referrals/FHIR`,
    credentials: () => ({ accessToken: token, businessFunction, ods }),
    ...(retry ? { retry } : {}),
  });
}

export interface Role {
  user: string;
  ods: string;
  bf: string;
}

export const ADAMS_RC_R68: Role = { user: USER_IDS.adams, ods: 'R68', bf: 'REFERRING_CLINICIAN' };
export const ADAMS_RC_B86001: Role = { user: USER_IDS.adams, ods: 'B86001', bf: 'REFERRING_CLINICIAN' };
export const BAKER_RCA: Role = { user: USER_IDS.baker, ods: 'B86001', bf: 'REFERRING_CLINICIAN_ADMIN' };
export const COOK_SPC: Role = { user: USER_IDS.cook, ods: 'R69', bf: 'SERVICE_PROVIDER_CLINICIAN' };

/**
 * A020 + A012 through the extension's client: uploads a short text letter for `referral` and links
 * it as the referral's letter (with `description` when given); returns the file's URL and the
 * referral as A012 answered it.
 */
export async function attachTextLetter(
  client: ErsClient,
  referral: { ubrn: string; etag: string },
  description?: string,
): Promise<{ url: string; updated: ReferralSummary }> {
  const { url } = await client.uploadFile({ ubrn: referral.ubrn, fileName: 'letter.txt', contentType: 'text/plain', bytes: new TextEncoder().encode('hello') });
  const indexed = new Date().toISOString();
  const updated = await client.maintainReferralLetter({
    ubrn: referral.ubrn,
    etag: referral.etag,
    files: [description === undefined ? { url, indexed } : { url, indexed, description }],
  });
  return { url, updated };
}

/** Headers the platform sandbox expects, for a role. */
export function platformHeaders(sim: RunningSimulator, role: Role, extra: Record<string, string> = {}): Record<string, string> {
  return {
    Authorization: `Bearer ${sim.issueToken(role.user)}`,
    'NHSD-End-User-Organisation-ODS': role.ods,
    'NHSD-eRS-Business-Function': role.bf,
    'Content-Type': 'application/fhir+json',
    Accept: 'application/fhir+json',
    'X-Correlation-ID': 'test-correlation',
    ...extra,
  };
}

export async function post(sim: RunningSimulator, pathname: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(sim.url + pathname, {
    method: 'POST',
    headers,
    body: typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
  });
}

/** As `role`, POST a FHIR body to a platform STU3 path. */
export function platformPost(sim: RunningSimulator, role: Role, op: string, body: unknown, extra: Record<string, string> = {}): Promise<Response> {
  return post(sim, P + op, body, platformHeaders(sim, role, extra));
}

/** A001 + A002: returns the session key with the chosen permission selected. */
export async function legacySession(sim: RunningSimulator, smartcard: string, bf: string, ods: string): Promise<string> {
  const h = { XAPI_ASID: '200000000001', 'Content-Type': 'application/json', Accept: 'application/json' };
  const created = await post(sim, '/ers-api/v1/ProfessionalSession', { typeInfo: 'uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession', token: smartcard }, h);
  expect(created.status).toBe(201);
  const session = (await created.json()) as { id: string };
  const sel = await fetch(`${sim.url}/ers-api/v1/ProfessionalSession/${session.id}`, {
    method: 'PUT',
    headers: { ...h, HTTP_X_SESSION_KEY: session.id },
    body: JSON.stringify({ ...session, permission: { businessFunction: bf, orgIdentifier: ods } }),
  });
  expect(sel.status).toBe(200);
  return session.id;
}

export function legacyHeaders(key: string, extra: Record<string, string> = {}): Record<string, string> {
  return { XAPI_ASID: '200000000001', HTTP_X_SESSION_KEY: key, 'Content-Type': 'application/fhir+json', Accept: 'application/fhir+json', ...extra };
}

/** With the legacy session `key`, POST a body to a legacy STU3 path (the legacy twin of platformPost). */
export function legacyPost(sim: RunningSimulator, key: string, op: string, body: unknown, extra: Record<string, string> = {}): Promise<Response> {
  return post(sim, L + op, body, legacyHeaders(key, extra));
}

/** Asserts an STU3 e-RS OperationOutcome with this status and code; returns the diagnostics. */
export async function expectOutcome(res: Response, status: number, code: string): Promise<string> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const body = JSON.parse(text);
  expect(body.resourceType).toBe('OperationOutcome');
  expect(body.meta.profile).toContain('https://fhir.nhs.uk/STU3/StructureDefinition/eRS-OperationOutcome-1');
  expect(body.issue[0].details.coding[0].system).toBe('https://fhir.nhs.uk/STU3/CodeSystem/eRS-APIErrorCode-1');
  expect(body.issue[0].details.coding[0].code).toBe(code);
  return body.issue[0].diagnostics as string;
}

// ---- Builders for request bodies --------------------------------------------------------------

export const SPECIALTY_ALIAS = '_baseUrl_/STU3/CodeSystem/SPECIALTY';

export function criteria(params: object[], id = 'ServiceSearchCriteria-1'): { resourceType: 'Parameters'; id: string; meta: object; parameter: object[] } {
  return {
    resourceType: 'Parameters',
    meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-ServiceSearchCriteria-Parameters-1'] },
    id,
    parameter: params,
  };
}

export const c = {
  priority: (code: string) => ({ name: 'priority', valueCoding: { system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-Priority-1', code } }),
  specialty: (code: string, system = SPECIALTY_ALIAS) => ({ name: 'specialty', valueCoding: { system, code } }),
  clinicType: (code: string) => ({ name: 'clinicType', valueCoding: { system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ClinicType-1', code } }),
  ageGender: (v: boolean) => ({ name: 'ageAndGenderAppropriate', valueBoolean: v }),
  postcode: (v: string) => ({ name: 'postcode', valueString: v }),
  distance: (v: number) => ({ name: 'distanceLimit', valueUnsignedInt: v }),
  iwt: (v: number) => ({ name: 'indicativeAppointmentWaitTimeLimit', valueUnsignedInt: v }),
  term: (code: string) => ({ name: 'clinicalTerm', valueCoding: { system: 'http://snomed.info/sct', code } }),
  named: (id: string) => ({ name: 'namedClinician', valueIdentifier: { system: 'http://fhir.nhs.net/Id/sds-user-id', value: id } }),
  org: (ods: string) => ({ name: 'organisation', valueIdentifier: { system: 'https://directory.spineservices.nhs.uk/STU3/Organization', value: ods } }),
};

export function searchBody(opts: {
  patient?: string;
  requestType?: string;
  sortBy?: string;
  criteria: object[];
  referringClinician?: string;
  extra?: object[];
}): object {
  return {
    resourceType: 'Parameters',
    meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-PatientServiceSearch-Parameters-1'] },
    parameter: [
      {
        name: 'requestType',
        valueCoding: { system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-RequestType-1', code: opts.requestType ?? 'APPOINTMENT_REQUEST' },
      },
      { name: 'sortBy', valueCoding: { system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-SortBy-1', code: opts.sortBy ?? 'DISTANCE' } },
      { name: 'patient', valueIdentifier: { system: 'http://fhir.nhs.net/Id/nhs-number', value: opts.patient ?? '9912003888' } },
      ...(opts.referringClinician
        ? [{ name: 'referringClinician', valueIdentifier: { system: 'http://fhir.nhs.net/Id/sds-user-id', value: opts.referringClinician } }]
        : []),
      { name: 'searchCriteria', resource: criteria(opts.criteria) },
      ...(opts.extra ?? []),
    ],
  };
}

export function createBody(opts: {
  patient?: string;
  services: string[];
  criteria: object[];
  intention?: string;
  reminder?: number;
  referringClinician?: string;
  pathwayStart?: string;
  triage?: boolean;
  extra?: object[];
}): object {
  return {
    resourceType: 'Parameters',
    meta: {
      profile: [
        `https://fhir.nhs.uk/STU3/StructureDefinition/${opts.triage ? 'eRS-CreateReferralAndSendForTriage-Parameters-1' : 'eRS-CreateReferral-Parameters-1'}`,
      ],
    },
    parameter: [
      { name: 'patient', valueIdentifier: { system: 'http://fhir.nhs.net/Id/nhs-number', value: opts.patient ?? '9912003888' } },
      ...(opts.referringClinician
        ? [{ name: 'referringClinician', valueIdentifier: { system: 'http://fhir.nhs.net/Id/sds-user-id', value: opts.referringClinician } }]
        : []),
      {
        name: 'intentionToAddReferralLetter',
        valueCoding: { system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ReferralLetterIntention-1', code: opts.intention ?? 'NEED_TO_ADD_LATER' },
      },
      { name: 'firstReminderLetterFollowUpDays', valueUnsignedInt: opts.reminder ?? 0 },
      ...(opts.pathwayStart ? [{ name: 'eReferralPathwayStart', valueInstant: opts.pathwayStart }] : []),
      ...(opts.extra ?? []),
      { name: 'shortlist', resource: shortlist(criteria(opts.criteria), opts.services) },
    ],
  };
}

/** The shortlist List of a create, change or A&G request: `searchCriteria` contained and referenced, one entry per service id. */
export function shortlist(searchCriteria: { id: string }, services: string[]): object {
  return {
    meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-Shortlist-List-1'] },
    resourceType: 'List',
    status: 'current',
    mode: 'snapshot',
    contained: [searchCriteria],
    entry: services.map((value) => ({ item: { identifier: { system: 'http://fhir.nhs.net/Id/ers-service', value } } })),
    extension: [
      {
        url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-eRS-Shortlist-SearchCriteria-1',
        valueReference: { reference: `#${searchCriteria.id}` },
      },
    ],
  };
}

/** URGENT cardiology heart failure criteria that 11002/11007/11004/51002/50001 all satisfy. */
export const CARDIO_HF = [c.priority('URGENT'), c.specialty('CARDIOLOGY'), c.clinicType('HEART_FAILURE'), c.ageGender(false)];

export function maintainBody(files: { url: string; description?: string }[]): object {
  return {
    meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-MaintainReferralLetter-Parameters-1'] },
    resourceType: 'Parameters',
    parameter: files.map((f) => ({
      name: 'referralLetterFile',
      resource: {
        meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-DocumentReference-1'] },
        resourceType: 'DocumentReference',
        type: { coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-AttachmentType-1', code: 'REFERRER' }] },
        status: 'current',
        indexed: '2026-01-01T10:00:00.000Z',
        ...(f.description ? { description: f.description } : {}),
        content: [{ attachment: { url: f.url } }],
      },
    })),
  };
}

/** Creates a referral (A011 as Adams RC at R68) and returns its UBRN and ETag. */
export async function createReferral(
  sim: RunningSimulator,
  services = ['11002'],
  role: Role = ADAMS_RC_R68,
): Promise<{ ubrn: string; etag: string; body: any }> {
  const res = await platformPost(
    sim,
    role,
    '/ReferralRequest/$ers.createReferral',
    createBody({ services, criteria: CARDIO_HF, ...(role.bf === 'REFERRING_CLINICIAN_ADMIN' ? { referringClinician: USER_IDS.adams } : {}) }),
  );
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(201);
  return { ubrn: body.id, etag: res.headers.get('etag')!, body };
}

/** A020 upload as `role`; returns the Binary/<id> URL. */
export async function upload(
  sim: RunningSimulator,
  role: Role,
  opts: { ubrn?: string; name?: string; type?: string; bytes?: Uint8Array | string },
): Promise<Response> {
  const h = platformHeaders(sim, role, {
    'Content-Type': opts.type ?? 'text/plain',
    ...(opts.name !== undefined ? { 'NHSD-eRS-File-Name': opts.name } : { 'NHSD-eRS-File-Name': 'letter.txt' }),
    ...(opts.ubrn ? { 'NHSD-eRS-Referral-ID': opts.ubrn } : {}),
  });
  return fetch(`${sim.url}${P}/Binary`, { method: 'POST', headers: h, body: (opts.bytes ?? 'Referral letter text') as BodyInit });
}
