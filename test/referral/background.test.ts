// The background's referral handlers with drafts in (fake) IndexedDB and a session restored from
// storage.session as the worker would find it: drafts are bound to their user, sign-out removes
// only that user's drafts still being edited, every resume path applies the submit checks, and the
// time-to-live reaches every draft.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { registerReferrals } from '../../utils/referral/background';
import { type SessionManager, sessionManager, type SessionDeps } from '../../utils/session/manager';
import type { SessionRecord } from '../../utils/session/state';
import { bindDraftToTab, recordReport } from '../../utils/patient/background';
import type { PatientContextReport } from '../../utils/patient/types';
import { router } from '../../utils/messages';
import { newDraft, ownerKey, type Draft, type SubmissionPhase } from '../../utils/referral/model';
import { getDraft, listOutstanding, purgeExpired, putDraft, putOutstanding, resetDbConnection } from '../../utils/referral/store';
import { defaultSettings } from '../../utils/settings/index';
import { USER_IDS } from 'ers-simulator/users';
import { tabStateItem } from '../../utils/storage';
import type { AdviceRecord } from '../../utils/advice/model';
import { idbAdviceStore, resetAdviceDbConnection } from '../../utils/advice/store';

const tabStateKey = (tabId: number) => tabStateItem(tabId).key;

const ADAMS = ownerKey({ userId: USER_IDS.adams, ods: 'B86001' });
const BAKER = ownerKey({ userId: USER_IDS.baker, ods: 'B86001' });
const PATIENT_A = '9434765919';
const PATIENT_B = '9912003888';
const HOST = 'http://127.0.0.1:4010';

function activeRecord(userId: string = USER_IDS.adams): SessionRecord {
  const role = { businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001' };
  return {
    status: 'active',
    flavour: 'platform',
    environment: 'simulator',
    user: { id: userId, name: 'Dr Test' },
    roles: [role],
    role,
    secrets: { accessToken: 'not-a-real-token', expiresAt: Date.now() + 3_600_000 },
    updatedAt: Date.now(),
  };
}

/** A worker that starts with this record in storage.session, with the referral handlers registered. */
async function startWorker(record: SessionRecord | undefined = activeRecord()): Promise<SessionManager> {
  let stored = record;
  let pending = false;
  const deps: SessionDeps = {
    boot: crypto.randomUUID(),
    now: () => Date.now(),
    getSettings: async () => defaultSettings('simulator'),
    load: async () => stored,
    save: async (r) => void (stored = r),
    signOutPending: { get: async () => pending, set: async (p) => void (pending = p) },
    launchWebAuthFlow: async () => undefined,
    redirectUrl: () => 'https://example.chromiumapp.org/',
    broadcast: () => undefined,
    scheduleRefresh: () => undefined,
  };
  const manager = sessionManager(deps);
  registerReferrals();
  await manager.ready;
  return manager;
}

const panel = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/sidepanel.html'), origin: fakeBrowser.runtime.getURL('/').replace(/\/$/, '') };
const send = (message: Record<string, unknown>) => router.handle(message, panel as never);

async function draftFor(owner: string, nhsNumber: string, phase: SubmissionPhase, extra: Partial<Draft> = {}): Promise<Draft> {
  const d = newDraft({
    owner,
    hostOrigin: HOST,
    sourceUrl: `${HOST}/demo/gp/`,
    patient: { nhsNumber, displayName: 'TEST, Patient' },
    ttlMs: 86_400_000,
    now: Date.now(),
  });
  d.shortlist = [{ id: '1', name: 'Service 1' } as Draft['shortlist'][number]];
  d.letterMode = 'to-follow';
  d.submission = { phase, updatedAt: Date.now(), ...(phase !== 'editing' && phase !== 'ready' ? { ubrn: '000000070000' } : {}) };
  Object.assign(d, extra);
  await putDraft(d);
  return d;
}

/** The tab shows this patient: in its last report, and when the background asks it to read now. */
async function showInTab(tabId: number, nhsNumber: string): Promise<void> {
  const report = {
    status: 'single',
    confidence: 1,
    observedAt: Date.now(),
    source: { adapterId: 'demo-gp', url: `${HOST}/demo/gp/`, title: 'GP' },
    patient: { nhsNumber, name: { family: 'TEST', given: ['Patient'] } },
  };
  await fakeBrowser.storage.session.set({ [tabStateKey(tabId)]: { tabId, updatedAt: Date.now(), report } });
  vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockImplementation(async (id: number) => (id === tabId ? report : undefined));
}

beforeEach(() => {
  fakeBrowser.reset();
  globalThis.indexedDB = new IDBFactory();
  resetDbConnection();
  resetAdviceDbConnection();
});

describe('drafts are bound to their user', () => {
  it("another user's draft is refused to resume, submit and letter completion exactly as a missing one", async () => {
    await startWorker(activeRecord(USER_IDS.adams));
    const theirs = await draftFor(BAKER, PATIENT_A, 'uploading');
    await showInTab(7, PATIENT_A);
    for (const type of ['referral/resume', 'referral/submit', 'referral/complete-letter']) {
      const reply = await send(type === 'referral/complete-letter' ? { type, draftId: theirs.id } : { type, draftId: theirs.id, tabId: 7 });
      expect(reply, type).toMatchObject({ ok: false, error: { message: expect.stringMatching(/no longer exists/) } });
    }
    expect((await getDraft(theirs.id))!.submission.phase).toBe('uploading');
  });

  it("the badge and lists count only the signed-in user's letters outstanding", async () => {
    await startWorker();
    const letter = { draftId: 'x', displayName: 'TEST, Patient', nhsNumber: PATIENT_A, priority: 'ROUTINE', createdAt: 1, deadline: 2, hostOrigin: HOST };
    await putOutstanding({ ...letter, ubrn: '000000070001', owner: ADAMS });
    await putOutstanding({ ...letter, ubrn: '000000070002', owner: BAKER });
    expect((await listOutstanding(ADAMS)).map((l) => l.ubrn)).toEqual(['000000070001']);
    expect((await listOutstanding(BAKER)).map((l) => l.ubrn)).toEqual(['000000070002']);
  });
});

describe('sign-out never destroys work e-RS holds', () => {
  it("removes only the user's drafts still being edited; in-flight ones are kept and marked, letters outstanding stay, other users are untouched", async () => {
    const manager = await startWorker();
    const editing = await draftFor(ADAMS, PATIENT_A, 'editing');
    const uploading = await draftFor(ADAMS, PATIENT_B, 'uploading');
    const toFollow = await draftFor(ADAMS, '9000000009', 'complete');
    const bakers = await draftFor(BAKER, PATIENT_A, 'editing');
    await putOutstanding({
      ubrn: '000000070000',
      owner: ADAMS,
      draftId: toFollow.id,
      displayName: 'TEST, Patient',
      nhsNumber: '9000000009',
      priority: 'URGENT',
      createdAt: 1,
      deadline: 2,
      hostOrigin: HOST,
    });
    expect(await send({ type: 'referral/sign-out-preview' })).toEqual({ ok: true, data: { editingDrafts: 1 } });

    await manager.signOut('user');

    expect(await getDraft(editing.id)).toBeUndefined();
    expect(await getDraft(uploading.id)).toMatchObject({ submission: { phase: 'uploading', ubrn: '000000070000' }, attention: { reason: 'signed-out' } });
    expect(await getDraft(toFollow.id)).toBeDefined();
    expect(await getDraft(bakers.id)).toBeDefined();
    expect(await listOutstanding(ADAMS)).toHaveLength(1);
  });

  it('the sign-out warning counts requests for advice never sent as drafts too', async () => {
    await startWorker();
    await draftFor(ADAMS, PATIENT_A, 'editing');
    const advice = (id: string, owner: string, phase: AdviceRecord['phase']): AdviceRecord => ({
      id,
      owner,
      patient: { nhsNumber: PATIENT_A, displayName: 'TEST, Patient' },
      request: 'Question',
      files: [],
      phase,
      createdAt: 1,
      updatedAt: 1,
    });
    await idbAdviceStore.put(advice('a1', ADAMS, 'editing'));
    await idbAdviceStore.put(advice('a2', ADAMS, 'sent'));
    await idbAdviceStore.put(advice('a3', BAKER, 'editing'));
    expect(await send({ type: 'referral/sign-out-preview' })).toEqual({ ok: true, data: { editingDrafts: 2 } });
  });

  it('a screen lock or idle pause removes nothing at all', async () => {
    const manager = await startWorker();
    const editing = await draftFor(ADAMS, PATIENT_A, 'editing');
    const uploading = await draftFor(ADAMS, PATIENT_B, 'uploading');
    await manager.pause('locked');
    expect(manager.current.status).toBe('expired');
    expect(await getDraft(editing.id)).toBeDefined();
    expect(await getDraft(uploading.id)).toMatchObject({ submission: { phase: 'uploading' }, attention: { reason: 'paused' } });
  });
});

describe('every resume path applies the submit checks', () => {
  it('referral/resume of a ready draft for patient B from a tab showing patient A is refused and nothing is sent', async () => {
    await startWorker();
    const draft = await draftFor(ADAMS, PATIENT_B, 'ready');
    await showInTab(7, PATIENT_A);
    const reply = await send({ type: 'referral/resume', draftId: draft.id, tabId: 7 });
    expect(reply).toMatchObject({ ok: false, error: { code: 'locked', message: expect.stringMatching(/record open now shows TEST, Patient/) } });
    expect((await getDraft(draft.id))!.submission).toMatchObject({ phase: 'ready' });
    expect((await getDraft(draft.id))!.submission.createSentAt).toBeUndefined();
  });

  it('referral/resume of a locked ready draft is refused even when the tab shows its patient', async () => {
    await startWorker();
    const draft = await draftFor(ADAMS, PATIENT_A, 'ready', { lockedReason: 'The clinical system showed another patient.' });
    await showInTab(7, PATIENT_A);
    expect(await send({ type: 'referral/resume', draftId: draft.id, tabId: 7 })).toMatchObject({ ok: false, error: { code: 'locked' } });
  });
});

describe('the time-to-live reaches every draft', () => {
  it('in-flight, ready and outcome-unknown drafts past it are kept but marked as needing attention; editing ones go', async () => {
    const past = { expiresAt: Date.now() - 1 };
    const editing = await draftFor(ADAMS, PATIENT_A, 'editing', past);
    const stuck = await Promise.all((['ready', 'creating', 'outcome-unknown', 'uploading'] as const).map((p, i) => draftFor(ADAMS, `900000000${i}`, p, past)));
    expect(await purgeExpired()).toEqual([editing.id]);
    for (const d of stuck) expect(await getDraft(d.id), d.submission.phase).toMatchObject({ attention: { reason: 'expired' } });
  });
});

describe('the draft lock has one writer: the background, from the tab it is bound to', () => {
  const shown = (nhsNumber: string, family: string): PatientContextReport => ({
    status: 'single',
    patient: { nhsNumber, name: { family, given: ['Sam'] } },
    confidence: 1,
    source: { adapterId: 'demo-gp', url: `${HOST}/demo/gp/record-${nhsNumber}.html`, title: 'GP' },
    observedAt: 1,
  });

  it('locks the draft while its tab shows another patient and lifts it when that patient returns', async () => {
    await startWorker();
    const d = await draftFor(ADAMS, PATIENT_A, 'editing');
    await bindDraftToTab(7, shown(PATIENT_A, 'JONES'));
    await recordReport(7, shown(PATIENT_B, 'SMITH'));
    expect((await getDraft(d.id))?.lockedReason).toMatch(/now shows SMITH, Sam .*locked/);
    await recordReport(7, shown(PATIENT_A, 'JONES'));
    expect((await getDraft(d.id))?.lockedReason).toBeUndefined();
  });

  it('leaves a referral already sent alone', async () => {
    await startWorker();
    const d = await draftFor(ADAMS, PATIENT_A, 'complete');
    await bindDraftToTab(7, shown(PATIENT_A, 'JONES'));
    await recordReport(7, shown(PATIENT_B, 'SMITH'));
    expect((await getDraft(d.id))?.lockedReason).toBeUndefined();
  });
});
