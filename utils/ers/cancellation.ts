// A036's cancellation reasons and comment rules, without schemas: the side panel checks the form
// with the same rules the e-RS client enforces before sending (utils/ers/client.ts cancelReferral).
import type { RuleViolation } from './rules';

export const MAX_CANCELLATION_COMMENT = 2000;

/** A referral-cancellation reason a referrer may offer (A004 REFERRAL-CANCELLATION-REASON, filtered). */
export interface CancellationReason {
  /** The code system's `url` (an environment URL): sent back as the coding's system. */
  system: string;
  code: string;
  display: string;
  commentIsMandatory: boolean;
  canCancelAppointment: boolean;
}

/** The comment rules, checked before sending: mandatory for some reasons, at most 2000 characters. */
export function checkCancellation(reason: Pick<CancellationReason, 'code' | 'display' | 'commentIsMandatory'>, comment: string | undefined): RuleViolation[] {
  const text = comment?.trim() ?? '';
  if (reason.commentIsMandatory && !text) return [{ code: 'MISSING_VALUE', diagnostics: `A comment is required when the reason is "${reason.display}".` }];
  if (text.length > MAX_CANCELLATION_COMMENT)
    return [{ code: 'INVALID_VALUE', diagnostics: `The comment is ${text.length} characters; at most ${MAX_CANCELLATION_COMMENT} are allowed.` }];
  return [];
}
