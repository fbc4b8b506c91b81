// Background side of the referral workflow: reference data (A004, cached daily), searches (A010),
// and the at-most-once submission of drafts, resumed whenever the worker starts again. Only one
// submission runs per draft at a time in this worker, so a panel asking to resume while a submit is
// under way can never start a second create.
//
// Every draft belongs to one user (owner key: SDS user id @ ODS). The background refuses to resume,
// submit or complete another user's draft, and only ever lists the signed-in user's. Sign-out,
// idle and screen lock never remove what e-RS may hold: unfinished submissions are marked as
// needing attention and carried on when that user signs in again.
import { browser } from 'wxt/browser';
import { lastSearchItem, referenceDataItem } from '../storage';
import { ReferenceDataCache, type KeyValueStore } from '../ers/index';
import { notifyPages, ProtocolError, registerHandler } from '../messages';
import { DRAFT_CHANGED, type PanelPreferences } from './messages';
import { IN_FLIGHT, type Draft } from './model';
import {
  clearInterruption,
  countEditingDrafts,
  endSessionWork,
  getOwnDraft,
  listDrafts,
  listOutstanding,
  purgeExpired,
  updateDraft,
  wasInterrupted,
} from './store';
import {
  advance,
  chooseReconciled,
  recheckReconciliation,
  requestLetterCompletion,
  notSentYet,
  requestSubmission,
  resendAfterCheck,
  resumeBlocker,
  submitBlocker,
  type SubmitContext,
} from './submit';
import { getSettings } from '../settings/index';
import { currentOwner, getErsClient, getSessionView, onActive, onPaused, onSignedOut } from '../session/manager';
import { countUnsentAdvice } from '../advice/store';
import { identityMismatch } from '../patient/identity';
import { onDraftBinding, readTabNow } from '../patient/background';
import { applyBindingToDraft } from './draft-lock';

/** A004 code systems in storage.local (reference data, no patient data), fetched at most daily. */
const codeSystemStore: KeyValueStore = {
  get: (key) => referenceDataItem(key).get(),
  set: (key, value) => referenceDataItem(key).set(value),
};

function announce(draftId: string): void {
  notifyPages({ type: DRAFT_CHANGED, draftId });
}

/** A&G replies waiting for the signed-in user, as the A&G polling last counted them. */
let adviceReplies = 0;

/** The A&G polling's count (utils/advice/background.ts), shown in the toolbar's title. */
export function setAdviceReplies(n: number): Promise<void> {
  adviceReplies = n;
  return updateBadge();
}

/**
 * Letters outstanding on the toolbar badge; red when one is overdue. Its title also says how many
 * A&G replies wait unread, so a reply found by the background's polling shows without the panel.
 */
export async function updateBadge(now = Date.now()): Promise<void> {
  const owner = await currentOwner().catch(() => undefined);
  const letters = owner ? await listOutstanding(owner) : [];
  const replies = owner ? adviceReplies : 0;
  const overdue = letters.some((l) => l.deadline < now);
  const parts = [
    letters.length ? `${letters.length} referral letter(s) outstanding` : '',
    replies ? `${replies} advice ${replies === 1 ? 'reply' : 'replies'} waiting` : '',
  ].filter(Boolean);
  try {
    await browser.action.setBadgeText({ text: letters.length ? String(letters.length) : '' });
    await browser.action.setBadgeBackgroundColor({ color: overdue ? '#d5281b' : '#005eb8' });
    await browser.action.setTitle({ title: parts.length ? `e-RS Referral Assistant: ${parts.join('; ')}` : 'e-RS Referral Assistant' });
  } catch {
    /* no action API (tests) */
  }
}

const running = new Map<string, Promise<Draft>>();

/** Run one submission step-chain per draft at a time; later callers share the running one. */
function exclusive(draftId: string, run: () => Promise<Draft>): Promise<Draft> {
  const current = running.get(draftId);
  if (current) return current;
  const next = run().finally(() => {
    running.delete(draftId);
    void updateBadge();
  });
  running.set(draftId, next);
  return next;
}

async function submitContext(): Promise<SubmitContext> {
  const [api, view] = await Promise.all([getErsClient(), getSessionView()]);
  return { api, businessFunction: view.role?.businessFunction, userId: view.user?.id, onChange: announce };
}

/** The signed-in user's draft; another user's draft is refused exactly as a missing one. */
async function requireDraft(id: string): Promise<Draft> {
  const owner = await currentOwner();
  if (!owner) throw new ProtocolError('not-signed-in', 'Sign in to e-RS and choose a role first.');
  const draft = await getOwnDraft(owner, id);
  if (!draft) throw new ProtocolError('invalid-message', 'This draft no longer exists (it may have expired or you signed out).');
  return draft;
}

/**
 * The decisive wrong-patient check before anything may create a referral (submit, resuming a draft
 * not sent yet, sending again after an unknown outcome): the tab must show this draft's patient right
 * now, read afresh (not the cached report), whole identity compared (utils/patient/identity.ts).
 */
async function creationBlocker(draft: Draft, tabId: number | undefined): Promise<string | undefined> {
  const fresh = await readTabNow(tabId);
  return identityMismatch(draft.patient, fresh) ?? submitBlocker(draft, fresh?.patient?.nhsNumber);
}

/**
 * Continue the signed-in user's submissions left half-way: by a stopped worker (at worker start), or
 * by sign-out / pause (when the user is back). No tab is known here, so `resumeBlocker` leaves drafts
 * that have not been sent yet (`ready`) for the user to submit from the panel again.
 */
export async function resumeInFlight(): Promise<void> {
  const owner = await currentOwner();
  if (!owner) return;
  for (const draft of await listDrafts(owner)) {
    const s = draft.submission;
    const interrupted = wasInterrupted(draft);
    // A lost create still being looked for on the worklist is picked up too (never re-sent).
    const reconciling = s.phase === 'outcome-unknown' && (!s.reconcile || s.reconcile.status === 'searching');
    if (!(IN_FLIGHT.includes(s.phase) || reconciling) || resumeBlocker(draft, undefined)) continue;
    if (s.error && !interrupted) continue;
    if (draft.attention && !interrupted) continue;
    void exclusive(draft.id, async () => {
      if (interrupted) await clearInterruption(draft.id);
      return advance(await submitContext(), draft.id);
    }).catch(() => undefined);
  }
}

export function registerReferrals(): void {
  // The one writer of a draft's lock: the tab's binding, decided on each patient-context report.
  onDraftBinding(async (binding) => {
    const owner = await currentOwner().catch(() => undefined);
    const changed = owner ? await applyBindingToDraft(owner, binding) : undefined;
    if (changed) announce(changed.id);
  });

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
    const blocker = await creationBlocker(draft, tabId);
    if (blocker) throw new ProtocolError('locked', blocker);
    const ctx = await submitContext();
    const done = await exclusive(draftId, async () => {
      await requestSubmission(ctx, draftId);
      return advance(ctx, draftId);
    });
    return { phase: done.submission.phase };
  });

  registerHandler('referral/resume', async ({ draftId, tabId }) => {
    const draft = await requireDraft(draftId);
    // Resuming a draft not sent yet creates it: the same patient and lock checks as submit.
    const blocker = notSentYet(draft) ? await creationBlocker(draft, tabId) : undefined;
    if (blocker) throw new ProtocolError('locked', blocker);
    const ctx = await submitContext();
    const done = await exclusive(draftId, async () => {
      await updateDraft(draftId, (d) => {
        d.attention = undefined;
      });
      return advance(ctx, draftId);
    });
    return { phase: done.submission.phase };
  });

  registerHandler('referral/reconcile', async ({ draftId, action, tabId }) => {
    const draft = await requireDraft(draftId);
    if (action.kind === 'resend') {
      // Sending again is a submit: the same checks.
      const blocker = await creationBlocker(draft, tabId);
      if (blocker) throw new ProtocolError('locked', blocker);
    }
    const ctx = await submitContext();
    const done = await exclusive(draftId, () =>
      action.kind === 'choose'
        ? chooseReconciled(ctx, draftId, action.ubrn)
        : action.kind === 'recheck'
          ? recheckReconciliation(ctx, draftId)
          : resendAfterCheck(ctx, draftId, action.confirmedNotCreated),
    );
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
    const last = await lastSearchItem.get();
    const prefs: PanelPreferences = {
      draftTtlMs: settings.draftTtlHours * 3_600_000,
      defaultPriority: last?.priority ?? settings.search.priority,
      defaultSpecialty: last?.specialty,
      defaultDistance: settings.search.distanceMiles || undefined,
      requestType: settings.search.requestType,
      letterTemplates: settings.letterTemplates,
    };
    return prefs;
  });

  registerHandler('referral/remember-search', async ({ priority, specialty }) => {
    await lastSearchItem.set({ priority, specialty });
    return null;
  });

  registerHandler('referral/sign-out-preview', async () => {
    const owner = await currentOwner();
    // A request for advice never sent is a draft too: sign-out removes it (utils/advice/background.ts).
    return { editingDrafts: owner ? (await countEditingDrafts(owner)) + (await countUnsentAdvice(owner)) : 0 };
  });

  // Sign-out removes only this user's drafts still being edited (they were told how many first).
  // Anything e-RS may hold stays: unfinished submissions are marked and carried on at next sign-in;
  // letters outstanding stay as reminders.
  // Only an explicit sign-out removes drafts; a sign-out for other reasons (settings changed, an
  // error) keeps them all, like a pause.
  onSignedOut(async (reason, owner) => {
    if (owner) await endSessionWork(owner, reason === 'user' ? 'sign-out' : 'pause');
    await lastSearchItem.remove();
    await updateBadge();
  });
  onPaused(async (owner) => {
    await endSessionWork(owner, 'pause');
    await updateBadge();
  });
  onActive(async () => {
    await updateBadge();
    await resumeInFlight();
  });

  void purgeExpired()
    .then(() => updateBadge())
    .then(resumeInFlight)
    .catch(() => undefined);
}
