// Business rules shared by several operations (packages/ers-contract/docs/ers-api.md §6), as pure functions of their inputs.

import { SYSTEM } from 'ers-contract';
import { TEST_PATIENTS, type TestPatient } from './data/patients';
import type { Directory, Service } from './directory';
import { diag, unprocessable } from './errors';
import { type ParamValue, identifierOf, NHS_NUMBER_PATTERN, SDS_USER_PATTERN } from './fhir';
import type { Flavour } from './search';
import type { Referral, SimState } from './state';
import { type TestUser, findUser, holdsRole } from './users';

/** Everything an operation needs to know about the caller and the simulator. */
export interface OpContext {
  flavour: Flavour;
  user: TestUser;
  ods: string;
  businessFunction: string;
  now: Date;
  state: SimState;
  directory: Directory;
  /** SPECIALTY system URL this flavour publishes (used in every response). */
  specialtySystem: string;
  /** SPECIALTY system URLs accepted in requests. */
  specialtySystems: readonly string[];
  binaryScanDelayMs: number;
}

export function findPatient(nhsNumber: string): TestPatient | undefined {
  return TEST_PATIENTS.find((p) => p.nhsNumber === nhsNumber);
}

/**
 * The patient must exist, be traceable (PDS) and have a registered GP practice. The NHS number is
 * deliberately not modulus-11 checked: the legacy example number 9190000000 fails that check.
 */
export function resolvePatient(pv: ParamValue): TestPatient {
  const nhs = identifierOf(pv, 'patient', SYSTEM.nhsNumber, NHS_NUMBER_PATTERN);
  const patient = findPatient(nhs);
  if (!patient) throw unprocessable('REFERENCE_NOT_FOUND', diag(pv.path, 'patient', 'patient not found'));
  if (patient.pdsProblem) throw unprocessable('PATIENT_ERROR', diag(pv.path, 'patient', 'patient record cannot be used (PDS problem)'));
  if (!patient.gpPractice) throw unprocessable('NO_REG_GP_PRACTICE', diag(pv.path, 'patient', 'patient has no registered GP practice'));
  return patient;
}

/**
 * RCA must name the referring clinician they act for; RC must not. The named user must be an active
 * REFERRING_CLINICIAN at the caller's organisation. Returns the named user id (RCA) or undefined.
 */
export function checkReferringClinician(pv: ParamValue | undefined, ctx: Pick<OpContext, 'businessFunction' | 'ods'>, paramsPath: string): string | undefined {
  if (ctx.businessFunction !== 'REFERRING_CLINICIAN_ADMIN') {
    if (pv) throw unprocessable('FIELD_NOT_PERMITTED', diag(pv.path, 'referringClinician', 'only allowed when acting as REFERRING_CLINICIAN_ADMIN'));
    return undefined;
  }
  if (!pv) throw unprocessable('VALUE_IS_REQUIRED', diag(paramsPath, 'referringClinician', 'required when acting as REFERRING_CLINICIAN_ADMIN'));
  const id = identifierOf(pv, 'referringClinician', SYSTEM.sdsUserId, SDS_USER_PATTERN);
  const u = findUser(id);
  if (!u) throw unprocessable('REFERENCE_NOT_FOUND', diag(pv.path, 'referringClinician', 'user not found'));
  if (!u.active) throw unprocessable('REFERENCED_USER_IS_NOT_ACTIVE', diag(pv.path, 'referringClinician', 'user is not active'));
  if (!u.roles.some((r) => r.businessFunction === 'REFERRING_CLINICIAN')) {
    throw unprocessable('REFERENCED_USER_IS_NOT_RC', diag(pv.path, 'referringClinician', 'user is not a referring clinician'));
  }
  if (!u.roles.some((r) => r.ods === ctx.ods)) {
    throw unprocessable('REFERENCED_USER_NOT_IN_ORG', diag(pv.path, 'referringClinician', `user has no role at ${ctx.ods}`));
  }
  if (!holdsRole(u, 'REFERRING_CLINICIAN', ctx.ods)) {
    throw unprocessable('REFERENCED_USER_IS_NOT_RC_AT_ORG', diag(pv.path, 'referringClinician', `user is not a referring clinician at ${ctx.ods}`));
  }
  return id;
}

export const PATHWAY_START_MAX_AGE_DAYS = 365;

/** eReferralPathwayStart (platform A011 only): a valid instant, not in the future, at most 365 days ago. */
export function checkPathwayStart(pv: ParamValue, now: Date): string {
  const value = pv.value as string;
  // FHIR instant: full date-time with seconds and a zone.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw unprocessable('INVALID_VALUE', diag(pv.path, 'eReferralPathwayStart', 'not a FHIR instant'));
  }
  const t = Date.parse(value);
  if (t > now.getTime()) throw unprocessable('INAPPROPRIATE_VALUE', diag(pv.path, 'eReferralPathwayStart', 'must not be in the future'));
  if (now.getTime() - t > PATHWAY_START_MAX_AGE_DAYS * 86_400_000) {
    throw unprocessable('INAPPROPRIATE_VALUE', diag(pv.path, 'eReferralPathwayStart', `must be at most ${PATHWAY_START_MAX_AGE_DAYS} days ago`));
  }
  return value;
}

/** The caller must belong to the organisation that created the referral (NO_RELATIONSHIP otherwise). */
export function checkRelationship(r: { createdBy: { ods: string }; shortlist: { serviceId: string }[]; ubrn: string }, ctx: OpContext, dir: Directory): void {
  const referrer = ctx.businessFunction.startsWith('REFERRING');
  if (referrer && r.createdBy.ods === ctx.ods) return;
  // Providers may read referrals that shortlist one of their services.
  if (
    !referrer &&
    r.shortlist.some((s) => {
      const svc = dir.services.get(s.serviceId);
      return svc && (svc.providerOds === ctx.ods || svc.locationOds === ctx.ods);
    })
  )
    return;
  throw unprocessable('NO_RELATIONSHIP', diag('id', 'ubrn', `no legitimate relationship with referral ${r.ubrn} at ${ctx.ods}`));
}

/** A participant of an A016 Appointment body: service, patient or clinician, by identifier system. */
export type AppointmentParticipant = { type?: unknown; actor?: { identifier?: { system?: string; value?: string } } };

/**
 * The referral and service an A016 Appointment body names (booking, deferral or triage): both participants
 * present, the referral known and the caller's, the patient the referral's, the service known.
 * `patientMismatch` is the error code e-RS gives when the patient differs (booking and triage differ).
 */
export function appointmentTarget(
  ubrn: string,
  participants: readonly AppointmentParticipant[],
  ctx: OpContext,
  patientMismatch: string,
): { referral: Referral; service: Service } {
  const actor = (system: string) => participants.find((p) => p.actor?.identifier?.system === system)?.actor?.identifier?.value;
  const serviceId = actor(SYSTEM.ersService);
  const patient = actor(SYSTEM.nhsNumber);
  if (!serviceId) throw unprocessable('MISSING_VALUE', diag('participant', 'service', 'service participant missing'));
  if (!patient) throw unprocessable('MISSING_VALUE', diag('participant', 'patient', 'patient participant missing'));
  const referral = ctx.state.referrals.get(ubrn);
  if (!referral) throw unprocessable('REFERENCE_NOT_FOUND', diag('incomingReferral[0]/reference', 'incomingReferral', `referral ${ubrn} not found`));
  checkRelationship(referral, ctx, ctx.directory);
  if (patient !== referral.patientNhsNumber) throw unprocessable(patientMismatch, diag('participant', 'patient', 'patient does not match the referral'));
  const service = ctx.directory.services.get(serviceId);
  if (!service) throw unprocessable('REFERENCE_NOT_FOUND', diag('participant', 'service', `service ${serviceId} not found`));
  return { referral, service };
}
