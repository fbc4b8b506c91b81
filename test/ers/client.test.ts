// The client's transport, retry and error behaviour, through real HTTP on loopback.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_MESSAGES, ErsClient, classifyChangeFailure, type ErsClientOptions } from '../../utils/ers';
import { fhir, outcome, scriptedServer, type Handler } from '../helpers/scripted-server';
import { EXAMPLES_DIR as FIXTURES, readExample } from 'ers-contract/files';
import { ersFailure } from '../helpers/ers-failure';

const A011_RESPONSE = readExample<any>('platform/A011_response_ReferralRequest.json');
const A010_RESPONSE = readExample<any>('platform/A010_response_FetchServiceListWithSingleService.json');

let server: Awaited<ReturnType<typeof scriptedServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(handler: Handler, options: Partial<ErsClientOptions> = {}) {
  server = await scriptedServer(handler);
  const client = new ErsClient({
    flavour: 'platform',
    baseUrl: `${server.url}/referrals/FHIR`,
    credentials: () => ({ accessToken: 'token-1', businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001' }),
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    timeoutMs: 2_000,
    ...options,
  });
  return { client, seen: server.seen };
}

const search = { nhsNumber: '9434765919', criteria: { priority: 'ROUTINE' as const, specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true } };
const criteria = { resourceType: 'Parameters' as const, id: 'ServiceSearchCriteria-1', meta: { profile: [] }, parameter: [] };
const create = { nhsNumber: '9434765919', criteria, shortlist: [{ id: '11002' }] };

describe('platform transport', () => {
  it('sends the bearer token, role headers, a correlation id per request and FHIR media types', async () => {
    const { client, seen } = await setup((_req, res) => fhir(res, 200, A010_RESPONSE));
    const result = await client.searchServices(search);
    await client.searchServices(search);
    expect(result.services[0]).toMatchObject({ id: '11002', name: 'Good Cardiology Business Service' });
    expect(seen[0].url).toBe('/referrals/FHIR/STU3/HealthcareService/$ers.searchHealthcareServicesForPatient');
    expect(seen[0].headers).toMatchObject({
      authorization: 'Bearer token-1',
      'nhsd-ers-business-function': 'REFERRING_CLINICIAN',
      'nhsd-end-user-organisation-ods': 'B86001',
      'content-type': 'application/fhir+json',
      accept: 'application/fhir+json',
    });
    expect(seen[0].headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[1].headers['x-correlation-id']).not.toBe(seen[0].headers['x-correlation-id']);
    expect(JSON.parse(seen[0].body.toString()).parameter[3].resource.parameter[1].valueCoding.system).toBe(
      `${server!.url}/referrals/FHIR/STU3/CodeSystem/SPECIALTY`,
    );
  });

  it('A030 carries the token but no role headers (no role is chosen yet)', async () => {
    const { client, seen } = await setup((_req, res) => fhir(res, 200, readExample<any>('platform/A030_response_PractitionerRoleBundle.json')));
    const roles = await client.listRoles();
    expect(roles.map((r) => `${r.businessFunction}@${r.ods}`)).toContain('REFERRING_CLINICIAN@R68');
    expect(seen[0].url).toBe('/referrals/FHIR/R4/PractitionerRole');
    expect(seen[0].headers['nhsd-ers-business-function']).toBeUndefined();
    expect(seen[0].headers.authorization).toBe('Bearer token-1');
  });

  it('A020 sends the raw bytes with file-name and referral-id headers and returns the Binary reference', async () => {
    const bytes = readFileSync(path.join(FIXTURES, 'platform/A020_request_body_upload.txt'));
    const { client, seen } = await setup((_req, res) => {
      res.writeHead(201, { Location: 'Binary/19eb7224-dff3-4730-a5cb-67eac811f1a5' });
      res.end();
    });
    const result = await client.uploadFile({ ubrn: '000000070000', fileName: 'letter.txt', contentType: 'text/plain', bytes: new Uint8Array(bytes) });
    expect(result.url).toBe('Binary/19eb7224-dff3-4730-a5cb-67eac811f1a5');
    expect(seen[0].body.equals(bytes)).toBe(true);
    expect(seen[0].headers).toMatchObject({ 'content-type': 'text/plain', 'nhsd-ers-file-name': 'letter.txt', 'nhsd-ers-referral-id': '000000070000' });
  });

  it('A012 sends If-Match with the latest ETag and returns the new one', async () => {
    const { client, seen } = await setup((_req, res) =>
      fhir(res, 200, readExample<any>('platform/A012_response_ReferralRequestWithSingleDocumentReference.json'), { ETag: 'W/"5"' }),
    );
    const result = await client.maintainReferralLetter({
      ubrn: '000000070000',
      etag: 'W/"3"',
      files: [{ url: 'Binary/x', indexed: '2026-11-24T10:00:00.000Z' }],
    });
    expect(seen[0].headers['if-match']).toBe('W/"3"');
    expect(result.etag).toBe('W/"5"');
    expect(result.attachments).toHaveLength(1);
  });

  it('A019 returns PDF bytes and the file name from Content-Disposition', async () => {
    const pdf = readFileSync(path.join(FIXTURES, 'platform/A019_response_000000070000_Appointment_Confirmation_Summary_20210603121353.pdf'));
    const { client, seen } = await setup((_req, res) => {
      res.writeHead(200, {
        'Content-Type': 'application/pdf',
        'Content-Disposition': 'attachment; filename="000000070000_Appointment_Confirmation_Summary_20210603121353.pdf"',
      });
      res.end(pdf);
    });
    const letter = await client.generatePatientLetter('000000070000');
    expect(Buffer.from(letter.bytes).equals(pdf)).toBe(true);
    expect(letter.fileName).toBe('000000070000_Appointment_Confirmation_Summary_20210603121353.pdf');
    expect(seen[0].headers.accept).toBe('application/pdf');
  });

  it('A019 turns a JSON error body into a clear error, never a broken PDF', async () => {
    const { client } = await setup((_req, res) => fhir(res, 422, outcome('NO_ACCESS_CODE')));
    const error = await ersFailure(client.generatePatientLetter('000000070000'));
    expect(error).toMatchObject({ kind: 'http', status: 422, code: 'NO_ACCESS_CODE', message: ERROR_MESSAGES.NO_ACCESS_CODE });
  });
});

describe('legacy transport', () => {
  it('opens a session, selects a role and sends XAPI_ASID and HTTP_X_SESSION_KEY on later calls', async () => {
    const session = readExample<any>('legacy/A001_response.json');
    const { seen } = await setup((req, res) => {
      if (req.method === 'POST' && req.url === '/ers-api/v1/ProfessionalSession') return fhir(res, 201, session);
      if (req.method === 'PUT') return fhir(res, 200, { ...session, permission: JSON.parse(req.body.toString()).permission });
      if (req.method === 'DELETE') {
        res.writeHead(204);
        return res.end();
      }
      return fhir(res, 201, readExample<any>('legacy/A011_response.json'), { ETag: 'W/"3"' });
    });
    const legacy = new ErsClient({
      flavour: 'legacy',
      baseUrl: `${server!.url}/ers-api`,
      asid: '200000000123',
      credentials: () => ({ sessionKey: session.id }),
    });
    const created = await legacy.createSession(' AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#');
    expect(created.permission).toBeNull();
    const selected = await legacy.selectRole(created, { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01', orgName: 'NHST_X3' });
    expect(selected.permission?.businessFunction).toBe('REFERRING_CLINICIAN');
    const referral = await legacy.createReferral(create);
    await legacy.deleteSession(session.id);
    expect(referral.ubrn).toBe('000000097364');
    expect(seen[0].headers.xapi_asid).toBe('200000000123');
    expect(seen[0].headers.http_x_session_key).toBeUndefined();
    expect(JSON.parse(seen[0].body.toString()).token).toBe('AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#');
    expect(seen[1]).toMatchObject({ method: 'PUT', url: `/ers-api/v1/ProfessionalSession/${session.id}` });
    expect(seen[2].url).toBe('/ers-api/STU3/v1/ReferralRequest/$ers.createReferral');
    expect(seen[2].headers).toMatchObject({ xapi_asid: '200000000123', http_x_session_key: session.id });
    expect(seen[2].headers.authorization).toBeUndefined();
    expect(seen[3]).toMatchObject({ method: 'DELETE' });
  });

  it('uploads with the legacy meta headers', async () => {
    const { seen } = await setup((_req, res) => {
      res.writeHead(201, { Location: 'Binary/att-97366-95217' });
      res.end();
    });
    const legacy = new ErsClient({ flavour: 'legacy', baseUrl: `${server!.url}/ers-api`, asid: '1', credentials: () => ({ sessionKey: 'k' }) });
    expect(
      await legacy.uploadFile({
        ubrn: '000000097366',
        fileName: 'a.pdf',
        contentType: 'application/pdf',
        bytes: new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d]),
      }),
    ).toEqual({ url: 'Binary/att-97366-95217' });
    expect(seen[0].url).toBe('/ers-api/STU3/v1/Binary');
    expect(seen[0].headers).toMatchObject({ 'x-ers-xapi-meta-file_name': 'a.pdf', 'x-ers-xapi-meta-intended_ubrn': '000000097366' });
  });
});

describe('errors', () => {
  it.each([
    [403, 'NO_ACCESS', 'forbidden'],
    [409, 'VERSION_CONFLICT', 'conflict'],
    [422, 'DUPLICATE_SERVICE', 'business-rule'],
    [422, 'SHORTLISTED_SERVICE_NOT_IN_RESULTS', 'business-rule'],
    [423, 'REFERRAL_LOCKED', 'lock-error'],
  ])('%i %s carries the status, e-RS code, diagnostics, ids and a plain-English message', async (status, code, issue) => {
    const { client } = await setup((_req, res) => fhir(res, status, outcome(code, issue, 'parameter[2]'), { 'X-Request-ID': 'req-9' }));
    const error = await ersFailure(client.createReferral(create));
    expect(error).toMatchObject({ kind: 'http', status, code, diagnostics: 'parameter[2]', requestId: 'req-9', message: ERROR_MESSAGES[code] });
    expect(error.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads the plain-text bodies of 406/415 and the sandbox', async () => {
    const { client } = await setup((_req, res) => {
      res.writeHead(415, { 'Content-Type': 'text/plain;charset=utf-8' });
      res.end('Unsupported Media Type');
    });
    const error = await ersFailure(client.searchServices(search));
    expect(error).toMatchObject({ status: 415, diagnostics: 'Unsupported Media Type' });
    expect(error.message).toMatch(/does not accept this type of file/);
  });

  it('has a plain-English message for every code in the contract catalogue', () => {
    const codes = [
      'NO_ACCESS',
      'FORBIDDEN',
      'MISSING_HEADER',
      'SYSTEM_UNAVAILABLE',
      'REFERENCE_NOT_FOUND',
      'INAPPROPRIATE_VALUE',
      'TOO_MANY_ITEMS',
      'MISSING_VALUE',
      'VALUE_IS_REQUIRED',
      'FIELD_NOT_PERMITTED',
      'PATIENT_ERROR',
      'INVALID_VALUE',
      'INVALID_CODE',
      'UNEXPECTED_FIELD',
      'INVALID_FHIR_STRUCTURE',
      'REFERENCED_USER_IS_NOT_SPC',
      'REFERENCED_USER_IS_NOT_RC',
      'REFERENCED_USER_IS_NOT_RC_AT_ORG',
      'REFERENCED_USER_NOT_IN_ORG',
      'REFERENCED_USER_IS_NOT_ACTIVE',
      'ORGANISATION_IS_CLOSED',
      'ORGANISATION_NOT_APPROPRIATE',
      'NO_REG_GP_PRACTICE',
      'SNOMED_NOT_FOUND',
      'DUPLICATE_SERVICE',
      'SHORTLISTED_SERVICE_NOT_IN_RESULTS',
      'INVALID_STATE',
      'INVALID_REQUEST_TYPE',
      'INVALID_REQUEST_STATE',
      'NO_RELATIONSHIP',
      'CONFLICTING_VALUES',
      'DUPLICATE_FILENAME',
      'NO_CHANGES_DETECTED',
      'FILE_SIZE_ERROR',
      'NO_ACCESS_CODE',
      'VERSION_CONFLICT',
      'REFERRAL_LOCKED',
      'PAS_NOT_RESPONDING',
      'PAS_RESPONDED_WITH_ERROR',
      'ACCESS_DENIED',
      'TOO_MANY_REQUESTS',
      'SERVICE_ERROR',
      'PENDING',
      'SANDBOX_ERROR',
    ];
    for (const code of codes) expect(ERROR_MESSAGES[code], code).toMatch(/^\S.{20,}\.$/s);
  });

  it('refuses a 2xx body that fails validation instead of using it', async () => {
    const { client } = await setup((_req, res) => fhir(res, 201, { ...A011_RESPONSE, id: 'not-a-ubrn' }));
    const error = await ersFailure(client.createReferral(create));
    expect(error.kind).toBe('invalid-response');
    expect(error.diagnostics).toMatch(/id/);
  });
});

describe('401: re-authenticate, then exactly one retry', () => {
  it('retries once with the fresh credentials', async () => {
    let token = 'expired';
    let reauths = 0;
    const { client, seen } = await setup(
      (req, res) =>
        req.headers.authorization === 'Bearer fresh' ? fhir(res, 201, A011_RESPONSE, { ETag: 'W/"3"' }) : fhir(res, 401, outcome('NO_ACCESS', 'login')),
      {
        credentials: () => ({ accessToken: token, businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001' }),
        reauthenticate: async () => {
          reauths++;
          token = 'fresh';
          return true;
        },
      },
    );
    const referral = await client.createReferral(create);
    expect(referral.ubrn).toBe('000000070000');
    expect(reauths).toBe(1);
    expect(seen).toHaveLength(2);
  });

  it('gives up after one retry when the new credentials are refused too', async () => {
    let reauths = 0;
    const { client, seen } = await setup((_req, res) => fhir(res, 401, outcome('NO_ACCESS', 'login')), {
      reauthenticate: async () => {
        reauths++;
        return true;
      },
    });
    const error = await ersFailure(client.searchServices(search));
    expect(error).toMatchObject({ status: 401, code: 'NO_ACCESS' });
    expect(reauths).toBe(1);
    expect(seen).toHaveLength(2);
  });

  it('does not retry when the user could not sign in again', async () => {
    const { client, seen } = await setup((_req, res) => fhir(res, 401, outcome('NO_ACCESS', 'login')), { reauthenticate: async () => false });
    await ersFailure(client.searchServices(search));
    expect(seen).toHaveLength(1);
  });
});

describe('retries: reads and searches only', () => {
  it('retries a search after 429, waiting for Retry-After', async () => {
    let calls = 0;
    const { client, seen } = await setup((_req, res) => (++calls === 1 ? fhir(res, 429, '', { 'Retry-After': '1' }) : fhir(res, 200, A010_RESPONSE)));
    const started = Date.now();
    const result = await client.searchServices(search);
    expect(result.services).toHaveLength(1);
    expect(seen).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('retries a search after 503 and 500 with backoff, then succeeds', async () => {
    let calls = 0;
    const { client, seen } = await setup((_req, res) => {
      calls++;
      if (calls === 1) return fhir(res, 503, outcome('SYSTEM_UNAVAILABLE', 'transient'));
      if (calls === 2) return fhir(res, 500, outcome('SERVICE_ERROR', 'exception'));
      return fhir(res, 200, A010_RESPONSE);
    });
    await client.searchServices(search);
    expect(seen).toHaveLength(3);
  });

  it('stops retrying a search after the limit and reports the last error', async () => {
    const { client, seen } = await setup((_req, res) => fhir(res, 503, outcome('SYSTEM_UNAVAILABLE', 'transient')), { retry: { limit: 2, baseDelayMs: 1 } });
    const error = await ersFailure(client.searchServices(search));
    expect(error).toMatchObject({ status: 503, code: 'SYSTEM_UNAVAILABLE', message: ERROR_MESSAGES.SYSTEM_UNAVAILABLE });
    expect(seen).toHaveLength(3);
  });

  it('does not wait out a Retry-After longer than the policy allows; the user decides', async () => {
    const { client, seen } = await setup((_req, res) => fhir(res, 429, '', { 'Retry-After': '3600' }));
    const error = await ersFailure(client.searchServices(search));
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 3600 });
    expect(seen).toHaveLength(1);
  });

  it('retries a search whose connection dropped', async () => {
    let calls = 0;
    const { client, seen } = await setup((_req, res) => (++calls === 1 ? res.socket?.destroy() : fhir(res, 200, A010_RESPONSE)));
    await client.searchServices(search);
    expect(seen).toHaveLength(2);
  });

  it('retries a search that timed out', async () => {
    let calls = 0;
    const { client, seen } = await setup(
      (_req, res) => {
        if (++calls > 1) fhir(res, 200, A010_RESPONSE);
      },
      { timeoutMs: 300 },
    );
    await client.searchServices(search);
    expect(seen).toHaveLength(2);
  });

  it.each([429, 500, 502, 503, 504])('never re-sends a create after %i, and says its outcome is unknown (not "nothing was lost")', async (status) => {
    const { client, seen } = await setup((_req, res) =>
      fhir(res, status, status === 429 ? '' : outcome('SYSTEM_UNAVAILABLE', 'transient'), { 'Retry-After': '0' }),
    );
    const error = await ersFailure(client.createReferral(create));
    expect(error).toMatchObject({ status, kind: 'outcome-unknown' });
    expect(error.message).toMatch(/cannot tell whether e-RS made this change.*NOT been sent again/s);
    expect(classifyChangeFailure(error)).toBe('unknown');
    expect(seen).toHaveLength(1);
  });

  it("a create refused by e-RS with a 4xx OperationOutcome is a proven refusal, with e-RS's reason", async () => {
    const { client } = await setup((_req, res) => fhir(res, 422, outcome('SHORTLISTED_SERVICE_NOT_IN_RESULTS', 'business-rule')));
    const error = await ersFailure(client.createReferral(create));
    expect(error).toMatchObject({ status: 422, kind: 'http', code: 'SHORTLISTED_SERVICE_NOT_IN_RESULTS' });
    expect(classifyChangeFailure(error)).toBe('refused');
  });

  it("a create answered 200 with a proxy's HTML page is outcome unknown; a 2xx that still names the UBRN keeps it", async () => {
    const html = await setup((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html><body>Proxy</body></html>');
    });
    const error = await ersFailure(html.client.createReferral(create));
    expect(error).toMatchObject({ kind: 'invalid-response', status: 200, extracted: {} });
    expect(classifyChangeFailure(error)).toBe('unknown');
    await server?.close();
    const partial = await setup((_req, res) =>
      fhir(res, 201, { resourceType: 'ReferralRequest', id: '000000070123', meta: { versionId: '3' } }, { ETag: 'W/"3"' }),
    );
    const kept = await ersFailure(partial.client.createReferral(create));
    expect(kept.extracted).toEqual({ ubrn: '000000070123', version: '3', etag: 'W/"3"' });
    expect(kept.message).toMatch(/NOT been sent again/);
  });

  it('a create whose connection dropped after sending is reported as outcome unknown and not re-sent', async () => {
    const { client, seen } = await setup((_req, res) => res.socket?.destroy());
    const error = await ersFailure(client.createReferral(create));
    expect(error.kind).toBe('outcome-unknown');
    expect(error.message).toMatch(/cannot tell whether e-RS made this change.*NOT been sent again/s);
    expect(seen).toHaveLength(1);
  });

  it('a create that timed out is outcome unknown and not re-sent', async () => {
    const { client, seen } = await setup(() => undefined, { timeoutMs: 300 });
    const error = await ersFailure(client.createReferral(create));
    expect(error.kind).toBe('outcome-unknown');
    expect(seen).toHaveLength(1);
  });

  it.each(['upload', 'letter'])('never re-sends a %s after a 503 or a dropped connection', async (kind) => {
    let calls = 0;
    const { client, seen } = await setup((_req, res) => (++calls === 1 ? fhir(res, 503, outcome('SYSTEM_UNAVAILABLE', 'transient')) : res.socket?.destroy()));
    const call = () =>
      kind === 'upload'
        ? client.uploadFile({ ubrn: '000000070000', fileName: 'a.txt', contentType: 'text/plain', bytes: new Uint8Array([65]) })
        : client.maintainReferralLetter({ ubrn: '000000070000', etag: 'W/"3"', files: [{ url: 'Binary/x', indexed: '2026-01-01T00:00:00Z' }] });
    expect(await ersFailure(call())).toMatchObject({ status: 503, kind: 'outcome-unknown' });
    expect((await ersFailure(call())).kind).toBe('outcome-unknown');
    expect(seen).toHaveLength(2);
  });
});

describe('rules checked before sending (nothing reaches e-RS)', () => {
  it.each([
    ['an NHS number failing modulus 11', () => ({ ...create, nhsNumber: '9434765918' }), 'INVALID_VALUE'],
    ['an empty shortlist', () => ({ ...create, shortlist: [] }), 'MISSING_VALUE'],
    ['21 services', () => ({ ...create, shortlist: Array.from({ length: 21 }, (_, i) => ({ id: String(12000 + i) })) }), 'TOO_MANY_ITEMS'],
    ['a duplicate service', () => ({ ...create, shortlist: [{ id: '1' }, { id: '1' }] }), 'DUPLICATE_SERVICE'],
    ['a RAS beside other services', () => ({ ...create, shortlist: [{ id: '1' }, { id: '2', isTriage: true }] }), 'INAPPROPRIATE_VALUE'],
    [
      'no letter promised for a service that needs one',
      () => ({ ...create, letterIntention: 'NOT_INTENDING_TO_ADD' as const, shortlist: [{ id: '1', referralLetterRequired: true }] }),
      'INAPPROPRIATE_VALUE',
    ],
    ['a pathway start in the future', () => ({ ...create, eReferralPathwayStart: '2999-01-01T00:00:00Z' }), 'INAPPROPRIATE_VALUE'],
  ])('A011 refuses %s', async (_name, input, code) => {
    const { client, seen } = await setup((_req, res) => fhir(res, 201, A011_RESPONSE));
    const error = await ersFailure(client.createReferral(input()));
    expect(error).toMatchObject({ kind: 'rule', code, message: ERROR_MESSAGES[code] });
    expect(seen).toHaveLength(0);
  });

  it('A021 takes exactly one triage service', async () => {
    const { client, seen } = await setup((_req, res) => fhir(res, 201, A011_RESPONSE));
    expect(
      (
        await ersFailure(
          client.createReferralAndSendForTriage({
            ...create,
            shortlist: [
              { id: '1', isTriage: true },
              { id: '2', isTriage: true },
            ],
          }),
        )
      ).code,
    ).toBe('TOO_MANY_ITEMS');
    expect((await ersFailure(client.createReferralAndSendForTriage({ ...create, shortlist: [{ id: '1', isTriage: false }] }))).code).toBe(
      'INAPPROPRIATE_VALUE',
    );
    expect(seen).toHaveLength(0);
  });

  it('an admin must name the referring clinician; a clinician must not', async () => {
    const { client } = await setup((_req, res) => fhir(res, 200, A010_RESPONSE));
    expect((await ersFailure(client.searchServices(search, { businessFunction: 'REFERRING_CLINICIAN_ADMIN' }))).code).toBe('VALUE_IS_REQUIRED');
    expect((await ersFailure(client.searchServices({ ...search, referringClinician: '021600556514' }, { businessFunction: 'REFERRING_CLINICIAN' }))).code).toBe(
      'FIELD_NOT_PERMITTED',
    );
  });

  it.each([
    [{ priority: 'ROUTINE', ageAndGenderAppropriate: true }, 'VALUE_IS_REQUIRED'],
    [{ priority: 'ROUTINE', clinicType: 'HEART_FAILURE', clinicalTerm: '1003', ageAndGenderAppropriate: true }, 'FIELD_NOT_PERMITTED'],
    [{ priority: 'ROUTINE', specialty: 'CARDIOLOGY', distanceLimit: 10, ageAndGenderAppropriate: true }, 'FIELD_NOT_PERMITTED'],
    [{ priority: 'TWO_WEEK_WAIT', specialty: '2WW', indicativeAppointmentWaitTimeLimit: 10, ageAndGenderAppropriate: true }, 'FIELD_NOT_PERMITTED'],
  ])('A010 refuses criteria %j', async (criteriaInput, code) => {
    const { client, seen } = await setup((_req, res) => fhir(res, 200, A010_RESPONSE));
    expect((await ersFailure(client.searchServices({ nhsNumber: '9434765919', criteria: criteriaInput as never }))).code).toBe(code);
    expect(seen).toHaveLength(0);
  });

  it.each([
    ['a.exe', 'application/x-msdownload', 10, 'INAPPROPRIATE_VALUE'],
    ['a.pdf', 'text/plain', 10, 'CONFLICTING_VALUES'],
    ['letter', 'text/plain', 10, 'MISSING_VALUE'],
    [`${'a'.repeat(252)}.txt`, 'text/plain', 10, 'INVALID_VALUE'],
    ['a.txt', 'text/plain', 0, 'FILE_SIZE_ERROR'],
    ['a.txt', 'text/plain', 5 * 1024 * 1024 + 1, 'FILE_SIZE_ERROR'],
    ['lettre-réf.txt', 'text/plain', 10, 'INVALID_VALUE'],
    ['page.html', 'text/html', 10, 'INAPPROPRIATE_VALUE'],
  ])('A020 refuses %s (%s, %i bytes)', async (fileName, contentType, size, code) => {
    const { client, seen } = await setup((_req, res) => {
      res.writeHead(201, { Location: 'Binary/1' });
      res.end();
    });
    const error = await ersFailure(client.uploadFile({ ubrn: '000000070000', fileName, contentType, bytes: new Uint8Array(size) }));
    expect(error).toMatchObject({ kind: 'rule', code });
    expect(seen).toHaveLength(0);
  });

  it('refuses a UBRN that is not a 12-digit string', async () => {
    const { client } = await setup((_req, res) => fhir(res, 200, A011_RESPONSE));
    expect((await ersFailure(client.getReferral('70000'))).code).toBe('INVALID_VALUE');
    expect((await ersFailure(client.generatePatientLetter('00000007000a'))).code).toBe('INVALID_VALUE');
  });
});
