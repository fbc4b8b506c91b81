// Following A&G requests: the badge counts replies the user has not opened, polling respects the
// interval and e-RS's Retry-After, a 429 stops the round, ended requests stop being polled, and a
// converted request is handed to the referral tracking. Reads go to the real simulator.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from 'ers-simulator';
import { USER_IDS } from 'ers-simulator/users';
import { ErsClient } from '../../utils/ers';
import { getAdvice } from '../../utils/ers/advice';
import type { AdviceRecord } from '../../utils/advice/model';
import { convertedToShow } from '../../utils/tracking/converted';
import { badgeCount, isDue, markSeen, pollDue, pollIntervalMs, replyWaiting } from '../../utils/advice/tracking';
import { sentAdvice } from '../helpers/advice';

let sim: RunningSimulator;
let client: ErsClient;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 3 });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.reset();
  const token = sim.issueToken(USER_IDS.adams);
  client = new ErsClient({
    flavour: 'platform',
    baseUrl: `${sim.url}/referrals/FHIR`,
    credentials: () => ({ accessToken: token, businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001' }),
    retry: { limit: 0 },
  });
});

const _NHS = '9434765919';
const admin = (path: string, body: object = {}) =>
  fetch(`${sim.url}/_admin/advice${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

async function sentRecord(id: string): Promise<AdviceRecord> {
  return sentAdvice(client, { id, owner: 'u@o', request: 'q', conversion: 'AUTHORISED_TO_CONVERT', at: 0 });
}

const read = (ubrn: string) => getAdvice(client, ubrn);

describe('tracking A&G requests', () => {
  it('a reply raises the badge until the user opens it; a request for more information counts too', async () => {
    let records = [await sentRecord('a'), await sentRecord('b')];
    const interval = pollIntervalMs(15);
    records = await pollDue(records, read, 1_000, interval);
    expect(badgeCount(records)).toBe(0);

    await admin(`/${records[0].ubrn}/respond`, { text: 'Advice.' });
    await admin(`/${records[1].ubrn}/respond`, { text: 'More please.', outcome: 'more-information' });
    // Not due yet: nothing is read before the interval has passed.
    expect(await pollDue(records, read, 2_000, interval)).toEqual([]);
    records = await pollDue(records, read, 1_000 + interval, interval);
    expect(records.map((r) => r.tracking?.status)).toEqual(['REFERRER_TO_REVIEW_RESPONSE', 'REFERRER_TO_SUBMIT_FURTHER_INFORMATION']);
    expect(badgeCount(records)).toBe(2);
    const opened = markSeen(records[0]);
    expect(replyWaiting(opened)).toBe(false);
    expect(badgeCount([opened, records[1]])).toBe(1);
  });

  it('Retry-After is respected and a 429 ends the round', async () => {
    const records = [await sentRecord('a'), await sentRecord('b')];
    sim.injectFault({ route: 'A024', kind: 'status', status: 429, retryAfterSeconds: 3600, count: 1 });
    const changed = await pollDue(records, read, 0, 60_000);
    expect(changed).toHaveLength(1);
    expect(changed[0].tracking).toMatchObject({ nextPollAt: 3_600_000, lastError: { status: 429 } });
    expect(isDue(changed[0], 120_000, 60_000)).toBe(false);
    // The user's "check now" does not override e-RS's Retry-After either.
    expect(isDue(changed[0], 120_000, 60_000, true)).toBe(false);
    expect(await pollDue(changed, read, 120_000, 60_000, true)).toEqual([]);
    expect(isDue(changed[0], 3_600_000, 60_000)).toBe(true);
    expect(isDue(records[1], 0, 60_000)).toBe(true);
  });

  it('ended requests are not polled; converted ones join the referral tracking', async () => {
    let records = [await sentRecord('a'), await sentRecord('b')];
    await admin(`/${records[0].ubrn}/convert`);
    await admin(`/${records[1].ubrn}/close`);
    records = await pollDue(records, read, 0, 60_000);
    expect(records.map((r) => r.tracking?.status)).toEqual(['ADVICE_CONVERTED', 'CONVERSATION_ENDED_CLOSED']);
    expect(records.every((r) => !isDue(r, Number.MAX_SAFE_INTEGER, 60_000))).toBe(true);
    expect(convertedToShow(records).map((c) => c.ubrn)).toEqual([records[0].ubrn]);
    expect(await client.getReferral(records[0].ubrn!)).toMatchObject({ state: 'TRIAGED_PROVIDER_TO_ACTION' });
  });

  it('checking now reads before the interval has passed', async () => {
    let records = [await sentRecord('a')];
    records = await pollDue(records, read, 1_000, pollIntervalMs(15));
    await admin(`/${records[0].ubrn}/respond`, { text: 'Advice.' });
    expect(await pollDue(records, read, 2_000, pollIntervalMs(15))).toEqual([]);
    records = await pollDue(records, read, 2_000, pollIntervalMs(15), true);
    expect(records.map((r) => r.tracking?.status)).toEqual(['REFERRER_TO_REVIEW_RESPONSE']);
    expect(badgeCount(records)).toBe(1);
  });

  it('the interval stays within its bounds', () => {
    expect(pollIntervalMs(undefined)).toBe(15 * 60_000);
    expect(pollIntervalMs(0)).toBe(60_000);
    expect(pollIntervalMs(10_000)).toBe(24 * 60 * 60_000);
  });
});
