// Advice and Guidance (A&G) on the platform API: A044 create, A024 summary and status, A025
// conversation, A043 overview PDF, A042 attachment download. Builders, zod schemas and readers are
// pure; the operations take an ErsClient and use its one send path (auth, retries, error mapping).
// The API has no referrer call to reply, close or convert, and no referrer A&G worklist: those stay
// in the e-RS web application, and the caller keeps its own list of the UBRNs it created.
import { z } from 'zod';
import { EXTENSION, PROFILE, SYSTEM } from 'ers-contract';
import { CONVERSION_AUTHORISATIONS, MAX_ADVICE_REQUEST_CHARS, type AdviceStatus, type ConversionAuthorisation } from './advice-codes';
import { buildShortlist } from './builders';
import type { ErsClient } from './client';
import { ErsError } from './errors';
import type { Parameter, ParametersResource } from './fhir';
import { type AttachmentSummary, codeOf, readDocumentReference } from './parse';
import { type RuleViolation, checkNhsNumber, checkUbrn, enforce } from './rules';
import { codingSchema, extensionSchema, identifierSchema, type Extension } from './schemas';

const SD = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
export const ADVICE_PROFILE = {
  createRequest: `${SD}eRS-CreateAdviceAndGuidance-Request-Parameters-1`,
  communicationRequest: `${SD}eRS-CommunicationRequest-1`,
  communication: `${SD}eRS-Communication-1`,
} as const;
export const ADVICE_SYSTEM = {
  conversionAuthorisation: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ProviderConversionAuthorisation-1',
  status: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-AdviceAndGuidanceStatus-1',
  sentBy: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-CommunicationSentBy-1',
} as const;
const EXT_CONVERSION = `${SD}Extension-eRS-ProviderConversionAuthorisation-1`;
const EXT_SPECIALTY = `${SD}Extension-eRS-Specialty-1`;

export { CONVERSION_AUTHORISATIONS, MAX_ADVICE_REQUEST_CHARS, type AdviceStatus, type ConversionAuthorisation } from './advice-codes';

// ---- A044 body ---------------------------------------------------------------------------------

export interface AdviceFile {
  /** `Binary/<id>` exactly as A020 returned it. */
  url: string;
  /** FHIR instant the file was indexed. */
  indexed: string;
  description?: string;
}

export interface CreateAdviceBody {
  nhsNumber: string;
  conversion: ConversionAuthorisation;
  /** The criteria resource the A&G search (A010 ADVICE_AND_GUIDANCE_REQUEST) was sent with. */
  criteria: ParametersResource;
  /** The one A&G service chosen. */
  serviceId: string;
  request: string;
  files?: readonly AdviceFile[];
  /** Only when the caller acts as REFERRING_CLINICIAN_ADMIN. */
  referringClinician?: string;
}

/** A044 body: parameters in the order of the contract's examples. */
export function buildCreateAdviceAndGuidance(input: CreateAdviceBody): ParametersResource {
  const parameter: Parameter[] = [
    { name: 'patient', valueIdentifier: { system: SYSTEM.nhsNumber, value: input.nhsNumber } },
    { name: 'providerConversionAuthorisation', valueCoding: { system: ADVICE_SYSTEM.conversionAuthorisation, code: input.conversion } },
    { name: 'shortlist', resource: buildShortlist(input.criteria, [input.serviceId]) },
    { name: 'request', valueString: input.request },
    ...(input.files ?? []).map(
      (file): Parameter => ({
        name: 'requestAttachmentFile',
        resource: {
          resourceType: 'DocumentReference',
          meta: { profile: [PROFILE.documentReference] },
          type: { coding: [{ system: SYSTEM.attachmentType, code: 'ADVICE_REQUEST' }] },
          status: 'current',
          indexed: file.indexed,
          ...(file.description !== undefined ? { description: file.description } : {}),
          content: [{ attachment: { url: file.url } }],
        },
      }),
    ),
  ];
  if (input.referringClinician) {
    parameter.push({ name: 'referringClinician', valueIdentifier: { system: SYSTEM.sdsUserId, value: input.referringClinician } });
  }
  return { resourceType: 'Parameters', meta: { profile: [ADVICE_PROFILE.createRequest] }, parameter };
}

// ---- rules checked before sending -------------------------------------------------------------

/**
 * The role rule for A&G, with messages a user can act on: an admin (RCA) sends on behalf of a named
 * referring clinician, who must be given; a clinician (RC) is the referrer, so none may be sent.
 */
export function checkAdviceClinician(businessFunction: string | undefined, referringClinician: string | undefined): RuleViolation[] {
  if (businessFunction === 'REFERRING_CLINICIAN_ADMIN' && !referringClinician) {
    return [
      {
        code: 'VALUE_IS_REQUIRED',
        diagnostics: 'As a referring clinician admin you ask for advice on behalf of a clinician: name the referring clinician (their SDS user id).',
      },
    ];
  }
  if (businessFunction !== 'REFERRING_CLINICIAN_ADMIN' && referringClinician) {
    return [
      {
        code: 'FIELD_NOT_PERMITTED',
        diagnostics: 'As a referring clinician you are the referrer: remove the named referring clinician (only a clinician admin names one).',
      },
    ];
  }
  if (referringClinician && !/^\d{12}$/.test(referringClinician)) {
    return [{ code: 'INVALID_VALUE', diagnostics: 'The referring clinician must be a 12-digit SDS user id.' }];
  }
  return [];
}

/** The request text: something to ask, at most 8,000 characters. */
export function checkAdviceRequest(text: string): RuleViolation[] {
  if (!text.trim()) return [{ code: 'MISSING_VALUE', diagnostics: 'Write the question for the specialist.' }];
  if (text.length > MAX_ADVICE_REQUEST_CHARS) {
    return [
      {
        code: 'INVALID_VALUE',
        diagnostics: `The request is ${text.length.toLocaleString('en-GB')} characters; e-RS takes at most ${MAX_ADVICE_REQUEST_CHARS.toLocaleString('en-GB')}.`,
      },
    ];
  }
  return [];
}

/** Exactly one A&G service; the conversion choice made explicitly. */
export function checkAdviceService(serviceIds: readonly string[], conversion: string | undefined): RuleViolation[] {
  if (serviceIds.length === 0) return [{ code: 'MISSING_VALUE', diagnostics: 'Choose the advice service to ask.' }];
  if (serviceIds.length > 1) return [{ code: 'TOO_MANY_ITEMS', diagnostics: 'An advice request goes to exactly one service.' }];
  if (!CONVERSION_AUTHORISATIONS.includes(conversion as ConversionAuthorisation)) {
    return [{ code: 'VALUE_IS_REQUIRED', diagnostics: 'Choose whether the provider may convert this request into a referral.' }];
  }
  return [];
}

// ---- response schemas ---------------------------------------------------------------------------

const referenceLike = z.looseObject({ reference: z.string().optional(), identifier: identifierSchema.optional() });
const payloadSchema = z.array(z.looseObject({ contentReference: z.looseObject({ reference: z.string() }).optional() }));
const containedSchema = z.array(z.looseObject({ resourceType: z.string(), id: z.string().optional() }));

export const communicationRequestSchema = z.looseObject({
  resourceType: z.literal('CommunicationRequest'),
  id: z.string().regex(/^\d{12}$/, 'UBRN must be a 12-digit string'),
  meta: z.looseObject({ versionId: z.string().regex(/^\d+$/) }),
  extension: z.array(extensionSchema).optional(),
  contained: containedSchema.optional(),
  status: z.enum(['active', 'cancelled', 'completed']),
  category: z.array(z.looseObject({ coding: z.array(codingSchema).min(1) })).min(1),
  subject: z.looseObject({ identifier: identifierSchema }),
  recipient: z.array(z.looseObject({ extension: z.array(extensionSchema).optional() })).optional(),
  payload: payloadSchema.optional(),
});
export type CommunicationRequest = z.infer<typeof communicationRequestSchema>;

export const communicationSchema = z.looseObject({
  resourceType: z.literal('Communication'),
  id: z.string(),
  meta: z.looseObject({ versionId: z.string().optional() }).optional(),
  extension: z.array(extensionSchema).optional(),
  contained: containedSchema.optional(),
  basedOn: z.array(referenceLike).optional(),
  category: z.array(z.looseObject({ coding: z.array(codingSchema).min(1) })).min(1),
  sent: z.string().optional(),
  sender: z.looseObject({ extension: z.array(extensionSchema).optional() }).optional(),
  payload: payloadSchema.optional(),
  note: z.array(z.looseObject({ text: z.string() })).optional(),
});
export type Communication = z.infer<typeof communicationSchema>;

export const createAdviceResponseSchema = z.looseObject({
  resourceType: z.literal('Parameters'),
  parameter: z
    .array(z.looseObject({ name: z.string(), resource: z.looseObject({ resourceType: z.string() }) }))
    .refine((ps) => ps.some((p) => p.name === 'createdCommunicationRequest'), 'createdCommunicationRequest missing'),
});

export const conversationBundleSchema = z.looseObject({
  resourceType: z.literal('Bundle'),
  entry: z
    .array(
      z.looseObject({
        fullUrl: z.string().optional(),
        resource: z.looseObject({ resourceType: z.string(), id: z.string().optional() }),
        search: z.looseObject({ mode: z.string().optional() }).optional(),
      }),
    )
    .default([]),
});

// ---- readers ------------------------------------------------------------------------------------

type Value = Record<string, unknown>;
const findExt = (exts: Extension[] | undefined, url: string): Value | undefined => exts?.find((e) => e.url === url) as Value | undefined;

export interface AdviceSummary {
  ubrn: string;
  version: string;
  status: AdviceStatus | string;
  /** FHIR status: active, cancelled or completed. */
  lifecycle: string;
  nhsNumber: string;
  priority?: string;
  conversion?: string;
  specialty?: string;
  service?: { id: string; name?: string };
  attachments: AttachmentSummary[];
}

/** A024 CommunicationRequest (or A044's createdCommunicationRequest) → summary. */
export function parseAdviceSummary(cr: CommunicationRequest): AdviceSummary {
  const contained = (cr.contained ?? []) as Value[];
  const docs = new Map(contained.filter((c) => c.resourceType === 'DocumentReference').map((d) => [`#${d.id as string}`, d]));
  const shortlist = contained.find((c) => c.resourceType === 'List');
  const item = ((shortlist?.entry as Value[] | undefined)?.[0]?.item as Value | undefined) ?? undefined;
  const recipient = findExt(cr.recipient?.[0]?.extension, `${SD}Extension-HealthcareService-Reference-1`);
  const serviceId = ((item?.identifier as Value | undefined)?.value ??
    ((recipient?.valueReference as Value | undefined)?.identifier as Value | undefined)?.value) as string | undefined;
  return {
    ubrn: cr.id,
    version: cr.meta.versionId,
    status: cr.category[0].coding[0].code,
    lifecycle: cr.status,
    nhsNumber: cr.subject.identifier.value,
    priority: codeOf(findExt(cr.extension, EXTENSION.referralPriority)),
    conversion: codeOf(findExt(cr.extension, EXT_CONVERSION)),
    specialty: codeOf(findExt(cr.extension, EXT_SPECIALTY)),
    service: serviceId ? { id: serviceId, name: item?.display as string | undefined } : undefined,
    attachments: (cr.payload ?? []).flatMap((p) => {
      const a = p.contentReference ? readDocumentReference(docs.get(p.contentReference.reference)) : undefined;
      return a ? [a] : [];
    }),
  };
}

export type SentBy = 'REQUESTER' | 'RESPONDER' | 'REFERRER_CLINICAL_INFORMATION_UPDATED' | string;

export interface AdviceMessage {
  id: string;
  sentBy: SentBy;
  sent?: string;
  text: string;
  /** SDS user id of the sender, when e-RS said who it was. */
  senderUserId?: string;
  attachments: AttachmentSummary[];
}

/** `PractitionerRole/921600556514.R68.REFERRING-CLINICIAN` or `#PractitionerRole.1032….R69.…` → the SDS user id. */
function userIdOfRole(reference: string | undefined): string | undefined {
  return reference ? /PractitionerRole[/.](\d{12})\./.exec(reference)?.[1] : undefined;
}

/** A025 Bundle → the messages, oldest first (e-RS does not order them). */
export function parseConversation(bundle: z.infer<typeof conversationBundleSchema>): AdviceMessage[] {
  const included = new Map<string, Value>();
  for (const e of bundle.entry) {
    if (e.resource.resourceType === 'DocumentReference' && e.resource.id) included.set(`DocumentReference/${e.resource.id}`, e.resource as Value);
  }
  const messages = bundle.entry.filter((e) => e.resource.resourceType === 'Communication').map((e) => communicationSchema.parse(e.resource));
  return messages.map((c) => toMessage(c, included)).sort((a, b) => (a.sent ?? '').localeCompare(b.sent ?? '') || a.id.localeCompare(b.id));
}

function toMessage(c: Communication, included: Map<string, Value>): AdviceMessage {
  const contained = new Map(((c.contained ?? []) as Value[]).map((d) => [`#${d.id as string}`, d]));
  const senderRef = (findExt(c.sender?.extension, `${SD}Extension-PractitionerRole-Reference-1`)?.valueReference as Value | undefined)?.reference as
    | string
    | undefined;
  return {
    id: c.id,
    sentBy: c.category[0].coding[0].code,
    sent: c.sent,
    text: (c.note ?? []).map((n) => n.text).join('\n'),
    senderUserId: userIdOfRole(senderRef),
    attachments: (c.payload ?? []).flatMap((p) => {
      const ref = p.contentReference?.reference;
      const a = ref ? readDocumentReference(included.get(ref) ?? contained.get(ref)) : undefined;
      return a ? [a] : [];
    }),
  };
}

/** The UBRN an unreadable 2xx to A044 still carried, to resolve the outcome by reading it back. */
export function extractAdviceUbrn(data: unknown): string | undefined {
  const params = (data as { parameter?: unknown } | undefined)?.parameter;
  if (!Array.isArray(params)) return undefined;
  const cr = params.find((p) => (p as Value)?.name === 'createdCommunicationRequest') as Value | undefined;
  const id = (cr?.resource as Value | undefined)?.id;
  return typeof id === 'string' && /^\d{12}$/.test(id) ? id : undefined;
}

// ---- operations ---------------------------------------------------------------------------------

export interface CreateAdviceInput extends Omit<CreateAdviceBody, 'serviceId'> {
  /** The chosen service(s): exactly one is allowed; more is refused here before anything is sent. */
  serviceIds: readonly string[];
}

function requirePlatform(client: ErsClient, operation: string): void {
  if (client.flavour !== 'platform') {
    throw new ErsError({
      kind: 'rule',
      operation,
      message: 'Advice and Guidance needs the current e-RS connection, not the older (smartcard) one: ask in the e-RS web application, or ask NHS IT.',
    });
  }
}

/** The rules A044 applies, checked before anything is sent. */
export function adviceViolations(input: CreateAdviceInput, businessFunction: string | undefined): RuleViolation[] {
  return [
    ...checkNhsNumber(input.nhsNumber),
    ...checkAdviceClinician(businessFunction, input.referringClinician),
    ...checkAdviceService(input.serviceIds, input.conversion),
    ...checkAdviceRequest(input.request),
  ];
}

/**
 * A044: create the A&G request. A change: never re-sent automatically; a lost or unreadable answer
 * is an `outcome-unknown` ErsError (carrying the UBRN in `extracted.ubrn` when the body had one).
 */
export async function createAdvice(client: ErsClient, input: CreateAdviceInput, role: { businessFunction?: string }): Promise<AdviceSummary> {
  requirePlatform(client, 'A044');
  const violations = adviceViolations(input, role.businessFunction);
  if (violations.length > 0) {
    // The A&G rules carry their own plain-English reason (the role rule in particular): show it.
    const v = violations[0];
    throw new ErsError({ kind: 'rule', operation: 'A044', status: 422, code: v.code, diagnostics: v.diagnostics, message: v.diagnostics });
  }
  const body = buildCreateAdviceAndGuidance({ ...input, serviceId: input.serviceIds[0] });
  const op = {
    id: 'A044',
    method: 'post' as const,
    path: 'STU3/CommunicationRequest/$ers.createAdviceAndGuidance',
    auth: 'user-and-role' as const,
    idempotent: false,
  };
  const { data, response } = await client.send(op, { json: body });
  let parsed: z.infer<typeof createAdviceResponseSchema>;
  let cr: CommunicationRequest;
  try {
    parsed = client.validate(op, createAdviceResponseSchema, data, response);
    cr = client.validate(op, communicationRequestSchema, parsed.parameter.find((p) => p.name === 'createdCommunicationRequest')!.resource, response);
  } catch (error) {
    if (error instanceof ErsError) {
      const ubrn = extractAdviceUbrn(data);
      throw new ErsError({
        kind: 'outcome-unknown',
        operation: 'A044',
        status: error.status,
        diagnostics: error.diagnostics,
        correlationId: error.correlationId,
        requestId: error.requestId,
        extracted: ubrn ? { ubrn } : undefined,
      });
    }
    throw error;
  }
  return parseAdviceSummary(cr);
}

/** A024: the A&G request's summary and status (current version). */
export async function getAdvice(client: ErsClient, ubrn: string): Promise<AdviceSummary & { etag?: string }> {
  enforce('A024', checkUbrn(ubrn));
  const prefix = client.flavour === 'legacy' ? 'STU3/v1' : 'STU3';
  const op = { id: 'A024', method: 'get' as const, path: `${prefix}/CommunicationRequest/${ubrn}`, auth: 'user-and-role' as const, idempotent: true };
  const { data, response } = await client.send(op, {});
  return { ...parseAdviceSummary(client.validate(op, communicationRequestSchema, data, response)), etag: response.headers.get('ETag') ?? undefined };
}

/** The three `_include`s, exactly as the contract spells them (including `PractionerRole`). */
export const CONVERSATION_INCLUDES =
  '_include=Communication:requester-practitionerrole:PractitionerRole&_include=Communication:sender-practitionerrole:PractionerRole&_include=Communication:content-reference:DocumentReference';

/** A025: the conversation of the request at `version`, which must be the current one (from A024). */
export async function getConversation(client: ErsClient, ubrn: string, version: string): Promise<AdviceMessage[]> {
  enforce('A025', [...checkUbrn(ubrn), ...(/^\d+$/.test(version) ? [] : [{ code: 'INVALID_VALUE', diagnostics: 'version must be a number' }])]);
  const prefix = client.flavour === 'legacy' ? 'STU3/v1' : 'STU3';
  const basedOn = `CommunicationRequest/${ubrn}/_history/${version}`;
  const op = {
    id: 'A025',
    method: 'get' as const,
    path: `${prefix}/Communication?based-on=${encodeURIComponent(basedOn).replace(/%2F/g, '/')}&${CONVERSATION_INCLUDES}`,
    auth: 'user-and-role' as const,
    idempotent: true,
  };
  const { data, response } = await client.send(op, {});
  return parseConversation(client.validate(op, conversationBundleSchema, data, response));
}

export interface PdfFile {
  bytes: Uint8Array;
  fileName: string;
  contentType: string;
}

function fileNameOf(disposition: string, fallback: string): string {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  if (star) {
    try {
      return decodeURIComponent(star);
    } catch {
      /* fall through to the plain name */
    }
  }
  return /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallback;
}

/** A043: the A&G overview PDF, for filing in the patient's record. */
export async function getAdviceOverviewPdf(client: ErsClient, ubrn: string): Promise<PdfFile> {
  requirePlatform(client, 'A043');
  enforce('A043', checkUbrn(ubrn));
  const op = {
    id: 'A043',
    method: 'post' as const,
    path: `STU3/CommunicationRequest/${ubrn}/$ers.generateCRI`,
    auth: 'user-and-role' as const,
    idempotent: true,
  };
  const { response, bytes } = await client.send(op, { accept: 'application/pdf', binary: true });
  const contentType = response.headers.get('Content-Type') ?? '';
  if (!contentType.includes('application/pdf') || !bytes || !startsWithPdf(bytes)) {
    throw new ErsError({
      kind: 'invalid-response',
      operation: 'A043',
      status: response.status,
      diagnostics: `expected a PDF, got ${contentType || 'no content type'}`,
    });
  }
  return { bytes, fileName: fileNameOf(response.headers.get('Content-Disposition') ?? '', `${ubrn}_Advice_And_Guidance.pdf`), contentType: 'application/pdf' };
}

/** A042: download an attachment (`Binary/<id>`); e-RS answers 307 to a short-lived address, followed here. */
export async function downloadAttachment(client: ErsClient, url: string): Promise<PdfFile> {
  requirePlatform(client, 'A042');
  const id = /^Binary\/([A-Za-z0-9-]+)$/.exec(url)?.[1];
  if (!id) throw new ErsError({ kind: 'rule', operation: 'A042', code: 'INVALID_VALUE', diagnostics: 'an attachment reference looks like Binary/<id>' });
  const op = { id: 'A042', method: 'get' as const, path: `R4/Binary/${id}`, auth: 'user-and-role' as const, idempotent: true };
  const { response, bytes } = await client.send(op, { accept: '*/*', binary: true });
  const contentType = (response.headers.get('Content-Type') ?? 'application/octet-stream').split(';')[0].trim();
  return { bytes: bytes ?? new Uint8Array(), fileName: fileNameOf(response.headers.get('Content-Disposition') ?? '', id), contentType };
}

function startsWithPdf(bytes: Uint8Array): boolean {
  return bytes.length > 4 && bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46;
}
