// The relay's answers when it refuses: an HTTP status, an OAuth-style error code, a plain-English
// description for the person signing in, and a reason for the logs and metrics.

export type RelayErrorCode =
  | 'invalid_request'
  | 'invalid_grant'
  | 'invalid_dpop_proof'
  | 'unauthorized_client'
  | 'invalid_client'
  | 'rate_limited'
  | 'temporarily_unavailable'
  | 'upstream_error'
  | 'not_found'
  | 'server_error';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: RelayErrorCode,
    readonly description: string,
    readonly headers: Record<string, string> = {},
    /** Why, for logs and metrics (a fixed word, never request data). Defaults to the code. */
    readonly reason: string = code,
  ) {
    super(description);
    this.name = 'HttpError';
  }
}

export const MESSAGES = {
  originRefused: 'This extension is not allowed to use this sign-in relay. Ask your IT team to add its extension id to RELAY_ALLOWED_ORIGINS.',
  redirectRefused: 'The redirect_uri is not one this relay allows. Ask your IT team to check RELAY_ALLOWED_REDIRECT_URIS.',
  badGrant: 'The sign-in code is invalid, has expired or was already used, or the PKCE verifier does not match it. Please sign in again.',
  badRefresh: 'Your session has expired or was ended. Please sign in again.',
  verifierMissing: 'The PKCE code_verifier is missing. Please sign in again.',
  verifierMalformed: 'The PKCE code_verifier is not valid (RFC 7636: 43–128 characters). Please sign in again.',
  clientRefused:
    "The NHS login service refused this organisation's relay credentials (client id or secret). Sign-in cannot work until your IT team fixes the relay configuration.",
  rateLimited: 'Too many sign-in attempts. Please wait a moment and try again.',
  busy: 'The sign-in relay is busy. Please try again in a minute.',
  notBound: 'This session belongs to another browser profile or installation and cannot be renewed here. Please sign in again.',
  refreshUnreadable: "Your session can no longer be renewed (it expired, or the relay's keys changed). Please sign in again.",
  upstream5xx: 'The NHS login service is unavailable at the moment. Please try again later.',
  upstreamUnreachable: 'The sign-in relay could not reach the NHS login service. Please try again later; if it persists, tell your IT team.',
  upstreamTimeout: 'The NHS login service did not answer in time. Please try again later.',
  upstreamOdd: 'The NHS login service gave an answer the relay did not understand. Please try again later; if it persists, tell your IT team.',
} as const;
