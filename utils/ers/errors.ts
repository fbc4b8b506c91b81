// One typed error for everything that can go wrong talking to e-RS, with a plain-English message
// a clinician can act on for every code in the contract's catalogue (packages/ers-contract/docs/ers-api.md §7).
import type { ExtractedIds } from './outcome';
import type { OperationOutcome } from './schemas';

export const ERROR_MESSAGES: Readonly<Record<string, string>> = {
  NO_ACCESS: 'Your e-RS sign-in is no longer valid or does not allow this. Sign in again.',
  ACCESS_DENIED: 'Your e-RS sign-in is no longer valid or does not allow this. Sign in again.',
  FORBIDDEN: 'Your current role does not allow this. Switch to a referring role and try again.',
  MISSING_HEADER: 'No organisation was chosen for this request. Choose your role and organisation again.',
  SYSTEM_UNAVAILABLE: 'e-RS is unavailable at the moment. Nothing has been lost; try again in a few minutes.',
  SERVICE_ERROR: 'e-RS reported an internal error. Nothing has been lost; try again shortly.',
  TOO_MANY_REQUESTS: 'e-RS is busy and asked us to slow down. Try again in a few seconds.',
  REFERENCE_NOT_FOUND: 'Something this referral refers to (patient, clinician, organisation, postcode or file) was not found in e-RS.',
  INAPPROPRIATE_VALUE:
    'One of the values is not allowed here (for example the wrong kind of service for this route, or a letter needed but marked as not intended).',
  TOO_MANY_ITEMS: 'The shortlist has too many services: at most 20, or just one for a Referral Assessment Service.',
  MISSING_VALUE: 'Some required information is missing (a referral must keep at least one letter; a file needs a name, type and content).',
  VALUE_IS_REQUIRED: 'More information is needed: choose a specialty, clinical term or named clinician, and as a clinician admin name the referring clinician.',
  FIELD_NOT_PERMITTED:
    'A field was sent that is not allowed here (for example a referring clinician when you are the clinician, a distance without a postcode, or a wait-time limit on a two-week-wait search).',
  PATIENT_ERROR:
    "There is a problem with this patient's record in the national systems (PDS). They cannot be referred through e-RS until it is resolved; do not retry.",
  INVALID_VALUE: 'A value has the wrong format (for example a file name longer than 255 characters).',
  INVALID_CODE: 'A code used is not recognised by e-RS (it may have been retired). Choose again from the current lists.',
  UNEXPECTED_FIELD: 'e-RS did not recognise part of the request. This is a fault in the extension; please report it.',
  INVALID_FHIR_STRUCTURE: 'e-RS could not read the request. This is a fault in the extension; please report it.',
  REFERENCED_USER_IS_NOT_SPC: 'The named clinician is not a service provider clinician in e-RS.',
  REFERENCED_USER_IS_NOT_RC: 'The referring clinician named does not have the referring clinician role.',
  REFERENCED_USER_IS_NOT_RC_AT_ORG: 'The referring clinician named is not a referring clinician at your organisation.',
  REFERENCED_USER_NOT_IN_ORG: 'The referring clinician named does not belong to your organisation.',
  REFERENCED_USER_IS_NOT_ACTIVE: 'The clinician named is not active in e-RS.',
  ORGANISATION_IS_CLOSED: 'The organisation chosen is closed.',
  ORGANISATION_NOT_APPROPRIATE: 'The organisation chosen does not provide services.',
  NO_REG_GP_PRACTICE: 'This patient has no registered GP practice, so e-RS cannot refer them. Check their registration.',
  SNOMED_NOT_FOUND: 'The clinical term is not in the e-RS dictionary. Choose another term.',
  DUPLICATE_SERVICE: 'The same service is on the shortlist twice. Remove the duplicate.',
  SHORTLISTED_SERVICE_NOT_IN_RESULTS:
    'A shortlisted service does not match the search it came from (it may have changed). Search again and rebuild the shortlist.',
  INVALID_STATE: 'A file is in a state that does not allow this change.',
  INVALID_REQUEST_TYPE: 'This UBRN is not an active referral.',
  INVALID_REQUEST_STATE: 'The referral is not in a state that allows this (it may be cancelled, booked in the past or superseded).',
  NO_RELATIONSHIP: 'You have no legitimate relationship with this referral in your current role.',
  CONFLICTING_VALUES: "The file's extension does not match its type. Rename it or choose another file.",
  DUPLICATE_FILENAME: 'A file with the same name is already attached. Rename one of them.',
  NO_CHANGES_DETECTED: 'Nothing changed: the referral already has exactly these letters.',
  FILE_SIZE_ERROR: 'The file is empty or larger than 5 MB.',
  NO_ACCESS_CODE:
    'The patient has no access code for the online booking service, so e-RS cannot print their letter. Give them the UBRN and booking line details instead.',
  VERSION_CONFLICT: 'Someone else changed this referral since it was loaded. It has been reloaded; check and try again.',
  REFERRAL_LOCKED: 'Another user or system is updating this referral right now. Try again in a moment.',
  PAS_NOT_RESPONDING: "The provider's system did not answer in time.",
  PAS_RESPONDED_WITH_ERROR: "The provider's system reported an error.",
  SLOT_NOT_AVAILABLE: 'That slot has just been taken by someone else, so it was not booked. Choose another slot from the fresh list, or defer to the provider.',
  INAPPROPRIATE_SLOT:
    'e-RS says that slot does not suit this referral (wrong service, priority, commissioner, times or clinician). Nothing was booked; search the slots again.',
  UNABLE_TO_CONFIRM_APPOINTMENT:
    "e-RS could not confirm the booking. The referral has been read again: if it is still not booked, try again or defer to the provider ('booking attempt problem').",
  SLOTS_CURRENTLY_AVAILABLE: 'e-RS refused the deferral because this service does have free slots. Book one of them instead.',
  THIS_SLOT_IS_AVAILABLE: 'That slot is still free, so it cannot be the reason for a deferral. Book it instead.',
  UNABLE_TO_CANCEL_APPOINTMENT: 'e-RS could not cancel the appointment. It is still booked; try again later or contact the provider.',
  PENDING: 'The file is still being virus-scanned. Check again in 5 minutes.',
  SANDBOX_ERROR: 'The sandbox has no canned answer for this request.',
};

/** e-RS refusals of a search (A010) that are about one of its criteria, so the panel can show them on that field. */
const SEARCH_CRITERION_CODES: Readonly<Record<string, string>> = {
  SNOMED_NOT_FOUND: 'clinicalTerm',
  REFERENCED_USER_IS_NOT_SPC: 'namedClinician',
  REFERENCED_USER_IS_NOT_ACTIVE: 'namedClinician',
};

/** The search criterion an e-RS refusal is about, with its message, if it is about one. */
export function criterionOf(error: ErsError): Record<string, string> | undefined {
  const key = error.operation === 'A010' && error.code ? SEARCH_CRITERION_CODES[error.code] : undefined;
  return key ? { [key]: error.message } : undefined;
}

const STATUS_MESSAGES: Readonly<Record<number, string>> = {
  400: 'e-RS could not accept the request as sent. This is a fault in the extension; please report it.',
  401: 'Your e-RS sign-in has expired. Sign in again; nothing has been lost.',
  403: 'Your current role or organisation is not allowed to do this in e-RS.',
  404: 'e-RS could not find this referral or item.',
  406: 'e-RS could not answer in the format asked for.',
  409: 'Someone else changed this referral since it was loaded. Reload it and try again.',
  412: "e-RS needs the referral's current version to make this change. Reload it and try again.",
  413: 'The file is larger than e-RS accepts (5 MB).',
  415: 'e-RS does not accept this type of file.',
  422: 'e-RS refused the request.',
  423: 'Another user or system is updating this referral right now. Try again in a moment.',
  429: 'e-RS is busy and asked us to slow down. Try again in a few seconds.',
  500: 'e-RS reported an internal error. Nothing has been lost; try again shortly.',
  502: 'e-RS could not reach a system it depends on.',
  503: 'e-RS is unavailable at the moment. Nothing has been lost; try again in a few minutes.',
  504: 'e-RS took too long to answer.',
};

export type ErsErrorKind =
  | 'http' // e-RS answered with an error status
  | 'rule' // checked here before sending; nothing was sent
  | 'network' // no answer; the request is known not to have changed anything (reads) or was not sent
  | 'timeout' // no answer in time
  | 'outcome-unknown' // a create/upload/update was sent and no answer came: it may or may not have happened
  | 'invalid-response'; // e-RS answered 2xx with a body we could not validate

export interface ErsErrorInit {
  kind: ErsErrorKind;
  operation: string;
  status?: number;
  code?: string;
  diagnostics?: string;
  correlationId?: string;
  requestId?: string;
  retryAfterSeconds?: number;
  /** A 2xx whose body failed validation: the ids it still carried. */
  extracted?: ExtractedIds;
  message?: string;
  cause?: unknown;
}

export class ErsError extends Error {
  readonly kind: ErsErrorKind;
  readonly operation: string;
  readonly status?: number;
  /** e-RS error code: issue[0].details.coding[0].code. */
  readonly code?: string;
  readonly diagnostics?: string;
  readonly correlationId?: string;
  readonly requestId?: string;
  readonly retryAfterSeconds?: number;
  readonly extracted?: ExtractedIds;

  constructor(init: ErsErrorInit) {
    super(init.message ?? plainMessage(init), init.cause ? { cause: init.cause } : undefined);
    this.name = 'ErsError';
    this.kind = init.kind;
    this.operation = init.operation;
    this.status = init.status;
    this.code = init.code;
    this.diagnostics = init.diagnostics;
    this.correlationId = init.correlationId;
    this.requestId = init.requestId;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.extracted = init.extracted;
  }

  /** Plain data for messages and storage (Error objects do not survive structured cloning well). */
  toJSON() {
    return {
      name: this.name,
      kind: this.kind,
      operation: this.operation,
      status: this.status,
      code: this.code,
      diagnostics: this.diagnostics,
      correlationId: this.correlationId,
      requestId: this.requestId,
      retryAfterSeconds: this.retryAfterSeconds,
      extracted: this.extracted,
      message: this.message,
    };
  }
}

/**
 * Where a code means something narrower for one operation, the message says that instead: for a
 * file (A020) INAPPROPRIATE_VALUE is the file's type, not "the wrong kind of service".
 */
const OPERATION_MESSAGES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  A020: {
    INAPPROPRIATE_VALUE:
      'e-RS does not accept this type of file. Attach the letter as a PDF, Word (.doc or .docx), RTF or text file, or as an image (JPEG, PNG, GIF or TIFF).',
    MISSING_VALUE: 'The file name needs its extension (for example letter.pdf).',
    INVALID_VALUE: 'The file name is too long or uses characters e-RS cannot take (use plain letters, digits and punctuation, up to 255 characters).',
  },
};

const UNKNOWN_MESSAGE =
  "We cannot tell whether e-RS made this change: the answer was lost or unreadable (a gateway error, a timeout or a broken connection). It has NOT been sent again. Check in e-RS (worklist or the patient's referrals) before trying again.";

export function plainMessage(init: Pick<ErsErrorInit, 'kind' | 'status' | 'code' | 'operation'>): string {
  // An e-RS code says why e-RS failed, but not whether it applied the change: never "nothing was lost".
  if (init.kind === 'outcome-unknown') return UNKNOWN_MESSAGE;
  if (init.code && init.operation && OPERATION_MESSAGES[init.operation]?.[init.code]) return OPERATION_MESSAGES[init.operation][init.code];
  if (init.code && ERROR_MESSAGES[init.code]) return ERROR_MESSAGES[init.code];
  switch (init.kind) {
    case 'network':
      return 'Could not reach e-RS. Check the connection; nothing has been lost.';
    case 'timeout':
      return 'e-RS did not answer in time. Nothing has been lost; try again.';
    case 'invalid-response':
      return 'e-RS answered in a form the extension does not understand. Please report this.';
    default:
      return (init.status && STATUS_MESSAGES[init.status]) || 'e-RS refused the request.';
  }
}

/** The e-RS code and diagnostics of an OperationOutcome (STU3 or R4; either error-code system). */
export function outcomeDetails(outcome: OperationOutcome): { code?: string; diagnostics?: string } {
  const issue = outcome.issue[0];
  return { code: issue.details?.coding?.[0]?.code, diagnostics: issue.diagnostics };
}
