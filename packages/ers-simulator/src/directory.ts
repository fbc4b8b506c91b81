// The service directory: organisations (referrers, providers and their sites) and a few hundred
// services across the specialties and clinic types in simulator/data/*.csv.
//
// Two parts:
//  1. Hand-written services for every id the example requests use, with attributes chosen so each
//     example request succeeds (packages/ers-contract/docs/ers-api.md §9 lists the ids; comments below say which example needs what).
//  2. Services generated from a seed with a small PRNG, so a given seed always yields the same
//     directory (tests and demos can rely on it) while still covering every active specialty.
//
// Everything here is fictional apart from the geography. Phone numbers use Ofcom's drama ranges.

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

/** The e-RS clinical-term dictionary subset the simulator knows (unknown codes → SNOMED_NOT_FOUND). */
export const SNOMED_TERMS: readonly SnomedTerm[] = [
  { code: '1003', display: 'Sandbox example clinical term (cardiology)', specialties: ['CARDIOLOGY'] },
  { code: '84114007', display: 'Heart failure', specialties: ['CARDIOLOGY'] },
  { code: '29857009', display: 'Chest pain', specialties: ['CARDIOLOGY'] },
  { code: '49436004', display: 'Atrial fibrillation', specialties: ['CARDIOLOGY'] },
  { code: '38341003', display: 'Hypertensive disorder', specialties: ['CARDIOLOGY'] },
  { code: '78275009', display: 'Obstructive sleep apnoea syndrome', specialties: ['SLEEP_MEDICINE'] },
  { code: '193462001', display: 'Insomnia', specialties: ['SLEEP_MEDICINE'] },
  { code: '84727000', display: 'Allergic condition (legacy example term)', specialties: ['ALLERGY'] },
  { code: '193570009', display: 'Cataract', specialties: ['OPHTHALMOLOGY'] },
  { code: '239873007', display: 'Osteoarthritis of knee', specialties: ['ORTHOPAEDICS', 'RHEUMATOLOGY'] },
  { code: '195967001', display: 'Asthma', specialties: ['RESPIRATORY_MEDICINE'] },
  { code: '44054006', display: 'Type 2 diabetes mellitus', specialties: ['DIABETIC_MEDICINE', 'ENDOCRINOLOGY_AND_METABOLIC_MEDICINE'] },
  { code: '90560007', display: 'Gout', specialties: ['RHEUMATOLOGY'] },
  { code: '90176007', display: 'Tonsillitis', specialties: ['EAR_NOSE_THROAT'] },
  { code: '271737000', display: 'Anaemia', specialties: ['HAEMATOLOGY'] },
  { code: '37796009', display: 'Migraine', specialties: ['NEUROLOGY'] },
  { code: '9014002', display: 'Psoriasis', specialties: ['DERMATOLOGY'] },
  { code: '266569009', display: 'Benign prostatic hyperplasia', specialties: ['UROLOGY'] },
  { code: '88111009', display: 'Change in bowel habit', specialties: ['GI_AND_LIVER_MEDICINE_AND_SURGERY', '2WW'] },
  { code: '35489007', display: 'Depressive disorder', specialties: ['MENTAL_HEALTH_ADULTS_OF_ALL_AGES'] },
];

export const ORGANISATIONS: readonly Organisation[] = [
  // Referring organisations
  { ods: 'B86001', name: 'Park Lane Surgery', postcode: 'LS1 4AP', kind: 'gp', region: 'yorkshire' },
  { ods: 'B86002', name: 'Chapeltown Medical Practice', postcode: 'LS7 3HB', kind: 'gp', region: 'yorkshire' },
  { ods: 'G84001', name: 'Bromley Common Surgery', postcode: 'BR1 1AB', kind: 'gp', region: 'london' },
  { ods: 'R01', name: 'NHST_X3', postcode: 'LS9 7TF', kind: 'trust', region: 'yorkshire' },
  { ods: 'Y99999', name: 'Out of Area Commissioning Hub', postcode: 'BS2 8HW', kind: 'commissioner' },
  // Providers (trusts also refer) and their sites
  { ods: 'R68', name: 'Northgate Hospitals NHS Trust', postcode: 'LS1 3EX', kind: 'trust', region: 'yorkshire' },
  { ods: 'R6801', name: 'Northgate General Hospital', postcode: 'LS1 3EX', kind: 'site', parent: 'R68' },
  { ods: 'R6802', name: 'Chapel Allerton Centre', postcode: 'LS7 4SA', kind: 'site', parent: 'R68' },
  { ods: 'R6007', name: 'Pinderfields Hospital', postcode: 'WF1 4DG', kind: 'site', parent: 'R68' },
  { ods: 'R69', name: 'Cicero-Clinic', postcode: 'HG2 7SX', kind: 'trust', region: 'yorkshire' },
  { ods: 'R6901', name: 'Cicero Clinic Bromley', postcode: 'BR6 8ND', kind: 'site', parent: 'R69' },
  { ods: 'RXA', name: 'Aire Valley Hospitals NHS Trust', postcode: 'BD20 6TD', kind: 'trust' },
  { ods: 'RXA01', name: 'Aire Valley General Hospital', postcode: 'BD20 6TD', kind: 'site', parent: 'RXA' },
  { ods: 'RXA02', name: 'Bradford Royal Infirmary', postcode: 'BD9 6RJ', kind: 'site', parent: 'RXA' },
  { ods: 'RXB', name: 'Calder Community Health NHS Trust', postcode: 'HX3 0PW', kind: 'trust' },
  { ods: 'RXB01', name: 'Calderdale Royal Hospital', postcode: 'HX3 0PW', kind: 'site', parent: 'RXB' },
  { ods: 'RXB02', name: 'Huddersfield Community Hospital', postcode: 'HD3 3EA', kind: 'site', parent: 'RXB' },
  { ods: 'RXC', name: 'York and Humber Hospitals NHS Trust', postcode: 'YO31 8HE', kind: 'trust' },
  { ods: 'RXC01', name: 'York District Hospital', postcode: 'YO31 8HE', kind: 'site', parent: 'RXC' },
  { ods: 'RXC02', name: 'Hull Royal Infirmary', postcode: 'HU3 2JZ', kind: 'site', parent: 'RXC' },
  { ods: 'RXD', name: 'Sheffield Teaching Hospitals NHS Trust', postcode: 'S10 2JF', kind: 'trust' },
  { ods: 'RXD01', name: 'Northern General Hospital', postcode: 'S5 7AU', kind: 'site', parent: 'RXD' },
  { ods: 'RXD02', name: 'Royal Hallamshire Hospital', postcode: 'S10 2JF', kind: 'site', parent: 'RXD' },
  { ods: 'RXE', name: 'Doncaster Royal Infirmary', postcode: 'DN2 5LT', kind: 'trust' },
  { ods: 'RXF', name: 'South London Hospitals NHS Trust', postcode: 'SE13 6LH', kind: 'trust' },
  { ods: 'RXF01', name: 'University Hospital Lewisham', postcode: 'SE13 6LH', kind: 'site', parent: 'RXF' },
  { ods: 'RXF02', name: "St George's Hospital", postcode: 'SW17 0QT', kind: 'site', parent: 'RXF' },
  { ods: 'RXF03', name: "Guy's Hospital", postcode: 'SE1 9RT', kind: 'site', parent: 'RXF' },
  { ods: 'RXG', name: 'Kent and Medway Hospitals NHS Trust', postcode: 'ME16 9QQ', kind: 'trust' },
  { ods: 'RXG01', name: 'Maidstone Hospital', postcode: 'ME16 9QQ', kind: 'site', parent: 'RXG' },
  { ods: 'RXG02', name: 'Tunbridge Wells Hospital', postcode: 'TN2 4QJ', kind: 'site', parent: 'RXG' },
  { ods: 'RXG03', name: 'Darent Valley Hospital', postcode: 'DA2 8DA', kind: 'site', parent: 'RXG' },
  { ods: 'RXH', name: 'North London Hospitals NHS Trust', postcode: 'N19 5NF', kind: 'trust' },
  { ods: 'RXH01', name: 'Whittington Hospital', postcode: 'N19 5NF', kind: 'site', parent: 'RXH' },
  { ods: 'RXH02', name: 'Royal London Hospital', postcode: 'E1 1FR', kind: 'site', parent: 'RXH' },
  { ods: 'RXJ', name: 'Manchester Royal Infirmary', postcode: 'M13 9WL', kind: 'trust' },
  { ods: 'RXK', name: 'Royal Victoria Infirmary', postcode: 'NE1 4LP', kind: 'trust' },
  { ods: 'RXL', name: 'Queen Elizabeth Hospital Birmingham', postcode: 'B15 2TH', kind: 'trust' },
  { ods: 'NXA', name: 'Yorkshire Diagnostics Ltd', postcode: 'LS11 5DL', kind: 'independent' },
  { ods: 'NXB', name: 'Kent Community Eye Care', postcode: 'CT1 3NG', kind: 'independent' },
  { ods: 'RZZ01', name: 'Closed Cottage Hospital', postcode: 'LS28 7AA', kind: 'site', parent: 'R68', closed: true },
];

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

const CARDIO_TYPES = ['HEART_FAILURE', 'LIPID_MANAGEMENT'];

/** Services named by the example requests (packages/ers-contract/docs/ers-api.md §9). */
export function exampleServices(): Service[] {
  const fixed: Service[] = [
    // A010 RcMinimal / RcaWithIWT (URGENT, CARDIOLOGY + LIPID_MANAGEMENT, IWT ≤ 15) and A011 Minimal
    // (HEART_FAILURE) → 11002 offers both clinic types, urgent IWT 10 (as in the single-service example).
    svc({
      id: '11002',
      name: 'Good Cardiology Business Service',
      specialty: 'CARDIOLOGY',
      clinicTypes: [...CARDIO_TYPES, 'HYPERTENSION_1'],
      appointmentType: 'DIAGNOSTIC',
      providerOds: 'R69',
      locationOds: 'R69',
      iwt: { ROUTINE: 28, URGENT: 10 },
      clinicalTerms: ['1003', '84114007'],
      namedClinicians: [ADAMS],
    }),
    svc({
      id: '11007',
      name: 'Exceptional Cardiology Business Service',
      specialty: 'CARDIOLOGY',
      clinicTypes: [...CARDIO_TYPES, 'ARRHYTHMIA'],
      appointmentType: 'DIAGNOSTIC',
      providerOds: 'R69',
      locationOds: 'R69',
      iwt: { ROUTINE: 42, URGENT: 14 },
      clinicalTerms: ['1003', '49436004'],
    }),
    svc({
      id: '11008',
      name: 'FIRST Cardiology Business Service',
      specialty: 'CARDIOLOGY',
      clinicTypes: CARDIO_TYPES,
      referralLetterRequired: false,
      appointmentType: 'DIAGNOSTIC',
      providerOds: 'R69',
      locationOds: 'R69',
      iwt: { ROUTINE: 'LIMITED_AVAILABILITY', URGENT: 'LIMITED_AVAILABILITY' },
    }),
    // A010 RcSearchForAdviceService: the one cardiology service that also takes A&G requests.
    svc({
      id: '11010',
      name: 'Excellent Cardiology Business Service',
      specialty: 'CARDIOLOGY',
      clinicTypes: CARDIO_TYPES,
      referralLetterRequired: false,
      flows: ['APPOINTMENT_REQUEST', 'ADVICE_AND_GUIDANCE_REQUEST'],
      appointmentType: 'DIAGNOSTIC',
      providerOds: 'R69',
      locationOds: 'R69',
      iwt: { ROUTINE: 60, URGENT: 20 },
    }),
    svc({
      id: '11021',
      name: 'Cardiology Business Service - Requires Referral Letter, No Slots for slots polling tests',
      specialty: 'CARDIOLOGY',
      clinicTypes: CARDIO_TYPES,
      appointmentType: 'DIAGNOSTIC',
      providerOds: 'R69',
      locationOds: 'R69',
      iwt: { ROUTINE: 'LIMITED_AVAILABILITY', URGENT: 'LIMITED_AVAILABILITY' },
    }),
    // Locally commissioned: visible to the Yorkshire referrers and R69's rules, not nationally.
    svc({
      id: '11030',
      name: 'A LOCALLY_COMMISSIONABLE Service',
      specialty: 'CARDIOLOGY',
      clinicTypes: ['LIPID_MANAGEMENT'],
      referralLetterRequired: false,
      appointmentType: 'DIAGNOSTIC',
      providerOds: 'R69',
      locationOds: 'R69',
      iwt: { ROUTINE: 50, URGENT: 30 },
      commissionedFor: regionReferrers('yorkshire'),
    }),
    // A010 RcSearchByClinicalTerm: R69 service within 23 miles of BR1 1AB, term 1003, urgent IWT ≤ 15.
    svc({
      id: '11031',
      name: 'Cicero Clinic Bromley Rapid Access Cardiology',
      specialty: 'CARDIOLOGY',
      clinicTypes: ['RAPID_ACCESS_CHEST_PAIN_INC_EXERCISE_ECG', 'HEART_FAILURE'],
      appointmentType: 'FIRST_OUTPATIENT',
      providerOds: 'R69',
      locationOds: 'R6901',
      iwt: { ROUTINE: 21, URGENT: 7 },
      clinicalTerms: ['1003', '29857009'],
      phone: '020 7946 0031',
    }),
    // Triage (RAS) services: A021 examples (11004, also by named clinician + term 1003), A011 mixed
    // shortlist (51002), A016 TriageDeferral (50001).
    svc({
      id: '11004',
      name: 'Cardiology Triage Business Service',
      specialty: 'CARDIOLOGY',
      clinicTypes: [...CARDIO_TYPES, 'ARRHYTHMIA'],
      flows: ['TRIAGE_REQUEST'],
      providerOds: 'R69',
      locationOds: 'R69',
      clinicalTerms: ['1003', '84114007'],
      namedClinicians: [ADAMS],
    }),
    svc({
      id: '51002',
      name: 'Good Cardiology Triage Service',
      specialty: 'CARDIOLOGY',
      clinicTypes: CARDIO_TYPES,
      flows: ['TRIAGE_REQUEST'],
      providerOds: 'R69',
      locationOds: 'R69',
    }),
    svc({
      id: '50001',
      name: 'Cardiology Triage Service',
      specialty: 'CARDIOLOGY',
      clinicTypes: CARDIO_TYPES,
      flows: ['TRIAGE_REQUEST'],
      providerOds: 'R69',
      locationOds: 'R69',
    }),
    // Legacy examples: SLEEP_MEDICINE/INSOMNIA at Pinderfields (R6007, ~8 miles from LS1 2UT), provider
    // R68, named clinician Adams, term 78275009, routine IWT 17 (≤ 21).
    svc({
      id: '90636',
      name: 'R68_Sleep_DBS_RL_Assessment',
      specialty: 'SLEEP_MEDICINE',
      clinicTypes: ['INSOMNIA', 'SLEEP_APNOEA_SLEEP_DISORDERED_BREATHING'],
      appointmentType: 'ASSESSMENT_SERVICE',
      providerOds: 'R68',
      locationOds: 'R6007',
      iwt: { ROUTINE: 17, URGENT: 7 },
      clinicalTerms: ['78275009', '193462001'],
      namedClinicians: [ADAMS],
      phone: '01924 496 0636',
    }),
    svc({
      id: '90596',
      name: 'R68_Sleep_TRIAGE+A&G',
      specialty: 'SLEEP_MEDICINE',
      clinicTypes: ['INSOMNIA', 'SLEEP_APNOEA_SLEEP_DISORDERED_BREATHING'],
      flows: ['TRIAGE_REQUEST', 'ADVICE_AND_GUIDANCE_REQUEST'],
      providerOds: 'R68',
      locationOds: 'R6007',
      clinicalTerms: ['78275009', '193462001'],
      namedClinicians: [ADAMS],
      exclusions: 'Exclusions Text',
      conditionsTreated: 'Conditions Treated Text',
      suggestedInvestigations: 'Suggested Investigations Text',
      phone: '01924 496 0596',
    }),
    // Legacy A021 sample1 (2WW/2WW_BONE at ROUTINE priority, triage) and the obsolete examples' services.
    svc({
      id: '50110',
      name: 'R68 2WW Bone Triage Service',
      specialty: '2WW',
      clinicTypes: ['2WW_BONE'],
      flows: ['TRIAGE_REQUEST'],
      providerOds: 'R68',
      locationOds: 'R6801',
      priorities: ['TWO_WEEK_WAIT', 'ROUTINE', 'URGENT'],
    }),
    svc({
      id: '50',
      name: 'R68 2WW Bone Clinic',
      specialty: '2WW',
      clinicTypes: ['2WW_BONE'],
      providerOds: 'R68',
      locationOds: 'R6801',
      priorities: ['TWO_WEEK_WAIT', 'ROUTINE', 'URGENT'],
      iwt: { TWO_WEEK_WAIT: 10, ROUTINE: 20, URGENT: 12 },
    }),
    svc({
      id: '70004',
      name: 'Bromley Allergy Triage Service',
      specialty: 'ALLERGY',
      clinicTypes: ['ALLERGY_1'],
      flows: ['TRIAGE_REQUEST'],
      providerOds: 'R69',
      locationOds: 'R6901',
      clinicalTerms: ['84727000'],
      namedClinicians: [ADAMS],
      phone: '020 7946 0004',
    }),
    svc({
      id: '70101',
      name: 'Bromley Allergy Clinic',
      specialty: 'ALLERGY',
      clinicTypes: ['ALLERGY_1'],
      providerOds: 'R69',
      locationOds: 'R6901',
      appointmentType: 'FIRST_OUTPATIENT',
      iwt: { ROUTINE: 12, URGENT: 5 },
      clinicalTerms: ['84727000'],
      namedClinicians: [ADAMS],
      phone: '020 7946 0101',
    }),
  ];
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
