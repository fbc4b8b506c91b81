// Background side of the referral workflow: reference data (A004, cached daily), searches (A010),
// and the at-most-once submission of drafts, resumed whenever the worker starts again. Only one
// submission runs per draft at a time in this worker, so a panel asking to resume while a submit is
// under way can never start a second create.
import { browser } from 'wxt/browser';
import { ReferenceDataCache, type CachedCodeSystem, type KeyValueStore } from '../ers';
import { ProtocolError, registerHandler } from '../protocol';
import { DRAFT_CHANGED, type PanelPreferences } from '../referral/messages';
import { IN_FLIGHT, type Draft } from '../referral/model';
import { clearAllDrafts, getDraft, listDrafts, listOutstanding, purgeExpired } from '../referral/store';
import { advance, requestLetterCompletion, requestSubmission, submitBlocker, type SubmitContext } from '../referral/submit';
import { getSettings } from '../settings';
import { getErsClient, getSessionView, onSignedOut } from './session';
import { identityMismatch } from '../patient/identity';
import { readTabNow } from './patient-context';

const LAST_SEARCH_KEY = 'referral.lastSearch';

/** A004 code systems in storage.local (reference data, no patient data), fetched at most daily. */
const codeSystemStore: KeyValueStore = {
  async get(key) { return (await browser.storage.local.get(key))[key] as CachedCodeSystem | undefined; },
  async set(key, value) { await browser.storage.local.set({ [key]: value }); },
};

function announce(draftId: string): void {
  browser.runtime.sendMessage({ type: DRAFT_CHANGED, draftId }).catch(() => undefined);
}

/** Letters outstanding on the toolbar badge; red when one is overdue. */
export async function updateBadge(now = Date.now()): Promise<void> {
  const letters = await listOutstanding();
  const overdue = letters.some((l) => l.deadline < now);
  try {
    await browser.action.setBadgeText({ text: letters.length ? String(letters.length) : '' });
    await browser.action.setBadgeBackgroundColor({ color: overdue ? '#d5281b' : '#005eb8' });
    await browser.action.setTitle({ title: letters.length ? `e-RS Referral Assistant: ${letters.length} referral letter(s) outstanding` : 'e-RS Referral Assistant' });
  } catch { /* no action API (tests) */ }
}

const running = new Map<string, Promise<Draft>>();

/** Run one submission step-chain per draft at a time; later callers share the running one. */
function exclusive(draftId: string, run: () => Promise<Draft>): Promise<Draft> {
  const current = running.get(draftId);
  if (current) return current;
  const next = run().finally(() => { running.delete(draftId); void updateBadge(); });
  running.set(draftId, next);
  return next;
}

async function submitContext(): Promise<SubmitContext> {
  const [api, view] = await Promise.all([getErsClient(), getSessionView()]);
  return { api, businessFunction: view.role?.businessFunction, onChange: announce };
}

async function requireDraft(id: string): Promise<Draft> {
  const draft = await getDraft(id);
  if (!draft) throw new ProtocolError('invalid-message', 'This draft no longer exists (it may have expired or you signed out).');
  return draft;
}

/** Continue every submission a stopped worker left half-way (called at worker start). */
export async function resumeInFlight(): Promise<void> {
  const view = await getSessionView();
  if (view.status !== 'active') return;
  for (const draft of await listDrafts()) {
    if (IN_FLIGHT.includes(draft.submission.phase) && !draft.submission.error && draft.submission.phase !== 'ready') {
      void exclusive(draft.id, async () => advance(await submitContext(), draft.id)).catch(() => undefined);
    }
  }
}

export function registerReferrals(): void {
  registerHandler('ers/reference', async () => {
    const client = await getErsClient();
    const cache = new ReferenceDataCache(client, codeSystemStore);
    const [specialties, clinicTypes] = await Promise.all([cache.get('SPECIALTY'), cache.get('CLINIC-TYPE')]);
    return { specialties: specialties.concepts, clinicTypes: clinicTypes.concepts, specialtySystem: specialties.url };
  });

  registerHandler('ers/search', async ({ input }) => {
    const [client, view] = await Promise.all([getErsClient(), getSessionView()]);
    return client.searchServices(input, { businessFunction: view.role?.businessFunction });
  });

  registerHandler('referral/submit', async ({ draftId, tabId }) => {
    const draft = await requireDraft(draftId);
    // The decisive wrong-patient check: the tab must show this draft's patient right now, read
    // afresh (not the cached report), whole identity compared (utils/patient/identity.ts).
    const fresh = await readTabNow(tabId);
    const mismatch = identityMismatch(draft.patient, fresh);
    if (mismatch) throw new ProtocolError('locked', mismatch);
    const blocker = submitBlocker(draft, fresh?.patient?.nhsNumber);
    if (blocker) throw new ProtocolError('locked', blocker);
    const ctx = await submitContext();
    const done = await exclusive(draftId, async () => {
      await requestSubmission(ctx, draftId);
      return advance(ctx, draftId);
    });
    return { phase: done.submission.phase };
  });

  registerHandler('referral/resume', async ({ draftId }) => {
    await requireDraft(draftId);
    const ctx = await submitContext();
    const done = await exclusive(draftId, () => advance(ctx, draftId));
    return { phase: done.submission.phase };
  });

  registerHandler('referral/complete-letter', async ({ draftId }) => {
    await requireDraft(draftId);
    const ctx = await submitContext();
    const done = await exclusive(draftId, () => requestLetterCompletion(ctx, draftId));
    return { phase: done.submission.phase };
  });

  registerHandler('referral/preferences', async () => {
    const settings = await getSettings();
    const last = (await browser.storage.local.get(LAST_SEARCH_KEY))[LAST_SEARCH_KEY] as { priority?: string; specialty?: string } | undefined;
    const prefs: PanelPreferences = {
      draftTtlMs: settings.draftTtlHours * 3_600_000,
      defaultPriority: last?.priority ?? settings.search.priority,
      defaultSpecialty: last?.specialty,
      defaultDistance: settings.search.distanceMiles || undefined,
    };
    return prefs;
  });

  registerHandler('referral/remember-search', async ({ priority, specialty }) => {
    await browser.storage.local.set({ [LAST_SEARCH_KEY]: { priority, specialty } });
    return null;
  });

  // Sign-out takes the user's drafts, letters and outstanding list with it.
  onSignedOut(async () => {
    await clearAllDrafts();
    await browser.storage.local.remove(LAST_SEARCH_KEY);
    await updateBadge();
  });

  void purgeExpired().then(() => updateBadge()).then(resumeInFlight).catch(() => undefined);
}
