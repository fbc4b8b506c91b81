// Referral operations: A010 search, A011 create, A021 create-and-send-for-triage, A012 maintain
// letters, A016 send to triage (the platform RAS route), A005 read — and the ReferralRequest /
// Appointment rendering, shaped like examples/platform/A011_*, A012_*, A021_*, A016_*, A005_*.
//
// Each function validates in the order of packages/ers-contract/docs/ers-api.md §9 and throws ErsError; state is only changed once
// every check has passed, so a rejected request never leaves a half-made referral behind.

import { randomUUID } from 'node:crypto';
import { EXTENSION, LETTER_INTENTIONS, MAX_SHORTLIST, PROFILE, REQUEST_TYPES, SORT_BY, SYSTEM, type RequestType } from 'ers-contract';
import { ErsError, diag, unprocessable } from './errors';
import { type ParamValue, checkKeys, codingIn, first, identifierOf, isObject, readParameters, UBRN_PATTERN } from './fhir';
import { PRIORITY_DISPLAY, specialtyDisplay } from './reference-data';
import {
  type AppointmentParticipant,
  type OpContext,
  appointmentTarget,
  checkPathwayStart,
  checkReferringClinician,
  checkRelationship,
  findPatient,
  resolvePatient,
} from './rules';
import { MAX_SEARCH_RESULTS, matchingServices, normaliseCriteriaResource, parseCriteria, renderEntry, renderServiceList, sortMatches } from './search';
import { type Attachment, type Availability, type Referral, bumpVersion } from './state';

// ---------------------------------------------------------------------------------------------
// A010

const SEARCH_SPECS = {
  requestType: { kind: 'valueCoding', min: 1 },
  sortBy: { kind: 'valueCoding', min: 1 },
  patient: { kind: 'valueIdentifier', min: 1 },
  referringClinician: { kind: 'valueIdentifier' },
  searchCriteria: { kind: 'resource', min: 1 },
  commissioningRuleOrganisation: { kind: 'valueIdentifier' },
} as const;

export function searchForPatient(body: unknown, ctx: OpContext): object {
  const params = readParameters(body, '', PROFILE.patientServiceSearch, SEARCH_SPECS);
  const pv = (n: keyof typeof SEARCH_SPECS) => first(params, n) as ParamValue;
  const requestType = codingIn(pv('requestType'), 'requestType', SYSTEM.requestType, REQUEST_TYPES) as RequestType;
  const sortBy = codingIn(pv('sortBy'), 'sortBy', SYSTEM.sortBy, SORT_BY) as 'DISTANCE' | 'IWT';
  const criteria = parseCriteria(pv('searchCriteria').value, pv('searchCriteria').path, ctx);
  let commissioningOrg = ctx.ods;
  const cro = first(params, 'commissioningRuleOrganisation');
  if (cro) {
    if (requestType === 'ADVICE_AND_GUIDANCE_REQUEST') {
      throw unprocessable('FIELD_NOT_PERMITTED', diag(cro.path, 'commissioningRuleOrganisation', 'not supported with ADVICE_AND_GUIDANCE_REQUEST'));
    }
    commissioningOrg = identifierOf(cro, 'commissioningRuleOrganisation', SYSTEM.odsOrganisationCode);
    if (!ctx.directory.organisations.has(commissioningOrg)) {
      throw unprocessable('REFERENCE_NOT_FOUND', diag(cro.path, 'commissioningRuleOrganisation', 'organisation not found'));
    }
  }
  checkReferringClinician(first(params, 'referringClinician'), ctx, 'parameter');
  const patient = resolvePatient(pv('patient'));
  const matches = matchingServices(criteria, { requestType, patient, commissioningOrg, directory: ctx.directory, now: ctx.now });
  const top = sortMatches(matches, sortBy).slice(0, MAX_SEARCH_RESULTS);
  return renderServiceList(top.map((m) => renderEntry(m, ctx.directory, ctx.specialtySystem)));
}

// ---------------------------------------------------------------------------------------------
// A011 / A021

const CREATE_SPECS = {
  patient: { kind: 'valueIdentifier', min: 1 },
  referringClinician: { kind: 'valueIdentifier' },
  shortlist: { kind: 'resource', min: 1 },
  intentionToAddReferralLetter: { kind: 'valueCoding', min: 1 },
  firstReminderLetterFollowUpDays: { kind: 'valueUnsignedInt', min: 1 },
  eReferralPathwayStart: { kind: 'valueInstant' },
} as const;

interface ParsedShortlist {
  criteriaResource: unknown;
  criteriaPath: string;
  serviceIds: { id: string; path: string }[];
}

/** Reads the shortlist List: contained criteria, the extension pointing at them, 1..n entries. */
export function readShortlist(pv: ParamValue): ParsedShortlist {
  const list = pv.value as Record<string, unknown>;
  const path = pv.path;
  const structure = (p: string, what: string, m: string) => unprocessable('INVALID_FHIR_STRUCTURE', diag(p, what, m));
  if (list.resourceType !== 'List') throw structure(`${path}/resourceType`, 'shortlist', 'must be List');
  checkKeys(list, ['resourceType', 'id', 'meta', 'status', 'mode', 'contained', 'extension', 'entry'], path);
  if (isObject(list.meta) && Array.isArray(list.meta.profile) && !list.meta.profile.includes(PROFILE.shortlist)) {
    throw unprocessable('INVALID_VALUE', diag(`${path}/meta/profile`, 'profile', `must be ${PROFILE.shortlist}`));
  }
  if (list.status !== undefined && list.status !== 'current') throw unprocessable('INVALID_VALUE', diag(`${path}/status`, 'status', 'must be current'));
  if (list.mode !== undefined && list.mode !== 'snapshot') throw unprocessable('INVALID_VALUE', diag(`${path}/mode`, 'mode', 'must be snapshot'));
  const contained = list.contained;
  if (!Array.isArray(contained) || contained.length === 0)
    throw unprocessable('MISSING_VALUE', diag(`${path}/contained`, 'searchCriteria', 'contained search criteria missing'));
  if (contained.length > 1) throw structure(`${path}/contained[1]`, 'contained', 'only the search criteria may be contained');
  const ext = list.extension;
  if (!Array.isArray(ext) || ext.length === 0)
    throw unprocessable('MISSING_VALUE', diag(`${path}/extension`, 'extension', 'Shortlist-SearchCriteria extension missing'));
  ext.forEach((e, i) => {
    if (!isObject(e) || e.url !== EXTENSION.shortlistSearchCriteria) {
      throw unprocessable('UNEXPECTED_FIELD', diag(`${path}/extension[${i}]`, 'extension', 'unknown extension'));
    }
  });
  const ref = (ext[0] as { valueReference?: { reference?: unknown } }).valueReference?.reference;
  const criteria = contained[0] as Record<string, unknown>;
  if (typeof ref !== 'string' || !isObject(criteria) || ref !== `#${String(criteria.id)}`) {
    throw unprocessable(
      'INVALID_VALUE',
      diag(`${path}/extension[0]/valueReference/reference`, 'reference', 'must reference the contained search criteria by #id'),
    );
  }
  const entries = list.entry;
  if (entries !== undefined && !Array.isArray(entries)) throw structure(`${path}/entry`, 'entry', 'must be an array');
  const serviceIds = ((entries ?? []) as unknown[]).map((e, i) => {
    const p = `${path}/entry[${i}]/item/identifier`;
    const item = isObject(e) && isObject(e.item) ? e.item : undefined;
    if (!item || !isObject(item.identifier)) throw unprocessable('MISSING_VALUE', diag(p, 'service', 'service identifier missing'));
    checkKeys(e as Record<string, unknown>, ['item'], `${path}/entry[${i}]`);
    checkKeys(item, ['identifier', 'display'], `${path}/entry[${i}]/item`);
    const id = identifierOf({ value: item.identifier, path: p, index: i }, 'service', SYSTEM.ersService, /^\d+$/);
    return { id, path: p };
  });
  return { criteriaResource: criteria, criteriaPath: `${path}/contained[0]`, serviceIds };
}

export function createReferral(body: unknown, ctx: OpContext, op: 'A011' | 'A021'): Referral {
  const triageOp = op === 'A021';
  const profile = triageOp ? PROFILE.createReferralAndSendForTriage : PROFILE.createReferral;
  // eReferralPathwayStart exists only on platform A011 (not in the legacy or A021 parameter tables).
  const specs = triageOp || ctx.flavour === 'legacy' ? (({ eReferralPathwayStart: _omit, ...rest }) => rest)(CREATE_SPECS) : CREATE_SPECS;
  const params = readParameters(body, '', profile, specs);
  const pv = (n: keyof typeof CREATE_SPECS) => first(params, n) as ParamValue;
  const shortlist = readShortlist(pv('shortlist'));
  const criteria = parseCriteria(shortlist.criteriaResource, shortlist.criteriaPath, ctx);
  const intention = codingIn(pv('intentionToAddReferralLetter'), 'intentionToAddReferralLetter', SYSTEM.referralLetterIntention, LETTER_INTENTIONS);
  const reminderDays = pv('firstReminderLetterFollowUpDays').value as number;
  const pathwayStart = first(params, 'eReferralPathwayStart') ? checkPathwayStart(pv('eReferralPathwayStart'), ctx.now) : undefined;

  // Shortlist size and duplicates
  const n = shortlist.serviceIds.length;
  const listPath = `${pv('shortlist').path}/entry`;
  if (n === 0) throw unprocessable('MISSING_VALUE', diag(listPath, 'entry', 'the shortlist needs at least one service'));
  if (n > (triageOp ? 1 : MAX_SHORTLIST)) {
    throw unprocessable(
      'TOO_MANY_ITEMS',
      diag(listPath, 'entry', triageOp ? 'exactly one triage service is allowed' : `at most ${MAX_SHORTLIST} services are allowed`),
    );
  }
  const seen = new Set<string>();
  for (const s of shortlist.serviceIds) {
    if (seen.has(s.id)) throw unprocessable('DUPLICATE_SERVICE', diag(s.path, 'service', `service ${s.id} is shortlisted more than once`));
    seen.add(s.id);
  }

  const referringClinician = checkReferringClinician(first(params, 'referringClinician'), ctx, 'parameter');

  // Services: must exist, be of an allowed flow type for this flavour/operation
  const services = shortlist.serviceIds.map((s) => {
    const svc = ctx.directory.services.get(s.id);
    if (!svc) throw unprocessable('REFERENCE_NOT_FOUND', diag(s.path, 'service', `service ${s.id} not found`));
    return { svc, path: s.path };
  });
  for (const { svc, path } of services) {
    const triage = svc.flows.includes('TRIAGE_REQUEST');
    if (triageOp && !triage) throw unprocessable('INAPPROPRIATE_VALUE', diag(path, 'service', `service ${svc.id} does not accept triage requests`));
    if (!triageOp && !triage && !svc.flows.includes('APPOINTMENT_REQUEST')) {
      throw unprocessable('INAPPROPRIATE_VALUE', diag(path, 'service', `service ${svc.id} does not accept referrals`));
    }
    // Legacy A011 takes bookable services only; RAS referrals must go through A021 there.
    if (!triageOp && triage && ctx.flavour === 'legacy') {
      throw unprocessable('INAPPROPRIATE_VALUE', diag(path, 'service', `service ${svc.id} is a triage service: use createReferralAndSendForTriage`));
    }
  }
  const letterPath = pv('intentionToAddReferralLetter').path;
  if (triageOp) {
    if (intention !== 'NEED_TO_ADD_LATER')
      throw unprocessable('INAPPROPRIATE_VALUE', diag(letterPath, 'intentionToAddReferralLetter', 'a triage service always needs a referral letter'));
    if (reminderDays !== 0) {
      throw unprocessable(
        'INAPPROPRIATE_VALUE',
        diag(pv('firstReminderLetterFollowUpDays').path, 'firstReminderLetterFollowUpDays', 'must be 0 when sending for triage'),
      );
    }
  } else if (intention === 'NOT_INTENDING_TO_ADD') {
    const needs = services.find(({ svc }) => svc.referralLetterRequired || svc.flows.includes('TRIAGE_REQUEST'));
    if (needs)
      throw unprocessable('INAPPROPRIATE_VALUE', diag(letterPath, 'intentionToAddReferralLetter', `service ${needs.svc.id} requires a referral letter`));
  }

  // References: patient, then every service must be a result of the embedded criteria. The sort
  // order is not part of the criteria, so membership is checked against the untruncated result set.
  const patient = resolvePatient(pv('patient'));
  const results = new Set(
    matchingServices(criteria, { requestType: 'APPOINTMENT_REQUEST', patient, commissioningOrg: ctx.ods, directory: ctx.directory, now: ctx.now }).map(
      (m) => m.service.id,
    ),
  );
  for (const { svc, path } of services) {
    if (!results.has(svc.id)) {
      throw unprocessable('SHORTLISTED_SERVICE_NOT_IN_RESULTS', diag(path, 'service', `service ${svc.id} does not match the contained search criteria`));
    }
  }

  const nowIso = ctx.now.toISOString();
  const withCommissioning = normaliseCriteriaResource(criteria.resource, ctx.specialtySystem, 'serviceSearchCriteria') as { parameter: object[] };
  if (!criteria.commissioningProvisioning) {
    // e-RS records the provisioning it applied (packages/ers-contract/docs/ers-api.md §5.3).
    withCommissioning.parameter.push({
      name: 'commissioningProvisioning',
      valueCoding: { system: SYSTEM.commissioningProvisioning, code: 'ALL_AVAILABLE_FOR_BOOKING' },
    });
  }
  const referral: Referral = {
    ubrn: ctx.state.allocateUbrn(),
    version: 3, // every e-RS example starts at version 3
    requestId: `r.${randomUUID()}`,
    flavour: ctx.flavour,
    patientNhsNumber: patient.nhsNumber,
    priority: criteria.priority,
    specialty: criteria.specialty ?? services[0].svc.specialty,
    criteria: withCommissioning as Record<string, unknown>,
    shortlist: services.map(({ svc }) => ({ serviceId: svc.id, display: svc.name })),
    commissioningOrg: ctx.ods,
    state: 'NOT_BOOKED',
    letterIntention: intention,
    reminderDays,
    pathwayStart,
    createdBy: { userId: ctx.user.id, ods: ctx.ods, businessFunction: ctx.businessFunction },
    referringClinician,
    createdAt: nowIso,
    attachments: [],
    history: new Map(),
    locked: false,
  };
  if (triageOp) {
    const svc = services[0].svc;
    referral.state = 'AWAITING_TRIAGE';
    referral.appointment = {
      id: String(ctx.state.nextAppointmentId++),
      serviceId: svc.id,
      serviceName: svc.name,
      created: nowIso,
      referralVersion: referral.version,
    };
  }
  ctx.state.referrals.set(referral.ubrn, referral);
  return referral;
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** The contained shortlist List of a referral or an A&G request: the services offered, pointing at the search criteria. */
export function shortlistResource(services: readonly { serviceId: string; display?: string }[]): object {
  return {
    id: 'shortlist',
    meta: { profile: [PROFILE.shortlist] },
    resourceType: 'List',
    extension: [{ url: EXTENSION.shortlistSearchCriteria, valueReference: { reference: '#serviceSearchCriteria' } }],
    status: 'current',
    mode: 'snapshot',
    entry: services.map((s) => ({ item: { identifier: { system: SYSTEM.ersService, value: s.serviceId }, display: s.display } })),
  };
}

export const STATE_DISPLAY: Record<string, string> = {
  NOT_BOOKED: 'Not Booked',
  AWAITING_TRIAGE: 'Awaiting Triage',
  BOOKED: 'Booked',
  DEFERRED_TO_PROVIDER: 'Deferred to Provider',
  REJECTED: 'Rejected',
  TRIAGE_RESPONSE: 'Triage Response',
  ASSESSMENT_RESULT: 'Assessment Result',
  DID_NOT_ATTEND: 'Did not attend',
  APP_CANCELLED_BY_PATIENT: 'Appointment cancelled by patient',
  APP_CANCELLED_BY_PROVIDER: 'Appointment cancelled by provider',
  CANCELLED_REFERRAL: 'Cancelled Referral',
};

/** The state's `reason` and `comments` sub-extensions (a triage deferral, a rejection, a cancellation). */
function stateDetails(r: Omit<Referral, 'history' | 'locked'>): object[] {
  if (r.state === 'AWAITING_TRIAGE') return [{ url: 'reason', valueCoding: { system: SYSTEM.reviewReason, code: 'TRIAGE' } }];
  return [
    ...(r.stateReason ? [{ url: 'reason', valueCoding: { ...r.stateReason } }] : []),
    ...(r.stateComment ? [{ url: 'comments', valueString: r.stateComment }] : []),
  ];
}

/** A referral file as a contained DocumentReference (REFERRER letters; PROVIDER responses [inferred type code]). */
function renderDocument(r: Omit<Referral, 'history' | 'locked'>, a: Attachment, ctx: OpContext, type: 'REFERRER' | 'PROVIDER'): object {
  const b = ctx.state.binaries.get(a.binaryId);
  return {
    id: `DocumentReference-${a.id}`,
    meta: { profile: [PROFILE.documentReference] },
    resourceType: 'DocumentReference',
    type: { coding: [{ system: SYSTEM.attachmentType, code: type, display: type === 'REFERRER' ? 'Referrer' : 'Provider' }] },
    status: 'current',
    indexed: a.indexed,
    ...(a.description ? { description: a.description } : {}),
    content: [
      {
        attachment: {
          id: a.id,
          extension: [
            {
              url: EXTENSION.availabilityStatus,
              valueCoding: { system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-AvailabilityStatus-1', code: availability(r as Referral, a, ctx) },
            },
            { url: EXTENSION.attachedBy, valueReference: { identifier: { system: SYSTEM.sdsUserId, value: a.attachedBy } } },
            { url: EXTENSION.attachedByOrganisation, valueReference: { identifier: { system: SYSTEM.odsOrganisationCode, value: a.attachedByOrg } } },
          ],
          contentType: b?.contentType ?? 'application/octet-stream',
          url: `Binary/${a.binaryId}`,
          size: b?.bytes.length ?? 0,
          title: b?.fileName ?? 'unknown',
          creation: new Date(a.linkedAt).toISOString().slice(0, 10),
        },
      },
    ],
  };
}

export function availability(r: Referral, a: Attachment, ctx: OpContext): Availability {
  const b = ctx.state.binaries.get(a.binaryId);
  if (ctx.now.getTime() < a.linkedAt + ctx.binaryScanDelayMs) return 'PENDING';
  if (b?.bytes.includes('EICAR-STANDARD-ANTIVIRUS-TEST-FILE')) return 'THREATS_FOUND';
  void r;
  return 'AVAILABLE';
}

export function renderAppointment(
  r: Pick<Referral, 'ubrn' | 'patientNhsNumber'>,
  appt: NonNullable<Referral['appointment']>,
  id?: string,
): Record<string, unknown> {
  // Without a status the appointment is the triage shape every earlier route stores.
  const status = appt.status ?? 'proposed';
  const reason = appt.reason ?? (appt.status ? undefined : { system: SYSTEM.reviewReason, code: 'TRIAGE' });
  return {
    ...(id ? { id } : {}),
    meta: {
      versionId: String(appt.version ?? 1),
      profile: [PROFILE.appointment, 'https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Appointment-1'],
    },
    language: 'en',
    resourceType: 'Appointment',
    status,
    description: 'e-Referral Appointment',
    ...(appt.start ? { start: appt.start, end: appt.end } : {}),
    ...(appt.slotId ? { slot: [{ reference: `Slot/${appt.slotId}` }] } : {}),
    created: appt.created,
    ...(reason ? { reason: [{ coding: [reason] }] } : {}),
    ...(appt.comment ? { comment: appt.comment } : {}),
    incomingReferral: [{ reference: `ReferralRequest/${r.ubrn}/_history/${appt.referralVersion}` }],
    participant: [
      { actor: { identifier: { system: SYSTEM.ersService, value: appt.serviceId }, display: appt.serviceName }, status: 'accepted' },
      { actor: { identifier: { system: SYSTEM.nhsNumber, value: r.patientNhsNumber } }, status: 'accepted' },
      ...(appt.clinician
        ? [
            {
              type: { coding: [{ system: 'http://hl7.org/fhir/ValueSet/encounter-participant-type', code: 'CON' }] },
              actor: { identifier: { system: SYSTEM.sdsUserId, value: appt.clinician } },
              status: 'accepted',
            },
          ]
        : []),
    ],
  };
}

/**
 * ReferralRequest as e-RS returns it. `thin` reproduces the legacy A011/A021 201 bodies, which carry
 * the priority extension only (examples/legacy/A011_response.json).
 */
export function renderReferral(r: Omit<Referral, 'history' | 'locked'>, ctx: OpContext, opts: { thin?: boolean } = {}): object {
  const priority = {
    url: EXTENSION.referralPriority,
    valueCodeableConcept: { coding: [{ system: SYSTEM.priority, code: r.priority, display: PRIORITY_DISPLAY[r.priority] }] },
  };
  const base = {
    id: r.ubrn,
    meta: { versionId: String(r.version), profile: [PROFILE.referralRequest] },
    resourceType: 'ReferralRequest',
  };
  const subject = { identifier: { system: SYSTEM.nhsNumber, value: r.patientNhsNumber } };
  if (opts.thin) {
    return { ...base, extension: [priority], status: 'active', subject, supportingInfo: [], intent: 'plan' };
  }
  const extension: object[] = [];
  if (r.appointment) {
    extension.push({ url: EXTENSION.appointment, valueReference: { reference: '#appointment' } });
    extension.push({ url: EXTENSION.appointmentReference, valueReference: { reference: `Appointment/${r.appointment.id}` } });
  }
  if (r.clinicalInfoFirstSubmitted) extension.push({ url: EXTENSION.clinicalInfoFirstSubmitted, valueDateTime: r.clinicalInfoFirstSubmitted });
  if (r.clinicalInfoLastUpdated) extension.push({ url: EXTENSION.clinicalInfoLastUpdated, valueDateTime: r.clinicalInfoLastUpdated });
  if (r.pathwayStart) extension.push({ url: EXTENSION.eReferralPathwayStart, valueInstant: r.pathwayStart });
  extension.push(priority);
  extension.push({ url: EXTENSION.referralShortlist, valueReference: { reference: '#shortlist' } });
  extension.push({ url: EXTENSION.commissioningRuleOrg, valueIdentifier: { system: SYSTEM.odsOrganisationCode, value: r.commissioningOrg } });
  extension.push({
    url: EXTENSION.referralState,
    extension: [
      { url: 'state', valueCoding: { system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ReferralState-1', code: r.state, display: STATE_DISPLAY[r.state] } },
      ...stateDetails(r),
    ],
  });
  const criteria = normaliseCriteriaResource(r.criteria, ctx.specialtySystem, 'serviceSearchCriteria');
  const contained: object[] = [criteria, shortlistResource(r.shortlist)];
  if (r.appointment) contained.push(renderAppointment(r, r.appointment, 'appointment'));
  const responses = r.responses ?? [];
  for (const a of r.attachments) contained.push(renderDocument(r, a, ctx, 'REFERRER'));
  for (const a of responses) contained.push(renderDocument(r, a, ctx, 'PROVIDER'));
  return {
    ...base,
    extension,
    contained,
    status: r.state === 'CANCELLED_REFERRAL' ? 'cancelled' : 'active',
    ...(r.specialty ? { specialty: { coding: [{ system: ctx.specialtySystem, code: r.specialty, display: specialtyDisplay(r.specialty) }] } } : {}),
    subject,
    supportingInfo: [...r.attachments, ...responses].map((a) => ({ reference: `#DocumentReference-${a.id}` })),
    intent: 'plan',
    identifier: [{ system: SYSTEM.ersRequestId, value: r.requestId }],
  };
}

// ---------------------------------------------------------------------------------------------
// A005

export function getReferral(ubrn: string, ctx: OpContext): Referral {
  if (!UBRN_PATTERN.test(ubrn)) throw new ErsError(404, 'REFERENCE_NOT_FOUND', diag('id', 'ubrn', 'a UBRN is 12 digits'));
  const r = ctx.state.referrals.get(ubrn);
  if (!r) throw new ErsError(404, 'REFERENCE_NOT_FOUND', diag('id', 'ubrn', `referral ${ubrn} not found`));
  return r;
}

export function readReferral(ubrn: string, version: string | undefined, ctx: OpContext): Omit<Referral, 'history' | 'locked'> {
  const r = getReferral(ubrn, ctx);
  checkRelationship(r, ctx, ctx.directory);
  if (version === undefined || Number(version) === r.version) return r;
  const old = /^\d+$/.test(version) ? r.history.get(Number(version)) : undefined;
  if (!old) throw new ErsError(404, 'REFERENCE_NOT_FOUND', diag('_history', 'version', `version ${version} of ${ubrn} not found`));
  return old;
}

// ---------------------------------------------------------------------------------------------
// A012

/** Parses `If-Match: W/"n"` (412 when absent, 400 when malformed). */
export function parseIfMatch(header: string | undefined): number {
  if (!header) throw new ErsError(412, 'PRECONDITION_FAILED', diag('If-Match', 'If-Match', 'header is required (W/"<version>")'), { issueCode: 'required' });
  const m = /^W\/"(\d+)"$/.exec(header.trim());
  if (!m) throw new ErsError(400, 'INVALID_VALUE', diag('If-Match', 'If-Match', 'must match W/"<version>"'), { issueCode: 'value' });
  return Number(m[1]);
}

interface LetterRequest {
  binaryId: string;
  description?: string;
  indexed?: string;
  path: string;
}

function readLetterRequests(body: unknown): LetterRequest[] {
  const params = readParameters(body, '', PROFILE.maintainReferralLetter, { referralLetterFile: { kind: 'resource', max: 1000 } });
  return (params.get('referralLetterFile') ?? []).map((pv) => {
    const doc = pv.value as Record<string, unknown>;
    const p = pv.path;
    if (doc.resourceType !== 'DocumentReference')
      throw unprocessable('INVALID_FHIR_STRUCTURE', diag(`${p}/resourceType`, 'resourceType', 'must be DocumentReference'));
    checkKeys(doc, ['resourceType', 'id', 'meta', 'type', 'status', 'indexed', 'description', 'content'], p);
    if (isObject(doc.meta) && Array.isArray(doc.meta.profile) && !doc.meta.profile.includes(PROFILE.documentReference)) {
      throw unprocessable('INVALID_VALUE', diag(`${p}/meta/profile`, 'profile', `must be ${PROFILE.documentReference}`));
    }
    const coding = isObject(doc.type) && Array.isArray(doc.type.coding) ? (doc.type.coding[0] as { system?: string; code?: string }) : undefined;
    if (!coding?.code) throw unprocessable('MISSING_VALUE', diag(`${p}/type`, 'type', 'attachment type missing'));
    if (coding.system !== SYSTEM.attachmentType)
      throw unprocessable('INVALID_CODE', diag(`${p}/type/coding[0]/system`, 'type', `system must be ${SYSTEM.attachmentType}`));
    if (coding.code !== 'REFERRER') throw unprocessable('INAPPROPRIATE_VALUE', diag(`${p}/type/coding[0]/code`, 'type', 'referral letters have type REFERRER'));
    if (doc.status !== undefined && doc.status !== 'current') throw unprocessable('INVALID_VALUE', diag(`${p}/status`, 'status', 'must be current'));
    if (doc.description !== undefined && typeof doc.description !== 'string')
      throw unprocessable('INVALID_FHIR_STRUCTURE', diag(`${p}/description`, 'description', 'must be a string'));
    if (doc.indexed !== undefined && (typeof doc.indexed !== 'string' || Number.isNaN(Date.parse(doc.indexed)))) {
      throw unprocessable('INVALID_VALUE', diag(`${p}/indexed`, 'indexed', 'must be a FHIR instant'));
    }
    const content = doc.content;
    if (!Array.isArray(content) || content.length === 0) throw unprocessable('MISSING_VALUE', diag(`${p}/content`, 'content', 'attachment missing'));
    if (content.length > 1) throw unprocessable('INVALID_FHIR_STRUCTURE', diag(`${p}/content[1]`, 'content', 'one attachment per DocumentReference'));
    const c0 = content[0];
    if (!isObject(c0) || !isObject(c0.attachment)) throw unprocessable('MISSING_VALUE', diag(`${p}/content[0]/attachment`, 'attachment', 'attachment missing'));
    checkKeys(c0, ['attachment'], `${p}/content[0]`);
    checkKeys(c0.attachment, ['url', 'contentType', 'title'], `${p}/content[0]/attachment`);
    const url = c0.attachment.url;
    if (typeof url !== 'string' || !url) throw unprocessable('MISSING_VALUE', diag(`${p}/content[0]/attachment/url`, 'url', 'Binary url missing'));
    const m = /^Binary\/([A-Za-z0-9._-]+)$/.exec(url);
    if (!m) throw unprocessable('INVALID_VALUE', diag(`${p}/content[0]/attachment/url`, 'url', 'must be Binary/<id> as returned by A020'));
    return {
      binaryId: m[1],
      description: doc.description as string | undefined,
      indexed: doc.indexed as string | undefined,
      path: `${p}/content[0]/attachment/url`,
    };
  });
}

/**
 * Validates an A012 request against the current referral, without changing anything. Returns the
 * new attachment list to apply. Version and lock are checked by the caller (after this, per packages/ers-contract/docs/ers-api.md §9).
 */
export function planLetterUpdate(r: Referral, body: unknown, ctx: OpContext): { letters: LetterRequest[] } {
  const letters = readLetterRequests(body);
  if (letters.length === 0) throw unprocessable('MISSING_VALUE', diag('parameter', 'referralLetterFile', 'at least one referral letter must remain'));
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const l of letters) {
    if (ids.has(l.binaryId)) throw unprocessable('DUPLICATE_FILENAME', diag(l.path, 'url', `Binary/${l.binaryId} is listed twice`));
    ids.add(l.binaryId);
    const b = ctx.state.binaries.get(l.binaryId);
    if (!b) throw unprocessable('REFERENCE_NOT_FOUND', diag(l.path, 'url', `Binary/${l.binaryId} not found`));
    if (b.intendedUbrn !== r.ubrn) {
      throw unprocessable(
        'INAPPROPRIATE_VALUE',
        diag(
          l.path,
          'url',
          b.intendedUbrn
            ? `Binary/${l.binaryId} was uploaded for another referral`
            : `Binary/${l.binaryId} was uploaded without NHSD-eRS-Referral-ID; upload it again with this UBRN`,
        ),
      );
    }
    if (b.linkedUbrn && b.linkedUbrn !== r.ubrn)
      throw unprocessable('INVALID_STATE', diag(l.path, 'url', `Binary/${l.binaryId} is linked to another referral`));
    const name = b.fileName.toLowerCase();
    if (names.has(name)) throw unprocessable('DUPLICATE_FILENAME', diag(l.path, 'title', `two files are named ${b.fileName}`));
    names.add(name);
  }
  checkRelationship(r, ctx, ctx.directory);
  if (r.state !== 'NOT_BOOKED' && r.state !== 'AWAITING_TRIAGE') {
    throw unprocessable('INVALID_REQUEST_STATE', diag('id', 'ubrn', `referral is ${r.state}`));
  }
  const same =
    letters.length === r.attachments.length &&
    letters.every((l) => {
      const a = r.attachments.find((x) => x.binaryId === l.binaryId);
      return a && (a.description ?? '') === (l.description ?? '');
    });
  if (same) throw unprocessable('NO_CHANGES_DETECTED', diag('parameter', 'referralLetterFile', 'the referral already has exactly these letters'));
  return { letters };
}

/** Applies a validated letter update: whole-set replacement, version bump. */
export function applyLetterUpdate(r: Referral, letters: LetterRequest[], ctx: OpContext): void {
  const nowIso = ctx.now.toISOString();
  bumpVersion(r);
  const next: Attachment[] = letters.map((l) => {
    const existing = r.attachments.find((a) => a.binaryId === l.binaryId);
    if (existing) return { ...existing, description: l.description };
    return {
      id: String(ctx.state.nextAttachmentId++),
      binaryId: l.binaryId,
      description: l.description,
      indexed: l.indexed ?? nowIso,
      attachedBy: ctx.user.id,
      attachedByOrg: ctx.ods,
      linkedAt: ctx.now.getTime(),
    };
  });
  for (const a of r.attachments) {
    if (!next.some((n) => n.binaryId === a.binaryId)) {
      const b = ctx.state.binaries.get(a.binaryId);
      if (b) b.linkedUbrn = null;
    }
  }
  for (const a of next) {
    const b = ctx.state.binaries.get(a.binaryId);
    if (b && b.linkedUbrn !== r.ubrn) {
      b.linkedUbrn = r.ubrn;
      b.linkedAt = ctx.now.getTime();
    }
  }
  r.attachments = next;
  if (!r.clinicalInfoFirstSubmitted) r.clinicalInfoFirstSubmitted = nowIso;
  else r.clinicalInfoLastUpdated = nowIso;
}

// ---------------------------------------------------------------------------------------------
// A016 (send to triage)

export interface TriagePlan {
  referral: Referral;
  version: number;
  serviceId: string;
}

/** Validates an A016 triage Appointment; version/lock are checked by the caller. */
export function planTriage(body: unknown, ctx: OpContext): TriagePlan {
  const structure = (p: string, what: string, m: string) => unprocessable('INVALID_FHIR_STRUCTURE', diag(p, what, m));
  if (!isObject(body) || body.resourceType !== 'Appointment') throw structure('resourceType', 'resourceType', 'must be Appointment');
  checkKeys(
    body,
    ['resourceType', 'id', 'meta', 'language', 'status', 'reason', 'description', 'incomingReferral', 'participant', 'slot', 'start', 'end', 'created'],
    '',
  );
  if (isObject(body.meta) && Array.isArray(body.meta.profile) && !body.meta.profile.includes(PROFILE.appointment)) {
    throw unprocessable('INVALID_VALUE', diag('meta/profile', 'profile', `must include ${PROFILE.appointment}`));
  }
  if (typeof body.status !== 'string') throw unprocessable('MISSING_VALUE', diag('status', 'status', 'status missing'));
  const reason = Array.isArray(body.reason) ? (body.reason[0] as { coding?: { system?: string; code?: string }[] })?.coding?.[0] : undefined;
  if (body.status !== 'proposed' || !reason || reason.code !== 'TRIAGE') {
    // Bookings and deferrals are routed to booking.ts before this (isBookingBody).
    throw unprocessable('INAPPROPRIATE_VALUE', diag('status', 'status', 'this route sends to triage: status proposed with reason TRIAGE'));
  }
  if (reason.system !== SYSTEM.reviewReason)
    throw unprocessable('INVALID_CODE', diag('reason[0]/coding[0]/system', 'reason', `system must be ${SYSTEM.reviewReason}`));
  if (body.slot !== undefined || body.start !== undefined || body.end !== undefined) {
    throw unprocessable('FIELD_NOT_PERMITTED', diag('slot', 'slot', 'a triage request has no slot'));
  }
  const inc = Array.isArray(body.incomingReferral) ? (body.incomingReferral[0] as { reference?: string }) : undefined;
  if (!inc?.reference) throw unprocessable('MISSING_VALUE', diag('incomingReferral[0]/reference', 'incomingReferral', 'referral reference missing'));
  const m = /^ReferralRequest\/(\d{12})\/_history\/(\d+)$/.exec(inc.reference);
  if (!m) throw unprocessable('INVALID_VALUE', diag('incomingReferral[0]/reference', 'incomingReferral', 'must be ReferralRequest/<ubrn>/_history/<version>'));
  const participants = Array.isArray(body.participant) ? (body.participant as AppointmentParticipant[]) : [];
  const { referral, service: svc } = appointmentTarget(m[1], participants, ctx, 'CONFLICTING_VALUES');
  const service = svc.id;
  if (!referral.shortlist.some((s) => s.serviceId === service)) {
    throw unprocessable('INAPPROPRIATE_VALUE', diag('participant', 'service', `service ${service} is not on the referral's shortlist`));
  }
  if (!svc.flows.includes('TRIAGE_REQUEST'))
    throw unprocessable('INAPPROPRIATE_VALUE', diag('participant', 'service', `service ${service} is not a triage service`));
  return { referral, version: Number(m[2]), serviceId: service };
}

export function checkTriageState(r: Referral): void {
  if (r.state !== 'NOT_BOOKED')
    throw unprocessable('INVALID_REQUEST_STATE', diag('incomingReferral[0]/reference', 'incomingReferral', `referral is ${r.state}`));
}

export function applyTriage(plan: TriagePlan, ctx: OpContext): NonNullable<Referral['appointment']> {
  const r = plan.referral;
  const svc = ctx.directory.services.get(plan.serviceId)!;
  bumpVersion(r);
  r.state = 'AWAITING_TRIAGE';
  r.appointment = {
    id: String(ctx.state.nextAppointmentId++),
    serviceId: svc.id,
    serviceName: svc.name,
    created: ctx.now.toISOString(),
    referralVersion: r.version,
  };
  return r.appointment;
}

// ---------------------------------------------------------------------------------------------
// A031 (change shortlist)

const CHANGE_SHORTLIST_PROFILE = 'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-ChangeShortlist-Parameters-1';
const CHANGE_SPECS = {
  shortlist: { kind: 'resource', min: 1 },
  intentionToAddReferralLetter: { kind: 'valueCoding', min: 1 },
  firstReminderLetterFollowUpDays: { kind: 'valueUnsignedInt', min: 1 },
} as const;

export interface ShortlistChange {
  shortlist: { serviceId: string; display: string }[];
  criteria: Record<string, unknown>;
  letterIntention: string;
  reminderDays: number;
}

/** Re-runs the A011 shortlist validation for an existing referral (commissioned by its own org). */
export function planShortlistChange(body: unknown, r: Referral, ctx: OpContext): ShortlistChange {
  const params = readParameters(body, '', CHANGE_SHORTLIST_PROFILE, CHANGE_SPECS);
  const pv = (n: keyof typeof CHANGE_SPECS) => first(params, n) as ParamValue;
  const shortlist = readShortlist(pv('shortlist'));
  const criteria = parseCriteria(shortlist.criteriaResource, shortlist.criteriaPath, ctx);
  const intention = codingIn(pv('intentionToAddReferralLetter'), 'intentionToAddReferralLetter', SYSTEM.referralLetterIntention, LETTER_INTENTIONS);
  const listPath = `${pv('shortlist').path}/entry`;
  if (shortlist.serviceIds.length === 0) throw unprocessable('MISSING_VALUE', diag(listPath, 'entry', 'the shortlist needs at least one service'));
  if (shortlist.serviceIds.length > MAX_SHORTLIST) throw unprocessable('TOO_MANY_ITEMS', diag(listPath, 'entry', `at most ${MAX_SHORTLIST} services`));
  const seen = new Set<string>();
  const services = shortlist.serviceIds.map((s) => {
    if (seen.has(s.id)) throw unprocessable('DUPLICATE_SERVICE', diag(s.path, 'service', `service ${s.id} is shortlisted more than once`));
    seen.add(s.id);
    const svc = ctx.directory.services.get(s.id);
    if (!svc) throw unprocessable('REFERENCE_NOT_FOUND', diag(s.path, 'service', `service ${s.id} not found`));
    return { svc, path: s.path };
  });
  if (intention === 'NOT_INTENDING_TO_ADD') {
    const needs = services.find(({ svc }) => svc.referralLetterRequired || svc.flows.includes('TRIAGE_REQUEST'));
    if (needs)
      throw unprocessable(
        'INAPPROPRIATE_VALUE',
        diag(pv('intentionToAddReferralLetter').path, 'intentionToAddReferralLetter', `service ${needs.svc.id} requires a referral letter`),
      );
  }
  const patient = findPatient(r.patientNhsNumber);
  if (!patient) throw unprocessable('PATIENT_ERROR', diag('subject', 'patient', 'patient record not available'));
  const results = new Set(
    matchingServices(criteria, {
      requestType: 'APPOINTMENT_REQUEST',
      patient,
      commissioningOrg: r.commissioningOrg,
      directory: ctx.directory,
      now: ctx.now,
    }).map((m) => m.service.id),
  );
  for (const { svc, path } of services) {
    if (!results.has(svc.id))
      throw unprocessable('SHORTLISTED_SERVICE_NOT_IN_RESULTS', diag(path, 'service', `service ${svc.id} does not match the contained search criteria`));
  }
  const normalised = normaliseCriteriaResource(criteria.resource, ctx.specialtySystem, 'serviceSearchCriteria') as Record<string, unknown>;
  return {
    shortlist: services.map(({ svc }) => ({ serviceId: svc.id, display: svc.name })),
    criteria: normalised,
    letterIntention: intention,
    reminderDays: pv('firstReminderLetterFollowUpDays').value as number,
  };
}

export function applyShortlistChange(r: Referral, change: ShortlistChange): void {
  bumpVersion(r);
  r.shortlist = change.shortlist;
  r.criteria = change.criteria;
  r.letterIntention = change.letterIntention;
  r.reminderDays = change.reminderDays;
  r.appointment = undefined;
  r.stateReason = undefined;
  r.state = 'NOT_BOOKED';
}
