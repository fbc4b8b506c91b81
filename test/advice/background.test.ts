// The background's A&G polling and file handlers against a real simulator, with a session restored as
// the worker would find it and the alarm fired by hand on a test clock: the interval comes from the
// effective settings on every round (a changed setting applies at once, NHS IT's policy wins over
// the user's), e-RS's Retry-After holds the next read, and a provider's file is read through A042 on
// every download (its one-time address is never kept) and only when the conversation lists it.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { USER_IDS } from 'ers-simulator/users';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { registerAdvice } from '../../utils/advice/background';
import type { AdviceRecord } from '../../utils/advice/model';
import { idbAdviceStore, resetAdviceDbConnection } from '../../utils/advice/store';
import type { ErsClient } from '../../utils/ers';
import { router } from '../../utils/messages';
import { saveSettings } from '../../utils/settings/index';
import { registerTracking } from '../../utils/tracking/background';
import { fromBase64 } from '../../utils/tracking/files';
import { signInToSimulator } from '../helpers/signed-in';
import { simulatorForFile } from '../helpers/simulator-suite';
import { sentAdvice } from '../helpers/advice';

const NHS = '9434765919';
const OWNER = { userId: USER_IDS.adams, ods: 'B86001' };
const OWNER_KEY = `${OWNER.userId}@${OWNER.ods}`;
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

const sim = simulatorForFile(7, (line) => log.push(line));
let client: ErsClient;
let now = T0;
/** "METHOD /path status" of each request the simulator answered. */
const log: string[] = [];

beforeAll(async () => {
  fakeBrowser.reset();
  const signedIn = signInToSimulator(sim(), OWNER);
  client = signedIn.client;
  await signedIn.ready;
  registerAdvice(() => now);
  registerTracking();
});

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  resetAdviceDbConnection();
  await fakeBrowser.storage.local.clear();
  await fakeBrowser.storage.managed.clear();
  await fakeBrowser.storage.session.clear();
  now = T0;
  log.length = 0;
});

/** A request sent to the simulator, kept in this user's list as the send machine leaves it. */
async function sent(id: string, conversion: 'AUTHORISED_TO_CONVERT' | 'NOT_AUTHORISED_TO_CONVERT' = 'NOT_AUTHORISED_TO_CONVERT'): Promise<AdviceRecord> {
  const record = await sentAdvice(client, { id, owner: OWNER_KEY, request: 'Palpitations?', conversion, at: T0 });
  await idbAdviceStore.put(record);
  return record;
}

const respond = (ubrn: string, body: object) =>
  fetch(`${sim().url}/_admin/advice/${ubrn}/respond`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** Fires the polling alarm at `at` and waits for its round to finish. */
async function alarmAt(at: number): Promise<void> {
  now = at;
  await fakeBrowser.alarms.onAlarm.trigger({ name: 'advice-poll', scheduledTime: at, persistAcrossSessions: true });
}

const a024Reads = () => log.filter((l) => /^GET \/referrals\/FHIR\/STU3\/CommunicationRequest\/\d{12} /.test(l)).length;
const statusOf = async (id: string) => (await idbAdviceStore.get(id))?.tracking?.status;

const panel = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/sidepanel.html'), origin: fakeBrowser.runtime.getURL('/').replace(/\/$/, '') };
const send = (message: Record<string, unknown>) => router.handle(message, panel as never) as Promise<{ ok: boolean; data?: any; error?: { message: string } }>;

describe('A&G polling in the background', () => {
  it('the polling alarm exists once the background has started', async () => {
    expect(await fakeBrowser.alarms.get('advice-poll')).toMatchObject({ periodInMinutes: 1 });
  });

  it("reads at the user's interval, and a changed setting applies at the next alarm", async () => {
    await saveSettings({ adviceCheckMinutes: 60 });
    const r = await sent('req-a');
    await alarmAt(T0);
    expect(a024Reads()).toBe(1);
    await respond(r.ubrn!, { text: 'Start bisoprolol.', outcome: 'advice' });
    // 20 minutes on: not due at 60 (the default of 15 would have read it).
    await alarmAt(T0 + 20 * MINUTE);
    expect(a024Reads()).toBe(1);
    expect(await statusOf('req-a')).toBe('PROVIDER_RESPONSE_REQUIRED');
    // The user shortens the interval: the very next alarm reads it (not 60 minutes after the last read).
    await saveSettings({ adviceCheckMinutes: 5 });
    await alarmAt(T0 + 21 * MINUTE);
    expect(a024Reads()).toBe(2);
    expect(await statusOf('req-a')).toBe('REFERRER_TO_REVIEW_RESPONSE');
    expect((await send({ type: 'advice/list' })).data.replies).toBe(1);
    // Found by the alarm with the panel closed: the toolbar says so.
    expect(await fakeBrowser.action.getTitle({})).toBe('e-RS Referral Assistant: 1 advice reply waiting');
  });

  it("NHS IT's policy interval wins over the user's", async () => {
    await saveSettings({ adviceCheckMinutes: 5 });
    await fakeBrowser.storage.managed.set({ adviceCheckMinutes: 120 });
    await sent('req-a');
    await alarmAt(T0);
    expect(a024Reads()).toBe(1);
    await alarmAt(T0 + 30 * MINUTE);
    expect(a024Reads()).toBe(1);
    await alarmAt(T0 + 119 * MINUTE);
    expect(a024Reads()).toBe(1);
    await alarmAt(T0 + 120 * MINUTE);
    expect(a024Reads()).toBe(2);
  });

  it("a 429's Retry-After holds every read, the user's check included, until it has passed", async () => {
    await saveSettings({ adviceCheckMinutes: 5 });
    const r = await sent('req-a');
    sim().injectFault({ route: 'A024', kind: 'status', status: 429, retryAfterSeconds: 3600, count: 1 });
    await alarmAt(T0);
    expect((await idbAdviceStore.get('req-a'))?.tracking?.lastError).toMatchObject({ status: 429 });
    const after429 = a024Reads();
    await respond(r.ubrn!, { text: 'Start bisoprolol.', outcome: 'advice' });
    await alarmAt(T0 + 10 * MINUTE);
    await alarmAt(T0 + 59 * MINUTE);
    expect((await send({ type: 'advice/list', checkNow: true })).data.replies).toBe(0);
    expect(a024Reads()).toBe(after429);
    await alarmAt(T0 + 60 * MINUTE);
    expect(a024Reads()).toBe(after429 + 1);
    expect(await statusOf('req-a')).toBe('REFERRER_TO_REVIEW_RESPONSE');
  });
});

describe("the provider's file", () => {
  const PDF = Buffer.from('%PDF-1.4\nProvider guidance\n%%EOF\n');

  it('is listed in the conversation and read through A042 on every download, never from a kept address', async () => {
    const r = await sent('req-a');
    const bad = await respond(r.ubrn!, { text: 'Plan.', outcome: 'advice', file: { fileName: 'x.pdf', base64: 'not base64!' } });
    expect([bad.status, await bad.json()]).toEqual([400, { error: 'file.base64 must be the file in base64' }]);
    const reply = await respond(r.ubrn!, {
      text: 'See the attached plan.',
      outcome: 'more-information',
      file: { fileName: 'Cardiology_plan.pdf', contentType: 'application/pdf', base64: PDF.toString('base64') },
    });
    expect(reply.status).toBe(200);
    const conversation = await send({ type: 'advice/conversation', id: 'req-a' });
    expect(conversation.ok, conversation.error?.message).toBe(true);
    const fromProvider = conversation.data.messages.find((m: { sentBy: string }) => m.sentBy === 'RESPONDER');
    expect(fromProvider.attachments).toEqual([expect.objectContaining({ title: 'Cardiology_plan.pdf', contentType: 'application/pdf' })]);
    const url = fromProvider.attachments[0].url as string;
    for (let i = 0; i < 2; i++) {
      const file = await send({ type: 'advice/attachment', id: 'req-a', url });
      expect(file.ok, file.error?.message).toBe(true);
      expect(file.data.fileName).toBe('Cardiology_plan.pdf');
      expect(Buffer.from(fromBase64(file.data.base64)).toString()).toBe(PDF.toString());
    }
    // Each download asked e-RS again and took a new one-time address.
    expect(log.filter((l) => l.startsWith('GET /referrals/FHIR/R4/Binary/')).length).toBe(2);
    expect(log.filter((l) => /^GET \/ObjectStore\/\S+ 200/.test(l)).length).toBe(2);
  });

  it("is refused when this request's conversation does not list it", async () => {
    const mine = await sent('req-a');
    const other = await sent('req-b');
    await respond(other.ubrn!, {
      text: 'Plan.',
      outcome: 'advice',
      file: { fileName: 'Other_plan.pdf', contentType: 'application/pdf', base64: PDF.toString('base64') },
    });
    const theirs = (await send({ type: 'advice/conversation', id: 'req-b' })).data.messages.flatMap(
      (m: { attachments: { url: string }[] }) => m.attachments,
    )[0];
    const refused = await send({ type: 'advice/attachment', id: mine.id, url: theirs.url });
    expect(refused).toMatchObject({ ok: false, error: { message: 'That file is not part of this conversation.' } });
    expect(log.filter((l) => l.startsWith('GET /referrals/FHIR/R4/Binary/'))).toEqual([]);
  });
});

describe('a request the provider converts', () => {
  it('joins the referral tracking at once, and is followed from the worklists once e-RS lists it', async () => {
    const r = await sent('req-a', 'AUTHORISED_TO_CONVERT');
    await fetch(`${sim().url}/_admin/advice/${r.ubrn}/convert`, { method: 'POST', body: '{}' });
    await alarmAt(T0);
    expect(await statusOf('req-a')).toBe('ADVICE_CONVERTED');
    // Waiting at the provider: on none of the referrer worklists, shown from this user's A&G list.
    const first = (await send({ type: 'tracking/worklists', refresh: true })).data;
    expect(Object.values(first.lists).flatMap((l: any) => l.items.map((i: { ubrn: string }) => i.ubrn))).not.toContain(r.ubrn);
    expect(first.converted).toEqual([expect.objectContaining({ ubrn: r.ubrn, nhsNumber: NHS, displayName: 'JONES, Sarah' })]);
    // The provider rejects it: e-RS lists it, and from then on it is followed there only.
    await fetch(`${sim().url}/_admin/referrals/${r.ubrn}/reject`, { method: 'POST', body: '{}' });
    await fakeBrowser.storage.session.clear();
    const second = (await send({ type: 'tracking/worklists', refresh: true })).data;
    expect(second.lists.REJECTED_TRIAGE_RESPONSE.items.map((i: { ubrn: string }) => i.ubrn)).toContain(r.ubrn);
    expect(second.converted).toEqual([]);
    expect((await idbAdviceStore.get('req-a'))?.listedAt).toEqual(expect.any(Number));
  });
});
