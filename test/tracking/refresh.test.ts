// Worklist refresh against a real simulator with a controlled clock: at most one fetch per list per
// interval however often it is asked, a 429's Retry-After respected with the cached copy kept, and
// the cache shown only to the user it was fetched for, with its age.
import { startSimulator, type RunningSimulator } from 'ers-simulator';
import { USER_IDS } from 'ers-simulator/users';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErsClient, REFERRER_WORKLISTS } from '../../utils/ers';
import { refreshDue, refreshMinutes, shownLists, stateFor, type WorklistsState } from '../../utils/tracking/refresh';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 3 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const OWNER = { userId: USER_IDS.adams, ods: 'B86001' };

function counted() {
  const token = sim.issueToken(OWNER.userId);
  const calls: string[] = [];
  const client = new ErsClient({
    flavour: 'platform',
    baseUrl: `${sim.url}/referrals/FHIR`,
    credentials: () => ({ accessToken: token, businessFunction: 'REFERRING_CLINICIAN', ods: OWNER.ods }),
    onRequest: (e) => calls.push(`${e.operation}:${e.status}`),
  });
  return { client, calls };
}

describe('worklist refresh', () => {
  it('fetches each list at most once per interval: ticks every minute for an hour give 4 per list at the default', async () => {
    const { client, calls } = counted();
    let t = Date.parse('2026-12-01T09:00:00Z');
    let state = stateFor(undefined, OWNER);
    const interval = refreshMinutes(undefined);
    for (let minute = 0; minute < 60; minute++, t += 60_000) {
      // sign-in, the alarm and the panel opening all ask; only due lists are fetched
      for (let asks = 0; asks < 3; asks++) state = await refreshDue(client, state, { now: () => t, intervalMinutes: interval, save: () => undefined });
    }
    expect(interval).toBe(15);
    expect(calls.filter((c) => c === 'A008:200').length).toBe(4 * REFERRER_WORKLISTS.length);
    expect(calls.filter((c) => c !== 'A008:200')).toEqual([]);
  });

  it('respects a 429 Retry-After and keeps showing the last good copy with its age', async () => {
    const { client, calls } = counted();
    let t = Date.parse('2026-12-01T09:00:00Z');
    const run = async (s: WorklistsState) => refreshDue(client, s, { now: () => t, intervalMinutes: 15, save: () => undefined });
    let state = await run(stateFor(undefined, OWNER));
    await fetch(`${sim.url}/_admin/faults`, {
      method: 'POST',
      body: JSON.stringify({ route: 'A008', kind: 'status', status: 429, count: 1, retryAfterSeconds: 1200 }),
    });
    t += 15 * 60_000;
    state = await run(state);
    const limited = REFERRER_WORKLISTS.filter((l) => state.lists[l]?.notBefore !== undefined);
    expect(limited).toHaveLength(1);
    const shown = shownLists(state, OWNER, t)[limited[0]]!;
    expect(shown).toMatchObject({ ageMinutes: 15 });
    expect(shown.error).toBeTruthy();
    const before = calls.length;
    t += 15 * 60_000; // the interval has passed, the Retry-After (20 minutes from the 429) not yet
    state = await run(state);
    expect(calls.length - before).toBe(REFERRER_WORKLISTS.length - 1);
    t += 6 * 60_000; // past the Retry-After: only the held-back list is due
    state = await run(state);
    expect(calls.length - before).toBe(REFERRER_WORKLISTS.length);
  });

  it('never shows one user the lists fetched for another', async () => {
    const { client } = counted();
    const t = Date.parse('2026-12-01T09:00:00Z');
    const state = await refreshDue(client, stateFor(undefined, OWNER), { now: () => t, intervalMinutes: 15, save: () => undefined });
    expect(Object.keys(shownLists(state, OWNER, t))).toHaveLength(4);
    expect(shownLists(state, { userId: USER_IDS.baker, ods: 'B86001' }, t)).toEqual({});
    expect(shownLists(state, { ...OWNER, ods: 'R68' }, t)).toEqual({});
    expect(stateFor(state, { userId: USER_IDS.baker, ods: 'B86001' }).lists).toEqual({});
  });
});
