// Changing the services of a created referral (A031) from the panel, so that it can be booked again.
// A031 is not idempotent (each one bumps the referral's version) and a gateway may forward it and
// then lose the answer, so it is sent once: a failure that is not e-RS's own refusal is settled by
// reading the referral back (A005) and comparing its shortlist, never by sending it again.
import type { ErsClient, SearchResult } from '../ers/client';
import { changeShortlist } from '../ers/booking-client';
import { ErsError } from '../ers/errors';
import { classifyChangeFailure } from '../ers/outcome';
import type { ReferralSummary } from '../ers/parse';

export type ShortlistChangeResult =
  | { outcome: 'changed'; referral: ReferralSummary; notice?: string }
  /** e-RS refused, or reading back showed nothing changed: the user may choose again. */
  | { outcome: 'not-changed'; message: string }
  /** The answer was lost and e-RS could not be read: nothing more is sent until the user checks. */
  | { outcome: 'unknown'; message: string };

/** The chosen services, each from the search the panel showed; or why they cannot be sent. */
export function chooseServices(found: SearchResult | undefined, serviceIds: readonly string[]): SearchResult['services'] | string {
  if (!found) return 'Search for the services again: the search shown is no longer known.';
  if (serviceIds.length === 0) return 'Add at least one service.';
  if (new Set(serviceIds).size !== serviceIds.length) return 'A service is chosen twice.';
  const chosen = serviceIds.map((id) => found.services.find((s) => s.id === id));
  if (chosen.some((s) => !s)) return 'A service chosen is not in the search results. Search again.';
  // A triage service needs the triage request (A016 for triage), which is not sent from here.
  if (chosen.some((s) => s!.isTriage)) return 'A triage (assessment) service cannot be chosen here: change to one in e-RS.';
  return chosen as SearchResult['services'];
}

/** Does e-RS now hold exactly these services, in any order? */
export function holdsServices(referral: Pick<ReferralSummary, 'shortlist'>, serviceIds: readonly string[]): boolean {
  const held = new Set(referral.shortlist.map((s) => s.id));
  return held.size === serviceIds.length && serviceIds.every((id) => held.has(id));
}

export const CHANGED_AFTER_ALL = 'e-RS did not answer, but reading the referral back shows the services were changed.';

/** A031 once, with the search's criteria and the referral's current ETag (read just before). */
export async function changeShortlistOnce(
  client: ErsClient,
  before: Pick<ReferralSummary, 'ubrn' | 'etag' | 'version'>,
  found: SearchResult,
  chosen: SearchResult['services'],
): Promise<ShortlistChangeResult> {
  const ids = chosen.map((s) => s.id);
  try {
    const referral = await changeShortlist(client, { ubrn: before.ubrn, etag: before.etag, criteria: found.criteria, shortlist: chosen });
    return { outcome: 'changed', referral };
  } catch (error) {
    if (classifyChangeFailure(error) === 'refused') {
      return { outcome: 'not-changed', message: error instanceof ErsError ? error.message : 'e-RS refused to change the services.' };
    }
  }
  try {
    const now = await client.getReferral(before.ubrn);
    if (now.version !== before.version && holdsServices(now, ids)) return { outcome: 'changed', referral: now, notice: CHANGED_AFTER_ALL };
    return { outcome: 'not-changed', message: 'e-RS did not answer, and reading the referral back shows the services were not changed. Try again.' };
  } catch {
    return {
      outcome: 'unknown',
      message: 'e-RS did not confirm the change and could not be read. Read the referral again before choosing the services again.',
    };
  }
}
