// Whole-identity comparison between the patient a referral draft is for and the patient the page
// shows now. Pure; used by the draft binding (draft-lock.ts), the background's submit guard
// (utils/background/referrals.ts) and the panel. A field may fill in where the draft had none;
// any other difference (NHS number, name, date of birth, sex) means another patient.
import { formatNhsNumber } from './nhs-number';
import { parseName } from './normalise';
import { formatPatientName } from './refer-button';
import type { PatientContext, PatientContextReport } from './types';

/** What a draft remembers of its patient (the fields of DraftPatient and DraftBinding). */
export interface BoundIdentity {
  nhsNumber: string;
  /** As the page showed it: "JONES, Sarah (Mrs)". */
  displayName: string;
  birthDate?: string;
  gender?: string;
}

const nameKey = (n: PatientContext['name'] | undefined) => (n ? `${n.family.toUpperCase()}|${(n.given[0] ?? '').toUpperCase()}` : '');

/** The identity fields of `shown` that differ from `bound` (missing values never differ). */
export function identityDifferences(bound: BoundIdentity, shown: PatientContext): string[] {
  const out: string[] = [];
  if (shown.nhsNumber !== bound.nhsNumber) out.push('NHS number');
  if (nameKey(parseName(bound.displayName)) !== nameKey(shown.name)) out.push('name');
  if (bound.birthDate && shown.birthDate && bound.birthDate !== shown.birthDate) out.push('date of birth');
  if (bound.gender && shown.gender && bound.gender !== shown.gender) out.push('sex');
  return out;
}

/**
 * Why `report` (a fresh read of the page) does not show the draft's patient, in words for the
 * clinician; undefined when it does.
 */
export function identityMismatch(bound: BoundIdentity, report: PatientContextReport | undefined): string | undefined {
  const who = `${bound.displayName} (NHS ${formatNhsNumber(bound.nhsNumber)})`;
  if (report?.status !== 'single' || !report.patient) {
    return `The clinical system does not clearly show ${who} right now${report?.reason ? ` (${report.reason.toLowerCase()})` : ''}. Open their record to submit.`;
  }
  const diff = identityDifferences(bound, report.patient);
  if (!diff.length) return undefined;
  return (
    `This referral is for ${who}, but the record open now shows ${formatPatientName(report.patient.name)} ` +
    `(NHS ${formatNhsNumber(report.patient.nhsNumber)}): the ${diff.join(', ')} ${diff.length > 1 ? 'differ' : 'differs'}.`
  );
}

/** `bound` with the fields it lacked taken from `shown` (only when nothing differs). */
export function fillIdentity<T extends BoundIdentity>(bound: T, shown: PatientContext): T {
  const out = { ...bound };
  if (!out.birthDate && shown.birthDate) out.birthDate = shown.birthDate;
  if (!out.gender && shown.gender) out.gender = shown.gender;
  return out;
}
