// The service directory: organisations (referrers, providers and their sites) and a few hundred
// services across the specialties and clinic types in the contract's reference CSVs; organisations
// and clinical terms are tables in data/*.csv.
//
// Two parts:
//  1. Hand-written services for every id the example requests use, with attributes chosen so each
//     example request succeeds (packages/ers-contract/docs/ers-api.md §9 lists the ids; comments below say which example needs what).
//  2. Services generated from a seed with a small PRNG, so a given seed always yields the same
//     directory (tests and demos can rely on it) while still covering every active specialty.
//
// Everything here is fictional apart from the geography. Phone numbers use Ofcom's drama ranges.

import { readFileSync } from 'node:fs';
import { dataPath, readCsv } from './data-files';
import { chance, mulberry32, pick, pickSome, randInt, type Rng } from './prng';
import { CLINIC_TYPES, SPECIALTIES, isActiveOn, specialtyDisplay } from './reference-data';
import { USER_IDS } from './users';
import type { Priority } from 'ers-contract';

export type FlowType = 'APPOINTMENT_REQUEST' | 'TRIAGE_REQUEST' | 'ADVICE_AND_GUIDANCE_REQUEST';
export type BookableType = 'DIRECTLY_BOOKABLE' | 'INDIRECTLY_BOOKABLE' | 'UNSPECIFIED';
export type Gender = 'MALE' | 'FEMALE' | 'MALE_AND_FEMALE';
/** Indicative appointment wait: whole days, or one of the eRS-IWT-1 codes. */
export type Iwt = number | 'LIMITED_AVAILABILITY' | 'NOT_APPLICABLE';

export interface Organisation {
  ods: string;
  name: string;
  postcode: string;
  /** gp/trust can refer; trust/independent provide services; site = a service location. */
  kind: 'gp' | 'trust' | 'independent' | 'site' | 'commissioner';
  parent?: string;
  closed?: boolean;
  /** Commissioning region of a referring organisation (see Service.commissionedFor). */
  region?: 'yorkshire' | 'london';
}

export interface Service {
  id: string;
  name: string;
  specialty: string;
  clinicTypes: string[];
  bookableType: BookableType;
  flows: FlowType[];
  appointmentType?: string;
  referralLetterRequired: boolean;
  providerOds: string;
  locationOds: string;
  gender: Gender;
  minAge: number;
  maxAge: number;
  priorities: Priority[];
  iwt: Partial<Record<Priority, Iwt>>;
  /** 'ALL' = nationally available; otherwise the referring organisations whose rules commission it. */
  commissionedFor: 'ALL' | string[];
  clinicalTerms: string[];
  namedClinicians: string[];
  phone: string;
  conditionsTreated?: string;
  exclusions?: string;
  suggestedInvestigations?: string;
  referrerAlert?: string;
}

export interface SnomedTerm {
  code: string;
  display: string;
  specialties: string[];
}

/** The e-RS clinical-term dictionary subset the simulator knows (unknown codes → SNOMED_NOT_FOUND), from data/snomed-terms.csv. */
export const SNOMED_TERMS: readonly SnomedTerm[] = readCsv(dataPath('snomed-terms.csv')).map(([code, display, specialties]) => ({
  code,
  display,
  specialties: specialties.split(' '),
}));

/** Referring organisations, providers (trusts also refer) and their sites, from data/organisations.csv. */
export const ORGANISATIONS: readonly Organisation[] = readCsv(dataPath('organisations.csv')).map(([ods, name, postcode, kind, parent, region, closed]) => ({
  ods,
  name,
  postcode,
  kind: kind as Organisation['kind'],
  ...(parent ? { parent } : {}),
  ...(region ? { region: region as Organisation['region'] } : {}),
  ...(closed ? { closed: true } : {}),
}));

/** Referring organisations per commissioning region (used for locally commissioned services). */
export function regionReferrers(region: 'yorkshire' | 'london'): string[] {
  const list = ORGANISATIONS.filter((o) => o.region === region).map((o) => o.ods);
  // Cicero-Clinic (R69) has a site in each region, so its rules see both (examples use it as the
  // commissioningRuleOrganisation).
  return region === 'london' ? [...list, 'R69'] : list;
}

const LONDON = new Set(['RXF', 'RXG', 'RXH', 'R6901', 'NXB']);
function regionOf(locationOds: string): 'yorkshire' | 'london' | 'elsewhere' {
  const org = ORGANISATIONS.find((o) => o.ods === locationOds);
  const top = org?.parent ?? locationOds;
  if (LONDON.has(locationOds) || LONDON.has(top)) return 'london';
  if (['RXJ', 'RXK', 'RXL'].includes(top)) return 'elsewhere';
  return 'yorkshire';
}

const ADAMS = USER_IDS.adams;
const ALL_PRIORITIES: Priority[] = ['ROUTINE', 'URGENT'];

function svc(partial: Partial<Service> & Pick<Service, 'id' | 'name' | 'specialty' | 'clinicTypes' | 'providerOds' | 'locationOds'>): Service {
  const triage = partial.flows?.includes('TRIAGE_REQUEST') ?? false;
  return {
    bookableType: triage ? 'UNSPECIFIED' : 'DIRECTLY_BOOKABLE',
    flows: ['APPOINTMENT_REQUEST'],
    referralLetterRequired: true,
    gender: 'MALE_AND_FEMALE',
    minAge: 0,
    maxAge: 120,
    priorities: ALL_PRIORITIES,
    iwt: triage ? { ROUTINE: 'NOT_APPLICABLE', URGENT: 'NOT_APPLICABLE', TWO_WEEK_WAIT: 'NOT_APPLICABLE' } : { ROUTINE: 28, URGENT: 10 },
    commissionedFor: 'ALL',
    clinicalTerms: [],
    namedClinicians: [],
    phone: `0113 496 0${partial.id.slice(-3).padStart(3, '0')}`,
    ...partial,
  };
}

type ServiceEntry = Partial<Service> & Pick<Service, 'id' | 'name' | 'specialty' | 'clinicTypes' | 'providerOds' | 'locationOds'> & { $comment?: string };

/** "@adams" → that simulator user's id; a name the simulator does not know is a mistake in the data file. */
function userId(ref: string): string {
  const id = (USER_IDS as Record<string, string>)[ref.slice(1)];
  if (!ref.startsWith('@') || !id) throw new Error(`data/example-services.json: unknown user ${ref}`);
  return id;
}

/**
 * Services named by the example requests (packages/ers-contract/docs/ers-api.md §9), kept as data in
 * data/example-services.json; each entry's `$comment` says which example needs what. In that file
 * "@adams" names a simulator user (users.ts USER_IDS) and "@region:yorkshire" a commissioning region.
 */
export function exampleServices(): Service[] {
  const entries = JSON.parse(readFileSync(dataPath('example-services.json'), 'utf8')) as ServiceEntry[];
  const fixed: Service[] = entries.map(({ $comment: _why, ...entry }) =>
    svc({
      ...entry,
      ...(entry.namedClinicians ? { namedClinicians: entry.namedClinicians.map(userId) } : {}),
      ...(typeof entry.commissionedFor === 'string' && entry.commissionedFor.startsWith('@region:')
        ? { commissionedFor: regionReferrers(entry.commissionedFor.slice('@region:'.length) as 'yorkshire' | 'london') }
        : {}),
    }),
  );
  // A011 RequestTwentyServices: 20 R69 DBS services matching ROUTINE CARDIOLOGY/HEART_FAILURE, IWT ≤ 50,
  // within 123 miles of LS1 2UT, term 1003, named clinician Adams, suitable for a 56-year-old man.
  for (let i = 0; i < 20; i++) {
    fixed.push(
      svc({
        id: String(12000 + i),
        name: `Good Cardiology Business Service ${i + 1}`,
        specialty: 'CARDIOLOGY',
        clinicTypes: ['HEART_FAILURE'],
        appointmentType: 'FIRST_OUTPATIENT',
        providerOds: 'R69',
        locationOds: 'R69',
        iwt: { ROUTINE: 10 + i * 2, URGENT: 7 + (i % 5) },
        clinicalTerms: ['1003'],
        namedClinicians: [ADAMS],
      }),
    );
  }
  return fixed;
}

const PAEDIATRIC = new Set([
  'PAEDIATRIC_CARDIOLOGY',
  'PAEDIATRIC_DENTISTRY',
  'PAEDIATRIC_NEUROLOGY',
  'PAEDIATRIC_SURGERY',
  'CHILDRENS_ADOLESCENT_SERVICES',
  'CHILD_AND_ADOLESCENT_PSYCHIATRY',
  'MENTAL_HEALTH_CHILD_AND_ADOLESCENT',
  'NEONATOLOGY',
  'WELL_BABIES',
]);
const OLDER_PEOPLE = new Set(['GERIATRIC_MEDICINE', 'OLD_AGE_PSYCHIATRY']);
const FEMALE_ONLY = new Set(['GYNAECOLOGY', 'OBSTETRICS', 'GYNAECOLOGICAL_ONCOLOGY']);
/** Common specialties appear more often, as in a real directory. */
const COMMON = [
  'CARDIOLOGY',
  'DERMATOLOGY',
  'ORTHOPAEDICS',
  'EAR_NOSE_THROAT',
  'GYNAECOLOGY',
  'OPHTHALMOLOGY',
  'UROLOGY',
  'GI_AND_LIVER_MEDICINE_AND_SURGERY',
  'RESPIRATORY_MEDICINE',
  'NEUROLOGY',
  'RHEUMATOLOGY',
  'SLEEP_MEDICINE',
  '2WW',
];
const APPOINTMENT_TYPES = [
  'FIRST_OUTPATIENT',
  'FIRST_OUTPATIENT',
  'DIAGNOSTIC',
  'ASSESSMENT_SERVICE',
  'NURSE_CLINIC',
  'AHP_CLINIC',
  'TELEPHONE_ASSESSMENT',
  'DAY_CASE',
  'GPSI',
];

export const GENERATED_SERVICE_COUNT = 320;
export const FIRST_GENERATED_ID = 20000;

function generateService(rng: Rng, id: number, today: string): Service {
  const sites = ORGANISATIONS.filter((o) => (o.kind === 'site' || o.kind === 'independent' || ['RXE', 'RXJ', 'RXK', 'RXL'].includes(o.ods)) && !o.closed);
  const active = SPECIALTIES.filter((s) => isActiveOn(s, today) && CLINIC_TYPES.some((c) => c.specialty === s.code && isActiveOn(c, today)));
  const specialty = chance(rng, 0.55) ? pick(rng, COMMON) : pick(rng, active).code;
  const types = CLINIC_TYPES.filter((c) => c.specialty === specialty && isActiveOn(c, today));
  const clinicTypes = pickSome(rng, types, randInt(rng, 1, 3)).map((c) => c.code);
  const site = pick(rng, sites);
  const is2ww = specialty === '2WW';
  const roll = rng();
  const triage = roll < 0.18;
  const ibs = !triage && roll < 0.4;
  const flows: FlowType[] = [triage ? 'TRIAGE_REQUEST' : 'APPOINTMENT_REQUEST'];
  if (!is2ww && chance(rng, 0.2)) flows.push('ADVICE_AND_GUIDANCE_REQUEST');
  let minAge = 0;
  let maxAge = 120;
  if (PAEDIATRIC.has(specialty)) maxAge = specialty === 'NEONATOLOGY' || specialty === 'WELL_BABIES' ? 1 : 17;
  else if (OLDER_PEOPLE.has(specialty)) minAge = 65;
  else minAge = pick(rng, [18, 18, 18, 16, 0]);
  const gender: Gender = FEMALE_ONLY.has(specialty) ? 'FEMALE' : specialty === 'UROLOGY' && chance(rng, 0.15) ? 'MALE' : 'MALE_AND_FEMALE';
  const priorities: Priority[] = is2ww ? ['TWO_WEEK_WAIT'] : chance(rng, 0.85) ? ['ROUTINE', 'URGENT'] : ['ROUTINE'];
  const limited = !triage && chance(rng, 0.08);
  const iwt: Partial<Record<Priority, Iwt>> = {};
  for (const p of priorities) {
    iwt[p] = triage
      ? 'NOT_APPLICABLE'
      : limited
        ? 'LIMITED_AVAILABILITY'
        : p === 'ROUTINE'
          ? randInt(rng, 10, 126)
          : p === 'URGENT'
            ? randInt(rng, 3, 21)
            : randInt(rng, 5, 14);
  }
  const region = regionOf(site.ods);
  const c = rng();
  const commissionedFor: Service['commissionedFor'] = c < 0.35 ? 'ALL' : c < 0.85 && region !== 'elsewhere' ? regionReferrers(region) : ['Y99999'];
  const provider = site.parent ?? site.ods;
  const clinicians = provider === 'R69' && chance(rng, 0.4) ? pickSome(rng, [ADAMS, USER_IDS.cook, USER_IDS.practitioner101], randInt(rng, 1, 2)) : [];
  const terms = SNOMED_TERMS.filter((t) => t.specialties.includes(specialty) && t.code !== '1003').map((t) => t.code);
  const typeLabel = clinicTypes.length === 1 ? ` - ${CLINIC_TYPES.find((x) => x.code === clinicTypes[0])!.display}` : '';
  const suffix = triage ? ' RAS' : ibs ? ' (telephone booking)' : '';
  const phoneArea = region === 'london' ? '020 7946' : '0113 496';
  return {
    id: String(id),
    name: `${site.name} ${specialtyDisplay(specialty)}${typeLabel}${suffix}`,
    specialty,
    clinicTypes,
    bookableType: triage ? 'UNSPECIFIED' : ibs ? 'INDIRECTLY_BOOKABLE' : 'DIRECTLY_BOOKABLE',
    flows,
    ...(triage ? {} : { appointmentType: pick(rng, APPOINTMENT_TYPES) }),
    referralLetterRequired: triage || chance(rng, 0.5),
    providerOds: provider,
    locationOds: site.ods,
    gender,
    minAge,
    maxAge,
    priorities,
    iwt,
    commissionedFor,
    clinicalTerms: terms.length ? pickSome(rng, terms, randInt(rng, 1, terms.length)) : [],
    namedClinicians: clinicians,
    phone: `${phoneArea} ${String(id % 1000).padStart(4, '0')}`,
    ...(chance(rng, 0.3) ? { referrerAlert: 'Please include recent blood results with the referral letter.' } : {}),
    ...(chance(rng, 0.3) ? { exclusions: 'Patients under active follow-up elsewhere for the same condition.' } : {}),
  };
}

export interface Directory {
  services: Map<string, Service>;
  organisations: Map<string, Organisation>;
  terms: Map<string, SnomedTerm>;
}

/** Deterministic for a given seed and date (the date only retires clinic types that have ended). */
export function buildDirectory(seed: number, today = '2026-01-01'): Directory {
  const rng = mulberry32(seed);
  const services = new Map<string, Service>();
  for (const s of exampleServices()) services.set(s.id, s);
  for (let i = 0; i < GENERATED_SERVICE_COUNT; i++) {
    const s = generateService(rng, FIRST_GENERATED_ID + i, today);
    services.set(s.id, s);
  }
  return {
    services,
    organisations: new Map(ORGANISATIONS.map((o) => [o.ods, o])),
    terms: new Map(SNOMED_TERMS.map((t) => [t.code, t])),
  };
}

export function locationOf(dir: Directory, s: Service): Organisation {
  return dir.organisations.get(s.locationOds)!;
}
