// Booking at the point of referral (packages/ers-contract/docs/referral-lifecycle.md §3.3–§3.8): slot inventories per directly
// bookable service (A015), book / defer to provider (A016), the current appointment (A038), cancel
// (A034), change shortlist (A031), and the R4 HealthcareService views (A033/A035/A037).
// The slot inventories themselves are in slots.ts.

import { readFileSync } from 'node:fs';
import { PRIORITIES, type Priority, SYSTEM } from 'ers-contract';
import { examplePath } from 'ers-contract/files';
import type { Directory, Service } from './directory';
import type { SlotBook, SlotRecord } from './slots';
import { ErsError, diag, unprocessable } from './errors';
import { checkKeys, isObject } from './fhir';
import { type AppointmentParticipant, type OpContext, appointmentTarget, checkRelationship } from './rules';
import { type Referral, bumpVersion } from './state';

function commissioned(svc: Service, org: string): boolean {
  return svc.commissionedFor === 'ALL' || svc.commissionedFor.includes(org);
}

function isDbs(svc: Service): boolean {
  return svc.bookableType === 'DIRECTLY_BOOKABLE' && svc.flows.includes('APPOINTMENT_REQUEST');
}

export function freeSlots(book: SlotBook, svc: Service, priority: Priority, commOrg: string, now: Date, clinician?: string): SlotRecord[] {
  if (!svc.priorities.includes(priority) || !commissioned(svc, commOrg)) return [];
  return book.forService(svc, now).filter((s) => !s.bookedBy && Date.parse(s.start) > now.getTime() && (clinician === undefined || s.clinician === clinician));
}

// ---------------------------------------------------------------------------------------------
// A015

const bad = (code: string, m: string) => new ErsError(400, code, m);

export function searchSlots(query: URLSearchParams, commOrg: string | undefined, ctx: OpContext, book: SlotBook, selfBase: string): object {
  const serviceId = query.get('schedule.actor:HealthcareService');
  if (!serviceId) throw bad('MISSING_PARAMETER', diag('schedule.actor:HealthcareService', 'schedule.actor:HealthcareService', 'parameter is required'));
  const priority = query.get('appointmentType');
  if (!priority) throw bad('MISSING_PARAMETER', diag('appointmentType', 'appointmentType', 'parameter is required'));
  if (!(PRIORITIES as readonly string[]).includes(priority))
    throw bad('INVALID_CODE', diag('appointmentType', 'appointmentType', `'${priority}' is not a priority`));
  if (query.get('status') !== 'free') throw bad(query.get('status') ? 'INVALID_CODE' : 'MISSING_PARAMETER', diag('status', 'status', 'must be free'));
  const count = Number(query.get('_count'));
  if (!query.get('_count')) throw bad('MISSING_PARAMETER', diag('_count', '_count', 'parameter is required'));
  if (!Number.isInteger(count) || count < 1 || count > 100) throw bad('INVALID_VALUE', `'Count' (${query.get('_count')}) is invalid.`);
  const page = Number(query.get('page'));
  if (!query.get('page')) throw bad('MISSING_PARAMETER', diag('page', 'page', 'parameter is required'));
  if (!Number.isInteger(page) || page < 1) throw bad('INVALID_VALUE', `'Page Number' (${query.get('page')}) is invalid.`);
  if (!commOrg) throw bad('MISSING_HEADER', diag('NHSD-eRS-Comm-Rule-Org', 'NHSD-eRS-Comm-Rule-Org', 'header is required'));
  const svc = ctx.directory.services.get(serviceId);
  if (!svc) throw bad('REFERENCE_NOT_FOUND', diag('schedule.actor:HealthcareService', 'service', `service ${serviceId} not found`));
  if (!isDbs(svc)) throw bad('INVALID_STATE', diag('schedule.actor:HealthcareService', 'service', `service ${serviceId} is not directly bookable`));
  const clinician = query.get('schedule.actor:Practitioner') ?? undefined;
  if (clinician && !svc.namedClinicians.includes(clinician)) {
    throw bad('REFERENCE_NOT_FOUND', diag('schedule.actor:Practitioner', 'practitioner', `${clinician} is not a named clinician of service ${serviceId}`));
  }
  const all = freeSlots(book, svc, priority as Priority, commOrg, ctx.now, clinician);
  const last = Math.max(1, Math.ceil(all.length / count));
  if (page > last) throw bad('INVALID_VALUE', `'Page Number' (${page}) is invalid.`);
  const slots = all.slice((page - 1) * count, page * count);
  const link = (p: number) => {
    const q = new URLSearchParams(query);
    q.set('page', String(p));
    return `${selfBase}/Slot?${q}`;
  };
  const schedules = new Map(slots.map((s) => [s.scheduleId, s]));
  return {
    id: `slots-${serviceId}-${page}`,
    meta: { lastUpdated: ctx.now.toISOString(), profile: ['http://hl7.org/fhir/STU3/StructureDefinition/Bundle'] },
    resourceType: 'Bundle',
    type: 'searchset',
    total: all.length,
    link: [
      { relation: 'self', url: link(page) },
      ...(page > 1 ? [{ relation: 'previous', url: link(page - 1) }] : []),
      ...(page < last ? [{ relation: 'next', url: link(page + 1) }] : []),
    ],
    entry: [
      ...slots.map((s) => ({
        fullUrl: `${selfBase}/Slot/${s.id}`,
        resource: {
          id: s.id,
          meta: { profile: ['https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Slot-1'] },
          resourceType: 'Slot',
          identifier: [{ system: 'https://fhir.nhs.uk/Id/alternative-slot', value: `USRN-${s.id}` }],
          schedule: { reference: `Schedule/${s.scheduleId}` },
          status: 'free',
          start: s.start,
          end: s.end,
        },
        search: { mode: 'match' },
      })),
      ...[...schedules.values()].map((s) => ({
        fullUrl: `${selfBase}/Schedule/${s.scheduleId}`,
        resource: {
          id: s.scheduleId,
          meta: { profile: ['https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Schedule-1'] },
          resourceType: 'Schedule',
          identifier: [{ system: 'https://fhir.nhs.uk/Id/ers-schedule', value: s.scheduleId }],
          actor: [
            { identifier: { system: SYSTEM.ersService, value: s.serviceId } },
            ...(s.clinician ? [{ identifier: { system: SYSTEM.sdsUserId, value: s.clinician } }] : []),
          ],
        },
        search: { mode: 'include' },
      })),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// A016 book / defer

const DEFER_REASONS = ['NO_SLOTS_AT_SERVICE', 'SLOT_NOT_AVAILABLE', 'BOOKING_ATTEMPT_PROBLEM'] as const;
const BOOKABLE_FROM = ['NOT_BOOKED', 'APP_CANCELLED_BY_PATIENT'];

export interface BookingPlan {
  kind: 'book' | 'defer';
  referral: Referral;
  version: number;
  service: Service;
  reason?: (typeof DEFER_REASONS)[number];
  slotId?: string;
  start?: string;
  end?: string;
  clinician?: string;
  comment?: string;
}

/** True when an A016 body is a booking or a deferral (not the triage route). */
export function isBookingBody(body: unknown): boolean {
  if (!isObject(body)) return false;
  const code = Array.isArray(body.reason) ? (body.reason[0] as { coding?: { code?: string }[] })?.coding?.[0]?.code : undefined;
  return body.status === 'booked' || (body.status === 'proposed' && code !== 'TRIAGE');
}

/** Shape and references of a book/defer body (step 1 and the referral lookup); version/lock are the caller's. */
export function readBooking(body: unknown, ctx: OpContext): BookingPlan {
  if (!isObject(body) || body.resourceType !== 'Appointment')
    throw unprocessable('INVALID_FHIR_STRUCTURE', diag('resourceType', 'resourceType', 'must be Appointment'));
  checkKeys(
    body,
    ['resourceType', 'id', 'meta', 'language', 'status', 'reason', 'description', 'incomingReferral', 'participant', 'slot', 'start', 'end', 'comment'],
    '',
  );
  if (typeof body.description !== 'string') throw unprocessable('MISSING_VALUE', diag('description', 'description', 'description missing'));
  const inc = Array.isArray(body.incomingReferral) ? (body.incomingReferral[0] as { reference?: string }) : undefined;
  const m = inc?.reference ? /^ReferralRequest\/(\d{12})\/_history\/(\d+)$/.exec(inc.reference) : null;
  if (!m) throw unprocessable('INVALID_VALUE', diag('incomingReferral[0]/reference', 'incomingReferral', 'must be ReferralRequest/<ubrn>/_history/<version>'));
  const participants = Array.isArray(body.participant) ? (body.participant as AppointmentParticipant[]) : [];
  const { referral, service } = appointmentTarget(m[1], participants, ctx, 'PATIENT_ERROR');
  const slotRef = Array.isArray(body.slot) ? (body.slot[0] as { reference?: string })?.reference : undefined;
  const slotId = slotRef ? /^Slot\/(\d+)$/.exec(slotRef)?.[1] : undefined;
  if (slotRef && !slotId) throw unprocessable('INVALID_VALUE', diag('slot[0]/reference', 'slot', 'must be Slot/<id>'));
  const base = { referral, version: Number(m[2]), service, slotId, comment: typeof body.comment === 'string' ? body.comment : undefined };
  if (body.status === 'booked') {
    if (body.reason !== undefined) throw unprocessable('INAPPROPRIATE_VALUE', diag('reason', 'reason', 'a booking has no reason'));
    if (!slotId) throw unprocessable('MISSING_VALUE', diag('slot', 'slot', 'a booking names its slot'));
    if (typeof body.start !== 'string' || typeof body.end !== 'string')
      throw unprocessable('MISSING_VALUE', diag('start', 'start', 'a booking has start and end'));
    const clinician = participants.find((p) => p.actor?.identifier?.system === SYSTEM.sdsUserId);
    return { ...base, kind: 'book', start: body.start, end: body.end, clinician: clinician?.actor?.identifier?.value };
  }
  const reason = Array.isArray(body.reason) ? (body.reason[0] as { coding?: { system?: string; code?: string }[] })?.coding?.[0] : undefined;
  if (!reason?.code) throw unprocessable('MISSING_VALUE', diag('reason', 'reason', 'a deferral needs a reason'));
  if (reason.system !== SYSTEM.reviewReason || !(DEFER_REASONS as readonly string[]).includes(reason.code)) {
    throw unprocessable('INVALID_CODE', diag('reason[0]/coding[0]', 'reason', `not a deferral reason: ${reason.code}`));
  }
  if (body.start !== undefined || body.end !== undefined) throw unprocessable('FIELD_NOT_PERMITTED', diag('start', 'start', 'a deferral has no times'));
  if (reason.code === 'SLOT_NOT_AVAILABLE' && !slotId) throw unprocessable('MISSING_VALUE', diag('slot', 'slot', 'SLOT_NOT_AVAILABLE quotes the slot'));
  if (reason.code !== 'SLOT_NOT_AVAILABLE' && slotId) throw unprocessable('FIELD_NOT_PERMITTED', diag('slot', 'slot', 'only SLOT_NOT_AVAILABLE quotes a slot'));
  return { ...base, kind: 'defer', reason: reason.code as BookingPlan['reason'] };
}

/** Steps 3–6 of the contract's A016 order: state, shortlist and kind, slot, no-slots. */
export function checkBooking(plan: BookingPlan, ctx: OpContext, book: SlotBook): SlotRecord | undefined {
  const r = plan.referral;
  if (!BOOKABLE_FROM.includes(r.state)) {
    throw unprocessable('INVALID_REQUEST_STATE', diag('incomingReferral[0]/reference', 'incomingReferral', `referral is ${r.state}`));
  }
  if (!r.shortlist.some((s) => s.serviceId === plan.service.id)) {
    throw unprocessable('INAPPROPRIATE_VALUE', diag('participant', 'service', `service ${plan.service.id} is not on the referral's shortlist`));
  }
  if (!isDbs(plan.service)) throw unprocessable('INAPPROPRIATE_VALUE', diag('participant', 'service', `service ${plan.service.id} is not directly bookable`));
  if (plan.kind === 'book') {
    const slot = book.find(plan.slotId!, ctx.directory, ctx.now);
    if (!slot || slot.bookedBy) throw unprocessable('SLOT_NOT_AVAILABLE', diag('slot[0]/reference', 'slot', `slot ${plan.slotId} is not available`));
    const inappropriate = (m: string) => unprocessable('INAPPROPRIATE_SLOT', diag('slot[0]/reference', 'slot', m));
    if (slot.serviceId !== plan.service.id) throw inappropriate('the slot belongs to another service');
    if (!plan.service.priorities.includes(r.priority) || !commissioned(plan.service, r.commissioningOrg))
      throw inappropriate('the slot does not suit the referral');
    if (Date.parse(slot.start) !== Date.parse(plan.start!) || Date.parse(slot.end) !== Date.parse(plan.end!))
      throw inappropriate('start/end differ from the slot');
    if ((slot.clinician ?? undefined) !== plan.clinician) throw inappropriate('the named-clinician participant does not match the slot');
    return slot;
  }
  const free = freeSlots(book, plan.service, r.priority, r.commissioningOrg, ctx.now);
  if (plan.reason === 'NO_SLOTS_AT_SERVICE' && free.length > 0) {
    throw unprocessable('SLOTS_CURRENTLY_AVAILABLE', diag('reason', 'reason', `service ${plan.service.id} has ${free.length} free slots`));
  }
  if (plan.reason === 'SLOT_NOT_AVAILABLE' && free.some((s) => s.id === plan.slotId)) {
    throw unprocessable('THIS_SLOT_IS_AVAILABLE', diag('slot[0]/reference', 'slot', `slot ${plan.slotId} is free`));
  }
  return undefined;
}

export function applyBooking(plan: BookingPlan, slot: SlotRecord | undefined, ctx: OpContext): NonNullable<Referral['appointment']> {
  const r = plan.referral;
  // The sandbox shows the referral version jumping by two on A016 (examples: _history/6 → 8).
  bumpVersion(r);
  bumpVersion(r);
  const common = {
    id: String(ctx.state.nextAppointmentId++),
    serviceId: plan.service.id,
    serviceName: plan.service.name,
    created: ctx.now.toISOString(),
    referralVersion: r.version,
  };
  // A booking takes the slot; anything else defers the referral to the provider, with its reason.
  const booked = plan.kind === 'book' && slot;
  if (booked) slot.bookedBy = r.ubrn;
  const reason = booked ? undefined : { system: SYSTEM.reviewReason, code: plan.reason! };
  r.state = booked ? 'BOOKED' : 'DEFERRED_TO_PROVIDER';
  r.stateReason = reason;
  r.appointment = booked
    ? { ...common, status: 'booked', version: 0, slotId: slot.id, start: slot.start, end: slot.end, ...(slot.clinician ? { clinician: slot.clinician } : {}) }
    : {
        ...common,
        status: 'proposed',
        version: 1,
        reason,
        ...(plan.slotId ? { slotId: plan.slotId } : {}),
        ...(plan.comment ? { comment: plan.comment } : {}),
      };
  return r.appointment;
}

// ---------------------------------------------------------------------------------------------
// A038 / A034

export function findAppointment(id: string, ctx: OpContext): Referral {
  for (const r of ctx.state.referrals.values()) {
    if (r.appointment?.id === id) {
      checkRelationship(r, ctx, ctx.directory);
      return r;
    }
  }
  throw new ErsError(404, 'REFERENCE_NOT_FOUND', diag('id', 'id', `appointment ${id} not found`));
}

interface CancelReason {
  code: string;
  commentIsMandatory: boolean;
  usage?: string;
  businessFunctions: string[];
  effectiveFrom?: string;
  effectiveTo?: string;
}

let cancelReasons: Map<string, CancelReason> | undefined;

function appointmentCancellationReasons(): Map<string, CancelReason> {
  if (cancelReasons) return cancelReasons;
  type Prop = { code: string; valueBoolean?: boolean; valueDateTime?: string; valueCoding?: { code: string } };
  const cs = JSON.parse(readFileSync(examplePath('platform/A004_response_APPOINTMENT-CANCELLATION-REASON.json'), 'utf8')) as {
    concept: { code: string; property?: Prop[] }[];
  };
  cancelReasons = new Map(
    cs.concept.map((c) => {
      const props = c.property ?? [];
      const one = (n: string) => props.find((p) => p.code === n);
      return [
        c.code,
        {
          code: c.code,
          commentIsMandatory: one('commentIsMandatory')?.valueBoolean === true,
          usage: one('usage')?.valueCoding?.code,
          businessFunctions: props.filter((p) => p.code === 'businessFunction').map((p) => p.valueCoding?.code ?? ''),
          effectiveFrom: one('effectiveFrom')?.valueDateTime,
          effectiveTo: one('effectiveTo')?.valueDateTime,
        },
      ];
    }),
  );
  return cancelReasons;
}

export interface CancelPlan {
  reason: { system: string; code: string };
  comment?: string;
}

/** A034 body and reason checks (packages/ers-contract/docs/referral-lifecycle.md §3.7, step 3); version, lock and state are the caller's. */
export function readCancellation(body: unknown, ctx: OpContext): CancelPlan {
  if (!isObject(body) || body.resourceType !== 'Appointment')
    throw unprocessable('INVALID_FHIR_STRUCTURE', diag('resourceType', 'resourceType', 'must be Appointment'));
  if (body.status !== 'cancelled') throw unprocessable('INVALID_VALUE', diag('status', 'status', 'cancellation is the only update allowed'));
  const coding = Array.isArray(body.reason) ? (body.reason[0] as { coding?: { system?: string; code?: string }[] })?.coding?.[0] : undefined;
  if (!coding?.code || !coding.system) throw unprocessable('MISSING_VALUE', diag('reason', 'reason', "'reason' is missing."));
  const known = appointmentCancellationReasons().get(coding.code);
  if (!known) throw unprocessable('INVALID_VALUE', diag('reason', 'reason', `'reason' ${coding.code} is not an appointment cancellation reason`));
  const now = ctx.now.toISOString();
  const current = (!known.effectiveFrom || known.effectiveFrom <= now) && (!known.effectiveTo || known.effectiveTo > now);
  if (known.usage !== 'CANCEL' || !known.businessFunctions.includes(ctx.businessFunction) || !current) {
    throw unprocessable('INAPPROPRIATE_VALUE', "'reason' The reason provided is not valid in this case");
  }
  const comment = typeof body.comment === 'string' && body.comment.trim() ? body.comment : undefined;
  if (known.commentIsMandatory && !comment) throw unprocessable('MISSING_VALUE', "'comment' is missing.");
  return { reason: { system: coding.system, code: coding.code }, comment };
}

export function applyCancellation(r: Referral, plan: CancelPlan, ctx: OpContext, book: SlotBook): NonNullable<Referral['appointment']> {
  const appt = r.appointment!;
  if (appt.slotId) {
    const slot = book.find(appt.slotId, ctx.directory, ctx.now);
    if (slot?.bookedBy === r.ubrn) slot.bookedBy = undefined;
  }
  bumpVersion(r);
  r.state = 'APP_CANCELLED_BY_PATIENT';
  r.stateReason = plan.reason;
  r.appointment = {
    ...appt,
    status: 'cancelled',
    version: (appt.version ?? 0) + 1,
    reason: plan.reason,
    comment: plan.comment,
    created: ctx.now.toISOString(),
    referralVersion: r.version,
  };
  return r.appointment;
}

// ---------------------------------------------------------------------------------------------
// A033 / A035 / A037 (R4)

export function renderHealthcareService(svc: Service, dir: Directory): object {
  const flows = svc.flows.includes('TRIAGE_REQUEST')
    ? ['REVIEW']
    : svc.flows.includes('APPOINTMENT_REQUEST')
      ? ['BOOKABLE']
      : svc.flows.includes('ADVICE_AND_GUIDANCE_REQUEST')
        ? ['ADVICE_AND_GUIDANCE']
        : [];
  const bookable = flows.includes('BOOKABLE') && svc.bookableType !== 'UNSPECIFIED' ? [svc.bookableType] : [];
  void dir;
  return {
    id: svc.id,
    meta: { versionId: '1' },
    language: 'en',
    resourceType: 'HealthcareService',
    extension: [
      { url: 'https://fhir.nhs.uk/StructureDefinition/Extension-eRS-HoursOfOperation', valueString: '9am to 5pm, Monday to Friday' },
      {
        url: 'https://fhir.nhs.uk/StructureDefinition/Extension-eRS-HealthcareService-Contact',
        extension: [
          {
            url: 'purpose',
            valueCodeableConcept: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/contactentity-type', code: 'PATINF', display: 'Patient' }] },
          },
          { url: 'telecom', valueContactPoint: { system: 'phone', value: svc.phone } },
        ],
      },
    ],
    location: [{ identifier: { system: 'https://fhir.nhs.uk/Id/ods-site-code', value: svc.locationOds } }],
    name: svc.name,
    ...(svc.appointmentType ? { type: [{ coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/eRS-AppointmentType', code: svc.appointmentType }] }] } : {}),
    characteristic: [
      ...flows.map((code) => ({ coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/eRS-RequestFlowType', code }] })),
      ...bookable.map((code) => ({ coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/eRS-BookableType', code }] })),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// A031

const CHANGE_FROM = ['NOT_BOOKED', 'APP_CANCELLED_BY_PATIENT'];

export function checkShortlistChangeState(r: Referral): void {
  if (!CHANGE_FROM.includes(r.state)) throw unprocessable('INVALID_REQUEST_STATE', diag('id', 'ubrn', `referral is ${r.state}`));
}
