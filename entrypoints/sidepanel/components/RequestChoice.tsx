// The first choice for the open patient: refer, or ask a specialist for advice, with a badge when
// a reply to one of this user's A&G requests is waiting. Loaded just after the panel starts
// (App.tsx lazyScreen) so the scripts it starts with stay small; the count comes from the
// background's `advice/list`, which also polls the requests that are due.
import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { onBackgroundEvent, sendMessage } from '../../../utils/messaging/client';
import { panelOwner } from '../../../utils/referral/panel-api';
import type { PanelStore } from '../store';

/** Replies waiting for the signed-in user; the advice screen sets it too after each read. */
export const adviceReplies = signal(0);

export async function countAdviceReplies(): Promise<void> {
  try {
    adviceReplies.value = (await sendMessage('advice/list')).replies;
  } catch {
    /* the badge stays as it was; the advice screen shows any problem */
  }
}

/** Panels whose first choice has been set from the settings' request type. */
const started = new WeakSet<PanelStore>();

export function RequestChoice({ store }: { store: PanelStore }) {
  const owner = panelOwner(store.session.value);
  const prefs = store.prefs.value;
  // The settings' request type is the first choice, once per panel; after that it is the user's.
  useEffect(() => {
    if (!prefs || started.has(store)) return;
    started.add(store);
    if (prefs.requestType === 'ADVICE_AND_GUIDANCE_REQUEST') store.kind.value = 'advice';
  }, [prefs, store]);
  // A new user (or none) never sees the previous user's count.
  useEffect(() => {
    adviceReplies.value = 0;
    if (!owner) return;
    void countAdviceReplies();
    return onBackgroundEvent('advice/changed', () => void countAdviceReplies());
  }, [owner]);
  const n = adviceReplies.value;
  const screen = store.screen.value;
  if (!owner || (screen !== 'advice' && screen !== 'draft' && screen !== 'no-draft')) return null;
  return (
    <nav class="request-choice" aria-label="Refer or ask for advice">
      {(['refer', 'advice'] as const).map((to) => (
        <button
          key={to}
          type="button"
          class={store.kind.value === to ? 'nhs-button' : 'nhs-button nhs-button--secondary'}
          aria-pressed={store.kind.value === to}
          data-testid={`choose-${to}`}
          onClick={() => (store.kind.value = to)}
        >
          {to === 'refer' ? 'Refer' : 'Ask for advice'}
        </button>
      ))}
      {n > 0 && (
        <strong class="nhs-tag nhs-tag--blue" data-testid="advice-badge">
          {n} advice {n > 1 ? 'replies' : 'reply'} waiting
        </strong>
      )}
    </nav>
  );
}
