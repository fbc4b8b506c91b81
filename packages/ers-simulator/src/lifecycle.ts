// After the referral exists (the lifecycle contract, docs in packages/ers-contract): available
// actions (A029), cancel referral (A036), the clinical information summary (A007), attachment
// download (A042, a 307 to a one-use object-store key), and the provider events the admin API uses
// to drive the referrer worklists (reject, triage response, return after assessment, DNA, cancel).

import { randomUUID } from 'node:crypto';
import { readExample } from 'ers-contract/files';
import { ErsError, diag, unprocessable } from './errors';
import { isObject } from './fhir';
import type { LetterBlock } from '../../../utils/letter/document';
import { simulatorPdf } from './documents';
import { issueOtherObjectKey } from './objectstore';
import { PRIORITY_DISPLAY, specialtyDisplay } from './reference-data';
import { availability, STATE_DISPLAY } from './referrals';
import { type OpContext, checkRelationship } from './rules';
import { type Attachment, type Referral, type SimState, type StateReason, bumpVersion } from './state';

// ---------------------------------------------------------------------------------------------
// Reason code systems (A004 data, matched on code: their systems are environment URLs)

interface ReasonConcept {
  code: string;
  display: string;
  props: { code: string; valueCoding?: { code: string }; valueBoolean?: boolean; valueDateTime?: string }[];
}

const reasonCache = new Map<string, ReasonConcept[]>();
function reasons(type: 'REFERRAL-CANCELLATION-REASON' | 'APPOINTMENT-CANCELLATION-REASON'): ReasonConcept[] {
  let list = reasonCache.get(type);
  if (!list) {
    const cs = readExample<{ concept: { code: string; display: string; property?: ReasonConcept['props'] }[] }>(`platform/A004_response_${type}.json`);
    list = cs.concept.map((c) => ({ code: c.code, display: c.display, props: c.property ?? [] }));
    reasonCache.set(type, list);
  }
  return list;
}
const propCodes = (c: ReasonConcept, name: string) => c.props.filter((p) => p.code === name).map((p) => p.valueCoding?.code);
const propBool = (c: ReasonConcept, name: string) => c.props.find((p) => p.code === name)?.valueBoolean === true;

function reasonSystem(ctx: OpContext, type: string): string {
  const base = ctx.flavour === 'platform' ? '/referrals/FHIR/STU3/CodeSystem' : '/ers-api/STU3/v1/CodeSystem';
  return `${new URL(ctx.specialtySystem).origin}${base}/${type}`;
}

// ---------------------------------------------------------------------------------------------
// A029

/** A shortlisted service is still in the directory, so something can be booked or sent for triage. */
const bookable = (r: Referral, ctx: OpContext) => r.shortlist.some((s) => ctx.directory.services.has(s.serviceId));

/** The referrer's actions by state (packages/ers-contract/docs/referral-lifecycle.md §4.2). */
export function availableActions(r: Referral, ctx: OpContext): string[] {
  switch (r.state) {
    case 'NOT_BOOKED':
    case 'APP_CANCELLED_BY_PATIENT':
    case 'APP_CANCELLED_BY_PROVIDER':
      return [...(bookable(r, ctx) ? ['CREATE_APPOINTMENT'] : []), 'CHANGE_SHORTLIST', 'CANCEL_REFERRAL'];
    case 'BOOKED':
      return ['CANCEL_DIRECTLY_BOOKED_APPOINTMENT', 'CANCEL_REFERRAL'];
    case 'DEFERRED_TO_PROVIDER':
    case 'AWAITING_TRIAGE':
    case 'TRIAGED_PROVIDER_TO_ACTION':
      return ['CANCEL_REFERRAL'];
    case 'REJECTED':
    case 'TRIAGE_RESPONSE':
      return ['CHANGE_SHORTLIST', 'CANCEL_REFERRAL'];
    case 'ASSESSMENT_RESULT':
    case 'DID_NOT_ATTEND':
      return ['CANCEL_REFERRAL'];
    case 'CANCELLED_REFERRAL':
      return [];
  }
}

const ACTION_DISPLAY: Record<string, string> = {
  CREATE_APPOINTMENT: 'Create Appointment',
  CHANGE_SHORTLIST: 'Change Shortlist',
  CANCEL_REFERRAL: 'Cancel Referral',
  CANCEL_DIRECTLY_BOOKED_APPOINTMENT: 'Cancel Directly Booked Appointment',
};

/** Reads `focus=ReferralRequest/{ubrn}/_history/{v}&intent=proposal&status=ready` (400s as documented). */
export function readTaskQuery(query: URLSearchParams): { ubrn: string; version: number } {
  const focus = query.get('focus');
  const intent = query.get('intent');
  const status = query.get('status');
  if (!focus || !intent || !status) throw new ErsError(400, 'MISSING_PARAMETER', diag('query', 'focus', 'focus, intent and status are required'));
  if (intent !== 'proposal' || status !== 'ready')
    throw new ErsError(400, 'INVALID_VALUE', diag('query', 'intent', 'intent must be proposal and status ready'));
  const m = /^ReferralRequest\/(\d{12})\/_history\/(\d+)$/.exec(focus);
  if (!m) throw new ErsError(400, 'INVALID_VALUE', diag('query', 'focus', 'focus must be ReferralRequest/{ubrn}/_history/{version}'));
  return { ubrn: m[1], version: Number(m[2]) };
}

export function renderTaskBundle(base: string, r: Referral, version: number, actions: string[], now: Date): object {
  const focus = `ReferralRequest/${r.ubrn}/_history/${version}`;
  return {
    id: randomUUID(),
    meta: { lastUpdated: now.toISOString(), profile: ['http://hl7.org/fhir/STU3/StructureDefinition/Bundle'] },
    resourceType: 'Bundle',
    type: 'searchset',
    link: [{ relation: 'self', url: `${base}/Task?focus=${focus}&intent=proposal&status=ready` }],
    entry: actions.map((code) => {
      const id = randomUUID();
      return {
        fullUrl: `${base}/Task/${id}`,
        resource: {
          id,
          meta: { profile: ['https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Task-1'] },
          resourceType: 'Task',
          status: 'ready',
          intent: 'proposal',
          focus: { reference: focus },
          code: { coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-AvailableActionsForUser-1', code, display: ACTION_DISPLAY[code] }] },
        },
        search: { mode: 'match' },
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// A036

export interface CancelPlan {
  reason: StateReason;
  comment?: string;
}

/** Validates an A036 body against REFERRAL-CANCELLATION-REASON (packages/ers-contract/docs/referral-lifecycle.md §3.9, simulator steps 2–3). */
export function planCancel(r: Referral, body: unknown, ctx: OpContext): CancelPlan {
  if (!isObject(body) || body.resourceType !== 'Parameters')
    throw unprocessable('INVALID_FHIR_STRUCTURE', diag('resourceType', 'resourceType', 'must be Parameters'));
  const profile = (body.meta as { profile?: unknown[] } | undefined)?.profile;
  if (!Array.isArray(profile) || !profile.includes('https://fhir.nhs.uk/STU3/StructureDefinition/eRS-CancelReferral-Request-Parameters-1')) {
    throw unprocessable('INVALID_FHIR_STRUCTURE', diag('meta/profile', 'profile', 'must be eRS-CancelReferral-Request-Parameters-1'));
  }
  const params = Array.isArray(body.parameter) ? (body.parameter as Record<string, unknown>[]) : [];
  const unknown = params.findIndex((p) => !isObject(p) || !['cancellationReason', 'cancellationComments'].includes(p.name as string));
  if (unknown >= 0) throw unprocessable('UNEXPECTED_FIELD', diag(`parameter[${unknown}]`, 'parameter', 'unexpected parameter'));
  const coding = params.find((p) => p.name === 'cancellationReason')?.valueCoding as { system?: string; code?: string } | undefined;
  if (!coding?.code) throw unprocessable('MISSING_VALUE', diag('parameter', 'cancellationReason', "'cancellationReason' is missing."));
  const commentParam = params.find((p) => p.name === 'cancellationComments');
  const comment = commentParam === undefined ? undefined : commentParam.valueString;
  if (comment !== undefined && typeof comment !== 'string') throw unprocessable('INVALID_VALUE', diag('parameter', 'cancellationComments', 'must be a string'));
  checkRelationship(r, ctx, ctx.directory);
  if (r.state === 'CANCELLED_REFERRAL') throw unprocessable('INVALID_REQUEST_STATE', diag('id', 'ubrn', 'the referral is already cancelled'));
  const concept = reasons('REFERRAL-CANCELLATION-REASON').find((c) => c.code === coding.code);
  if (!concept) throw unprocessable('INVALID_VALUE', diag('parameter', 'cancellationReason', `${coding.code} is not a referral cancellation reason`));
  const today = ctx.now.toISOString();
  const from = concept.props.find((p) => p.code === 'effectiveFrom')?.valueDateTime;
  const to = concept.props.find((p) => p.code === 'effectiveTo')?.valueDateTime;
  const allowed =
    propCodes(concept, 'referrerUsage').includes('CANCEL_REFERRAL') &&
    propCodes(concept, 'businessFunction').includes(ctx.businessFunction) &&
    (!r.appointment || propBool(concept, 'canCancelAppointment')) &&
    (!from || from <= today) &&
    (!to || to > today);
  if (!allowed) throw unprocessable('INAPPROPRIATE_VALUE', diag('parameter', 'cancellationReason', "'reason' The reason provided is not valid in this case"));
  const trimmed = comment?.trim() ? comment : undefined;
  if (propBool(concept, 'commentIsMandatory') && !trimmed)
    throw unprocessable('MISSING_VALUE', diag('parameter', 'cancellationComments', "'comment' is missing."));
  if (trimmed && trimmed.length > 2000) throw unprocessable('INVALID_VALUE', diag('parameter', 'cancellationComments', 'at most 2000 characters'));
  return {
    reason: { system: reasonSystem(ctx, 'REFERRAL-CANCELLATION-REASON'), code: concept.code, display: concept.display },
    comment: trimmed,
  };
}

function setState(r: Referral, state: Referral['state'], now: Date, reason?: StateReason, comment?: string): void {
  bumpVersion(r);
  r.state = state;
  r.stateReason = reason;
  r.stateComment = comment;
  r.stateChangedAt = now.toISOString();
}

/** Cancels the referral (and its appointment); returns whether an appointment was cancelled. */
export function applyCancel(r: Referral, plan: CancelPlan, ctx: OpContext): boolean {
  const hadAppointment = r.appointment !== undefined && ['BOOKED', 'DEFERRED_TO_PROVIDER', 'AWAITING_TRIAGE'].includes(r.state);
  setState(r, 'CANCELLED_REFERRAL', ctx.now, plan.reason, plan.comment);
  r.cancelledByOds = ctx.ods;
  return hadAppointment;
}

export function renderCancelResponse(referral: object, appointment?: object): object {
  return {
    meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-CancelReferral-Response-Parameters-1'] },
    resourceType: 'Parameters',
    parameter: [
      { name: 'updatedReferralRequest', resource: referral },
      ...(appointment ? [{ name: 'updatedAppointment', resource: { ...appointment, status: 'cancelled' } }] : []),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Provider events (admin API): what a provider does that lands on a referrer worklist

export const PROVIDER_EVENTS = ['reject', 'triage-response', 'return', 'dna', 'cancel', 'cancel-appointment'] as const;
export type ProviderEvent = (typeof PROVIDER_EVENTS)[number];

export interface ProviderEventInput {
  /** Reason code: APPOINTMENT-CANCELLATION-REASON (reject, cancel-appointment) or REFERRAL-CANCELLATION-REASON (cancel). */
  reason?: string;
  comment?: string;
  /** Attach the provider's response as a PDF file (read with A042). */
  attachResponse?: boolean;
}

const DEFAULT_REASON: Partial<Record<ProviderEvent, string>> = {
  reject: 'FURTHER_INFORMATION_REQUIRED',
  cancel: 'NO_LONGER_REQUIRED',
  'cancel-appointment': 'CLINIC_CANCELLED',
};

const EVENT_STATE: Record<ProviderEvent, Referral['state']> = {
  reject: 'REJECTED',
  'triage-response': 'TRIAGE_RESPONSE',
  return: 'ASSESSMENT_RESULT',
  dna: 'DID_NOT_ATTEND',
  cancel: 'CANCELLED_REFERRAL',
  'cancel-appointment': 'APP_CANCELLED_BY_PROVIDER',
};

/** The provider organisation of the referral's first shortlisted service (who "acts" in these events). */
function providerOf(r: Referral, ctx: Pick<OpContext, 'directory'>): string {
  return ctx.directory.services.get(r.shortlist[0]?.serviceId ?? '')?.providerOds ?? 'R69';
}

/**
 * Applies a provider event; throws a plain Error (→ 400 from the admin API) when it does not fit.
 * The response PDF is rendered before anything changes, so the new state and its file appear together.
 */
export async function applyProviderEvent(
  r: Referral,
  event: ProviderEvent,
  input: ProviderEventInput,
  ctx: Pick<OpContext, 'directory' | 'state' | 'now' | 'specialtySystem' | 'flavour'>,
): Promise<void> {
  if (r.state === 'CANCELLED_REFERRAL') throw new Error(`referral ${r.ubrn} is cancelled`);
  if (r.locked) throw new Error(`referral ${r.ubrn} is being updated`);
  const code = input.reason ?? DEFAULT_REASON[event];
  let reason: StateReason | undefined;
  if (code) {
    const type = event === 'cancel' ? 'REFERRAL-CANCELLATION-REASON' : 'APPOINTMENT-CANCELLATION-REASON';
    const concept = reasons(type).find((c) => c.code === code);
    if (!concept) throw new Error(`${code} is not in ${type}`);
    reason = { system: reasonSystem(ctx as OpContext, type), code: concept.code, display: concept.display };
  }
  const provider = providerOf(r, ctx);
  const pdf = input.attachResponse
    ? await simulatorPdf(`Provider response ${r.ubrn}`, [['UBRN', r.ubrn]], ctx.now, [
        { kind: 'paragraph', text: `Referral ${r.ubrn}: ${STATE_DISPLAY[EVENT_STATE[event]]}` },
        ...(reason ? [{ kind: 'paragraph' as const, text: `Reason: ${reason.display ?? reason.code}` }] : []),
        ...(input.comment ? [{ kind: 'paragraph' as const, text: input.comment }] : []),
      ])
    : undefined;
  setState(r, EVENT_STATE[event], ctx.now, reason, input.comment);
  if (event === 'cancel') r.cancelledByOds = provider;
  if (pdf) {
    const binaryId = randomUUID();
    ctx.state.binaries.set(binaryId, {
      id: binaryId,
      bytes: pdf,
      contentType: 'application/pdf',
      fileName: `Provider_Response_${r.ubrn}.pdf`,
      intendedUbrn: r.ubrn,
      uploadedBy: 'provider',
      uploadedByOrg: provider,
      uploadedAt: ctx.now.getTime(),
      linkedUbrn: r.ubrn,
      linkedAt: ctx.now.getTime(),
    });
    const attachment: Attachment = {
      id: String(ctx.state.nextAttachmentId++),
      binaryId,
      description: 'Provider response',
      indexed: ctx.now.toISOString(),
      attachedBy: 'provider',
      attachedByOrg: provider,
      // Scanned already: the provider's own system produced it.
      linkedAt: ctx.now.getTime() - 24 * 3600_000,
    };
    r.responses = [...(r.responses ?? []), attachment];
  }
}

// ---------------------------------------------------------------------------------------------
// A007

/** The clinical information summary: the referral, its state with the provider's reason and comments, its files. */
export async function clinicalInformationSummary(r: Referral, ctx: OpContext): Promise<{ fileName: string; pdf: Buffer }> {
  const stamp = ctx.now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const blocks: LetterBlock[] = [
    {
      kind: 'paragraph',
      text: [
        `Priority: ${PRIORITY_DISPLAY[r.priority] ?? r.priority}`,
        ...(r.specialty ? [`Specialty: ${specialtyDisplay(r.specialty)}`] : []),
        `Created: ${r.createdAt.slice(0, 10)}`,
      ].join('\n'),
    },
    { kind: 'paragraph', bold: true, text: `Status: ${STATE_DISPLAY[r.state] ?? r.state}` },
    ...(r.stateReason ? [{ kind: 'paragraph' as const, text: `Reason: ${r.stateReason.display ?? r.stateReason.code}` }] : []),
    ...(r.stateComment ? [{ kind: 'paragraph' as const, text: `Comments: ${r.stateComment}` }] : []),
    { kind: 'heading', text: 'Attachments' },
    {
      kind: 'list',
      items: [...r.attachments, ...(r.responses ?? [])].map((a) => `${ctx.state.binaries.get(a.binaryId)?.fileName ?? a.binaryId} (${a.attachedByOrg})`),
    },
  ];
  return {
    fileName: `${r.ubrn}_Clinical_Information_Summary_${stamp}.pdf`,
    pdf: await simulatorPdf(`Clinical Information Summary ${r.ubrn}`, [['UBRN', r.ubrn]], ctx.now, blocks),
  };
}

// ---------------------------------------------------------------------------------------------
// A042 and the object store

const OBJECT_KEY_TTL_MS = 60_000;

/** The referral holding this binary among its letters or responses, with the attachment. */
function findAttachment(state: SimState, binaryId: string): { r: Referral; a: Attachment } | undefined {
  for (const r of state.referrals.values()) {
    const a = [...r.attachments, ...(r.responses ?? [])].find((x) => x.binaryId === binaryId);
    if (a) return { r, a };
  }
  return undefined;
}

/** A042: checks access and availability, then issues a one-use object-store key (the 307 Location). */
export function issueObjectKey(binaryId: string, ctx: OpContext): string {
  const found = findAttachment(ctx.state, binaryId);
  // Not a referral's file: an A&G request's file, or one uploaded and not yet linked (./objectstore.ts).
  if (!found) return issueOtherObjectKey(binaryId, ctx);
  checkRelationship(found.r, ctx, ctx.directory);
  const status = availability(found.r, found.a, ctx);
  if (status !== 'AVAILABLE') throw new ErsError(422, status, `The file is not available (${status}).`);
  const key = randomUUID();
  ctx.state.objectStore.set(key, { binaryId, expiresAt: ctx.now.getTime() + OBJECT_KEY_TTL_MS });
  return key;
}

/** The object-store download: the key works once and only until it expires. */
export function takeObject(state: SimState, key: string, now: Date): { bytes: Buffer; contentType: string; fileName: string } | undefined {
  const entry = state.objectStore.get(key);
  state.objectStore.delete(key);
  if (!entry || entry.expiresAt < now.getTime()) return undefined;
  const b = state.binaries.get(entry.binaryId);
  return b ? { bytes: b.bytes, contentType: b.contentType, fileName: b.fileName } : undefined;
}

/** RFC 6266 / 5987 Content-Disposition with an ASCII fallback, as the sandbox's object store sends. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|"/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
