// Advice and Guidance: A044 create, A024 summary, A025 conversation, A043 overview PDF, and the
// provider's side as admin hooks (reply with advice, ask for more information, the referrer's
// reply in the web application, convert, close or cancel), following the A&G state model of the
// contract (version +1 on every event; A024/A025 serve only the current version). Shapes follow
// examples/platform/A044_*, A024_*, A025_*.

import { randomUUID } from 'node:crypto';
import { EXTENSION, PROFILE, SYSTEM, type Priority } from 'ers-contract';
import { ErsError, diag, unprocessable } from './errors';
import { type ParamValue, codingIn, first, readParameters } from './fhir';
import type { LetterBlock } from '../../../utils/letter/document';
import { simulatorPdf } from './documents';
import { PRIORITY_DISPLAY, specialtyDisplay } from './reference-data';
import { readShortlist, shortlistResource } from './referrals';
import { type OpContext, checkReferringClinician, resolvePatient } from './rules';
import { matchingServices, normaliseCriteriaResource, parseCriteria } from './search';
import type { Referral, SimState } from './state';

const SD = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
const CREATE_PROFILE = `${SD}eRS-CreateAdviceAndGuidance-Request-Parameters-1`;
const CONVERSION_SYSTEM = 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ProviderConversionAuthorisation-1';
const STATUS_SYSTEM = 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-AdviceAndGuidanceStatus-1';
const SENT_BY_SYSTEM = 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-CommunicationSentBy-1';
const MAX_REQUEST_CHARS = 8000;

export type AdviceCategory =
  | 'PROVIDER_RESPONSE_REQUIRED'
  | 'REFERRER_TO_SUBMIT_FURTHER_INFORMATION'
  | 'REFERRER_TO_REVIEW_RESPONSE'
  | 'CONVERSATION_ENDED_CANCELLED'
  | 'CONVERSATION_ENDED_CLOSED'
  | 'ADVICE_CONVERTED';

export interface AdviceMessage {
  id: string;
  sentBy: 'REQUESTER' | 'RESPONDER';
  sent: string;
  text: string;
  sender: { userId: string; ods: string; businessFunction: string };
  /** Binary ids. */
  files: { binaryId: string; description?: string; indexed: string; attachmentId: string }[];
}

export interface AdviceRequest {
  ubrn: string;
  version: number;
  requestId: string;
  category: AdviceCategory;
  status: 'active' | 'cancelled' | 'completed';
  patientNhsNumber: string;
  priority: Priority;
  specialty?: string;
  criteria: Record<string, unknown>;
  service: { id: string; display: string; providerOds: string };
  conversion: 'AUTHORISED_TO_CONVERT' | 'NOT_AUTHORISED_TO_CONVERT';
  createdBy: { userId: string; ods: string; businessFunction: string };
  referringClinician: string;
  createdAt: string;
  messages: AdviceMessage[];
}

const CREATE_SPECS = {
  patient: { kind: 'valueIdentifier', min: 1 },
  providerConversionAuthorisation: { kind: 'valueCoding', min: 1 },
  shortlist: { kind: 'resource', min: 1 },
  request: { kind: 'valueString', min: 1 },
  referringClinician: { kind: 'valueIdentifier' },
  requestAttachmentFile: { kind: 'resource', max: 20 },
} as const;

/** Reads one requestAttachmentFile DocumentReference and resolves its Binary (REFERENCE_NOT_FOUND). */
function readAttachment(pv: ParamValue, state: SimState, ods: string): { binaryId: string; description?: string; indexed: string } {
  const doc = pv.value as Record<string, unknown>;
  if (doc.resourceType !== 'DocumentReference')
    throw unprocessable('INVALID_FHIR_STRUCTURE', diag(`${pv.path}/resourceType`, 'resourceType', 'must be DocumentReference'));
  const type = ((doc.type as { coding?: { code?: string }[] } | undefined)?.coding ?? [])[0]?.code;
  if (type !== 'ADVICE_REQUEST') throw unprocessable('INVALID_CODE', diag(`${pv.path}/type`, 'type', 'an A&G request file has type ADVICE_REQUEST'));
  const url = ((doc.content as { attachment?: { url?: unknown } }[] | undefined) ?? [])[0]?.attachment?.url;
  const id = typeof url === 'string' ? /^Binary\/(.+)$/.exec(url)?.[1] : undefined;
  if (!id) throw unprocessable('MISSING_VALUE', diag(`${pv.path}/content[0]/attachment/url`, 'url', 'Binary/{id} expected'));
  // A file another organisation uploaded is not this caller's to attach.
  const b = state.binaries.get(id);
  if (!b || b.uploadedByOrg !== ods) throw unprocessable('REFERENCE_NOT_FOUND', diag(`${pv.path}/content[0]/attachment/url`, 'url', `Binary/${id} not found`));
  return { binaryId: id, description: typeof doc.description === 'string' ? doc.description : undefined, indexed: String(doc.indexed ?? '') };
}

/** A044: validates everything first, then stores version 1 and the first message. */
export function createAdvice(body: unknown, ctx: OpContext): AdviceRequest {
  if (ctx.flavour !== 'platform') throw new ErsError(404, 'REFERENCE_NOT_FOUND', 'A044 exists only on the platform API.');
  const params = readParameters(body, '', CREATE_PROFILE, CREATE_SPECS);
  const pv = (n: keyof typeof CREATE_SPECS) => first(params, n) as ParamValue;
  const conversion = codingIn(pv('providerConversionAuthorisation'), 'providerConversionAuthorisation', CONVERSION_SYSTEM, [
    'AUTHORISED_TO_CONVERT',
    'NOT_AUTHORISED_TO_CONVERT',
  ]) as AdviceRequest['conversion'];
  const shortlist = readShortlist(pv('shortlist'));
  const criteria = parseCriteria(shortlist.criteriaResource, shortlist.criteriaPath, ctx);
  const listPath = `${pv('shortlist').path}/entry`;
  if (shortlist.serviceIds.length === 0) throw unprocessable('MISSING_VALUE', diag(listPath, 'entry', 'the shortlist needs one service'));
  if (shortlist.serviceIds.length > 1) throw unprocessable('TOO_MANY_ITEMS', diag(listPath, 'entry', 'an A&G request has exactly one service'));
  const named = checkReferringClinician(first(params, 'referringClinician'), ctx, 'parameter');
  const text = pv('request').value as string;
  if (!text.trim()) throw unprocessable('MISSING_VALUE', diag(pv('request').path, 'request', 'the request text is empty'));
  if (text.length > MAX_REQUEST_CHARS) {
    throw unprocessable('INVALID_VALUE', diag(pv('request').path, 'request', `at most ${MAX_REQUEST_CHARS} characters`));
  }
  const { id: serviceId, path: servicePath } = shortlist.serviceIds[0];
  const svc = ctx.directory.services.get(serviceId);
  if (!svc) throw unprocessable('REFERENCE_NOT_FOUND', diag(servicePath, 'service', `service ${serviceId} not found`));
  if (!svc.flows.includes('ADVICE_AND_GUIDANCE_REQUEST')) {
    throw unprocessable('INAPPROPRIATE_VALUE', diag(servicePath, 'service', `service ${serviceId} does not take Advice and Guidance requests`));
  }
  const patient = resolvePatient(pv('patient'));
  const inResults = matchingServices(criteria, {
    requestType: 'ADVICE_AND_GUIDANCE_REQUEST',
    patient,
    commissioningOrg: ctx.ods,
    directory: ctx.directory,
    now: ctx.now,
  }).some((m) => m.service.id === serviceId);
  if (!inResults)
    throw unprocessable(
      'SHORTLISTED_SERVICE_NOT_IN_RESULTS',
      diag(servicePath, 'service', `service ${serviceId} does not match the contained search criteria`),
    );
  const files = (params.get('requestAttachmentFile') ?? []).map((f) => readAttachment(f, ctx.state, ctx.ods));

  // Every check passed: only now is anything stored.
  const ubrn = ctx.state.allocateUbrn();
  const nowIso = ctx.now.toISOString();
  const a: AdviceRequest = {
    ubrn,
    version: 1,
    requestId: `a.${randomUUID()}`,
    category: 'PROVIDER_RESPONSE_REQUIRED',
    status: 'active',
    patientNhsNumber: patient.nhsNumber,
    priority: criteria.priority,
    specialty: criteria.specialty,
    criteria: normaliseCriteriaResource(criteria.resource, ctx.specialtySystem, 'serviceSearchCriteria'),
    service: { id: svc.id, display: svc.name, providerOds: svc.providerOds },
    conversion,
    createdBy: { userId: ctx.user.id, ods: ctx.ods, businessFunction: ctx.businessFunction },
    referringClinician: named ?? ctx.user.id,
    createdAt: nowIso,
    messages: [],
  };
  a.messages.push({
    id: String(ctx.state.nextAttachmentId++),
    sentBy: 'REQUESTER',
    sent: nowIso,
    text,
    sender: a.createdBy,
    files: files.map((f) => ({ ...f, attachmentId: String(ctx.state.nextAttachmentId++) })),
  });
  for (const f of files) ctx.state.binaries.get(f.binaryId)!.linkedUbrn = ubrn;
  ctx.state.advice.set(ubrn, a);
  return a;
}

/** A024/A025/A043: the request, visible to its referring organisation and its provider. */
export function getAdvice(ubrn: string, ctx: OpContext): AdviceRequest {
  const a = ctx.state.advice.get(ubrn);
  if (!a) {
    if (ctx.state.referrals.has(ubrn))
      throw unprocessable('INVALID_REQUEST_TYPE', diag('id', 'ubrn', `${ubrn} is a referral, not an Advice and Guidance request`));
    throw new ErsError(404, 'REFERENCE_NOT_FOUND', diag('id', 'ubrn', `Advice and Guidance request ${ubrn} not found`));
  }
  if (a.createdBy.ods !== ctx.ods && a.service.providerOds !== ctx.ods) {
    throw unprocessable('NO_RELATIONSHIP', diag('id', 'ubrn', `no relationship between ${ctx.ods} and ${ubrn}`));
  }
  return a;
}

/** `/_history/{v}` and `based-on=…/_history/{v}` accept only the current version (404 otherwise). */
export function requireCurrent(a: AdviceRequest, version: string | undefined): void {
  if (version !== undefined && version !== String(a.version)) {
    throw new ErsError(404, 'REFERENCE_NOT_FOUND', diag('id', 'version', `version ${version} is not current (current is ${a.version})`));
  }
}

/** `CommunicationRequest/{ubrn}/_history/{v}` from the A025 query. */
export function parseBasedOn(query: URLSearchParams): { ubrn: string; version: string } {
  const basedOn = query.get('based-on');
  const m = basedOn ? /^CommunicationRequest\/(\d{12})\/_history\/(\d+)$/.exec(basedOn) : null;
  if (!m) throw new ErsError(400, 'INVALID_PARAMETER', diag('based-on', 'based-on', 'expected CommunicationRequest/{ubrn}/_history/{version}'));
  return { ubrn: m[1], version: m[2] };
}

const roleId = (s: { userId: string; ods: string; businessFunction: string }) =>
  `PractitionerRole.${s.userId}.${s.ods}.${s.businessFunction.replace(/_/g, '-')}`;

function practitionerRole(s: { userId: string; ods: string; businessFunction: string }, id = roleId(s)): object {
  return {
    id,
    meta: { profile: ['https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-PractitionerRole-1'] },
    resourceType: 'PractitionerRole',
    practitioner: { identifier: { system: SYSTEM.sdsUserId, value: s.userId } },
    organization: { identifier: { system: SYSTEM.odsOrganisationCode, value: s.ods } },
    code: [{ coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-BusinessFunction-1', code: s.businessFunction }] }],
  };
}

function documentReference(
  f: AdviceMessage['files'][number],
  sentBy: AdviceMessage['sentBy'],
  sender: AdviceMessage['sender'],
  state: SimState,
  id: string,
): object {
  const b = state.binaries.get(f.binaryId);
  const ref = (system: string, value: string) => ({ identifier: { system, value } });
  return {
    id,
    meta: { profile: [PROFILE.documentReference] },
    resourceType: 'DocumentReference',
    type: {
      coding: [
        sentBy === 'REQUESTER'
          ? { system: SYSTEM.attachmentType, code: 'ADVICE_REQUEST', display: 'Advice Request' }
          : { system: SYSTEM.attachmentType, code: 'GUIDANCE_RESPONSE', display: 'Guidance Response' },
      ],
    },
    status: 'current',
    indexed: f.indexed,
    ...(f.description ? { description: f.description } : {}),
    content: [
      {
        attachment: {
          id: f.attachmentId,
          extension: [
            { url: EXTENSION.availabilityStatus, valueCoding: { system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-AvailabilityStatus-1', code: 'AVAILABLE' } },
            { url: EXTENSION.attachedBy, valueReference: ref(SYSTEM.sdsUserId, sender.userId) },
            { url: EXTENSION.attachedByOrganisation, valueReference: ref(SYSTEM.odsOrganisationCode, sender.ods) },
          ],
          contentType: b?.contentType ?? 'application/octet-stream',
          url: `Binary/${f.binaryId}`,
          size: b?.bytes.length ?? 0,
          title: b?.fileName ?? f.binaryId,
          creation: f.indexed.slice(0, 10),
        },
      },
    ],
  };
}

/** A024 body (also A044's createdCommunicationRequest). */
export function renderCommunicationRequest(a: AdviceRequest, ctx: OpContext): object {
  const requester = { userId: a.referringClinician, ods: a.createdBy.ods, businessFunction: 'REFERRING_CLINICIAN' };
  const docs = a.messages.flatMap((m) => (m.sentBy === 'REQUESTER' ? m.files.map((f) => ({ f, m })) : []));
  const roleRef = (s: typeof requester) => ({
    extension: [{ url: `${SD}Extension-PractitionerRole-Reference-1`, valueReference: { reference: `#${roleId(s)}` } }],
  });
  const roles = [requester, ...(a.createdBy.userId !== requester.userId ? [a.createdBy] : [])];
  return {
    id: a.ubrn,
    meta: { versionId: String(a.version), profile: [`${SD}eRS-CommunicationRequest-1`] },
    resourceType: 'CommunicationRequest',
    extension: [
      {
        url: EXTENSION.referralPriority,
        valueCodeableConcept: { coding: [{ system: SYSTEM.priority, code: a.priority, display: PRIORITY_DISPLAY[a.priority] }] },
      },
      { url: `${SD}Extension-eRS-ProviderConversionAuthorisation-1`, valueCoding: { system: CONVERSION_SYSTEM, code: a.conversion } },
      { url: EXTENSION.referralShortlist, valueReference: { reference: '#shortlist' } },
      ...(a.specialty
        ? [{ url: `${SD}Extension-eRS-Specialty-1`, valueCoding: { system: ctx.specialtySystem, code: a.specialty, display: specialtyDisplay(a.specialty) } }]
        : []),
    ],
    contained: [
      a.criteria,
      shortlistResource([{ serviceId: a.service.id, display: a.service.display }]),
      ...roles.map((r) => practitionerRole(r)),
      ...docs.map(({ f, m }) => documentReference(f, m.sentBy, m.sender, ctx.state, `DocumentReference-${f.attachmentId}`)),
    ],
    status: a.status,
    category: [{ coding: [{ system: STATUS_SYSTEM, code: a.category }] }],
    subject: { identifier: { system: SYSTEM.nhsNumber, value: a.patientNhsNumber } },
    recipient: [
      {
        extension: [
          { url: `${SD}Extension-HealthcareService-Reference-1`, valueReference: { identifier: { system: SYSTEM.ersService, value: a.service.id } } },
        ],
      },
    ],
    sender: roleRef(a.createdBy as typeof requester),
    requester: { agent: roleRef(requester) },
    ...(docs.length ? { payload: docs.map(({ f }) => ({ contentReference: { reference: `#DocumentReference-${f.attachmentId}` } })) } : {}),
    identifier: [{ system: SYSTEM.ersRequestId, value: a.requestId }],
  };
}

function renderCommunication(a: AdviceRequest, m: AdviceMessage, basedOnVersion: number, opts: { containedDocs: boolean }, state: SimState): object {
  const requester = { userId: a.referringClinician, ods: a.createdBy.ods, businessFunction: 'REFERRING_CLINICIAN' };
  const ref = (s: AdviceMessage['sender']) => (opts.containedDocs ? `#${roleId(s)}` : `PractitionerRole/${roleId(s).slice('PractitionerRole.'.length)}`);
  const docRef = (f: AdviceMessage['files'][number]) => (opts.containedDocs ? `#DocumentReference-${f.attachmentId}` : `DocumentReference/${f.attachmentId}`);
  return {
    id: m.id,
    meta: { versionId: '0', profile: [`${SD}eRS-Communication-1`] },
    resourceType: 'Communication',
    ...(opts.containedDocs && m.files.length
      ? { contained: m.files.map((f) => documentReference(f, m.sentBy, m.sender, state, `DocumentReference-${f.attachmentId}`)) }
      : {}),
    extension: [{ url: `${SD}Extension-Communication-Requester-1`, valueReference: { reference: ref(m.sentBy === 'REQUESTER' ? requester : m.sender) } }],
    basedOn: [{ reference: `CommunicationRequest/${a.ubrn}/_history/${basedOnVersion}` }],
    status: 'completed',
    category: [{ coding: [{ system: SENT_BY_SYSTEM, code: m.sentBy }] }],
    recipient:
      m.sentBy === 'REQUESTER'
        ? [
            {
              extension: [
                { url: `${SD}Extension-HealthcareService-Reference-1`, valueReference: { identifier: { system: SYSTEM.ersService, value: a.service.id } } },
              ],
            },
          ]
        : [{ identifier: { system: SYSTEM.odsOrganisationCode, value: a.createdBy.ods } }],
    sent: m.sent,
    sender: { extension: [{ url: `${SD}Extension-PractitionerRole-Reference-1`, valueReference: { reference: ref(m.sender) } }] },
    ...(m.files.length ? { payload: m.files.map((f) => ({ contentReference: { reference: docRef(f) } })) } : {}),
    note: [{ text: m.text }],
  };
}

/** A044 response: the summary and the first message. */
export function renderCreateResponse(a: AdviceRequest, ctx: OpContext): object {
  return {
    resourceType: 'Parameters',
    meta: { profile: [`${SD}eRS-CreateAdviceAndGuidance-Response-Parameters-1`] },
    parameter: [
      { name: 'createdCommunicationRequest', resource: renderCommunicationRequest(a, ctx) },
      { name: 'createdCommunication', resource: renderCommunication(a, a.messages[0], 1, { containedDocs: true }, ctx.state) },
    ],
  };
}

/** A025 Bundle: every message with the PractitionerRoles and DocumentReferences they name. */
export function renderConversation(a: AdviceRequest, base: string, state: SimState): object {
  const entries: object[] = a.messages.map((m) => ({
    fullUrl: `${base}/Communication/${m.id}`,
    resource: renderCommunication(a, m, a.version, { containedDocs: false }, state),
    search: { mode: 'match' },
  }));
  const requester = { userId: a.referringClinician, ods: a.createdBy.ods, businessFunction: 'REFERRING_CLINICIAN' };
  const roles = new Map<string, AdviceMessage['sender']>();
  for (const m of a.messages) roles.set(roleId(m.sender), m.sender);
  roles.set(roleId(requester), requester);
  for (const [id, s] of roles) {
    const short = id.slice('PractitionerRole.'.length);
    entries.push({ fullUrl: `${base}/PractitionerRole/${short}`, resource: practitionerRole(s, short), search: { mode: 'include' } });
  }
  for (const m of a.messages) {
    for (const f of m.files) {
      entries.push({
        fullUrl: `${base}/DocumentReference/${f.attachmentId}`,
        resource: documentReference(f, m.sentBy, m.sender, state, f.attachmentId),
        search: { mode: 'include' },
      });
    }
  }
  return {
    id: randomUUID(),
    meta: { lastUpdated: new Date().toISOString(), profile: ['http://hl7.org/fhir/STU3/StructureDefinition/Bundle'] },
    resourceType: 'Bundle',
    type: 'searchset',
    total: a.messages.length,
    link: [{ relation: 'self', url: `${base}/Communication?based-on=CommunicationRequest/${a.ubrn}/_history/${a.version}` }],
    entry: entries,
  };
}

/** A043: the overview PDF: the request, the service, the status and the whole conversation. */
export async function renderOverviewPdf(a: AdviceRequest, now: Date): Promise<{ fileName: string; pdf: Buffer }> {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const blocks: LetterBlock[] = [
    {
      kind: 'paragraph',
      text: [`Service: ${a.service.display} (${a.service.id})`, `Status: ${a.category}`, `Priority: ${PRIORITY_DISPLAY[a.priority]}`].join('\n'),
    },
    ...a.messages.flatMap((m): LetterBlock[] => [
      { kind: 'heading', text: `${m.sentBy === 'REQUESTER' ? 'Request' : 'Response'} ${m.sent}` },
      { kind: 'paragraph', text: m.text },
      ...(m.files.length ? [{ kind: 'list' as const, items: m.files.map((f) => `Attachment: ${f.description ?? f.binaryId}`) }] : []),
    ]),
  ];
  const identifiers: [string, string][] = [
    ['UBRN', a.ubrn.replace(/(\d{4})(\d{4})(\d{4})/, '$1 $2 $3')],
    ['NHS number', a.patientNhsNumber.replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3')],
  ];
  return { fileName: `${a.ubrn}_Advice_And_Guidance_${stamp}.pdf`, pdf: await simulatorPdf(`Advice and Guidance overview`, identifiers, now, blocks) };
}

// ---------------------------------------------------------------------------------------------
// The provider's side and the web application, as admin hooks (tests and demos).

const OPEN: readonly AdviceCategory[] = ['PROVIDER_RESPONSE_REQUIRED', 'REFERRER_TO_SUBMIT_FURTHER_INFORMATION', 'REFERRER_TO_REVIEW_RESPONSE'];

export type AdviceEvent =
  | { kind: 'respond'; text: string; outcome: 'advice' | 'more-information'; file?: ProviderFile }
  | { kind: 'referrer-reply'; text: string }
  | { kind: 'convert'; text?: string }
  | { kind: 'close'; cancelled?: boolean };

/** A file the provider attaches to its reply (admin body `file`: name, type and base64 bytes). */
export interface ProviderFile {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

/**
 * Stores the provider's file as a Binary linked to the request, as the provider's own system would
 * have uploaded and attached it: A042 serves it to the referring organisation through the object
 * store (./objectstore.ts issueOtherObjectKey).
 */
function storeProviderFile(state: SimState, a: AdviceRequest, file: ProviderFile, now: Date): AdviceMessage['files'][number] {
  const binaryId = randomUUID();
  const sender = providerSender(a);
  state.binaries.set(binaryId, {
    id: binaryId,
    bytes: file.bytes,
    contentType: file.contentType,
    fileName: file.fileName,
    intendedUbrn: a.ubrn,
    uploadedBy: sender.userId,
    uploadedByOrg: sender.ods,
    uploadedAt: now.getTime(),
    linkedUbrn: a.ubrn,
    linkedAt: now.getTime(),
  });
  return { binaryId, description: file.fileName, indexed: now.toISOString(), attachmentId: String(state.nextAttachmentId++) };
}

/** Reads the admin body's `file`, or throws in plain words. */
function readProviderFile(value: unknown): ProviderFile | undefined {
  if (value === undefined) return undefined;
  const f = value as Record<string, unknown>;
  const name = typeof f?.fileName === 'string' ? f.fileName.trim() : '';
  if (!name || name.length > 255) throw new Error('file.fileName must be 1 to 255 characters');
  if (typeof f.base64 !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(f.base64)) throw new Error('file.base64 must be the file in base64');
  const bytes = Buffer.from(f.base64, 'base64');
  if (bytes.length === 0 || bytes.length > 5 * 1024 * 1024) throw new Error('file must be 1 byte to 5 MB');
  return { fileName: name, contentType: typeof f.contentType === 'string' && f.contentType ? f.contentType : 'application/octet-stream', bytes };
}

/** The provider's clinician (the contract's example SPC user) at the service's provider. */
function providerSender(a: AdviceRequest): AdviceMessage['sender'] {
  return { userId: '103264994981', ods: a.service.providerOds, businessFunction: 'SERVICE_PROVIDER_CLINICIAN' };
}

/** Applies a provider or web-application event; throws when the state model does not allow it. */
export function applyAdviceEvent(state: SimState, ubrn: string, event: AdviceEvent, now: Date): AdviceRequest {
  const a = state.advice.get(ubrn);
  if (!a) throw new Error(`no Advice and Guidance request ${ubrn}`);
  if (!OPEN.includes(a.category)) throw new Error(`request ${ubrn} is ${a.category}: the conversation has ended`);
  const nowIso = now.toISOString();
  const message = (sentBy: AdviceMessage['sentBy'], text: string, sender: AdviceMessage['sender']) =>
    a.messages.push({ id: String(state.nextAttachmentId++), sentBy, sent: nowIso, text, sender, files: [] });
  switch (event.kind) {
    case 'respond':
      if (a.category !== 'PROVIDER_RESPONSE_REQUIRED') throw new Error(`request ${ubrn} is ${a.category}: the provider has already answered`);
      if (!event.text?.trim()) throw new Error('the response needs text');
      message('RESPONDER', event.text, providerSender(a));
      if (event.file) a.messages[a.messages.length - 1].files.push(storeProviderFile(state, a, event.file, now));
      a.category = event.outcome === 'more-information' ? 'REFERRER_TO_SUBMIT_FURTHER_INFORMATION' : 'REFERRER_TO_REVIEW_RESPONSE';
      break;
    case 'referrer-reply':
      if (a.category === 'PROVIDER_RESPONSE_REQUIRED') throw new Error(`request ${ubrn} is waiting for the provider`);
      if (!event.text?.trim()) throw new Error('the reply needs text');
      message('REQUESTER', event.text, a.createdBy);
      a.category = 'PROVIDER_RESPONSE_REQUIRED';
      break;
    case 'convert':
      if (a.conversion !== 'AUTHORISED_TO_CONVERT') throw new Error(`request ${ubrn} is NOT_AUTHORISED_TO_CONVERT`);
      message('RESPONDER', event.text ?? 'Converted to a referral.', providerSender(a));
      a.category = 'ADVICE_CONVERTED';
      a.status = 'completed';
      state.referrals.set(a.ubrn, convertedReferral(a, nowIso));
      break;
    case 'close':
      a.category = event.cancelled ? 'CONVERSATION_ENDED_CANCELLED' : 'CONVERSATION_ENDED_CLOSED';
      a.status = event.cancelled ? 'cancelled' : 'completed';
      break;
  }
  a.version += 1;
  return a;
}

/** A conversion: the same UBRN becomes a referral waiting for the provider's admin team. */
function convertedReferral(a: AdviceRequest, nowIso: string): Referral {
  return {
    ubrn: a.ubrn,
    version: 1,
    requestId: `r.${randomUUID()}`,
    flavour: 'platform',
    patientNhsNumber: a.patientNhsNumber,
    priority: a.priority,
    specialty: a.specialty,
    criteria: a.criteria,
    shortlist: [{ serviceId: a.service.id, display: a.service.display }],
    commissioningOrg: a.createdBy.ods,
    state: 'TRIAGED_PROVIDER_TO_ACTION',
    letterIntention: 'NOT_INTENDING_TO_ADD',
    reminderDays: 0,
    createdBy: a.createdBy,
    referringClinician: a.referringClinician !== a.createdBy.userId ? a.referringClinician : undefined,
    createdAt: nowIso,
    attachments: [],
    history: new Map(),
    locked: false,
  };
}

/** What the admin API shows of a request: no patient identifiers (it is unauthenticated). */
export function adviceSummary(a: AdviceRequest) {
  return { ubrn: a.ubrn, version: a.version, category: a.category, status: a.status, service: a.service.id, messages: a.messages.length };
}

/**
 * Admin routes: GET /_admin/advice, and POST /_admin/advice/{ubrn}/{respond|referrer-reply|convert|close}
 * with {"text", "outcome": "advice" | "more-information", "file"?: {"fileName", "contentType", "base64"}}
 * (respond) or {"cancelled": true}.
 */
export function handleAdviceAdmin(
  state: SimState,
  method: string,
  pathname: string,
  body: Record<string, unknown>,
  now: Date,
): { status: number; body: object } | undefined {
  if (pathname === '/_admin/advice' && method === 'GET') return { status: 200, body: { advice: [...state.advice.values()].map(adviceSummary) } };
  const m = /^\/_admin\/advice\/(\d{12})\/(respond|referrer-reply|convert|close)$/.exec(pathname);
  if (!m || method !== 'POST') return undefined;
  const text = typeof body.text === 'string' ? body.text : '';
  let file: ProviderFile | undefined;
  try {
    file = readProviderFile(body.file);
  } catch (e) {
    return { status: 400, body: { error: (e as Error).message } };
  }
  if (file && m[2] !== 'respond') return { status: 400, body: { error: "only the provider's response (respond) carries a file" } };
  const event: AdviceEvent =
    m[2] === 'respond'
      ? { kind: 'respond', text, outcome: body.outcome === 'more-information' ? 'more-information' : 'advice', file }
      : m[2] === 'referrer-reply'
        ? { kind: 'referrer-reply', text }
        : m[2] === 'convert'
          ? { kind: 'convert', text: text || undefined }
          : { kind: 'close', cancelled: body.cancelled === true };
  try {
    return { status: 200, body: adviceSummary(applyAdviceEvent(state, m[1], event, now)) };
  } catch (e) {
    return { status: 409, body: { error: (e as Error).message } };
  }
}
