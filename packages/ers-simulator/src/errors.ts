// Error model: every rule violation is thrown as an ErsError and turned into the body shape the
// contract documents for that path (packages/ers-contract/docs/ers-api.md §4.6):
//  - e-RS STU3 OperationOutcome (eRS-APIErrorCode-1) for business errors on STU3 paths, both flavours;
//  - proxy-style STU3 OperationOutcome (meta.lastUpdated, no display) for token/header problems;
//  - R4 OperationOutcome (NHSD-API-ErrorOrWarningCode) on /R4/ paths;
//  - text/plain bodies for 406/415 and an empty body for 429 on STU3 paths.

import { PROFILE, SYSTEM } from 'ers-contract';

export type BodyKind = 'ers' | 'proxy' | 'text' | 'empty';

export class ErsError extends Error {
  readonly status: number;
  readonly code: string;
  readonly diagnostics: string;
  readonly issueCode: string;
  readonly kind: BodyKind;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, diagnostics: string, opts: { issueCode?: string; kind?: BodyKind; headers?: Record<string, string> } = {}) {
    super(`${status} ${code}: ${diagnostics}`);
    this.status = status;
    this.code = code;
    this.diagnostics = diagnostics;
    this.issueCode = opts.issueCode ?? defaultIssueCode(status, code);
    this.kind = opts.kind ?? 'ers';
    this.headers = opts.headers ?? {};
  }
}

/** Shorthand for the common 422 business-rule case. */
export function unprocessable(code: string, diagnostics: string, issueCode?: string): ErsError {
  return new ErsError(422, code, diagnostics, { issueCode });
}

const DISPLAY: Record<string, string> = {
  NO_ACCESS: 'No access',
  FORBIDDEN: 'Forbidden',
  MISSING_HEADER: 'Missing header',
  SYSTEM_UNAVAILABLE: 'System unavailable',
  SERVICE_ERROR: 'Service error',
  REFERENCE_NOT_FOUND: 'Reference not found',
  INAPPROPRIATE_VALUE: 'Inappropriate value',
  TOO_MANY_ITEMS: 'Too many items',
  MISSING_VALUE: 'Missing value',
  VALUE_IS_REQUIRED: 'Value is required',
  FIELD_NOT_PERMITTED: 'Field not permitted',
  PATIENT_ERROR: 'Patient error',
  INVALID_VALUE: 'Invalid value',
  INVALID_CODE: 'Invalid code',
  UNEXPECTED_FIELD: 'Unexpected field',
  INVALID_FHIR_STRUCTURE: 'Invalid FHIR structure',
  REFERENCED_USER_IS_NOT_SPC: 'Referenced user is not a service provider clinician',
  REFERENCED_USER_IS_NOT_RC: 'Referenced user is not a referring clinician',
  REFERENCED_USER_IS_NOT_RC_AT_ORG: 'Referenced user is not a referring clinician at the organisation',
  REFERENCED_USER_NOT_IN_ORG: 'Referenced user is not in the organisation',
  REFERENCED_USER_IS_NOT_ACTIVE: 'Referenced user is not active',
  ORGANISATION_IS_CLOSED: 'Organisation is closed',
  ORGANISATION_NOT_APPROPRIATE: 'Organisation not appropriate',
  NO_REG_GP_PRACTICE: 'No registered GP practice',
  SNOMED_NOT_FOUND: 'SNOMED code not found',
  DUPLICATE_SERVICE: 'Duplicate service',
  SHORTLISTED_SERVICE_NOT_IN_RESULTS: 'Shortlisted service not in results',
  INVALID_STATE: 'Invalid state',
  INVALID_REQUEST_TYPE: 'Invalid request type',
  INVALID_REQUEST_STATE: 'Invalid request state',
  NO_RELATIONSHIP: 'No relationship',
  CONFLICTING_VALUES: 'Conflicting values',
  DUPLICATE_FILENAME: 'Duplicate filename',
  NO_CHANGES_DETECTED: 'No changes detected',
  FILE_SIZE_ERROR: 'File size error',
  NO_ACCESS_CODE: 'No access code',
  VERSION_CONFLICT: 'Version conflict',
  REFERRAL_LOCKED: 'Referral locked',
  PRECONDITION_FAILED: 'Precondition failed',
};

function defaultIssueCode(status: number, code: string): string {
  if (status === 401) return 'login';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 412) return 'required';
  if (status === 423) return 'lock-error';
  if (status === 429) return 'throttled';
  if (status === 503) return 'transient';
  if (status >= 500) return 'exception';
  switch (code) {
    case 'MISSING_VALUE':
    case 'VALUE_IS_REQUIRED':
    case 'MISSING_HEADER':
      return 'required';
    case 'INVALID_FHIR_STRUCTURE':
      return 'structure';
    case 'UNEXPECTED_FIELD':
    case 'INVALID_VALUE':
    case 'INVALID_CODE':
      return 'value';
    case 'REFERENCE_NOT_FOUND':
    case 'SNOMED_NOT_FOUND':
      return 'not-found';
    case 'DUPLICATE_SERVICE':
    case 'DUPLICATE_FILENAME':
      return 'duplicate';
    case 'FILE_SIZE_ERROR':
      return 'too-long';
    default:
      return 'business-rule';
  }
}

/** e-RS back-end STU3 OperationOutcome (with display), as in examples/errors/platform-stu3_*. */
export function ersOperationOutcome(code: string, diagnostics: string, issueCode: string): object {
  return {
    resourceType: 'OperationOutcome',
    meta: { profile: [PROFILE.operationOutcome] },
    issue: [
      {
        severity: 'error',
        code: issueCode,
        details: { coding: [{ system: SYSTEM.apiErrorCode, code, ...(DISPLAY[code] ? { display: DISPLAY[code] } : {}) }] },
        diagnostics,
      },
    ],
  };
}

/** Platform proxy STU3 OperationOutcome (meta.lastUpdated, no display), as in CONSTRUCTED_proxy-stu3_*. */
export function proxyOperationOutcome(code: string, diagnostics: string, issueCode: string, now: Date): object {
  return {
    resourceType: 'OperationOutcome',
    meta: { lastUpdated: now.toISOString(), profile: [PROFILE.operationOutcome] },
    issue: [
      {
        severity: 'error',
        code: issueCode,
        details: { coding: [{ system: SYSTEM.apiErrorCode, code }] },
        ...(diagnostics ? { diagnostics } : {}),
      },
    ],
  };
}

/** R4 OperationOutcome for /R4/ paths (A030), as in CONSTRUCTED_proxy-r4_*. */
export function r4OperationOutcome(code: string, diagnostics: string, issueCode: string, now: Date): object {
  const r4Code = code === 'NO_ACCESS' || code === 'FORBIDDEN' ? 'ACCESS_DENIED' : code === 'SYSTEM_UNAVAILABLE' ? 'SERVICE_ERROR' : code;
  return {
    resourceType: 'OperationOutcome',
    meta: { lastUpdated: now.toISOString(), profile: ['https://www.hl7.org/fhir/R4/operationoutcome.html'] },
    issue: [
      {
        severity: 'error',
        code: issueCode,
        details: { coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/NHSD-API-ErrorOrWarningCode', code: r4Code, display: DISPLAY[code] ?? r4Code }] },
        ...(diagnostics ? { diagnostics } : {}),
      },
    ],
  };
}

/** Builds a `'path' (name) message` diagnostic in the style of the e-RS examples. */
export function diag(path: string, what: string, message: string): string {
  return `'${path}' (${what}) ${message}`;
}
