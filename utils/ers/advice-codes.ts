// The A&G codes and limits, apart from utils/ers/advice.ts so that the side panel can use them
// without loading the client's zod schemas.

/** The opening message of an A&G request: at most this many characters (A044 `request`). */
export const MAX_ADVICE_REQUEST_CHARS = 8000;

export const CONVERSION_AUTHORISATIONS = ['AUTHORISED_TO_CONVERT', 'NOT_AUTHORISED_TO_CONVERT'] as const;
export type ConversionAuthorisation = (typeof CONVERSION_AUTHORISATIONS)[number];

/** A024 `category`: where the conversation stands. */
export const ADVICE_STATUSES = [
  'PROVIDER_RESPONSE_REQUIRED',
  'REFERRER_TO_SUBMIT_FURTHER_INFORMATION',
  'REFERRER_TO_REVIEW_RESPONSE',
  'CONVERSATION_ENDED_CANCELLED',
  'CONVERSATION_ENDED_CLOSED',
  'ADVICE_CONVERTED',
] as const;
export type AdviceStatus = (typeof ADVICE_STATUSES)[number];

/** Statuses in which the provider has answered and the referrer has something to read or do. */
export const REPLY_WAITING: readonly AdviceStatus[] = ['REFERRER_TO_SUBMIT_FURTHER_INFORMATION', 'REFERRER_TO_REVIEW_RESPONSE'];
/** Statuses after which nothing more happens to the A&G request itself. */
export const ADVICE_FINAL: readonly AdviceStatus[] = ['CONVERSATION_ENDED_CANCELLED', 'CONVERSATION_ENDED_CLOSED', 'ADVICE_CONVERTED'];
