// A&G requests the provider converted into referrals (ADVICE_CONVERTED: the same UBRN is now a
// referral, packages/ers-contract/docs/referral-lifecycle.md) join the referral tracking. The new
// referral waits at the provider (TRIAGED_PROVIDER_TO_ACTION), which is on none of the four referrer
// worklists (A008), so the user would not see it until its state changes. This user's own converted
// requests are therefore shown from their A&G list (IndexedDB, bound to the user) until e-RS lists
// the UBRN on a worklist once; from then on it is followed there, like any referral. Pure functions.
import type { AdviceRecord } from '../advice/model';

export interface ConvertedReferral {
  ubrn: string;
  nhsNumber: string;
  /** The patient's name as the page showed it when the request was started. */
  displayName: string;
  /** The A&G service that converted it. */
  service?: string;
  /** When this browser first saw it converted (ms). */
  convertedAt: number;
}

const isConverted = (r: AdviceRecord): boolean => r.phase === 'sent' && !!r.ubrn && r.tracking?.status === 'ADVICE_CONVERTED';

/** This user's converted requests that no worklist has listed yet, newest first. */
export function convertedToShow(records: readonly AdviceRecord[]): ConvertedReferral[] {
  return records
    .filter((r) => isConverted(r) && r.listedAt === undefined)
    .map((r) => ({
      ubrn: r.ubrn!,
      nhsNumber: r.patient.nhsNumber,
      displayName: r.patient.displayName,
      service: r.service?.name,
      convertedAt: r.tracking?.lastPolledAt ?? r.updatedAt,
    }))
    .sort((a, b) => b.convertedAt - a.convertedAt);
}

/** Converted requests e-RS now lists on a worklist (`listed`: UBRNs on any list): marked `listedAt`. */
export function newlyListed(records: readonly AdviceRecord[], listed: ReadonlySet<string>, now: number): AdviceRecord[] {
  return records.filter((r) => isConverted(r) && r.listedAt === undefined && listed.has(r.ubrn!)).map((r) => ({ ...r, listedAt: now }));
}

/** The converted referrals to show beside the lists: none that a list shows already (one row per referral). */
export function notOnLists(converted: readonly ConvertedReferral[], listed: ReadonlySet<string>): ConvertedReferral[] {
  return converted.filter((c) => !listed.has(c.ubrn));
}
