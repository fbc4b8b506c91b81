// The background's tracking handlers against a real simulator, with a session restored as the worker
// would find it: a file is read only when the referral lists it, the provider's response arrives as
// a PDF.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { USER_IDS } from 'ers-simulator/users';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { ErsClient } from '../../utils/ers';
import { router } from '../../utils/messages';
import { resetDbConnection } from '../../utils/referral/store';
import { registerTracking } from '../../utils/tracking/background';
import { fromBase64 } from '../../utils/tracking/files';
import { signInToSimulator } from '../helpers/signed-in';
import { simulatorForFile } from '../helpers/simulator-suite';

const NHS = '9434765919';
const OWNER = { userId: USER_IDS.adams, ods: 'B86001' };

const sim = simulatorForFile(5);
let client: ErsClient;
let registered = false;

beforeEach(async () => {
  fakeBrowser.reset();
  globalThis.indexedDB = new IDBFactory();
  resetDbConnection();
  const signedIn = signInToSimulator(sim(), OWNER);
  client = signedIn.client;
  if (!registered) registerTracking();
  registered = true;
  await signedIn.ready;
});

const panel = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/sidepanel.html'), origin: fakeBrowser.runtime.getURL('/').replace(/\/$/, '') };
const send = (message: Record<string, unknown>) => router.handle(message, panel as never) as Promise<{ ok: boolean; data?: any; error?: { message: string } }>;

async function referral(letterToFollow = false) {
  const found = await client.searchServices({ nhsNumber: NHS, criteria: { priority: 'ROUTINE', specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true } });
  return client.createReferral({
    nhsNumber: NHS,
    criteria: found.criteria,
    shortlist: [found.services.find((s) => !s.isTriage)!],
    ...(letterToFollow ? { letterIntention: 'NEED_TO_ADD_LATER' as const } : {}),
  });
}

describe('tracking handlers', () => {
  it("reads the provider's response (A007) and its file (A042), and no file the referral does not list", async () => {
    const mine = await referral();
    const other = await referral();
    await fetch(`${sim().url}/_admin/referrals/${mine.ubrn}/reject`, { method: 'POST', body: JSON.stringify({ attachResponse: true }) });
    await fetch(`${sim().url}/_admin/referrals/${other.ubrn}/reject`, { method: 'POST', body: JSON.stringify({ attachResponse: true }) });

    const summary = await send({ type: 'tracking/clinical-info', ubrn: mine.ubrn });
    expect(new TextDecoder().decode(fromBase64(summary.data.base64).subarray(0, 5))).toBe('%PDF-');

    const [own] = (await client.getReferral(mine.ubrn)).attachments;
    const [foreign] = (await client.getReferral(other.ubrn)).attachments;
    const file = await send({ type: 'tracking/attachment', ubrn: mine.ubrn, url: own!.url });
    expect(file.ok).toBe(true);
    expect(new TextDecoder().decode(fromBase64(file.data.base64).subarray(0, 5))).toBe('%PDF-');

    const refused = await send({ type: 'tracking/attachment', ubrn: mine.ubrn, url: foreign!.url });
    expect(refused).toMatchObject({ ok: false, error: { message: 'That file is not attached to this referral.' } });
  });
});
