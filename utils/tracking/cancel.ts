// Cancelling a referral at most once. A036 is a one-way end state: a failure that is not a proven
// refusal (a gateway 502/504, a timeout, a lost connection) may have cancelled it, so it is never sent
// again automatically; the referral is read back (A005) and the user is told what e-RS now holds.
import type { ErsClient } from '../ers/client';
import { ErsError } from '../ers/errors';
import type { CancellationReason } from '../ers/lifecycle';
import { classifyChangeFailure } from '../ers/outcome';
import type { ReferralSummary } from '../ers/parse';

export type CancelResult =
  | { outcome: 'cancelled'; referral: ReferralSummary }
  /** e-RS refused: nothing changed; its reason in plain English. */
  | { outcome: 'refused'; message: string; code?: string }
  /** The answer was lost and reading back showed it was not cancelled: the user may try again. */
  | { outcome: 'not-cancelled'; referral: ReferralSummary }
  /** The answer was lost and e-RS could not be read either: the user must check before trying again. */
  | { outcome: 'unknown'; message: string };

export async function cancelAtMostOnce(
  client: Pick<ErsClient, 'cancelReferral' | 'getReferral'>,
  input: { ubrn: string; etag: string; reason: CancellationReason; comment?: string },
): Promise<CancelResult> {
  try {
    return { outcome: 'cancelled', referral: await client.cancelReferral(input) };
  } catch (error) {
    if (classifyChangeFailure(error) === 'refused') {
      return { outcome: 'refused', message: (error as Error).message, code: error instanceof ErsError ? error.code : undefined };
    }
  }
  try {
    const referral = await client.getReferral(input.ubrn);
    return referral.state === 'CANCELLED_REFERRAL' ? { outcome: 'cancelled', referral } : { outcome: 'not-cancelled', referral };
  } catch {
    return {
      outcome: 'unknown',
      message: 'e-RS did not confirm the cancellation and could not be read. Check the referral in e-RS before trying again.',
    };
  }
}
