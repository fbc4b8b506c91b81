// Pure builders and readers for booking at the point of referral: A015 slot queries and pages,
// A033/A035 services (is a shortlisted service directly bookable?), A016 book/defer inputs,
// A038/A034 appointments and A031 shortlist changes. No I/O: booking-client.ts sends them.
import { PROFILE, SYSTEM, type LetterIntention, type Priority } from 'ers-contract';
import { buildAppointment, buildShortlist, type AppointmentInput } from './builders';
import type { FhirResource, ParametersResource } from './fhir';
import type { HealthcareServiceR4, SlotPage, StoredAppointment } from './booking-schemas';

// ---- A015 slots ----------------------------------------------------------------------------------

export interface SlotQuery {
  serviceId: string;
  /** The referral's priority (e-RS calls the parameter appointmentType). */
  priority: Priority;
  /** SDS id of a named clinician of the service: only that clinician's slots. */
  clinician?: string;
  pageSize?: number;
  page?: number;
}

/** A015 query parameters, in the order of the contract's examples. */
export function buildSlotQuery(q: SlotQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (q.clinician) params.set('schedule.actor:Practitioner', q.clinician);
  params.set('schedule.actor:HealthcareService', q.serviceId);
  params.set('appointmentType', q.priority);
  params.set('_count', String(q.pageSize ?? 20));
  params.set('status', 'free');
  params.set('_include', 'Slot:schedule');
  params.set('page', String(q.page ?? 1));
  return params;
}

export interface FreeSlot {
  id: string;
  /** `Slot/{id}`, what A016 quotes. */
  reference: string;
  start: string;
  end: string;
  serviceId?: string;
  /** SDS id of the named clinician, decided only from the Schedule's actors (never the schedule id). */
  clinician?: string;
}

export interface SlotPageSummary {
  slots: FreeSlot[];
  total?: number;
  /** The page number the `next` link asks for, when there is one. */
  nextPage?: number;
}

/** One A015 page → free slots (earliest first) with their named clinician, and the next page. */
export function parseSlotPage(bundle: SlotPage): SlotPageSummary {
  const schedules = new Map<string, { serviceId?: string; clinician?: string }>();
  for (const { resource } of bundle.entry) {
    if (resource.resourceType !== 'Schedule') continue;
    const actor = (system: string) => resource.actor.find((a) => a.identifier.system === system)?.identifier.value;
    schedules.set(`Schedule/${resource.id}`, { serviceId: actor(SYSTEM.ersService), clinician: actor(SYSTEM.sdsUserId) });
  }
  const slots: FreeSlot[] = [];
  for (const { resource } of bundle.entry) {
    if (resource.resourceType !== 'Slot' || resource.status !== 'free') continue;
    const schedule = schedules.get(resource.schedule.reference);
    slots.push({
      id: resource.id,
      reference: `Slot/${resource.id}`,
      start: resource.start,
      end: resource.end,
      ...(schedule?.serviceId ? { serviceId: schedule.serviceId } : {}),
      ...(schedule?.clinician ? { clinician: schedule.clinician } : {}),
    });
  }
  const next = bundle.link.find((l) => l.relation === 'next')?.url;
  const nextPage = next ? Number(/[?&]page=(\d+)/.exec(next)?.[1]) : undefined;
  return { slots: sortSlots(slots), total: bundle.total, ...(nextPage && Number.isFinite(nextPage) ? { nextPage } : {}) };
}

function sortSlots(slots: FreeSlot[]): FreeSlot[] {
  return [...slots].sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.id.localeCompare(b.id));
}

/**
 * Merges pages read at different moments. e-RS does not promise contiguous pages: a slot can come
 * back on two pages (booked elsewhere, list shifted) or vanish, so keep one of each id, latest read wins.
 */
export function mergeSlotPages(...pages: readonly FreeSlot[][]): FreeSlot[] {
  const byId = new Map<string, FreeSlot>();
  for (const page of pages) for (const slot of page) byId.set(slot.id, slot);
  return sortSlots([...byId.values()]);
}

export interface SlotDay {
  /** YYYY-MM-DD in the given time zone. */
  day: string;
  slots: FreeSlot[];
}

/** Slots grouped by calendar day (in `timeZone`, UK by default), earliest day and slot first. */
export function groupSlotsByDay(slots: readonly FreeSlot[], timeZone = 'Europe/London'): SlotDay[] {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const days = new Map<string, FreeSlot[]>();
  for (const slot of sortSlots([...slots])) {
    const day = fmt.format(new Date(slot.start));
    days.set(day, [...(days.get(day) ?? []), slot]);
  }
  return [...days].map(([day, list]) => ({ day, slots: list }));
}

// ---- A033 / A035 services ------------------------------------------------------------------------

export type ServiceKind = 'DBS' | 'IBS' | 'RAS' | 'ADVICE_AND_GUIDANCE' | 'UNKNOWN';

export interface ServiceDetails {
  id: string;
  version?: string;
  name: string;
  kind: ServiceKind;
  siteCode?: string;
  appointmentTypes: string[];
  hours?: string;
  instructions?: string;
  /** Patient-facing phone numbers first: what the patient rings for an indirectly bookable service. */
  contacts: { purpose?: string; system?: string; value: string }[];
}

const R4 = {
  flow: 'https://fhir.nhs.uk/CodeSystem/eRS-RequestFlowType',
  bookable: 'https://fhir.nhs.uk/CodeSystem/eRS-BookableType',
  appointmentType: 'https://fhir.nhs.uk/CodeSystem/eRS-AppointmentType',
  hours: 'https://fhir.nhs.uk/StructureDefinition/Extension-eRS-HoursOfOperation',
  instructions: 'https://fhir.nhs.uk/StructureDefinition/Extension-eRS-ServiceInstructions',
  contact: 'https://fhir.nhs.uk/StructureDefinition/Extension-eRS-HealthcareService-Contact',
  siteCode: 'https://fhir.nhs.uk/Id/ods-site-code',
} as const;

type Loose = Record<string, unknown>;

/** R4 HealthcareService → what the booking step needs (the mapping of packages/ers-contract/docs/referral-lifecycle.md §3.3). */
export function parseHealthcareService(hs: HealthcareServiceR4): ServiceDetails {
  const codes = (system: string) => (hs.characteristic ?? []).flatMap((c) => (c.coding ?? []).filter((k) => k.system === system).map((k) => k.code));
  const flows = codes(R4.flow);
  const bookable = codes(R4.bookable);
  const kind: ServiceKind = flows.includes('BOOKABLE')
    ? bookable.includes('DIRECTLY_BOOKABLE')
      ? 'DBS'
      : bookable.includes('INDIRECTLY_BOOKABLE')
        ? 'IBS'
        : 'UNKNOWN'
    : flows.includes('REVIEW')
      ? 'RAS'
      : flows.includes('ADVICE_AND_GUIDANCE')
        ? 'ADVICE_AND_GUIDANCE'
        : 'UNKNOWN';
  const types = hs.type === undefined ? [] : Array.isArray(hs.type) ? hs.type : [hs.type];
  const ext = (url: string) => (hs.extension ?? []).filter((e) => e.url === url) as Loose[];
  const contacts = ext(R4.contact).flatMap((c) => {
    const subs = (c.extension ?? []) as Loose[];
    const purpose = ((subs.find((s) => s.url === 'purpose')?.valueCodeableConcept as Loose | undefined)?.coding as Loose[] | undefined)?.[0]?.code as
      | string
      | undefined;
    const telecom = subs.find((s) => s.url === 'telecom')?.valueContactPoint as Loose | undefined;
    return typeof telecom?.value === 'string' ? [{ purpose, system: telecom.system as string | undefined, value: telecom.value }] : [];
  });
  contacts.sort((a, b) => Number(b.purpose === 'PATINF') - Number(a.purpose === 'PATINF'));
  return {
    id: hs.id,
    version: hs.meta?.versionId,
    name: hs.name,
    kind,
    siteCode: hs.location?.find((l) => l.identifier?.system === R4.siteCode)?.identifier?.value,
    appointmentTypes: types.flatMap((t) => (t.coding ?? []).filter((c) => c.system === R4.appointmentType).map((c) => c.code)),
    hours: ext(R4.hours)[0]?.valueString as string | undefined,
    instructions: ext(R4.instructions)[0]?.valueString as string | undefined,
    contacts,
  };
}

// ---- A016 book and defer -------------------------------------------------------------------------

export type DeferReason = 'NO_SLOTS_AT_SERVICE' | 'SLOT_NOT_AVAILABLE' | 'BOOKING_ATTEMPT_PROBLEM';

interface ReferralAt {
  ubrn: string;
  /** The referral version last read (A016 names it in the body; 409 when not current). */
  version: string;
  nhsNumber: string;
  serviceId: string;
}

/** A016 book: the slot's times, its reference, and the named clinician when its Schedule has one. */
export function buildBookAppointment(referral: ReferralAt, slot: Pick<FreeSlot, 'reference' | 'start' | 'end' | 'clinician'>): FhirResource {
  const input: AppointmentInput = { ...referral, status: 'booked', slot: slot.reference, start: slot.start, end: slot.end };
  if (slot.clinician) input.namedClinician = slot.clinician;
  return buildAppointment(input);
}

/** A016 defer to the provider. SLOT_NOT_AVAILABLE must quote the slot that could not be booked. */
export function buildDeferAppointment(referral: ReferralAt, reason: DeferReason, options: { slot?: string; comment?: string } = {}): FhirResource {
  return buildAppointment({
    ...referral,
    status: 'proposed',
    reason,
    ...(reason === 'SLOT_NOT_AVAILABLE' && options.slot ? { slot: options.slot } : {}),
    ...(options.comment ? { comment: options.comment } : {}),
  });
}

// ---- A038 / A034 appointments ----------------------------------------------------------------------

export interface AppointmentSummary {
  id: string;
  /** Absent only on the legacy API, which has no A034. */
  version?: string;
  etag?: string;
  status: StoredAppointment['status'];
  /** ReviewReason / ReviewOutcome / cancellation code, matched on code only. */
  reason?: string;
  start?: string;
  end?: string;
  slot?: string;
  created?: string;
  comment?: string;
  serviceId?: string;
  serviceName?: string;
  clinician?: string;
  nhsNumber?: string;
  /** The referral version the appointment names (after A016/A034, the new one). */
  referralVersion?: string;
  ubrn?: string;
}

export function parseAppointment(a: StoredAppointment, etag?: string | null): AppointmentSummary {
  const actor = (system: string) => a.participant.find((p) => p.actor.identifier.system === system)?.actor;
  const ref = /^ReferralRequest\/(\d{12})(?:\/_history\/(\d+))?$/.exec(a.incomingReferral[0].reference);
  return {
    id: a.id,
    version: a.meta?.versionId,
    etag: etag ?? (a.meta?.versionId ? `W/"${a.meta.versionId}"` : undefined),
    status: a.status,
    reason: a.reason?.[0]?.coding?.[0]?.code,
    start: a.start,
    end: a.end,
    slot: a.slot?.[0]?.reference,
    created: a.created,
    comment: a.comment,
    serviceId: actor(SYSTEM.ersService)?.identifier.value,
    serviceName: actor(SYSTEM.ersService)?.display,
    clinician: actor(SYSTEM.sdsUserId)?.identifier.value,
    nhsNumber: actor(SYSTEM.nhsNumber)?.identifier.value,
    ubrn: ref?.[1],
    referralVersion: ref?.[2],
  };
}

/**
 * A034 body: the appointment as read from A038 with status `cancelled`, the A004
 * APPOINTMENT-CANCELLATION-REASON coding, and the comment when given. Times, slot and `created`
 * are left out, as in every example of the contract.
 */
export function buildCancelAppointment(current: StoredAppointment, reason: { system: string; code: string }, comment?: string): FhirResource {
  return {
    resourceType: 'Appointment',
    id: current.id,
    meta: { versionId: current.meta?.versionId, profile: current.meta?.profile ?? [PROFILE.appointment] },
    language: (current.language as string | undefined) ?? 'en',
    status: 'cancelled',
    description: current.description ?? 'e-Referral Appointment',
    reason: [{ coding: [{ system: reason.system, code: reason.code }] }],
    ...(comment ? { comment } : {}),
    incomingReferral: current.incomingReferral.map((r) => ({ reference: r.reference })),
    participant: current.participant,
  };
}

// ---- A031 change shortlist -----------------------------------------------------------------------

export interface ChangeShortlistInput {
  /** The criteria the services were found with, exactly as searched (buildSearchCriteria). */
  criteria: ParametersResource;
  serviceIds: readonly string[];
  letterIntention: LetterIntention;
  firstReminderLetterFollowUpDays: number;
  /** Parameter order; FHIR gives it no meaning and the examples use both. */
  shortlistLast?: boolean;
}

export const CHANGE_SHORTLIST_PROFILE = 'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-ChangeShortlist-Parameters-1';

/** A031 body: the new shortlist, the letter intention and the reminder days. */
export function buildChangeShortlist(input: ChangeShortlistInput): ParametersResource {
  const shortlist = { name: 'shortlist', resource: buildShortlist(input.criteria, input.serviceIds) };
  const rest = [
    { name: 'intentionToAddReferralLetter', valueCoding: { system: SYSTEM.referralLetterIntention, code: input.letterIntention } },
    { name: 'firstReminderLetterFollowUpDays', valueUnsignedInt: input.firstReminderLetterFollowUpDays },
  ];
  return {
    resourceType: 'Parameters',
    meta: { profile: [CHANGE_SHORTLIST_PROFILE] },
    parameter: input.shortlistLast ? [...rest, shortlist] : [shortlist, ...rest],
  };
}
