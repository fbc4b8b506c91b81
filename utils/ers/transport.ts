// The two ways of reaching e-RS, reduced to what differs: base path, path prefix and headers.
// Everything above this (operations, bodies, parsing) is shared.

export type Flavour = 'legacy' | 'platform';

/** Who is calling, as the background's session manager currently knows it. */
export interface ErsCredentials {
  /** Legacy: the ProfessionalSession id from A001/A002. */
  sessionKey?: string;
  /** Platform: the CIS2-derived bearer token. */
  accessToken?: string;
  /** Platform: the chosen role (legacy chose it server-side with A002). */
  businessFunction?: string;
  ods?: string;
}

/** What an operation needs from the caller's identity. */
export type AuthNeed = 'none' | 'user' | 'user-and-role';

/** Path of an STU3 resource/operation below the base URL, e.g. `HealthcareService/$ers.search…`. */
export function stu3Path(flavour: Flavour, path: string): string {
  return flavour === 'legacy' ? `STU3/v1/${path}` : `STU3/${path}`;
}

export function sessionPath(sessionKey?: string): string {
  return sessionKey ? `v1/ProfessionalSession/${encodeURIComponent(sessionKey)}` : 'v1/ProfessionalSession';
}

export function authHeaders(
  flavour: Flavour,
  need: AuthNeed,
  credentials: ErsCredentials,
  options: { asid?: string; correlationId: string },
): Record<string, string> {
  if (flavour === 'legacy') {
    const headers: Record<string, string> = {};
    if (options.asid) headers.XAPI_ASID = options.asid;
    if (need !== 'none' && credentials.sessionKey) headers.HTTP_X_SESSION_KEY = credentials.sessionKey;
    return headers;
  }
  const headers: Record<string, string> = { 'X-Correlation-ID': options.correlationId };
  if (need !== 'none' && credentials.accessToken) headers.Authorization = `Bearer ${credentials.accessToken}`;
  if (need === 'user-and-role') {
    if (credentials.businessFunction) headers['NHSD-eRS-Business-Function'] = credentials.businessFunction;
    if (credentials.ods) headers['NHSD-End-User-Organisation-ODS'] = credentials.ods;
  }
  return headers;
}

/** Upload metadata headers: same meaning, different names per flavour. */
/** Without a UBRN (a file for an A&G request not created yet) the referral header is left out. */
export function uploadHeaders(flavour: Flavour, fileName: string, ubrn?: string): Record<string, string> {
  if (flavour === 'legacy') return { 'X-ERS-XAPI-META-FILE_NAME': fileName, ...(ubrn ? { 'X-ERS-XAPI-META-INTENDED_UBRN': ubrn } : {}) };
  return { 'NHSD-eRS-File-Name': fileName, ...(ubrn ? { 'NHSD-eRS-Referral-ID': ubrn } : {}) };
}

/** The e-RS transaction id of a response, whichever flavour answered. */
export function requestIdOf(headers: Headers): string | undefined {
  return headers.get('X-Request-ID') ?? headers.get('X_ERS_TRANSACTION_ID') ?? undefined;
}
