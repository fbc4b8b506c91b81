// A004 reference data: the code systems e-RS publishes, built from the contract's files in the
// ers-contract package (reference/: 672 legacy clinic types and the specialties they reference;
// examples/platform/: the PRIORITY and reason code systems). Every `_baseUrl_` placeholder is rewritten to the simulator's own base URL,
// because e-RS expects clients to echo the SPECIALTY system URL of the environment they talk to.

import { readFileSync } from 'node:fs';
import { examplePath, referencePath } from 'ers-contract/files';
import { readCsv } from './data-files';

export interface ClinicType {
  code: string;
  display: string;
  specialty: string;
  effectiveFrom: string;
  effectiveTo?: string;
}

export interface Specialty {
  code: string;
  display: string;
  effectiveFrom: string;
  /** Set when every clinic type of the specialty has ended: the specialty is retired. */
  effectiveTo?: string;
}

/** "SLEEP_MEDICINE" → "Sleep Medicine"; "2WW" stays "2WW". */
export function specialtyDisplay(code: string): string {
  if (code === '2WW') return '2WW';
  return code
    .split('_')
    .map((w) => (/^\d+$/.test(w) ? w : w.charAt(0) + w.slice(1).toLowerCase()))
    .join(' ');
}

export const CLINIC_TYPES: readonly ClinicType[] = readCsv(referencePath('clinic-types_from-legacy-A004.csv')).map(([code, display, specialty, from, to]) => ({
  code,
  display,
  specialty,
  effectiveFrom: from,
  ...(to ? { effectiveTo: to } : {}),
}));

export const SPECIALTIES: readonly Specialty[] = readCsv(referencePath('specialty-codes_referenced-by-clinic-types.csv')).map(([code]) => {
  const types = CLINIC_TYPES.filter((c) => c.specialty === code);
  const from = types.map((t) => t.effectiveFrom).sort()[0] ?? '2004-06-01';
  const allEnded = types.length > 0 && types.every((t) => t.effectiveTo);
  const to = allEnded
    ? types
        .map((t) => t.effectiveTo!)
        .sort()
        .at(-1)
    : undefined;
  return { code, display: specialtyDisplay(code), effectiveFrom: from, ...(to ? { effectiveTo: to } : {}) };
});

const SPECIALTY_BY_CODE = new Map(SPECIALTIES.map((s) => [s.code, s]));
const CLINIC_TYPE_BY_CODE = new Map(CLINIC_TYPES.map((c) => [c.code, c]));

export function findSpecialty(code: string): Specialty | undefined {
  return SPECIALTY_BY_CODE.get(code);
}
export function findClinicType(code: string): ClinicType | undefined {
  return CLINIC_TYPE_BY_CODE.get(code);
}

export function isActiveOn(item: { effectiveTo?: string }, today: string): boolean {
  return !item.effectiveTo || item.effectiveTo >= today;
}

/** The documented SPECIALTY system URL of each flavour, plus the aliases accepted in requests. */
export function specialtySystems(baseUrl: string) {
  return {
    platform: `${baseUrl}/referrals/FHIR/STU3/CodeSystem/SPECIALTY`,
    legacy: `${baseUrl}/ers-api/STU3/v1/CodeSystem/SPECIALTY`,
    aliases: ['_baseUrl_/STU3/CodeSystem/SPECIALTY', 'https://api.dev3.ers.ncrs.nhs.uk/ers-api/STU3/v1/CodeSystem/SPECIALTY'],
  };
}

export const PRIORITY_DISPLAY: Record<string, string> = { ROUTINE: 'Routine', URGENT: 'Urgent', TWO_WEEK_WAIT: 'Two Week Wait' };

interface PriorityConcept {
  code: string;
  property?: { code: string; valueInteger?: number }[];
}

const PRIORITY_JSON = JSON.parse(readFileSync(examplePath('platform/A004_response_PRIORITY.json'), 'utf8')) as {
  concept: PriorityConcept[];
};

/** Working days within which the provider/triage service should contact the patient. */
export function priorityContactDays(priority: string): { deferToProvider: number; triage: number } {
  const c = PRIORITY_JSON.concept.find((x) => x.code === priority);
  const prop = (name: string) => c?.property?.find((p) => p.code === name)?.valueInteger ?? 0;
  return { deferToProvider: prop('deferToProviderContactDays'), triage: prop('triageContactDays') };
}

const COMMON_PROPERTIES = [
  { code: 'effectiveFrom', uri: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-Concept-Properties-1#effectiveFrom', type: 'dateTime' },
  { code: 'effectiveTo', uri: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-Concept-Properties-1#effectiveTo', type: 'dateTime' },
];

function dateProps(item: { effectiveFrom: string; effectiveTo?: string }) {
  return [
    { code: 'effectiveFrom', valueDateTime: `${item.effectiveFrom}T00:00:00.000Z` },
    ...(item.effectiveTo ? [{ code: 'effectiveTo', valueDateTime: `${item.effectiveTo}T00:00:00.000Z` }] : []),
  ];
}

function dateExtensions(item: { effectiveFrom: string; effectiveTo?: string }) {
  return [
    { url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-eRS-EffectivefromDate-1', valueDate: item.effectiveFrom },
    ...(item.effectiveTo ? [{ url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-eRS-EffectivetoDate-1', valueDate: item.effectiveTo }] : []),
  ];
}

/** Bumped whenever the reference content changes; drives CodeSystem.version and the A004 ETag. */
export const REFERENCE_DATA_VERSION = '1';

const FILE_BACKED = ['PRIORITY', 'APPOINTMENT-CANCELLATION-REASON', 'REFERRAL-CANCELLATION-REASON', 'APPOINTMENT-NON-ATTENDANCE-REASON'];

/**
 * Builds the CodeSystem for `type`, or undefined for an unknown type (→ 404).
 * `codeSystemBase` is e.g. `http://127.0.0.1:4010/referrals/FHIR/STU3/CodeSystem` (platform) or the
 * legacy `/ers-api/STU3/v1/CodeSystem` equivalent.
 */
export function buildCodeSystem(type: string, codeSystemBase: string, specialtySystem: string, date: string): object | undefined {
  const header = {
    id: type,
    resourceType: 'CodeSystem',
    url: `${codeSystemBase}/${type}`,
    version: REFERENCE_DATA_VERSION,
    status: 'active',
    experimental: false,
    date,
    publisher: 'e-Referral Service',
    copyright: 'Copyright (c) 2016 HL7 UK',
    caseSensitive: true,
    content: 'complete',
  };
  if (type === 'SPECIALTY') {
    return {
      ...header,
      meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-Specialty-CodeSystem-1'] },
      url: specialtySystem,
      name: 'e-RS Specialty',
      description: 'e-RS Specialty',
      property: COMMON_PROPERTIES,
      concept: SPECIALTIES.map((s) => ({ extension: dateExtensions(s), code: s.code, display: s.display, property: dateProps(s) })),
    };
  }
  if (type === 'CLINIC-TYPE') {
    return {
      ...header,
      meta: { profile: ['http://hl7.org/fhir/StructureDefinition/shareablecodesystem'] },
      name: 'e-RS Clinic Type',
      description: 'e-RS Clinic Type',
      property: [...COMMON_PROPERTIES, { code: 'specialty', uri: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-Concept-Properties-1#specialty', type: 'Coding' }],
      concept: CLINIC_TYPES.map((c) => ({
        code: c.code,
        display: c.display,
        property: [...dateProps(c), { code: 'specialty', valueCoding: { system: specialtySystem, code: c.specialty } }],
      })),
    };
  }
  if (FILE_BACKED.includes(type)) {
    const raw = readFileSync(examplePath(`platform/A004_response_${type}.json`), 'utf8');
    const json = JSON.parse(raw) as Record<string, unknown>;
    // The only placeholder in these files is the CodeSystem url itself.
    return { ...json, url: `${codeSystemBase}/${type}`, version: REFERENCE_DATA_VERSION, date };
  }
  return undefined;
}
