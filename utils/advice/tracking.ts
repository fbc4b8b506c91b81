// Following the user's A&G requests by polling A024 (the API tells a referrer nothing otherwise):
// which requests are due, what each read means (a reply waiting, the conversation ended, converted
// into a referral), and when to look next — the settings' interval, or e-RS's Retry-After when it
// asked us to slow down. Pure functions plus one poll step over an injected reader.
import type { AdviceMessage, AdviceSummary } from '../ers/advice';
import { ADVICE_FINAL, REPLY_WAITING, type AdviceStatus } from '../ers/advice-codes';
import { ErsError } from '../ers/errors';
import type { AdviceRecord, AdviceTracking } from './model';

/** Default and bounds of the polling interval (settings or NHS IT policy choose within them). */
export const ADVICE_POLL_DEFAULT_MINUTES = 15;
export const ADVICE_POLL_MIN_MINUTES = 1;
export const ADVICE_POLL_MAX_MINUTES = 24 * 60;

/** How early a read may be and still count as the next interval's. */
const EARLY_MS = 5_000;

export function pollIntervalMs(minutes: number | undefined): number {
  const m = Number.isFinite(minutes) ? (minutes as number) : ADVICE_POLL_DEFAULT_MINUTES;
  return Math.min(ADVICE_POLL_MAX_MINUTES, Math.max(ADVICE_POLL_MIN_MINUTES, m)) * 60_000;
}

/** A request whose conversation goes on (a converted one is followed as a referral from then on). */
export function isTracked(record: AdviceRecord): boolean {
  return record.phase === 'sent' && !!record.ubrn && !ADVICE_FINAL.includes(record.tracking?.status as AdviceStatus);
}

/**
 * Due for an A024 read: the interval in force now (settings or policy, so a change applies at the
 * next alarm, not after the interval the last read was made with) has passed since the last read,
 * and e-RS's Retry-After (`nextPollAt`) has passed. `checkNow` (the user asked to check) skips the
 * interval, but never a wait after a failed read: a Retry-After or a failure holds every check.
 */
export function isDue(record: AdviceRecord, now: number, intervalMs: number, checkNow = false): boolean {
  if (!isTracked(record)) return false;
  const t = record.tracking;
  if (t?.nextPollAt !== undefined && now < t.nextPollAt) return false;
  if (checkNow && !t?.lastError) return true;
  // A little early still counts: the alarm that checks fires once a minute, not to the millisecond.
  return t?.lastPolledAt === undefined || now - t.lastPolledAt >= intervalMs - EARLY_MS;
}

/** The provider has answered (advice, or a request for more information) and the user has not opened it. */
export function replyWaiting(record: AdviceRecord): boolean {
  const t = record.tracking;
  if (!t || !REPLY_WAITING.includes(t.status as AdviceStatus)) return false;
  return t.seenVersion === undefined || Number(t.version) > Number(t.seenVersion);
}

/** The number on the badge: this user's requests with a reply waiting. */
export function badgeCount(records: readonly AdviceRecord[]): number {
  return records.filter((r) => r.phase === 'sent' && replyWaiting(r)).length;
}

/** The tracking after one A024 read (or its failure). */
export function afterPoll(
  previous: AdviceTracking | undefined,
  outcome: { summary: AdviceSummary } | { error: unknown },
  now: number,
  intervalMs: number,
): AdviceTracking {
  if ('summary' in outcome) {
    return {
      status: outcome.summary.status,
      version: outcome.summary.version,
      seenVersion: previous?.seenVersion,
      lastPolledAt: now,
    };
  }
  const e = outcome.error;
  const retryAfterMs = e instanceof ErsError && e.retryAfterSeconds !== undefined ? e.retryAfterSeconds * 1000 : undefined;
  return {
    status: previous?.status ?? 'PROVIDER_RESPONSE_REQUIRED',
    version: previous?.version ?? '1',
    seenVersion: previous?.seenVersion,
    lastPolledAt: now,
    // e-RS asked us to wait: never sooner than it said (the interval from `lastPolledAt` applies too).
    nextPollAt: retryAfterMs !== undefined ? now + Math.max(intervalMs, retryAfterMs) : undefined,
    lastError:
      e instanceof ErsError
        ? { step: 'A024', kind: e.kind, status: e.status, code: e.code, message: e.message }
        : { step: 'A024', kind: 'unexpected', message: 'Could not check this request; it will be checked again.' },
  };
}

/** The user opened the conversation at this version: no reply waiting until a newer one. */
export function markSeen(record: AdviceRecord): AdviceRecord {
  return record.tracking ? { ...record, tracking: { ...record.tracking, seenVersion: record.tracking.version } } : record;
}

/** Polls every due request of one user, one A024 each; returns the records that changed. */
export async function pollDue(
  records: readonly AdviceRecord[],
  read: (ubrn: string) => Promise<AdviceSummary>,
  now: number,
  intervalMs: number,
  checkNow = false,
): Promise<AdviceRecord[]> {
  const changed: AdviceRecord[] = [];
  for (const record of records) {
    if (!isDue(record, now, intervalMs, checkNow)) continue;
    let tracking: AdviceTracking;
    try {
      tracking = afterPoll(record.tracking, { summary: await read(record.ubrn!) }, now, intervalMs);
    } catch (error) {
      tracking = afterPoll(record.tracking, { error }, now, intervalMs);
      changed.push({ ...record, tracking, updatedAt: now });
      // e-RS asked us to slow down: the other requests wait for the next round.
      if (error instanceof ErsError && (error.status === 429 || error.retryAfterSeconds !== undefined)) break;
      continue;
    }
    changed.push({ ...record, tracking, updatedAt: now });
  }
  return changed;
}

/** Whether `url` (`Binary/<id>`) is a file of this request or of a message in its conversation. */
export function listsFile(summary: Pick<AdviceSummary, 'attachments'>, messages: readonly Pick<AdviceMessage, 'attachments'>[], url: string): boolean {
  return [summary, ...messages].some((m) => m.attachments.some((a) => a.url === url));
}
