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
import {
  applyBooking,
  applyCancellation,
  checkBooking,
  checkShortlistChangeState,
  findAppointment,
  isBookingBody,
  readBooking,
  readCancellation,
  renderHealthcareService,
  searchSlots,
} from './booking';
import { generateLetter } from './letters';
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
  applyShortlistChange,
  planShortlistChange,
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
import type { Referral } from './state';
import { type TestUser, findUser } from './users';
import { fetchWorklist, readWorklistRequest } from './worklists';
import {
  applyCancel,
  availableActions,
  clinicalInformationSummary,
  contentDisposition,
  issueObjectKey,
  planCancel,
  readTaskQuery,
  renderCancelResponse,
  renderTaskBundle,
  takeObject,
} from './lifecycle';

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
/**
 * A route's handler: the caller's context for these business functions and what the request may
 * Accept, both checked before `answer` runs (every e-RS operation starts so).
 */
function operation(bfs: readonly string[], accept: readonly string[], answer: (h: HandlerInput, ctx: OpContext) => Promise<Reply>): Handler {
  return async (h) => {
    const ctx = operationContext(h, bfs);
    negotiate(header(h.req, 'accept'), accept);
    return answer(h, ctx);
  };
}

/**
 * A platform-only POST on one referral (`stu3` captures its UBRN) that holds the referral's lock
 * itself (see underLock), so it applies the injected latency inside; `answer` gets the referral.
 */
function lockingReferralOperation(
  id: RouteId,
  stu3: RegExp,
  bfs: readonly string[],
  answer: (h: HandlerInput, ctx: OpContext, r: Referral) => Promise<Reply>,
): RouteDef {
  return {
    id,
    method: 'POST',
    stu3,
    platformOnly: true,
    latencyInside: true,
    handler: operation(bfs, JSON_TYPES, async (h, ctx) => answer(h, ctx, getReferral(h.params[0], ctx))),
  };
}

/** A011 and A021 create the referral the same way; the operation says which (and whether it goes for triage). */
function createHandler(op: 'A011' | 'A021'): Handler {
  return operation(RC_RCA, JSON_TYPES, async (h, ctx) => {
    const r = createReferral(await jsonBody(h.req), ctx, op);
    return fhir(201, renderReferral(r, ctx, { thin: ctx.flavour === 'legacy' }), etag(r.version));
  });
}

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
      handler: operation(RC_RCA_SPC_SPCA, JSON_TYPES, async (h, ctx) => {
        const base = h.flavour === 'platform' ? `${h.core.url}/referrals/FHIR/STU3/CodeSystem` : `${h.core.url}/ers-api/STU3/v1/CodeSystem`;
        const tag = `W/"${REFERENCE_DATA_VERSION}"`;
        const cs = buildCodeSystem(h.params[0], base, ctx.specialtySystem, '2026-01-01T00:00:00.000Z');
        if (!cs) throw new ErsError(404, 'REFERENCE_NOT_FOUND', diag('codeSystemType', h.params[0], 'unknown code system type'));
        // Reference data changes rarely: honour conditional GETs.
        if (header(h.req, 'if-none-match') === tag) return { status: 304, headers: { ETag: tag } };
        return fhir(200, cs, { ETag: tag });
      }),
    },
    {
      id: 'A010',
      method: 'POST',
      stu3: /^\/HealthcareService\/\$ers\.searchHealthcareServicesForPatient$/,
      handler: operation(RC_RCA, JSON_TYPES, async (h, ctx) => {
        return fhir(200, searchForPatient(await jsonBody(h.req), ctx));
      }),
    },
    {
      id: 'A011',
      method: 'POST',
      stu3: /^\/ReferralRequest\/\$ers\.createReferral$/,
      handler: createHandler('A011'),
    },
    {
      id: 'A021',
      method: 'POST',
      stu3: /^\/ReferralRequest\/\$ers\.createReferralAndSendForTriage$/,
      handler: createHandler('A021'),
    },
    {
      id: 'A020',
      method: 'POST',
      stu3: /^\/Binary$/,
      handler: operation(RC_RCA_SPC_SPCA, JSON_TYPES, async (h, ctx) => {
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
      }),
    },
    {
      id: 'A012',
      method: 'POST',
      stu3: /^\/ReferralRequest\/([^/]+)\/\$ers\.maintainReferralLetter$/,
      latencyInside: true,
      handler: operation(RC_RCA, JSON_TYPES, async (h, ctx) => {
        const r = getReferral(h.params[0], ctx);
        const expected = parseIfMatch(header(h.req, 'if-match'));
        const body = await jsonBody(h.req);
        const { letters } = planLetterUpdate(r, body, ctx);
        await underLock(h, r, diag('id', 'ubrn', `referral ${r.ubrn} is being updated; re-read it and retry later`), () => {
          requireIfMatch(expected, r.version);
          applyLetterUpdate(r, letters, { ...ctx, now: h.core.clock() });
        });
        return fhir(200, renderReferral(r, ctx), etag(r.version));
      }),
    },
    {
      id: 'A015',
      method: 'GET',
      stu3: /^\/Slot$/,
      handler: operation(RC_RCA, JSON_TYPES, async (h, ctx) => {
        const url = new URL(h.req.url ?? '/', 'http://x');
        const platform = h.flavour === 'platform';
        const commOrg = header(h.req, platform ? 'nhsd-ers-comm-rule-org' : 'x-ers-xapi-comm-rule-org');
        const base = `${h.core.url}${platform ? PLATFORM_STU3 : LEGACY_STU3}`;
        return fhir(200, searchSlots(url.searchParams, commOrg, ctx, ctx.state.slots, base));
      }),
    },
    {
      id: 'A016',
      method: 'POST',
      stu3: /^\/Appointment$/,
      platformOnly: true,
      latencyInside: true,
      handler: operation(RC_RCA, JSON_TYPES, async (h, ctx) => {
        const body = await jsonBody(h.req);
        if (isBookingBody(body)) return bookOrDefer(h, ctx, body);
        const plan = planTriage(body, ctx);
        const r = plan.referral;
        const appt = await underLock(h, r, lockedByIncomingReferral(r), () => {
          checkIncomingVersion(plan.version, r.version);
          checkTriageState(r);
          return applyTriage(plan, { ...ctx, now: h.core.clock() });
        });
        return fhir(201, renderAppointment(r, appt, appt.id), etag(1));
      }),
    },
    {
      id: 'A038',
      method: 'GET',
      stu3: /^\/Appointment\/([^/]+)(?:\/_history\/([^/]+))?$/,
      platformOnly: true,
      handler: operation(RC_RCA_SPC_SPCA, JSON_TYPES, async (h, ctx) => {
        const r = findAppointment(h.params[0], ctx);
        const appt = r.appointment!;
        const version = appt.version ?? 1;
        if (h.params[1] !== undefined && h.params[1] !== String(version)) {
          throw new ErsError(404, 'REFERENCE_NOT_FOUND', diag('_history', 'version', `version ${h.params[1]} of appointment ${appt.id} is not current`));
        }
        return fhir(200, renderAppointment(r, appt, appt.id), etag(version));
      }),
    },
    {
      id: 'A034',
      method: 'PUT',
      stu3: /^\/Appointment\/([^/]+)$/,
      platformOnly: true,
      latencyInside: true,
      handler: operation(RC_RCA, JSON_TYPES, async (h, ctx) => {
        const expected = parseIfMatch(header(h.req, 'if-match'));
        const body = await jsonBody(h.req);
        const r = findAppointment(h.params[0], ctx);
        return underLock(h, r, diag('id', 'id', `referral ${r.ubrn} is being updated`), () => {
          const appt = r.appointment!;
          requireIfMatch(expected, appt.version ?? 1);
          if (appt.status !== 'booked' || !appt.start || r.state !== 'BOOKED') {
            throw unprocessable('INVALID_REQUEST_STATE', diag('id', 'id', 'only the current directly booked appointment can be cancelled'));
          }
          const plan = readCancellation(body, ctx);
          const done = throughPas(h, 'A034', () => applyCancellation(r, plan, { ...ctx, now: h.core.clock() }, ctx.state.slots));
          return fhir(200, renderAppointment(r, done, done.id), etag(done.version ?? 1));
        });
      }),
    },
    lockingReferralOperation('A031', /^\/ReferralRequest\/([^/]+)\/\$ers\.changeShortlist$/, RC_RCA, async (h, ctx, r) => {
      checkRelationship(r, ctx, ctx.directory);
      const expected = parseIfMatch(header(h.req, 'if-match'));
      const body = await jsonBody(h.req);
      await underLock(h, r, diag('id', 'ubrn', `referral ${r.ubrn} is being updated`), () => {
        requireIfMatch(expected, r.version);
        checkShortlistChangeState(r);
        applyShortlistChange(r, planShortlistChange(body, r, ctx));
      });
      return fhir(200, renderReferral(r, ctx), etag(r.version));
    }),
    {
      id: 'A019',
      method: 'POST',
      stu3: /^\/ReferralRequest\/([^/]+)\/\$ers\.generatePatientLetter$/,
      handler: operation(RC_RCA, ['application/pdf'], async (h, ctx) => {
        await readBody(h.req, 0); // no body expected; drain whatever was sent
        const r = getReferral(h.params[0], ctx);
        checkRelationship(r, ctx, ctx.directory);
        const { fileName, pdf } = await generateLetter(r, ctx.directory, ctx.now);
        return {
          status: 200,
          contentType: 'application/pdf',
          headers: { 'Content-Disposition': `attachment; filename="${fileName}"` },
          body: pdf,
        };
      }),
    },
    {
      id: 'A008',
      method: 'POST',
      stu3: /^\/ReferralRequest\/\$ers\.fetchworklist$/,
      handler: operation([...RC_RCA, 'REFERRING_ADMIN'], JSON_TYPES, async (h, ctx) => {
        return fhir(200, fetchWorklist(readWorklistRequest(await jsonBody(h.req)), ctx));
      }),
    },
    {
      id: 'A005',
      method: 'GET',
      stu3: /^\/ReferralRequest\/([^/$]+)(?:\/_history\/([^/]+))?$/,
      handler: operation(RC_RCA_SPC_SPCA, JSON_TYPES, async (h, ctx) => {
        if (h.params[1] !== undefined && h.flavour === 'legacy') {
          throw new ErsError(404, 'REFERENCE_NOT_FOUND', 'Version reads (_history) exist only on the platform API.');
        }
        const r = readReferral(h.params[0], h.params[1], ctx);
        return fhir(200, renderReferral(r, ctx), etag(r.version));
      }),
    },
    ...lifecycleRoutes(),
  ];
}

/**
 * Runs `update` holding the referral's lock, after the route's injected latency (so a second update
 * meanwhile is observable as 423 REFERRAL_LOCKED, `lockedDiagnostics` saying where); the lock is
 * released whatever `update` does.
 */
async function underLock<T>(h: HandlerInput, r: { locked: boolean }, lockedDiagnostics: string, update: () => T): Promise<T> {
  if (r.locked) throw new ErsError(423, 'REFERRAL_LOCKED', lockedDiagnostics);
  r.locked = true;
  try {
    await h.latency();
    return update();
  } finally {
    r.locked = false;
  }
}

/** The 423 diagnostics of A016 (booking, deferral, triage), which name the referral in incomingReferral. */
function lockedByIncomingReferral(r: { ubrn: string }): string {
  return diag('incomingReferral[0]/reference', 'incomingReferral', `referral ${r.ubrn} is being updated`);
}

/** 409 VERSION_CONFLICT unless the If-Match version is the current one. */
function requireIfMatch(expected: number, current: number): void {
  if (expected !== current) {
    throw new ErsError(409, 'VERSION_CONFLICT', diag('If-Match', 'If-Match', `version ${expected} is not current (current is ${current})`));
  }
}

function checkIncomingVersion(stated: number, current: number): void {
  if (stated !== current) {
    throw new ErsError(
      409,
      'VERSION_CONFLICT',
      diag('incomingReferral[0]/reference', 'incomingReferral', `version ${stated} is not current (current is ${current})`),
    );
  }
}

/**
 * The provider's PAS behind A016/A034: a `pas` fault answers 502/504 after the latency, with the
 * change made (`applied`) or not; `unconfirmed` answers 422 UNABLE_TO_CONFIRM_APPOINTMENT unchanged.
 */
function throughPas<T>(h: HandlerInput, route: 'A016' | 'A034', apply: () => T): T {
  const fault = h.core.faults.take(route, ['pas', 'unconfirmed']);
  if (!fault) return apply();
  if (fault.kind === 'unconfirmed') throw unprocessable('UNABLE_TO_CONFIRM_APPOINTMENT', "e-RS could not confirm the appointment with the provider's system");
  if (fault.kind !== 'pas') return apply();
  if (fault.applied) apply();
  if (fault.status === 502) throw new ErsError(502, 'PAS_RESPONDED_WITH_ERROR', "The provider's system responded with an error", { issueCode: 'exception' });
  throw new ErsError(504, 'PAS_NOT_RESPONDING', "The provider's system did not respond in time", { issueCode: 'timeout' });
}

/** A016 book or defer to provider, in the order of packages/ers-contract/docs/referral-lifecycle.md §3.5: shape, version and lock, state, service, slot. */
async function bookOrDefer(h: HandlerInput, ctx: OpContext, body: unknown): Promise<Reply> {
  const plan = readBooking(body, ctx);
  const r = plan.referral;
  return underLock(h, r, lockedByIncomingReferral(r), () => {
    const now = h.core.clock();
    checkIncomingVersion(plan.version, r.version);
    // Someone else books the slot between this user's listing and booking.
    if (plan.kind === 'book' && h.core.faults.take('A016', 'slot-taken')) {
      const slot = ctx.state.slots.find(plan.slotId!, ctx.directory, now);
      if (slot && !slot.bookedBy) slot.bookedBy = 'elsewhere';
    }
    const slot = checkBooking(plan, { ...ctx, now }, ctx.state.slots);
    const appt = throughPas(h, 'A016', () => applyBooking(plan, slot, { ...ctx, now }));
    return fhir(201, renderAppointment(r, appt, appt.id), etag(appt.version ?? 1));
  });
}

async function r4ServiceRoute(h: HandlerInput): Promise<Reply> {
  operationContext(h, RC_RCA);
  const svc = h.core.directory.services.get(h.params[0]);
  if (!svc) throw new ErsError(404, 'REC_NOT_FOUND', diag('id', 'id', `service ${h.params[0]} not found`));
  if (h.req.method === 'HEAD') return { status: 200, headers: { ETag: 'W/"1"', 'Cache-Control': 'no-cache' } };
  negotiate(header(h.req, 'accept'), JSON_TYPES);
  return fhir(200, renderHealthcareService(svc, h.core.directory), { ...etag(1), 'Cache-Control': 'no-cache' });
}

async function r4Services(h: HandlerInput): Promise<Reply> {
  operationContext(h, RC_RCA);
  negotiate(header(h.req, 'accept'), JSON_TYPES);
  const ids = (new URL(h.req.url ?? '/', 'http://x').searchParams.get('_id') ?? '').split(',').filter(Boolean);
  if (ids.length === 0 || ids.length > 20 || ids.some((id) => !/^\d+$/.test(id))) {
    throw new ErsError(400, 'REC_BAD_REQUEST', diag('_id', '_id', 'between 1 and 20 numeric service ids are required'));
  }
  const found = ids.map((id) => h.core.directory.services.get(id)).filter((s) => s !== undefined);
  const base = `${h.core.url}/referrals/FHIR/R4`;
  return fhir(200, {
    id: `services-${ids.join('-')}`,
    meta: { lastUpdated: h.core.clock().toISOString() },
    resourceType: 'Bundle',
    type: 'searchset',
    timestamp: h.core.clock().toISOString(),
    total: found.length,
    link: [{ relation: 'self', url: `${base}/HealthcareService?_id=${ids.join(',')}` }],
    ...(found.length
      ? {
          entry: found.map((s) => ({
            fullUrl: `${base}/HealthcareService/${s.id}`,
            resource: renderHealthcareService(s, h.core.directory),
            search: { mode: 'match' },
          })),
        }
      : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// After the referral exists: A029, A036, A007 (STU3) and A042 (R4) with its object store

function lifecycleRoutes(): RouteDef[] {
  return [
    {
      id: 'A029',
      method: 'GET',
      stu3: /^\/Task$/,
      handler: operation(RC_RCA_SPC_SPCA, JSON_TYPES, async (h, ctx) => {
        const { ubrn, version } = readTaskQuery(new URL(h.req.url ?? '/', 'http://sim').searchParams);
        const r = ctx.state.referrals.get(ubrn);
        if (!r) throw new ErsError(400, 'REFERENCE_NOT_FOUND', diag('query', 'focus', `referral ${ubrn} not found`));
        checkRelationship(r, ctx, ctx.directory);
        if (version !== r.version) throw new ErsError(400, 'HISTORY_NOT_SUPPORTED', diag('query', 'focus', `version ${version} is not current`));
        const base = h.flavour === 'platform' ? `${h.core.url}/referrals/FHIR/STU3` : `${h.core.url}/ers-api/STU3/v1`;
        return fhir(200, renderTaskBundle(base, r, version, availableActions(r, ctx), ctx.now));
      }),
    },
    lockingReferralOperation('A036', /^\/ReferralRequest\/([^/]+)\/\$ers\.cancelReferral$/, RC_RCA_SPC_SPCA, async (h, ctx, r) => {
      const expected = parseIfMatch(header(h.req, 'if-match'));
      const plan = planCancel(r, await jsonBody(h.req), ctx);
      const appointment = await underLock(h, r, diag('id', 'ubrn', `referral ${r.ubrn} is being updated; re-read it and retry later`), () => {
        requireIfMatch(expected, r.version);
        const appt = r.appointment;
        return applyCancel(r, plan, { ...ctx, now: h.core.clock() }) && appt ? renderAppointment(r, appt, appt.id) : undefined;
      });
      // No ETag: the new version is in the body (meta.versionId).
      return fhir(200, renderCancelResponse(renderReferral(r, ctx), appointment));
    }),
    {
      id: 'A007',
      method: 'POST',
      stu3: /^\/ReferralRequest\/([^/]+)\/\$ers\.generateCRI$/,
      handler: operation(RC_RCA_SPC_SPCA, ['application/pdf'], async (h, ctx) => {
        await readBody(h.req, 0);
        const r = getReferral(h.params[0], ctx);
        checkRelationship(r, ctx, ctx.directory);
        const { fileName, pdf } = await clinicalInformationSummary(r, ctx);
        return { status: 200, contentType: 'application/pdf', headers: { 'Content-Disposition': `attachment; filename="${fileName}"` }, body: pdf };
      }),
    },
  ];
}

/** A042 `GET /referrals/FHIR/R4/Binary/{id}`: 307 to a one-use object-store key; 422 when not AVAILABLE. */
async function a042(h: HandlerInput): Promise<Reply> {
  const ctx = operationContext(h, RC_RCA_SPC_SPCA);
  const key = issueObjectKey(h.params[0], ctx);
  return { status: 307, headers: { Location: `${h.core.url}/ObjectStore/${key}` } };
}

/** `GET /ObjectStore/{key}`: the file behind an A042 redirect (no e-RS auth: the key is the credential). */
export function objectStoreReply(core: SimCore, method: string, pathname: string): Reply {
  const key = decodeURIComponent(pathname.slice('/ObjectStore/'.length));
  const found = method === 'GET' ? takeObject(core.state, key, core.clock()) : undefined;
  if (!found) return { status: 404, contentType: 'text/plain; charset=utf-8', body: 'Not found' };
  return { status: 200, contentType: found.contentType, headers: { 'Content-Disposition': contentDisposition(found.fileName) }, body: found.bytes };
}

// Advice and Guidance (./advice.ts): A044 create, A024 summary, A025 conversation, A043 overview PDF.
function adviceRoutes(): RouteDef[] {
  return [
    {
      id: 'A044',
      method: 'POST',
      stu3: /^\/CommunicationRequest\/\$ers\.createAdviceAndGuidance$/,
      platformOnly: true,
      handler: operation(RC_RCA, JSON_TYPES, async (h, ctx) => {
        const a = createAdvice(await jsonBody(h.req), ctx);
        return fhir(200, renderCreateResponse(a, ctx));
      }),
    },
    {
      id: 'A043',
      method: 'POST',
      stu3: /^\/CommunicationRequest\/([^/$]+)\/\$ers\.generateCRI$/,
      platformOnly: true,
      handler: operation(RC_RCA_SPC_SPCA, ['application/pdf'], async (h, ctx) => {
        await readBody(h.req, 0);
        const { fileName, pdf } = await renderOverviewPdf(getAdvice(h.params[0], ctx), ctx.now);
        return { status: 200, contentType: 'application/pdf', headers: { 'Content-Disposition': `attachment; filename="${fileName}"` }, body: pdf };
      }),
    },
    {
      id: 'A024',
      method: 'GET',
      stu3: /^\/CommunicationRequest\/([^/$]+)(?:\/_history\/([^/]+))?$/,
      handler: operation(RC_RCA_SPC_SPCA, JSON_TYPES, async (h, ctx) => {
        const a = getAdvice(h.params[0], ctx);
        requireCurrent(a, h.params[1]);
        return fhir(200, renderCommunicationRequest(a, ctx), etag(a.version));
      }),
    },
    {
      id: 'A025',
      method: 'GET',
      stu3: /^\/Communication$/,
      handler: operation(RC_RCA_SPC_SPCA, JSON_TYPES, async (h, ctx) => {
        const { ubrn, version } = parseBasedOn(new URL(h.req.url ?? '/', 'http://sim.invalid').searchParams);
        const a = getAdvice(ubrn, ctx);
        requireCurrent(a, version);
        const base = h.flavour === 'platform' ? `${h.core.url}/referrals/FHIR/STU3` : `${h.core.url}/ers-api/STU3/v1`;
        return fhir(200, renderConversation(a, base, ctx.state), etag(a.version));
      }),
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
  if (pathname === '/referrals/FHIR/R4/PractitionerRole') {
    if (method !== 'GET') return { methodMismatch: true, flavour: 'platform', kind: 'r4' };
    return { match: { id: 'A030', flavour: 'platform', kind: 'r4', params: [], handler: a030 } };
  }
  const r4Service = /^\/referrals\/FHIR\/R4\/HealthcareService(?:\/([^/]+))?$/.exec(pathname);
  if (r4Service) {
    const id = r4Service[1];
    if (!id && method === 'GET') return { match: { id: 'A035', flavour: 'platform', kind: 'r4', params: [], handler: r4Services } };
    if (id && method === 'GET') return { match: { id: 'A033', flavour: 'platform', kind: 'r4', params: [decodeURIComponent(id)], handler: r4ServiceRoute } };
    if (id && method === 'HEAD') return { match: { id: 'A037', flavour: 'platform', kind: 'r4', params: [decodeURIComponent(id)], handler: r4ServiceRoute } };
    return { methodMismatch: true, flavour: 'platform', kind: 'r4' };
  }
  const binaryM = /^\/referrals\/FHIR\/R4\/Binary\/([^/]+)$/.exec(pathname);
  if (binaryM) {
    if (method !== 'GET') return { methodMismatch: true, flavour: 'platform', kind: 'r4' };
    return { match: { id: 'A042', flavour: 'platform', kind: 'r4', params: [decodeURIComponent(binaryM[1])], handler: a042 } };
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
