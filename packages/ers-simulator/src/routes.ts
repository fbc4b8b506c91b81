// The e-RS route table for both flavours and the handlers that glue HTTP to the operations:
//   legacy   /ers-api/v1/ProfessionalSession…  and  /ers-api/STU3/v1/…   (XAPI_ASID + HTTP_X_SESSION_KEY)
//   platform /referrals/FHIR/STU3/…            and  /referrals/FHIR/R4/PractitionerRole (bearer token)
// The FHIR operation logic is shared; only the auth/role layer differs (packages/ers-contract/docs/ers-api.md §9).

import type { IncomingMessage } from 'node:http';
import { MAX_ATTACHMENT_BYTES } from 'ers-contract';
import { type LegacySession, orgName, permissionsOf, platformRole, requireBusinessFunction } from './auth';
import { storeUpload, validateUpload } from './binaries';
import type { SimCore } from './core';
import { ErsError, diag, unprocessable } from './errors';
import type { RouteId } from './faults';
import { isObject } from './fhir';
import { type Reply, fhir, header, negotiate, parseJson, readBody, requireJsonContentType } from './http';
import { generateLetter } from './letters';
import { objectStoreReply, retrieveAttachment } from './objectstore';
import {
  createAdvice,
  getAdvice,
  parseBasedOn,
  renderCommunicationRequest,
  renderConversation,
  renderCreateResponse,
  renderOverviewPdf,
  requireCurrent,
} from './advice';
import { REFERENCE_DATA_VERSION, buildCodeSystem } from './reference-data';
import {
  applyLetterUpdate,
  applyTriage,
  checkTriageState,
  createReferral,
  getReferral,
  parseIfMatch,
  planLetterUpdate,
  planTriage,
  readReferral,
  renderAppointment,
  renderReferral,
  searchForPatient,
} from './referrals';
import type { OpContext } from './rules';
import { checkRelationship } from './rules';
import type { Flavour } from './search';
import { type TestUser, findUser } from './users';
import { fetchWorklist, readWorklistRequest } from './worklists';

export type PathKind = 'stu3' | 'r4' | 'session';

export interface RouteMatch {
  id: RouteId;
  flavour: Flavour;
  kind: PathKind;
  params: string[];
  handler: Handler;
  /** Handler applies the injected latency itself (inside the referral lock, so 423 is observable). */
  latencyInside?: boolean;
}

export interface HandlerInput {
  core: SimCore;
  req: IncomingMessage;
  params: string[];
  flavour: Flavour;
  /** Sleeps for the route's injected latency. */
  latency: () => Promise<void>;
}

type Handler = (h: HandlerInput) => Promise<Reply>;

const RC_RCA = ['REFERRING_CLINICIAN', 'REFERRING_CLINICIAN_ADMIN'] as const;
const RC_RCA_SPC_SPCA = [...RC_RCA, 'SERVICE_PROVIDER_CLINICIAN', 'SERVICE_PROVIDER_CLINICIAN_ADMIN'] as const;
const JSON_TYPES = ['application/fhir+json', 'application/json'];

interface RouteDef {
  id: RouteId;
  method: string;
  /** Path after the STU3 prefix (`/referrals/FHIR/STU3` or `/ers-api/STU3/v1`). */
  stu3?: RegExp;
  platformOnly?: boolean;
  bfs?: readonly string[];
  handler: Handler;
  latencyInside?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Caller context

/** Authenticates the caller and checks the role for an STU3 route; returns the operation context. */
export function operationContext(h: HandlerInput, bfs: readonly string[]): OpContext {
  const { core, req, flavour } = h;
  let user: TestUser;
  let ods: string;
  let businessFunction: string;
  if (flavour === 'platform') {
    user = core.auth.bearer(header(req, 'authorization'));
    ({ ods, businessFunction } = platformRole(user, header(req, 'nhsd-end-user-organisation-ods'), header(req, 'nhsd-ers-business-function')));
  } else {
    const session = legacySession(h);
    if (!session.permission) {
      throw new ErsError(403, 'NO_ACCESS', 'No role selected for this session; select one with PUT /v1/ProfessionalSession/{id} (A002).');
    }
    user = findUser(session.userId)!;
    ods = session.permission.orgIdentifier;
    businessFunction = session.permission.businessFunction;
  }
  requireBusinessFunction(businessFunction, bfs);
  const systems = core.systems();
  return {
    flavour,
    user,
    ods,
    businessFunction,
    now: core.clock(),
    state: core.state,
    directory: core.directory,
    specialtySystem: flavour === 'platform' ? systems.platform : systems.legacy,
    specialtySystems: [systems.platform, systems.legacy, ...systems.aliases],
    binaryScanDelayMs: core.options.binaryScanDelayMs,
  };
}

function requireAsid(req: IncomingMessage): void {
  if (!header(req, 'xapi_asid')?.trim()) throw new ErsError(403, 'NO_ACCESS', 'XAPI_ASID header missing.');
}

function legacySession(h: HandlerInput): LegacySession {
  requireAsid(h.req);
  return h.core.auth.session(header(h.req, 'http_x_session_key'));
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  requireJsonContentType(header(req, 'content-type'));
  const { bytes } = await readBody(req, 2 * 1024 * 1024);
  return parseJson(bytes);
}

function etag(version: number | string): Record<string, string> {
  return { ETag: `W/"${version}"` };
}

// ---------------------------------------------------------------------------------------------
// Legacy session endpoints (A001–A003)

function sessionDto(s: LegacySession): object {
  const u = findUser(s.userId)!;
  return {
    typeInfo: 'uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession',
    id: s.id,
    token: s.token,
    user: { identifier: u.id, firstName: u.given, lastName: u.family, middleName: null, permissions: permissionsOf(u) },
    permission: s.permission,
  };
}

async function a001(h: HandlerInput): Promise<Reply> {
  requireAsid(h.req);
  const body = await jsonBody(h.req);
  if (!isObject(body) || typeof body.token !== 'string' || !body.token.trim()) {
    throw unprocessable('MISSING_VALUE', diag('token', 'token', 'smartcard SSO token missing'));
  }
  const owner = h.core.auth.smartcardOwner(body.token);
  const user = owner ? findUser(owner) : undefined;
  if (!user?.active) throw new ErsError(403, 'NO_ACCESS', 'Smartcard token not recognised.');
  const s = h.core.auth.createSession(body.token, user.id);
  return { status: 201, body: sessionDto(s), contentType: 'application/json' };
}

async function a002(h: HandlerInput): Promise<Reply> {
  const s = legacySession(h);
  if (h.params[0] !== s.id) throw new ErsError(403, 'NO_ACCESS', 'The session key in the path does not match HTTP_X_SESSION_KEY.');
  const body = await jsonBody(h.req);
  const p = isObject(body) && isObject(body.permission) ? body.permission : undefined;
  if (!p || typeof p.businessFunction !== 'string' || typeof p.orgIdentifier !== 'string') {
    throw unprocessable('MISSING_VALUE', diag('permission', 'permission', 'permission with businessFunction and orgIdentifier is required'));
  }
  const u = findUser(s.userId)!;
  if (!u.roles.some((r) => r.businessFunction === p.businessFunction && r.ods === p.orgIdentifier)) {
    throw new ErsError(403, 'NO_ACCESS', `The user does not hold ${String(p.businessFunction)} at ${String(p.orgIdentifier)}.`);
  }
  s.permission = { businessFunction: p.businessFunction, orgIdentifier: p.orgIdentifier, orgName: orgName(p.orgIdentifier) };
  return { status: 200, body: sessionDto(s), contentType: 'application/json' };
}

async function a003(h: HandlerInput): Promise<Reply> {
  const s = legacySession(h);
  if (h.params[0] !== s.id) throw new ErsError(403, 'NO_ACCESS', 'The session key in the path does not match HTTP_X_SESSION_KEY.');
  h.core.auth.sessions.delete(s.id);
  return { status: 204 };
}

// ---------------------------------------------------------------------------------------------
// A030 (platform R4)

async function a030(h: HandlerInput): Promise<Reply> {
  const user = h.core.auth.bearer(header(h.req, 'authorization'));
  negotiate(header(h.req, 'accept'), JSON_TYPES);
  const now = h.core.clock().toISOString();
  const base = `${h.core.url}/referrals/FHIR/R4`;
  const orgs = [...new Set(user.roles.map((r) => r.ods))];
  const entry = orgs.map((ods) => {
    const id = `PractitionerRole-${ods}-${user.id}`;
    return {
      fullUrl: `${base}/PractitionerRole/${id}`,
      resource: {
        id,
        meta: { lastUpdated: now },
        resourceType: 'PractitionerRole',
        practitioner: { identifier: { system: 'https://fhir.nhs.uk/Id/sds-user-id', value: user.id } },
        organization: { identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: ods } },
        code: user.roles
          .filter((r) => r.ods === ods)
          .map((r) => ({ coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/eRS-BusinessFunction-1', code: r.businessFunction }] })),
      },
      search: { mode: 'match' },
    };
  });
  return fhir(200, {
    id: crypto.randomUUID(),
    meta: { lastUpdated: now },
    resourceType: 'Bundle',
    type: 'searchset',
    total: entry.length,
    timestamp: now,
    link: [{ relation: 'self', url: `${base}/PractitionerRole` }],
    entry,
  });
}

// ---------------------------------------------------------------------------------------------
// STU3 operations (both flavours)

function stu3Routes(): RouteDef[] {
  return [
    {
      id: 'A004',
      method: 'GET',
      stu3: /^\/CodeSystem\/([^/]+)$/,
      bfs: RC_RCA_SPC_SPCA,
      handler: async (h) => {
        const ctx = operationContext(h, RC_RCA_SPC_SPCA);
        negotiate(header(h.req, 'accept'), JSON_TYPES);
        const base = h.flavour === 'platform' ? `${h.core.url}/referrals/FHIR/STU3/CodeSystem` : `${h.core.url}/ers-api/STU3/v1/CodeSystem`;
        const tag = `W/"${REFERENCE_DATA_VERSION}"`;
        const cs = buildCodeSystem(h.params[0], base, ctx.specialtySystem, '2026-01-01T00:00:00.000Z');
        if (!cs) throw new ErsError(404, 'REFERENCE_NOT_FOUND', diag('codeSystemType', h.params[0], 'unknown code system type'));
        // Reference data changes rarely: honour conditional GETs.
        if (header(h.req, 'if-none-match') === tag) return { status: 304, headers: { ETag: tag } };
        return fhir(200, cs, { ETag: tag });
      },
    },
    {
      id: 'A010',
      method: 'POST',
      stu3: /^\/HealthcareService\/\$ers\.searchHealthcareServicesForPatient$/,
      handler: async (h) => {
        const ctx = operationContext(h, RC_RCA);
        negotiate(header(h.req, 'accept'), JSON_TYPES);
        return fhir(200, searchForPatient(await jsonBody(h.req), ctx));
      },
    },
    {
      id: 'A011',
      method: 'POST',
      stu3: /^\/ReferralRequest\/\$ers\.createReferral$/,
      handler: async (h) => {
        const ctx = operationContext(h, RC_RCA);
        negotiate(header(h.req, 'accept'), JSON_TYPES);
        const r = createReferral(await jsonBody(h.req), ctx, 'A011');
        return fhir(201, renderReferral(r, ctx, { thin: ctx.flavour === 'legacy' }), etag(r.version));
      },
    },
    {
      id: 'A021',
      method: 'POST',
      stu3: /^\/ReferralRequest\/\$ers\.createReferralAndSendForTriage$/,
      handler: async (h) => {
        const ctx = operationContext(h, RC_RCA);
        negotiate(header(h.req, 'accept'), JSON_TYPES);
        const r = createReferral(await jsonBody(h.req), ctx, 'A021');
        return fhir(201, renderReferral(r, ctx, { thin: ctx.flavour === 'legacy' }), etag(r.version));
      },
    },
    {
      id: 'A020',
      method: 'POST',
      stu3: /^\/Binary$/,
      handler: async (h) => {
        const ctx = operationContext(h, RC_RCA_SPC_SPCA);
        negotiate(header(h.req, 'accept'), JSON_TYPES);
        const platform = h.flavour === 'platform';
        const { bytes, size } = await readBody(h.req, MAX_ATTACHMENT_BYTES + 1);
        const input = {
          flavour: h.flavour,
          fileName: header(h.req, platform ? 'nhsd-ers-file-name' : 'x-ers-xapi-meta-file_name')?.trim() || undefined,
          contentType: header(h.req, 'content-type'),
          intendedUbrn: header(h.req, platform ? 'nhsd-ers-referral-id' : 'x-ers-xapi-meta-intended_ubrn')?.trim() || undefined,
          size,
        };
        validateUpload(input, ctx.state);
        const b = storeUpload(ctx.state, { ...input, bytes, userId: ctx.user.id, ods: ctx.ods, now: ctx.now });
        return { status: 201, headers: { Location: `Binary/${b.id}` } };
      },
    },
    {
      id: 'A012',
      method: 'POST',
      stu3: /^\/ReferralRequest\/([^/]+)\/\$ers\.maintainReferralLetter$/,
      latencyInside: true,
      handler: async (h) => {
        const ctx = operationContext(h, RC_RCA);
        negotiate(header(h.req, 'accept'), JSON_TYPES);
        const r = getReferral(h.params[0], ctx);
        const expected = parseIfMatch(header(h.req, 'if-match'));
        const body = await jsonBody(h.req);
        const { letters } = planLetterUpdate(r, body, ctx);
        if (r.locked) throw new ErsError(423, 'REFERRAL_LOCKED', diag('id', 'ubrn', `referral ${r.ubrn} is being updated; re-read it and retry later`));
        r.locked = true;
        try {
          await h.latency();
          if (expected !== r.version) {
            throw new ErsError(409, 'VERSION_CONFLICT', diag('If-Match', 'If-Match', `version ${expected} is not current (current is ${r.version})`));
          }
          applyLetterUpdate(r, letters, { ...ctx, now: h.core.clock() });
        } finally {
          r.locked = false;
        }
        return fhir(200, renderReferral(r, ctx), etag(r.version));
      },
    },
    {
      id: 'A016',
      method: 'POST',
      stu3: /^\/Appointment$/,
      platformOnly: true,
      latencyInside: true,
      handler: async (h) => {
        const ctx = operationContext(h, RC_RCA);
        negotiate(header(h.req, 'accept'), JSON_TYPES);
        const plan = planTriage(await jsonBody(h.req), ctx);
        const r = plan.referral;
        if (r.locked)
          throw new ErsError(423, 'REFERRAL_LOCKED', diag('incomingReferral[0]/reference', 'incomingReferral', `referral ${r.ubrn} is being updated`));
        r.locked = true;
        let appt;
        try {
          await h.latency();
          if (plan.version !== r.version) {
            throw new ErsError(
              409,
              'VERSION_CONFLICT',
              diag('incomingReferral[0]/reference', 'incomingReferral', `version ${plan.version} is not current (current is ${r.version})`),
            );
          }
          checkTriageState(r);
          appt = applyTriage(plan, { ...ctx, now: h.core.clock() });
        } finally {
          r.locked = false;
        }
        return fhir(201, renderAppointment(r, appt, appt.id), etag(1));
      },
    },
    {
      id: 'A019',
      method: 'POST',
      stu3: /^\/ReferralRequest\/([^/]+)\/\$ers\.generatePatientLetter$/,
      handler: async (h) => {
        const ctx = operationContext(h, RC_RCA);
        negotiate(header(h.req, 'accept'), ['application/pdf']);
        await readBody(h.req, 0); // no body expected; drain whatever was sent
        const r = getReferral(h.params[0], ctx);
        checkRelationship(r, ctx, ctx.directory);
        const { fileName, pdf } = generateLetter(r, ctx.directory, ctx.now);
        return {
          status: 200,
          contentType: 'application/pdf',
          headers: { 'Content-Disposition': `attachment; filename="${fileName}"` },
          body: pdf,
        };
      },
    },
    {
      id: 'A008',
      method: 'POST',
      stu3: /^\/ReferralRequest\/\$ers\.fetchworklist$/,
      handler: async (h) => {
        const ctx = operationContext(h, [...RC_RCA, 'REFERRING_ADMIN']);
        negotiate(header(h.req, 'accept'), JSON_TYPES);
        return fhir(200, fetchWorklist(readWorklistRequest(await jsonBody(h.req)), ctx));
      },
    },
    {
      id: 'A005',
      method: 'GET',
      stu3: /^\/ReferralRequest\/([^/$]+)(?:\/_history\/([^/]+))?$/,
      handler: async (h) => {
        const ctx = operationContext(h, RC_RCA_SPC_SPCA);
        negotiate(header(h.req, 'accept'), JSON_TYPES);
        if (h.params[1] !== undefined && h.flavour === 'legacy') {
          throw new ErsError(404, 'REFERENCE_NOT_FOUND', 'Version reads (_history) exist only on the platform API.');
        }
        const r = readReferral(h.params[0], h.params[1], ctx);
        return fhir(200, renderReferral(r, ctx), etag(r.version));
      },
    },
  ];
}

// A042 (./objectstore.ts): the one-time address is under the R4 base so the same pipeline serves it.
async function a042(h: HandlerInput): Promise<Reply> {
  const ctx = operationContext(h, RC_RCA_SPC_SPCA);
  return retrieveAttachment(h.params[0], ctx, `${h.core.url}/referrals/FHIR/R4`);
}

async function objectStore(h: HandlerInput): Promise<Reply> {
  return objectStoreReply(h.core.state, h.params[0], h.core.clock());
}

// Advice and Guidance (./advice.ts): A044 create, A024 summary, A025 conversation, A043 overview PDF.
function adviceRoutes(): RouteDef[] {
  return [
    {
      id: 'A044',
      method: 'POST',
      stu3: /^\/CommunicationRequest\/\$ers\.createAdviceAndGuidance$/,
      platformOnly: true,
      handler: async (h) => {
        const ctx = operationContext(h, RC_RCA);
        negotiate(header(h.req, 'accept'), JSON_TYPES);
        const a = createAdvice(await jsonBody(h.req), ctx);
        return fhir(200, renderCreateResponse(a, ctx));
      },
    },
    {
      id: 'A043',
      method: 'POST',
      stu3: /^\/CommunicationRequest\/([^/$]+)\/\$ers\.generateCRI$/,
      platformOnly: true,
      handler: async (h) => {
        const ctx = operationContext(h, RC_RCA_SPC_SPCA);
        negotiate(header(h.req, 'accept'), ['application/pdf']);
        await readBody(h.req, 0);
        const { fileName, pdf } = renderOverviewPdf(getAdvice(h.params[0], ctx), ctx.now);
        return { status: 200, contentType: 'application/pdf', headers: { 'Content-Disposition': `attachment; filename="${fileName}"` }, body: pdf };
      },
    },
    {
      id: 'A024',
      method: 'GET',
      stu3: /^\/CommunicationRequest\/([^/$]+)(?:\/_history\/([^/]+))?$/,
      handler: async (h) => {
        const ctx = operationContext(h, RC_RCA_SPC_SPCA);
        negotiate(header(h.req, 'accept'), JSON_TYPES);
        const a = getAdvice(h.params[0], ctx);
        requireCurrent(a, h.params[1]);
        return fhir(200, renderCommunicationRequest(a, ctx), etag(a.version));
      },
    },
    {
      id: 'A025',
      method: 'GET',
      stu3: /^\/Communication$/,
      handler: async (h) => {
        const ctx = operationContext(h, RC_RCA_SPC_SPCA);
        negotiate(header(h.req, 'accept'), JSON_TYPES);
        const { ubrn, version } = parseBasedOn(new URL(h.req.url ?? '/', 'http://sim.invalid').searchParams);
        const a = getAdvice(ubrn, ctx);
        requireCurrent(a, version);
        const base = h.flavour === 'platform' ? `${h.core.url}/referrals/FHIR/STU3` : `${h.core.url}/ers-api/STU3/v1`;
        return fhir(200, renderConversation(a, base, ctx.state), etag(a.version));
      },
    },
  ];
}

const STU3 = [...stu3Routes(), ...adviceRoutes()];
const PLATFORM_STU3 = '/referrals/FHIR/STU3';
const LEGACY_STU3 = '/ers-api/STU3/v1';

/** Finds the route for a method + path, or undefined (404). `methodMismatch` tells 405 from 404. */
export function matchRoute(method: string, pathname: string): { match?: RouteMatch; methodMismatch?: boolean; flavour?: Flavour; kind?: PathKind } {
  const sessionM = /^\/ers-api\/v1\/ProfessionalSession(?:\/([^/]+))?$/.exec(pathname);
  if (sessionM) {
    const id = sessionM[1];
    const found =
      !id && method === 'POST'
        ? { id: 'A001' as const, handler: a001 }
        : id && method === 'PUT'
          ? { id: 'A002' as const, handler: a002 }
          : id && method === 'DELETE'
            ? { id: 'A003' as const, handler: a003 }
            : undefined;
    if (!found) return { methodMismatch: true, flavour: 'legacy', kind: 'session' };
    return { match: { ...found, flavour: 'legacy', kind: 'session', params: id ? [decodeURIComponent(id)] : [] } };
  }
  const binaryM = /^\/referrals\/FHIR\/R4\/(Binary|ObjectStore)\/([^/]+)$/.exec(pathname);
  if (binaryM) {
    if (method !== 'GET') return { methodMismatch: true, flavour: 'platform', kind: 'r4' };
    const handler = binaryM[1] === 'Binary' ? a042 : objectStore;
    return { match: { id: 'A042', flavour: 'platform', kind: 'r4', params: [decodeURIComponent(binaryM[2])], handler } };
  }
  if (pathname === '/referrals/FHIR/R4/PractitionerRole') {
    if (method !== 'GET') return { methodMismatch: true, flavour: 'platform', kind: 'r4' };
    return { match: { id: 'A030', flavour: 'platform', kind: 'r4', params: [], handler: a030 } };
  }
  let flavour: Flavour | undefined;
  let rest = '';
  if (pathname.startsWith(`${PLATFORM_STU3}/`)) {
    flavour = 'platform';
    rest = pathname.slice(PLATFORM_STU3.length);
  } else if (pathname.startsWith(`${LEGACY_STU3}/`)) {
    flavour = 'legacy';
    rest = pathname.slice(LEGACY_STU3.length);
  }
  if (!flavour) return {};
  let methodMismatch = false;
  for (const r of STU3) {
    if (r.platformOnly && flavour !== 'platform') continue;
    const m = r.stu3!.exec(rest);
    if (!m) continue;
    if (r.method !== method) {
      methodMismatch = true;
      continue;
    }
    return {
      match: {
        id: r.id,
        flavour,
        kind: 'stu3',
        params: m.slice(1).map((p) => (p === undefined ? (undefined as unknown as string) : decodeURIComponent(p))),
        handler: r.handler,
        latencyInside: r.latencyInside,
      },
    };
  }
  return { methodMismatch, flavour, kind: 'stu3' };
}
