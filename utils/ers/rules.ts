// Business rules checked before a request is sent, so the user hears about a problem at once and
// nothing half-valid reaches e-RS. Each failure carries the e-RS code the server would answer with,
// so the message is the same one e-RS would cause.
import { isValidNhsNumber } from 'ers-contract/nhs-number';
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_FILE_NAME_LENGTH, MAX_SHORTLIST } from 'ers-contract';
import type { SearchCriteria } from './builders';
import { ErsError } from './errors';

export interface RuleViolation {
  code: string;
  diagnostics: string;
  status?: number;
}

export function ruleError(operation: string, violation: RuleViolation): ErsError {
  return new ErsError({ kind: 'rule', operation, status: violation.status ?? 422, code: violation.code, diagnostics: violation.diagnostics });
}

/** Throws the first violation as an ErsError of kind 'rule'. */
export function enforce(operation: string, violations: RuleViolation[]): void {
  if (violations.length > 0) throw ruleError(operation, violations[0]);
}

export function checkNhsNumber(nhsNumber: string): RuleViolation[] {
  return isValidNhsNumber(nhsNumber) ? [] : [{ code: 'INVALID_VALUE', diagnostics: 'NHS number must be 10 digits with a valid modulus 11 check digit' }];
}

export function checkUbrn(ubrn: string): RuleViolation[] {
  return /^\d{12}$/.test(ubrn) ? [] : [{ code: 'INVALID_VALUE', diagnostics: 'UBRN must be a 12-digit string' }];
}

export function checkSearchCriteria(c: SearchCriteria): RuleViolation[] {
  const v: RuleViolation[] = [];
  if (!c.specialty && !c.clinicalTerm && !c.namedClinician) {
    v.push({ code: 'VALUE_IS_REQUIRED', diagnostics: 'searchCriteria needs a specialty, clinical term or named clinician' });
  }
  if (c.clinicType && !c.specialty) v.push({ code: 'FIELD_NOT_PERMITTED', diagnostics: 'clinicType is only allowed with specialty' });
  if (c.distanceLimit !== undefined && !c.postcode) v.push({ code: 'FIELD_NOT_PERMITTED', diagnostics: 'distanceLimit is only allowed with postcode' });
  if (c.indicativeAppointmentWaitTimeLimit !== undefined && c.priority === 'TWO_WEEK_WAIT') {
    v.push({ code: 'FIELD_NOT_PERMITTED', diagnostics: 'indicativeAppointmentWaitTimeLimit is not allowed with TWO_WEEK_WAIT' });
  }
  if (c.commissioningProvisioning === 'ALL_SERVICES') {
    v.push({ code: 'INAPPROPRIATE_VALUE', diagnostics: 'commissioningProvisioning ALL_SERVICES is not allowed' });
  }
  return v;
}

/** An admin (RCA) must name the referring clinician; a clinician (RC) must not. */
export function checkReferringClinician(businessFunction: string | undefined, referringClinician: string | undefined): RuleViolation[] {
  if (businessFunction === 'REFERRING_CLINICIAN_ADMIN' && !referringClinician) {
    return [{ code: 'VALUE_IS_REQUIRED', diagnostics: 'referringClinician is required for REFERRING_CLINICIAN_ADMIN' }];
  }
  if (businessFunction !== 'REFERRING_CLINICIAN_ADMIN' && referringClinician) {
    return [{ code: 'FIELD_NOT_PERMITTED', diagnostics: 'referringClinician is only allowed for REFERRING_CLINICIAN_ADMIN' }];
  }
  if (referringClinician && !/^\d{12}$/.test(referringClinician)) {
    return [{ code: 'INVALID_VALUE', diagnostics: 'referringClinician must be a 12-digit SDS user id' }];
  }
  return [];
}

export interface ShortlistEntry {
  id: string;
  isTriage?: boolean;
  referralLetterRequired?: boolean;
}

/**
 * 1–20 distinct services. On the A021 triage route: exactly one service, which must be a triage
 * (RAS) service. On A011 a RAS is allowed only alone (the extension then sends it to triage with
 * A016), which keeps the patient from being left to progress a triage shortlist themselves.
 */
export function checkShortlist(entries: readonly ShortlistEntry[], route: 'A011' | 'A021'): RuleViolation[] {
  if (entries.length === 0) return [{ code: 'MISSING_VALUE', diagnostics: 'shortlist must contain at least one service' }];
  const ids = entries.map((e) => e.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) return [{ code: 'DUPLICATE_SERVICE', diagnostics: `service ${duplicate} is on the shortlist more than once` }];
  if (route === 'A021') {
    if (entries.length > 1) return [{ code: 'TOO_MANY_ITEMS', diagnostics: 'a triage referral has exactly one service' }];
    if (entries[0].isTriage === false) return [{ code: 'INAPPROPRIATE_VALUE', diagnostics: `service ${entries[0].id} is not a Referral Assessment Service` }];
    return [];
  }
  if (entries.length > MAX_SHORTLIST) return [{ code: 'TOO_MANY_ITEMS', diagnostics: `shortlist has ${entries.length} services; at most ${MAX_SHORTLIST}` }];
  if (entries.length > 1 && entries.some((e) => e.isTriage)) {
    return [{ code: 'INAPPROPRIATE_VALUE', diagnostics: 'a Referral Assessment Service must be the only service on the shortlist' }];
  }
  return [];
}

/** A letter must be promised when any shortlisted service requires one (always for triage). */
export function checkLetterIntention(entries: readonly ShortlistEntry[], intention: string): RuleViolation[] {
  if (intention === 'NOT_INTENDING_TO_ADD' && entries.some((e) => e.referralLetterRequired || e.isTriage)) {
    return [{ code: 'INAPPROPRIATE_VALUE', diagnostics: 'a shortlisted service requires a referral letter' }];
  }
  return [];
}

export function checkPathwayStart(instant: string | undefined, now = new Date()): RuleViolation[] {
  if (!instant) return [];
  const t = Date.parse(instant);
  if (Number.isNaN(t)) return [{ code: 'INVALID_VALUE', diagnostics: 'eReferralPathwayStart must be an instant' }];
  if (t > now.getTime()) return [{ code: 'INAPPROPRIATE_VALUE', diagnostics: 'eReferralPathwayStart must be in the past' }];
  if (now.getTime() - t > 365 * 24 * 3600 * 1000) return [{ code: 'INAPPROPRIATE_VALUE', diagnostics: 'eReferralPathwayStart must be at most 365 days ago' }];
  return [];
}

export function fileExtension(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : '';
}

export interface AttachmentCandidate {
  fileName: string;
  contentType: string;
  size: number;
}

/** A020 rules: allowed MIME type, extension matching it, 1 byte to 5 MB, name ≤ 255 characters. */
export function checkAttachment(file: AttachmentCandidate): RuleViolation[] {
  if (!file.fileName) return [{ code: 'MISSING_VALUE', diagnostics: 'file name is missing' }];
  if (file.fileName.length > MAX_FILE_NAME_LENGTH)
    return [{ code: 'INVALID_VALUE', diagnostics: `file name is longer than ${MAX_FILE_NAME_LENGTH} characters` }];
  const allowed = ATTACHMENT_TYPES[file.contentType];
  if (!allowed) return [{ code: 'INAPPROPRIATE_VALUE', status: 415, diagnostics: `files of type ${file.contentType || 'unknown'} cannot be attached` }];
  const ext = fileExtension(file.fileName);
  if (!ext) return [{ code: 'MISSING_VALUE', diagnostics: 'file name must include its extension' }];
  if (!allowed.includes(ext)) return [{ code: 'CONFLICTING_VALUES', diagnostics: `.${ext} does not match ${file.contentType}` }];
  if (file.size <= 0 || file.size > MAX_ATTACHMENT_BYTES) return [{ code: 'FILE_SIZE_ERROR', diagnostics: 'file must be between 1 byte and 5 MB' }];
  return [];
}

/** The MIME type e-RS expects for a file name, or undefined when the extension is not allowed. */
export function contentTypeFor(fileName: string): string | undefined {
  const ext = fileExtension(fileName);
  return Object.entries(ATTACHMENT_TYPES).find(([, exts]) => exts.includes(ext))?.[0];
}

/** e-RS header values must be plain ASCII (fetch refuses others); the contract advises ASCII names. */
export function checkAsciiFileName(fileName: string): RuleViolation[] {
  return /^[\x20-\x7e]+$/.test(fileName) ? [] : [{ code: 'INVALID_VALUE', diagnostics: 'file name must use plain letters, digits and punctuation (ASCII)' }];
}
