// Background side of Advice and Guidance: the user's requests (IndexedDB, bound to the user), the
// at-most-once send (./send.ts) after the same fresh wrong-patient check as a referral, polling A024
// on an alarm (interval from settings, Retry-After respected), a badge count of replies waiting,
// the conversation (A024 + A025) and the overview PDF (A043). Sign-out removes only requests never sent.
import { browser } from 'wxt/browser';
import { createAdvice, downloadAttachment, getAdvice, getAdviceOverviewPdf, getConversation } from '../ers/advice';
import { notifyPages, ProtocolError, registerHandler } from '../messages';
import { identityMismatch } from '../patient/identity';
import { readTabNow } from '../patient/background';
import { setAdviceReplies } from '../referral/background';
import { getSettings } from '../settings';
import { currentOwner, getErsClient, getSessionView, onSignedOut } from '../session/manager';
import { ADVICE_CHANGED } from './messages';
import type { AdviceRecord } from './model';
import { resolveAdvice, sendAdvice, sendBlocker, type SendContext } from './send';
import { getOwnAdvice, idbAdviceStore, removeUnsentAdvice } from './store';
import { badgeCount, listsFile, markSeen, pollDue, pollIntervalMs } from './tracking';
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

/** The clock polling runs by (tests pass their own). */
let clock: () => number = Date.now;

/**
 * Reads the requests that are due, then counts the replies waiting. The interval is read from the
 * effective settings (the user's, or NHS IT's policy) on every run, so a change applies at once.
 */
async function pollAndCount(checkNow = false): Promise<{ records: AdviceRecord[]; replies: number }> {
  const owner = await requireOwner();
  const client = await getErsClient();
  const interval = pollIntervalMs((await getSettings().catch(() => undefined))?.adviceCheckMinutes);
  const records = await idbAdviceStore.list(owner);
  for (const changed of await pollDue(records, (ubrn) => getAdvice(client, ubrn), clock(), interval, checkNow)) {
    await idbAdviceStore.put(changed);
    announce(changed.id);
  }
  const latest = await idbAdviceStore.list(owner);
  const replies = badgeCount(latest);
  // The toolbar's title says how many replies wait (the badge's number stays the letters outstanding).
  await setAdviceReplies(replies);
  return { records: latest, replies };
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** `now`: the clock polling runs by (tests pass their own). */
export function registerAdvice(now: () => number = Date.now): void {
  clock = now;
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
    void setAdviceReplies(badgeCount(await idbAdviceStore.list(record.owner)));
    const settings = await getSettings();
    return { summary, messages, webAppUrl: webAppAddress(settings.environment, settings.platformBaseUrl) };
  });

  registerHandler('advice/attachment', async ({ id, url }) => {
    const record = await requireAdvice(id);
    if (!record.ubrn) throw new ProtocolError('invalid-message', 'This request has not reached e-RS yet.');
    const client = await getErsClient();
    // Only a file this request's conversation lists (read now: A024, A025), so the panel cannot be
    // used to read any Binary by its id; e-RS then checks the relationship and quarantine (A042).
    const summary = await getAdvice(client, record.ubrn);
    const messages = await getConversation(client, record.ubrn, summary.version);
    if (!listsFile(summary, messages, url)) throw new ProtocolError('invalid-message', 'That file is not part of this conversation.');
    // A042 answers 307 to a one-time address: followed on every download, never kept.
    const file = await downloadAttachment(client, url);
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
    await setAdviceReplies(0);
    if (owner && reason === 'user') await removeUnsentAdvice(owner);
  });

  browser.alarms?.onAlarm.addListener((alarm) => {
    // The promise is returned so a caller that waits (tests) sees the round finish.
    if (alarm.name === POLL_ALARM)
      return pollAndCount().then(
        () => undefined,
        () => undefined,
      );
  });
  // Requests sent before the browser restarted are followed without the panel being opened.
  void ensurePolling();
}

/**
 * One alarm, once a minute, checks which requests are due: each by the interval in force now from
 * its last read, and never before e-RS's Retry-After. Created only when missing: replacing it on
 * every worker start would push its first firing back for ever.
 */
async function ensurePolling(): Promise<void> {
  try {
    if (!(await browser.alarms.get(POLL_ALARM))) await browser.alarms.create(POLL_ALARM, { periodInMinutes: 1 });
  } catch {
    /* no alarms API (tests) */
  }
}
