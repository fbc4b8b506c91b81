// When to fetch each referrer worklist, and the cache the lists are shown from: at most one fetch
// per list per interval whatever asks (sign-in, the alarm, the panel opening), a 429's Retry-After
// respected, failures keeping the last good copy, and every copy bound to the user it was fetched
// for. The decisions are pure; `refreshDue` runs them with the e-RS client (no extension APIs).
import { REFERRER_WORKLISTS, type ReferrerWorklist } from 'ers-contract';
import type { ErsClient } from '../ers/client';
import { ErsError } from '../ers/errors';
import type { WorklistItem } from '../ers/parse';

/** Default minutes between fetches of one list (4 per list per hour). Settings or policy may change it. */
export const DEFAULT_REFRESH_MINUTES = 15;
export const MIN_REFRESH_MINUTES = 5;
export const MAX_REFRESH_MINUTES = 240;

export interface ListCache {
  items: WorklistItem[];
  /** When these items were fetched (ms). */
  fetchedAt: number;
}

export interface ListState {
  cache?: ListCache;
  /** When the last fetch was started (ms): the once-per-interval rule counts attempts, not successes. */
  attemptedAt?: number;
  /** Not before this time (ms): a 429's Retry-After. */
  notBefore?: number;
  /** Plain-English reason of the last failure, kept until the next success. */
  lastError?: string;
}

export interface WorklistsState {
  /** SDS user id and ODS code the lists belong to. Another user never sees them. */
  owner: { userId: string; ods: string };
  lists: Partial<Record<ReferrerWorklist, ListState>>;
}

/** The interval in minutes: a setting or policy value, clamped to a sane range; the default otherwise. */
export function refreshMinutes(value: unknown): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : DEFAULT_REFRESH_MINUTES;
  return Math.min(MAX_REFRESH_MINUTES, Math.max(MIN_REFRESH_MINUTES, n));
}

/** A fresh state for this user, or the existing one when it is already theirs (never another user's lists). */
export function stateFor(existing: WorklistsState | undefined, owner: WorklistsState['owner']): WorklistsState {
  if (existing && existing.owner.userId === owner.userId && existing.owner.ods === owner.ods) return existing;
  return { owner, lists: {} };
}

/**
 * The lists due now: not attempted within the interval, and not held back by a Retry-After. `force`:
 * lists a change made here has just made stale (a referral cancelled or booked), fetched whatever the
 * interval, but never against a Retry-After.
 */
export function listsDue(state: WorklistsState, now: number, intervalMinutes: number, force: readonly ReferrerWorklist[] = []): ReferrerWorklist[] {
  const interval = intervalMinutes * 60_000;
  return REFERRER_WORKLISTS.filter((list) => {
    const s = state.lists[list];
    if (!s) return true;
    if (s.notBefore !== undefined && now < s.notBefore) return false;
    if (force.includes(list)) return true;
    // A small tolerance so an alarm firing a little early still counts as the next interval.
    return s.attemptedAt === undefined || now - s.attemptedAt >= interval - 5_000;
  });
}

/** Marks a fetch as started (before it is sent, so a second caller meanwhile does not send another). */
export function markAttempt(state: WorklistsState, list: ReferrerWorklist, now: number): WorklistsState {
  return { ...state, lists: { ...state.lists, [list]: { ...state.lists[list], attemptedAt: now } } };
}

/** Records a fetch's outcome: new items, or the error with the last good copy kept. */
export function recordResult(
  state: WorklistsState,
  list: ReferrerWorklist,
  now: number,
  result: { items: WorklistItem[] } | { error: unknown },
): WorklistsState {
  const prev = state.lists[list] ?? {};
  let next: ListState;
  if ('items' in result) next = { attemptedAt: prev.attemptedAt ?? now, cache: { items: result.items, fetchedAt: now } };
  else {
    const e = result.error;
    const retryAfter = e instanceof ErsError && e.status === 429 ? e.retryAfterSeconds : undefined;
    next = {
      ...prev,
      notBefore: retryAfter !== undefined ? now + retryAfter * 1000 : prev.notBefore,
      lastError: e instanceof ErsError ? e.message : 'The worklist could not be read.',
    };
  }
  return { ...state, lists: { ...state.lists, [list]: next } };
}

/**
 * Takes a referral off the cached copies of `lists` at once, after a change made here that e-RS
 * confirmed (cancelled: off every list; booked: off awaiting booking). Returns the lists it was on,
 * to fetch again; the next fetch of a list replaces its copy with what e-RS holds.
 */
export function dropReferral(state: WorklistsState, ubrn: string, lists: readonly ReferrerWorklist[]): { state: WorklistsState; from: ReferrerWorklist[] } {
  const from: ReferrerWorklist[] = [];
  const next = { ...state.lists };
  for (const list of lists) {
    const s = next[list];
    if (!s?.cache?.items.some((i) => i.ubrn === ubrn)) continue;
    from.push(list);
    next[list] = { ...s, cache: { ...s.cache, items: s.cache.items.filter((i) => i.ubrn !== ubrn) } };
  }
  return { state: from.length ? { ...state, lists: next } : state, from };
}

export interface ShownList {
  items: WorklistItem[];
  /** Minutes since these items were fetched; undefined when never fetched. */
  ageMinutes?: number;
  /** When they were fetched (ms): a local entry created after it could not be listed yet (utils/tracking/letters.ts). */
  fetchedAt?: number;
  error?: string;
}

/** What is shown for each list: the cached items with their age (offline or signed out too). */
export function shownLists(
  state: WorklistsState | undefined,
  owner: WorklistsState['owner'] | undefined,
  now: number,
): Partial<Record<ReferrerWorklist, ShownList>> {
  if (!state || !owner || state.owner.userId !== owner.userId || state.owner.ods !== owner.ods) return {};
  const out: Partial<Record<ReferrerWorklist, ShownList>> = {};
  for (const list of REFERRER_WORKLISTS) {
    const s = state.lists[list];
    if (!s) continue;
    out[list] = {
      items: s.cache?.items ?? [],
      ageMinutes: s.cache ? Math.floor((now - s.cache.fetchedAt) / 60_000) : undefined,
      fetchedAt: s.cache?.fetchedAt,
      error: s.lastError,
    };
  }
  return out;
}

/**
 * Fetches the lists that are due, one after another. `save` is called before each request (the
 * attempt) and after it (the result), so a stopped worker neither loses a result nor fetches twice.
 * The client itself does not retry a 429 here beyond its own short Retry-After; a long one is kept.
 */
export async function refreshDue(
  client: Pick<ErsClient, 'fetchWorklist'>,
  initial: WorklistsState,
  opts: { now: () => number; intervalMinutes: number; save: (s: WorklistsState) => Promise<void> | void; force?: readonly ReferrerWorklist[] },
): Promise<WorklistsState> {
  let state = initial;
  for (const list of listsDue(state, opts.now(), opts.intervalMinutes, opts.force)) {
    state = markAttempt(state, list, opts.now());
    await opts.save(state);
    let result: { items: WorklistItem[] } | { error: unknown };
    try {
      result = { items: await client.fetchWorklist(list) };
    } catch (error) {
      result = { error };
    }
    state = recordResult(state, list, opts.now(), result);
    await opts.save(state);
  }
  return state;
}
