// Tracking referrals in the background: the referrer worklists fetched on sign-in and by an alarm
// every N minutes (settings or policy; at most once per list per interval; 429 Retry-After kept),
// cached in storage.session bound to the user, and the panel's requests to read a referral, list the
// cancellation reasons and cancel it at most once.
import { browser } from 'wxt/browser';
import { idbAdviceStore } from '../advice/store';
import { cancellationReasons } from '../ers/lifecycle';
import { ProtocolError, registerHandler } from '../messages';
import { currentOwner, getErsClient, getSessionView, onActive, onSignedOut } from '../session/manager';
import { getSettings } from '../settings/index';
import { worklistsItem } from '../storage';
import { cancelAtMostOnce } from './cancel';
import { convertedToShow, newlyListed } from './converted';
import { toBase64 } from './files';
import { refreshDue, refreshMinutes, shownLists, stateFor, type WorklistsState } from './refresh';

const ALARM = 'tracking.refresh';

async function intervalMinutes(): Promise<number> {
  const settings = await getSettings().catch(() => undefined);
  return refreshMinutes(settings?.worklistRefreshMinutes);
}

async function owner(): Promise<WorklistsState['owner'] | undefined> {
  const view = await getSessionView();
  if (view.status !== 'active' || !view.user?.id || !view.role?.ods) return undefined;
  return { userId: view.user.id, ods: view.role.ods };
}

let running: Promise<void> | undefined;

/** Fetches the lists that are due for the signed-in user; one run at a time. */
export function refreshWorklists(): Promise<void> {
  running ??= (async () => {
    const who = await owner();
    if (!who) return;
    const client = await getErsClient();
    const state = await refreshDue(client, stateFor(await worklistsItem.get(), who), {
      now: Date.now,
      intervalMinutes: await intervalMinutes(),
      save: (s) => worklistsItem.set(s),
    });
    await markConvertedListed(`${who.userId}@${who.ods}`, state);
  })().finally(() => {
    running = undefined;
  });
  return running;
}

/** A converted A&G request e-RS now lists is followed from the lists from then on (./converted.ts). */
async function markConvertedListed(owner: string, state: WorklistsState): Promise<void> {
  const listed = new Set(Object.values(state.lists).flatMap((l) => l?.cache?.items.map((i) => i.ubrn) ?? []));
  for (const record of newlyListed(await idbAdviceStore.list(owner), listed, Date.now())) await idbAdviceStore.put(record);
}

async function requireSignedIn(): Promise<void> {
  if (!(await currentOwner())) throw new ProtocolError('not-signed-in', 'Sign in to e-RS and choose a role first.');
}

export function registerTracking(): void {
  try {
    // Re-created only when missing or its period changed: the worker restarts often, and replacing
    // the alarm each time would push its first firing back for ever.
    void (async () => {
      const n = await intervalMinutes();
      const existing = await browser.alarms.get(ALARM);
      if (existing?.periodInMinutes !== n) await browser.alarms.create(ALARM, { periodInMinutes: n, delayInMinutes: n });
    })().catch(() => undefined);
    browser.alarms.onAlarm.addListener((alarm) => {
      if (alarm.name === ALARM) void refreshWorklists().catch(() => undefined);
    });
  } catch {
    /* alarms unavailable (tests) */
  }
  onActive(() => void refreshWorklists().catch(() => undefined));
  // Signing out leaves no one's patients or identity behind (idle and screen lock keep the lists,
  // shown with their age, for the same user coming back).
  onSignedOut(() => void worklistsItem.remove().catch(() => undefined));

  registerHandler('tracking/worklists', async ({ refresh }) => {
    if (refresh) await refreshWorklists().catch(() => undefined);
    const view = await getSessionView();
    const who = view.user?.id && view.role?.ods ? { userId: view.user.id, ods: view.role.ods } : undefined;
    const owner = await currentOwner();
    return {
      signedIn: view.status === 'active',
      userId: who?.userId,
      intervalMinutes: await intervalMinutes(),
      lists: shownLists(await worklistsItem.get(), who, Date.now()),
      // This user's own A&G requests the provider converted, not on a worklist yet.
      converted: owner ? convertedToShow(await idbAdviceStore.list(owner)) : [],
    };
  });

  registerHandler('tracking/referral', async ({ ubrn }) => {
    await requireSignedIn();
    const client = await getErsClient();
    const referral = await client.getReferral(ubrn);
    return { referral, actions: await client.getAvailableActions(ubrn, referral.version) };
  });

  registerHandler('tracking/cancel-reasons', async ({ ubrn }) => {
    await requireSignedIn();
    const [client, view] = await Promise.all([getErsClient(), getSessionView()]);
    const [referral, { codeSystem }] = await Promise.all([client.getReferral(ubrn), client.getCodeSystem('REFERRAL-CANCELLATION-REASON')]);
    return {
      reasons: cancellationReasons(codeSystem, {
        businessFunction: view.role?.businessFunction ?? '',
        hasAppointment: referral.appointmentReference !== undefined,
      }),
    };
  });

  registerHandler('tracking/cancel', async ({ ubrn, etag, reason, comment }) => {
    await requireSignedIn();
    const [client, view] = await Promise.all([getErsClient(), getSessionView()]);
    const referral = await client.getReferral(ubrn);
    const { codeSystem } = await client.getCodeSystem('REFERRAL-CANCELLATION-REASON');
    const allowed = cancellationReasons(codeSystem, {
      businessFunction: view.role?.businessFunction ?? '',
      hasAppointment: referral.appointmentReference !== undefined,
    });
    const chosen = allowed.find((r) => r.code === reason);
    if (!chosen) throw new ProtocolError('invalid-message', 'That cancellation reason cannot be used for this referral.');
    const result = await cancelAtMostOnce(client, { ubrn, etag, reason: chosen, comment });
    void refreshWorklists().catch(() => undefined);
    return result;
  });

  registerHandler('tracking/clinical-info', async ({ ubrn }) => {
    await requireSignedIn();
    const file = await (await getErsClient()).getClinicalInformationSummary(ubrn);
    return { fileName: file.fileName, contentType: file.contentType, base64: toBase64(file.bytes) };
  });

  registerHandler('tracking/attachment', async ({ ubrn, url }) => {
    await requireSignedIn();
    const client = await getErsClient();
    // Only a file this referral lists: the panel cannot be used to read any Binary by its id.
    const referral = await client.getReferral(ubrn);
    if (!referral.attachments.some((a) => a.url === url)) throw new ProtocolError('invalid-message', 'That file is not attached to this referral.');
    const file = await client.downloadAttachment(url);
    return { fileName: file.fileName, contentType: file.contentType, base64: toBase64(file.bytes) };
  });
}
