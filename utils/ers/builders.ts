// Pure request-body builders for every e-RS operation the extension uses. Given the same inputs as
// an example in the contract pack, each produces a body deep-equal to that example (see
// test/ers/conformance.test.ts). No I/O, no validation: rules.ts checks inputs before sending.
import {
  EXTENSION,
  PROFILE,
  SYSTEM,
  type CommissioningProvisioning,
  type LetterIntention,
  type Priority,
  type ReferrerWorklist,
  type RequestType,
  type SortBy,
} from 'ers-contract';
import type { FhirResource, Parameter, ParametersResource } from './fhir';

/**
 * Service search criteria. Parameters are emitted in the order the keys appear in this object:
 * FHIR does not give parameter order a meaning, the published examples use several orders, and the
 * criteria embedded in a shortlist must be exactly the criteria that were searched with.
 */
export interface SearchCriteria {
  priority: Priority;
  specialty?: string;
  clinicType?: string;
  indicativeAppointmentWaitTimeLimit?: number;
  postcode?: string;
  distanceLimit?: number;
  clinicalTerm?: string;
  namedClinician?: string;
  commissioningProvisioning?: CommissioningProvisioning;
  organisation?: string;
  ageAndGenderAppropriate: boolean;
}

export interface CriteriaContext {
  /** The SPECIALTY code system URL, environment-specific: take it from the A004 SPECIALTY `url`. */
  specialtySystem: string;
  /** Local id of the criteria resource; the shortlist references it as `#id`. */
  id?: string;
}

export const DEFAULT_CRITERIA_ID = 'ServiceSearchCriteria-1';

const coding = (system: string, code: string) => ({ system, code });

function criteriaParameter(key: keyof SearchCriteria, value: unknown, ctx: CriteriaContext): Parameter {
  switch (key) {
    case 'priority':
      return { name: key, valueCoding: coding(SYSTEM.priority, value as string) };
    case 'specialty':
      return { name: key, valueCoding: coding(ctx.specialtySystem, value as string) };
    case 'clinicType':
      return { name: key, valueCoding: coding(SYSTEM.clinicType, value as string) };
    case 'clinicalTerm':
      return { name: key, valueCoding: coding(SYSTEM.snomed, value as string) };
    case 'commissioningProvisioning':
      return { name: key, valueCoding: coding(SYSTEM.commissioningProvisioning, value as string) };
    case 'namedClinician':
      return { name: key, valueIdentifier: { system: SYSTEM.sdsUserId, value: value as string } };
    case 'organisation':
      return { name: key, valueIdentifier: { system: SYSTEM.spineOrganisation, value: value as string } };
    case 'postcode':
      return { name: key, valueString: value as string };
    case 'indicativeAppointmentWaitTimeLimit':
    case 'distanceLimit':
      return { name: key, valueUnsignedInt: value as number };
    case 'ageAndGenderAppropriate':
      return { name: key, valueBoolean: value as boolean };
    default:
      throw new Error(`Unknown search criterion: ${String(key)}`);
  }
}

export function buildSearchCriteria(criteria: SearchCriteria, ctx: CriteriaContext): ParametersResource {
  const parameter = (Object.keys(criteria) as (keyof SearchCriteria)[])
    .filter((key) => criteria[key] !== undefined)
    .map((key) => criteriaParameter(key, criteria[key], ctx));
  return {
    resourceType: 'Parameters',
    meta: { profile: [PROFILE.serviceSearchCriteria] },
    id: ctx.id ?? DEFAULT_CRITERIA_ID,
    parameter,
  };
}

const nhsNumberParam = (nhsNumber: string): Parameter => ({ name: 'patient', valueIdentifier: { system: SYSTEM.nhsNumber, value: nhsNumber } });
const referringClinicianParam = (sdsUserId: string): Parameter => ({
  name: 'referringClinician',
  valueIdentifier: { system: SYSTEM.sdsUserId, value: sdsUserId },
});

export interface PatientServiceSearchInput {
  requestType: RequestType;
  sortBy: SortBy;
  nhsNumber: string;
  /** Only when the caller acts as REFERRING_CLINICIAN_ADMIN. */
  referringClinician?: string;
  /** The built criteria resource (buildSearchCriteria); kept so the shortlist can embed it verbatim. */
  criteria: ParametersResource;
  /** ODS code from an existing referral's Commissioning-Rule-Org extension. */
  commissioningRuleOrganisation?: string;
}

/** A010 body. */
export function buildPatientServiceSearch(input: PatientServiceSearchInput): ParametersResource {
  const parameter: Parameter[] = [
    { name: 'requestType', valueCoding: coding(SYSTEM.requestType, input.requestType) },
    { name: 'sortBy', valueCoding: coding(SYSTEM.sortBy, input.sortBy) },
    nhsNumberParam(input.nhsNumber),
  ];
  if (input.referringClinician) parameter.push(referringClinicianParam(input.referringClinician));
  parameter.push({ name: 'searchCriteria', resource: input.criteria });
  if (input.commissioningRuleOrganisation) {
    parameter.push({
      name: 'commissioningRuleOrganisation',
      valueIdentifier: { system: SYSTEM.odsOrganisationCode, value: input.commissioningRuleOrganisation },
    });
  }
  return { resourceType: 'Parameters', meta: { profile: [PROFILE.patientServiceSearch] }, parameter };
}

/** Shortlist List embedding the criteria the services were found with. */
export function buildShortlist(criteria: ParametersResource, serviceIds: readonly string[]): FhirResource {
  return {
    resourceType: 'List',
    meta: { profile: [PROFILE.shortlist] },
    status: 'current',
    mode: 'snapshot',
    contained: [criteria],
    extension: [{ url: EXTENSION.shortlistSearchCriteria, valueReference: { reference: `#${criteria.id ?? DEFAULT_CRITERIA_ID}` } }],
    entry: serviceIds.map((value) => ({ item: { identifier: { system: SYSTEM.ersService, value } } })),
  };
}

export interface CreateReferralInput {
  nhsNumber: string;
  referringClinician?: string;
  letterIntention: LetterIntention;
  firstReminderLetterFollowUpDays: number;
  /** Platform A011 only: ISO instant overriding the RTT clock start. */
  eReferralPathwayStart?: string;
  criteria: ParametersResource;
  serviceIds: readonly string[];
}

function referralParameters(input: CreateReferralInput, withPathwayStart: boolean): Parameter[] {
  const parameter: Parameter[] = [nhsNumberParam(input.nhsNumber)];
  if (input.referringClinician) parameter.push(referringClinicianParam(input.referringClinician));
  parameter.push(
    { name: 'intentionToAddReferralLetter', valueCoding: coding(SYSTEM.referralLetterIntention, input.letterIntention) },
    { name: 'firstReminderLetterFollowUpDays', valueUnsignedInt: input.firstReminderLetterFollowUpDays },
  );
  if (withPathwayStart && input.eReferralPathwayStart) {
    parameter.push({ name: 'eReferralPathwayStart', valueInstant: input.eReferralPathwayStart });
  }
  parameter.push({ name: 'shortlist', resource: buildShortlist(input.criteria, input.serviceIds) });
  return parameter;
}

/** A011 body. */
export function buildCreateReferral(input: CreateReferralInput): ParametersResource {
  return { resourceType: 'Parameters', meta: { profile: [PROFILE.createReferral] }, parameter: referralParameters(input, true) };
}

export type TriageReferralInput = Omit<CreateReferralInput, 'eReferralPathwayStart' | 'letterIntention' | 'firstReminderLetterFollowUpDays'>;

/** A021 body: a triage referral always needs a letter later and never sends a booking reminder. */
export function buildCreateReferralAndSendForTriage(input: TriageReferralInput): ParametersResource {
  const full: CreateReferralInput = { ...input, letterIntention: 'NEED_TO_ADD_LATER', firstReminderLetterFollowUpDays: 0 };
  return {
    resourceType: 'Parameters',
    meta: { profile: [PROFILE.createReferralAndSendForTriage] },
    parameter: referralParameters(full, false),
  };
}

export interface ReferralLetterFile {
  /** `Binary/<id>` exactly as A020 returned it in `Location`. */
  url: string;
  /** FHIR instant the file was indexed. */
  indexed: string;
  description?: string;
}

/** A012 body: the complete set of referral-letter files the referral should have afterwards. */
export function buildMaintainReferralLetter(files: readonly ReferralLetterFile[], options: { typeDisplay?: string } = {}): ParametersResource {
  return {
    resourceType: 'Parameters',
    meta: { profile: [PROFILE.maintainReferralLetter] },
    parameter: files.map((file) => ({
      name: 'referralLetterFile',
      resource: {
        resourceType: 'DocumentReference',
        meta: { profile: [PROFILE.documentReference] },
        type: {
          coding: [
            {
              system: SYSTEM.attachmentType,
              code: 'REFERRER',
              ...(options.typeDisplay ? { display: options.typeDisplay } : {}),
            },
          ],
        },
        status: 'current',
        indexed: file.indexed,
        ...(file.description !== undefined ? { description: file.description } : {}),
        content: [{ attachment: { url: file.url } }],
      },
    })),
  };
}

export interface AppointmentInput {
  ubrn: string;
  /** The referral version being acted on (e-RS answers 409 when it is not the current one). */
  version: string;
  serviceId: string;
  nhsNumber: string;
  /** booked = a DBS slot; proposed = deferred to the provider or sent to triage. */
  status: 'booked' | 'proposed';
  /** eRS-ReviewReason-1 code: TRIAGE, SLOT_NOT_AVAILABLE, NO_SLOTS_AT_SERVICE, BOOKING_ATTEMPT_PROBLEM… */
  reason?: string;
  slot?: string;
  start?: string;
  end?: string;
  comment?: string;
  /** SDS id of the named clinician the slot belongs to (null reproduces the legacy example's empty actor). */
  namedClinician?: string | null;
}

const CARE_CONNECT_APPOINTMENT = 'https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Appointment-1';

/** A016 body: book a slot, defer to the provider, or send to a triage service (reason TRIAGE). */
export function buildAppointment(input: AppointmentInput, options: { flavour?: 'legacy' | 'platform' } = {}): FhirResource {
  const legacy = options.flavour === 'legacy';
  const participant: unknown[] = [
    { actor: { identifier: { system: SYSTEM.ersService, value: input.serviceId } }, status: 'accepted' },
    { actor: { identifier: { system: SYSTEM.nhsNumber, value: input.nhsNumber } }, status: 'accepted' },
  ];
  if (input.namedClinician !== undefined) {
    participant.push({
      ...(legacy ? {} : { type: { coding: [{ system: 'http://hl7.org/fhir/ValueSet/encounter-participant-type', code: 'CON' }] } }),
      actor: { identifier: { system: SYSTEM.sdsUserId, value: input.namedClinician } },
      status: 'accepted',
    });
  }
  return {
    resourceType: 'Appointment',
    ...(legacy ? {} : { id: 'appointment' }),
    meta: { profile: legacy ? [CARE_CONNECT_APPOINTMENT] : [PROFILE.appointment, CARE_CONNECT_APPOINTMENT] },
    language: 'en',
    status: input.status,
    ...(input.reason ? { reason: [{ coding: [{ system: SYSTEM.reviewReason, code: input.reason }] }] } : {}),
    description: 'e-Referral Appointment',
    ...(input.start ? { start: input.start } : {}),
    ...(input.end ? { end: input.end } : {}),
    ...(input.slot ? { slot: [{ reference: input.slot }] } : {}),
    ...(input.comment ? { comment: input.comment } : {}),
    incomingReferral: [{ reference: `ReferralRequest/${input.ubrn}/_history/${input.version}` }],
    participant,
  };
}

/** A016 sending an existing referral to its triage (RAS) service: the current platform route. */
export function buildTriageAppointment(input: Pick<AppointmentInput, 'ubrn' | 'version' | 'serviceId' | 'nhsNumber'>): FhirResource {
  return buildAppointment({ ...input, status: 'proposed', reason: 'TRIAGE' });
}

export const SESSION_TYPE_INFO = 'uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession';

/** A001 body. Trims the token: the published example carries a stray leading space. */
export function buildCreateSession(smartcardToken: string) {
  return { typeInfo: SESSION_TYPE_INFO, token: smartcardToken.trim() };
}

export interface ProfessionalPermission {
  businessFunction: string;
  orgIdentifier: string;
  orgName?: string;
}

/**
 * A002 body. Sends the whole A001 session back with `permission` set, the form the contract calls
 * robust; `minimal` gives the published short form (typeInfo, token, permission).
 */
export function buildSelectRole(
  session: { typeInfo?: string; token: string; [key: string]: unknown },
  permission: ProfessionalPermission,
  options: { minimal?: boolean } = {},
) {
  if (options.minimal) return { typeInfo: SESSION_TYPE_INFO, token: session.token, permission };
  return { ...session, typeInfo: SESSION_TYPE_INFO, permission };
}

/** A008: one referrer worklist. Referrer lists take `listType` alone; filters are not allowed on them. */
export function buildFetchWorklist(listType: ReferrerWorklist): ParametersResource {
  return {
    resourceType: 'Parameters',
    meta: { profile: [PROFILE.fetchWorklist] },
    parameter: [{ name: 'listType', valueCodeableConcept: { coding: [coding(SYSTEM.referralListSelector, listType)] } }],
  };
}
