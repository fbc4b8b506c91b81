// Background side of Advice and Guidance: the user's requests (IndexedDB, bound to the user), the
// at-most-once send (./send.ts) after the same fresh wrong-patient check as a referral, polling A024
// on an alarm (interval from settings, Retry-After respected), a badge count of replies waiting,
// the conversation (A024 + A025) and the overview PDF (A043). Sign-out removes only requests never sent.
import { browser } from 'wxt/browser';
import { createAdvice, downloadAttachment, getAdvice, getAdviceOverviewPdf, getConversation } from '../ers/advice';
import { notifyPages, ProtocolError, registerHandler } from '../messages';
import { identityMismatch } from '../patient/identity';
import { readTabNow } from '../patient/background';
import { getSettings } from '../settings';
import { currentOwner, getErsClient, getSessionView, onSignedOut } from '../session/manager';
import { ADVICE_CHANGED } from './messages';
import type { AdviceRecord } from './model';
import { resolveAdvice, sendAdvice, sendBlocker, type SendContext } from './send';
import { getOwnAdvice, idbAdviceStore, removeUnsentAdvice } from './store';
import { badgeCount, markSeen, pollDue, pollIntervalMs } from './tracking';
import { webAppAddress } from './view';

const POLL_ALARM = 'advice-poll';

function announce(id: string): void {
  notifyPages({ type: ADVICE_CHANGED, id });
}

async function requireOwner(): Promise<string> {
  const owner = await currentOwner();
  if (!owner) throw new ProtocolError('not-signed-in', 'Sign in to e-RS and choose a role first.');
  return owner;
}

/** The signed-in user's request; another user's is refused exactly as a missing one. */
async function requireAdvice(id: string): Promise<AdviceRecord> {
  const record = await getOwnAdvice(await requireOwner(), id);
  if (!record) throw new ProtocolError('invalid-message', 'This advice request no longer exists (you may have signed out).');
  return record;
}

async function sendContext(): Promise<SendContext> {
  const [client, view] = await Promise.all([getErsClient(), getSessionView()]);
  return {
    store: idbAdviceStore,
    businessFunction: view.role?.businessFunction,
    onChange: announce,
    api: {
      uploadFile: (input) => client.uploadFile(input),
      createAdvice: (input, role) => createAdvice(client, input, role),
      getAdvice: (ubrn) => getAdvice(client, ubrn),
    },
  };
}

/** The number of replies waiting, on the toolbar badge's title (the referral badge keeps its count). */
async function pollAndCount(checkNow = false): Promise<{ records: AdviceRecord[]; replies: number }> {
  const owner = await requireOwner();
  const client = await getErsClient();
  const interval = pollIntervalMs((await getSettings().catch(() => undefined))?.adviceCheckMinutes);
  const records = await idbAdviceStore.list(owner);
  for (const changed of await pollDue(records, (ubrn) => getAdvice(client, ubrn), Date.now(), interval, checkNow)) {
    await idbAdviceStore.put(changed);
    announce(changed.id);
  }
  const latest = await idbAdviceStore.list(owner);
  return { records: latest, replies: badgeCount(latest) };
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function registerAdvice(): void {
  registerHandler('advice/save', async ({ id, patient, edit }) => {
    const owner = await requireOwner();
    const existing = await getOwnAdvice(owner, id);
    if (existing && existing.phase !== 'editing' && existing.phase !== 'ready') {
      throw new ProtocolError('invalid-message', 'This request has been sent and can no longer be changed.');
    }
    if (existing && existing.patient.nhsNumber !== patient.nhsNumber) {
      throw new ProtocolError('invalid-message', "This request is for another patient. Start a new request for this patient's record.");
    }
    const now = Date.now();
    const record: AdviceRecord = {
      ...(existing ?? { id, owner, patient, phase: 'editing' as const, createdAt: now }),
      ...edit,
      criteria: edit.criteria as AdviceRecord['criteria'],
      updatedAt: now,
    } as AdviceRecord;
    await idbAdviceStore.put(record);
    return record;
  });

  registerHandler('advice/send', async ({ id, tabId }) => {
    const record = await requireAdvice(id);
    // The decisive wrong-patient check: the tab must show this request's patient right now.
    const fresh = await readTabNow(tabId);
    const blocker = identityMismatch(record.patient, fresh) ?? sendBlocker(record, fresh?.patient?.nhsNumber);
    if (blocker && (record.phase === 'editing' || record.phase === 'ready')) throw new ProtocolError('invalid-message', blocker);
    const sent = await sendAdvice(await sendContext(), id);
    await ensurePolling();
    return sent;
  });

  registerHandler('advice/resolve', async ({ id, confirmedNotCreated }) => {
    await requireAdvice(id);
    return resolveAdvice(await sendContext(), id, { confirmNotCreated: confirmedNotCreated === true });
  });

  registerHandler('advice/list', async ({ checkNow }) => pollAndCount(checkNow === true));

  registerHandler('advice/conversation', async ({ id }) => {
    const record = await requireAdvice(id);
    if (!record.ubrn) throw new ProtocolError('invalid-message', 'This request has not reached e-RS yet.');
    const client = await getErsClient();
    const summary = await getAdvice(client, record.ubrn);
    const messages = await getConversation(client, record.ubrn, summary.version);
    const tracking = { ...(record.tracking ?? { status: summary.status, version: summary.version }), status: summary.status, version: summary.version };
    await idbAdviceStore.put(markSeen({ ...record, tracking, updatedAt: Date.now() }));
    announce(id);
    const settings = await getSettings();
    return { summary, messages, webAppUrl: webAppAddress(settings.environment, settings.platformBaseUrl) };
  });

  registerHandler('advice/attachment', async ({ id, url }) => {
    const record = await requireAdvice(id);
    if (!record.ubrn) throw new ProtocolError('invalid-message', 'This request has not reached e-RS yet.');
    // e-RS decides whether this user may read the file (A042 checks the relationship and quarantine).
    const file = await downloadAttachment(await getErsClient(), url);
    return { fileName: file.fileName, contentType: file.contentType, base64: toBase64(file.bytes) };
  });

  registerHandler('advice/pdf', async ({ id }) => {
    const record = await requireAdvice(id);
    if (!record.ubrn) throw new ProtocolError('invalid-message', 'This request has not reached e-RS yet.');
    const pdf = await getAdviceOverviewPdf(await getErsClient(), record.ubrn);
    return { fileName: pdf.fileName, base64: toBase64(pdf.bytes) };
  });

  // Only the sign-out button removes requests never sent (idle and lock keep everything, as drafts).
  onSignedOut(async (reason, owner) => {
    if (owner && reason === 'user') await removeUnsentAdvice(owner);
  });

  browser.alarms?.onAlarm.addListener((alarm) => {
    if (alarm.name === POLL_ALARM) void pollAndCount().catch(() => undefined);
  });
}

/** One alarm polls every due request (each request keeps its own next time and Retry-After). */
async function ensurePolling(): Promise<void> {
  try {
    await browser.alarms.create(POLL_ALARM, { periodInMinutes: 1 });
  } catch {
    /* no alarms API (tests) */
  }
}
