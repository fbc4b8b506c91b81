// A010 service search: search-criteria parsing and rules (pure functions), the directory filter, the
// DISTANCE/IWT ordering and the FetchServices List rendering. A011/A021 reuse parseCriteria and
// matchingServices to re-check that every shortlisted service satisfies the embedded criteria.

import { COMMISSIONING_PROVISIONING, EXTENSION, PRIORITIES, PROFILE, SYSTEM, type Priority, type RequestType } from 'ers-contract';
import type { TestPatient } from './data/patients';
import { type Directory, type Iwt, type Service, locationOf } from './directory';
import { diag, unprocessable } from './errors';
import { type ParamValue, codingIn, first, identifierOf, readParameters, SDS_USER_PATTERN } from './fhir';
import { distanceMiles, isPostcodeShaped, lookupPostcode, normalisePostcode } from './geo';
import { findClinicType, findSpecialty } from './reference-data';
import { findUser } from './users';

export type Flavour = 'platform' | 'legacy';

export interface Criteria {
  priority: Priority;
  specialty?: string;
  clinicType?: string;
  iwtLimit?: number;
  postcode?: string;
  distanceLimit?: number;
  clinicalTerm?: string;
  namedClinician?: string;
  ageAndGenderAppropriate: boolean;
  commissioningProvisioning?: string;
  organisation?: string;
  /** The resource as received (echoed back inside the referral, with its system URLs normalised). */
  resource: Record<string, unknown>;
  path: string;
}

export interface CriteriaEnv {
  flavour: Flavour;
  /** Every SPECIALTY system URL accepted in requests (own URLs first, then the documented aliases). */
  specialtySystems: readonly string[];
  directory: Directory;
}

const CRITERIA_SPECS = {
  priority: { kind: 'valueCoding', min: 1 },
  specialty: { kind: 'valueCoding' },
  clinicType: { kind: 'valueCoding' },
  indicativeAppointmentWaitTimeLimit: { kind: 'valueUnsignedInt' },
  postcode: { kind: 'valueString' },
  distanceLimit: { kind: 'valueUnsignedInt' },
  clinicalTerm: { kind: 'valueCoding' },
  namedClinician: { kind: 'valueIdentifier' },
  ageAndGenderAppropriate: { kind: 'valueBoolean', min: 1 },
  commissioningProvisioning: { kind: 'valueCoding' },
  organisation: { kind: 'valueIdentifier' },
  place: { kind: 'valueString' },
} as const;

/**
 * Parses and validates a ServiceSearchCriteria Parameters resource: structure → mandatory → codes →
 * cross-field rules → references (postcode, SNOMED term, named clinician, organisation).
 */
export function parseCriteria(resource: unknown, path: string, env: CriteriaEnv): Criteria {
  const params = readParameters(resource, path, PROFILE.serviceSearchCriteria, CRITERIA_SPECS);
  const get = (n: keyof typeof CRITERIA_SPECS) => first(params, n);
  const pv = (n: keyof typeof CRITERIA_SPECS) => get(n) as ParamValue;

  // Codes
  const priority = codingIn(pv('priority'), 'priority', SYSTEM.priority, PRIORITIES) as Priority;
  let specialty: string | undefined;
  if (get('specialty')) {
    specialty = codingIn(pv('specialty'), 'specialty', env.specialtySystems);
    if (!findSpecialty(specialty))
      throw unprocessable('INVALID_CODE', diag(`${pv('specialty').path}/valueCoding/code`, 'specialty', `unknown specialty '${specialty}'`));
  }
  let clinicType: string | undefined;
  if (get('clinicType')) {
    clinicType = codingIn(pv('clinicType'), 'clinicType', SYSTEM.clinicType);
    if (!findClinicType(clinicType))
      throw unprocessable('INVALID_CODE', diag(`${pv('clinicType').path}/valueCoding/code`, 'clinicType', `unknown clinic type '${clinicType}'`));
  }
  const clinicalTerm = get('clinicalTerm') ? codingIn(pv('clinicalTerm'), 'clinicalTerm', SYSTEM.snomed) : undefined;
  if (clinicalTerm !== undefined && !/^\d{1,18}$/.test(clinicalTerm)) {
    throw unprocessable('INVALID_CODE', diag(`${pv('clinicalTerm').path}/valueCoding/code`, 'clinicalTerm', 'not a SNOMED CT concept id'));
  }
  const commissioningProvisioning = get('commissioningProvisioning')
    ? codingIn(pv('commissioningProvisioning'), 'commissioningProvisioning', SYSTEM.commissioningProvisioning, COMMISSIONING_PROVISIONING)
    : undefined;
  const namedClinician = get('namedClinician') ? identifierOf(pv('namedClinician'), 'namedClinician', SYSTEM.sdsUserId, SDS_USER_PATTERN) : undefined;
  const organisation = get('organisation') ? identifierOf(pv('organisation'), 'organisation', SYSTEM.spineOrganisation) : undefined;
  const postcode = get('postcode') ? (pv('postcode').value as string) : undefined;
  const distanceLimit = get('distanceLimit') ? (pv('distanceLimit').value as number) : undefined;
  const iwtLimit = get('indicativeAppointmentWaitTimeLimit') ? (pv('indicativeAppointmentWaitTimeLimit').value as number) : undefined;
  const ageAndGenderAppropriate = pv('ageAndGenderAppropriate').value as boolean;

  // Cross-field rules (packages/ers-contract/docs/ers-api.md §5.2, §6)
  if (get('place')) throw unprocessable('FIELD_NOT_PERMITTED', diag(pv('place').path, 'place', 'output only; searching by place is not supported'));
  if (clinicType && !specialty) throw unprocessable('FIELD_NOT_PERMITTED', diag(pv('clinicType').path, 'clinicType', 'only allowed together with specialty'));
  if (clinicType && specialty && findClinicType(clinicType)!.specialty !== specialty) {
    throw unprocessable(
      'INAPPROPRIATE_VALUE',
      diag(pv('clinicType').path, 'clinicType', `clinic type ${clinicType} does not belong to specialty ${specialty}`),
    );
  }
  if (distanceLimit !== undefined && postcode === undefined) {
    throw unprocessable('FIELD_NOT_PERMITTED', diag(pv('distanceLimit').path, 'distanceLimit', 'only allowed when postcode is given'));
  }
  if (iwtLimit !== undefined && priority === 'TWO_WEEK_WAIT') {
    throw unprocessable(
      'FIELD_NOT_PERMITTED',
      diag(pv('indicativeAppointmentWaitTimeLimit').path, 'indicativeAppointmentWaitTimeLimit', 'not allowed with priority TWO_WEEK_WAIT'),
    );
  }
  if (!specialty && !clinicalTerm && !namedClinician) {
    throw unprocessable(
      'VALUE_IS_REQUIRED',
      diag(path ? `${path}/parameter` : 'parameter', 'specialty', 'one of specialty, clinicalTerm or namedClinician is required'),
    );
  }
  if (env.flavour === 'legacy' && commissioningProvisioning === 'ALL_SERVICES') {
    throw unprocessable('INAPPROPRIATE_VALUE', diag(pv('commissioningProvisioning').path, 'commissioningProvisioning', 'ALL_SERVICES is not allowed'));
  }

  // References
  if (postcode !== undefined) {
    if (!isPostcodeShaped(postcode)) throw unprocessable('INVALID_VALUE', diag(pv('postcode').path, 'postcode', 'not a valid postcode'));
    if (!lookupPostcode(postcode)) throw unprocessable('REFERENCE_NOT_FOUND', diag(pv('postcode').path, 'postcode', 'postcode not found'));
  }
  if (clinicalTerm !== undefined && !env.directory.terms.has(clinicalTerm)) {
    throw unprocessable('SNOMED_NOT_FOUND', diag(pv('clinicalTerm').path, 'clinicalTerm', `SNOMED concept ${clinicalTerm} is not in the e-RS dictionary`));
  }
  if (namedClinician !== undefined) {
    const u = findUser(namedClinician);
    const p = pv('namedClinician').path;
    if (!u) throw unprocessable('REFERENCE_NOT_FOUND', diag(p, 'namedClinician', 'user not found'));
    if (!u.active) throw unprocessable('REFERENCED_USER_IS_NOT_ACTIVE', diag(p, 'namedClinician', 'user is not active'));
    if (!u.roles.some((r) => r.businessFunction === 'SERVICE_PROVIDER_CLINICIAN')) {
      throw unprocessable('REFERENCED_USER_IS_NOT_SPC', diag(p, 'namedClinician', 'user is not a service provider clinician'));
    }
  }
  if (organisation !== undefined) {
    const org = env.directory.organisations.get(organisation);
    const p = pv('organisation').path;
    if (!org) throw unprocessable('REFERENCE_NOT_FOUND', diag(p, 'organisation', 'organisation not found'));
    if (org.closed) throw unprocessable('ORGANISATION_IS_CLOSED', diag(p, 'organisation', 'organisation is closed'));
    const provides = [...env.directory.services.values()].some((s) => s.providerOds === organisation || s.locationOds === organisation);
    if (!provides) throw unprocessable('ORGANISATION_NOT_APPROPRIATE', diag(p, 'organisation', 'not a service location or service-providing organisation'));
  }

  return {
    priority,
    specialty,
    clinicType,
    iwtLimit,
    postcode,
    distanceLimit,
    clinicalTerm,
    namedClinician,
    ageAndGenderAppropriate,
    commissioningProvisioning,
    organisation,
    resource: resource as Record<string, unknown>,
    path,
  };
}

export interface SearchContext {
  requestType: RequestType;
  patient: TestPatient;
  /** Organisation whose commissioning rules apply: the caller's, or commissioningRuleOrganisation. */
  commissioningOrg: string;
  directory: Directory;
  now: Date;
}

export interface Match {
  service: Service;
  distance?: number;
  iwt: Iwt;
}

export function ageOn(birthDate: string, now: Date): number {
  const b = new Date(`${birthDate}T00:00:00Z`);
  let age = now.getUTCFullYear() - b.getUTCFullYear();
  const m = now.getUTCMonth() - b.getUTCMonth();
  if (m < 0 || (m === 0 && now.getUTCDate() < b.getUTCDate())) age--;
  return age;
}

export function suitsPatient(s: Service, patient: TestPatient, now: Date): boolean {
  const age = ageOn(patient.birthDate, now);
  if (age < s.minAge || age > s.maxAge) return false;
  if (s.gender === 'MALE_AND_FEMALE') return true;
  return (s.gender === 'MALE' && patient.sex === 'male') || (s.gender === 'FEMALE' && patient.sex === 'female');
}

export function isCommissioned(s: Service, org: string): boolean {
  return s.commissionedFor === 'ALL' || s.commissionedFor.includes(org);
}

function offersRequestType(s: Service, requestType: RequestType): boolean {
  return requestType === 'ADVICE_AND_GUIDANCE_REQUEST'
    ? s.flows.includes('ADVICE_AND_GUIDANCE_REQUEST')
    : s.flows.includes('APPOINTMENT_REQUEST') || s.flows.includes('TRIAGE_REQUEST');
}

/** Every service satisfying the criteria (unordered, untruncated). */
export function matchingServices(c: Criteria, ctx: SearchContext): Match[] {
  const originPostcode = c.postcode ?? ctx.patient.postcode;
  const origin = lookupPostcode(originPostcode);
  const out: Match[] = [];
  for (const s of ctx.directory.services.values()) {
    const location = locationOf(ctx.directory, s);
    if (location.closed) continue;
    if (!offersRequestType(s, ctx.requestType)) continue;
    if (!s.priorities.includes(c.priority)) continue;
    if (c.specialty && s.specialty !== c.specialty) continue;
    if (c.clinicType && !s.clinicTypes.includes(c.clinicType)) continue;
    if (c.clinicalTerm && !s.clinicalTerms.includes(c.clinicalTerm)) continue;
    if (c.namedClinician && !s.namedClinicians.includes(c.namedClinician)) continue;
    if (c.organisation && s.providerOds !== c.organisation && s.locationOds !== c.organisation) continue;
    if (!isCommissioned(s, ctx.commissioningOrg)) continue;
    if (c.ageAndGenderAppropriate && !suitsPatient(s, ctx.patient, ctx.now)) continue;
    const iwt: Iwt = s.iwt[c.priority] ?? 'LIMITED_AVAILABILITY';
    // A triage service has no appointment wait, so an IWT limit does not exclude it.
    if (c.iwtLimit !== undefined && iwt !== 'NOT_APPLICABLE' && (typeof iwt !== 'number' || iwt > c.iwtLimit)) continue;
    const where = lookupPostcode(location.postcode);
    const distance = origin && where ? Math.round(distanceMiles(origin, where)) : undefined;
    if (c.distanceLimit !== undefined && (distance === undefined || distance > c.distanceLimit)) continue;
    out.push({ service: s, distance, iwt });
  }
  return out;
}

/** How many services A010 returns: e-RS answers only the top results under the chosen ordering. */
export const MAX_SEARCH_RESULTS = 30;

const iwtRank = (i: Iwt) => (typeof i === 'number' ? i : i === 'NOT_APPLICABLE' ? 100_000 : 200_000);

export function sortMatches(matches: Match[], sortBy: 'DISTANCE' | 'IWT'): Match[] {
  const dist = (m: Match) => m.distance ?? Number.MAX_SAFE_INTEGER;
  return [...matches].sort((a, b) =>
    sortBy === 'DISTANCE'
      ? dist(a) - dist(b) || iwtRank(a.iwt) - iwtRank(b.iwt) || Number(a.service.id) - Number(b.service.id)
      : iwtRank(a.iwt) - iwtRank(b.iwt) || dist(a) - dist(b) || Number(a.service.id) - Number(b.service.id),
  );
}

const SD = 'https://fhir.nhs.uk/STU3/CodeSystem/';

function cc(system: string, code: string) {
  return { coding: [{ system, code }] };
}

/** One FetchServices List entry, shaped like examples/platform/A010_response_*.json. */
export function renderEntry(m: Match, dir: Directory, specialtySystem: string): object {
  const s = m.service;
  const loc = locationOf(dir, s);
  const sub: object[] = [
    { url: 'serviceName', valueString: s.name },
    { url: 'specialty', valueCodeableConcept: cc(specialtySystem, s.specialty) },
    { url: 'genderTreated', valueCodeableConcept: cc(`${SD}eRS-GenderTreated-1`, s.gender) },
    { url: 'bookableType', valueCodeableConcept: cc(`${SD}eRS-BookableType-1`, s.bookableType) },
    ...(s.appointmentType ? [{ url: 'supportedAppointmentType', valueCodeableConcept: cc(`${SD}eRS-AppointmentType-1`, s.appointmentType) }] : []),
    { url: 'referralLetterRequired', valueBoolean: s.referralLetterRequired },
    { url: 'location', valueReference: { identifier: { system: SYSTEM.spineOrganisation, value: loc.ods }, display: loc.name } },
    { url: 'linkToNHSWebsite', valueString: `https://www.nhs.uk/service-search/other-services/chooseandbook?serviceId=${s.id}` },
    ...s.flows.map((f) => ({ url: 'supportedRequestFlowType', valueCodeableConcept: cc(`${SD}eRS-RequestFlowType-1`, f) })),
    ...(s.referrerAlert ? [{ url: 'referrerAlert', valueString: s.referrerAlert }] : []),
    ...(s.exclusions ? [{ url: 'exclusions', valueString: s.exclusions }] : []),
    ...(s.suggestedInvestigations ? [{ url: 'suggestedInvestigations', valueString: s.suggestedInvestigations }] : []),
    ...(s.conditionsTreated ? [{ url: 'conditionsTreated', valueString: s.conditionsTreated }] : []),
  ];
  const listItem: object[] = [
    { url: 'displayProminently', valueBoolean: false },
    ...(m.distance !== undefined ? [{ url: 'distance', valueUnsignedInt: m.distance }] : []),
    typeof m.iwt === 'number'
      ? { url: 'indicativeAppointmentWaitTime', valueUnsignedInt: m.iwt }
      : { url: 'indicativeAppointmentWaitTime', valueCodeableConcept: cc(`${SD}eRS-IWT-1`, m.iwt) },
  ];
  return {
    extension: [{ extension: listItem, url: EXTENSION.serviceSearchListItem }],
    item: {
      extension: [{ extension: sub, url: EXTENSION.serviceSummaryView }],
      identifier: { system: SYSTEM.ersService, value: s.id },
    },
  };
}

export function renderServiceList(entries: object[]): object {
  return {
    meta: { profile: [PROFILE.fetchServicesList] },
    resourceType: 'List',
    status: 'current',
    mode: 'snapshot',
    entry: entries,
    ...(entries.length === 0 ? { emptyReason: { coding: [{ system: SYSTEM.listEmptyReason, code: 'nilknown', display: 'no results' }] } } : {}),
  };
}

/** Rewrites the SPECIALTY coding system of a criteria resource to the simulator's own URL. */
export function normaliseCriteriaResource(resource: Record<string, unknown>, specialtySystem: string, id: string): Record<string, unknown> {
  const copy = structuredClone(resource) as { id?: string; parameter?: { name: string; valueCoding?: { system?: string }; valueString?: string }[] };
  copy.id = id;
  for (const p of copy.parameter ?? []) {
    if (p.name === 'specialty' && p.valueCoding) p.valueCoding.system = specialtySystem;
    if (p.name === 'postcode' && typeof p.valueString === 'string') p.valueString = normalisePostcode(p.valueString);
  }
  return copy as Record<string, unknown>;
}
