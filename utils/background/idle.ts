// Idle sign-out: when the computer has not been used for the configured time, or its screen locks,
// the e-RS session ends (tokens, session keys and drafts are cleared by sign-out).
import { browser } from 'wxt/browser';
import type { Settings } from '../settings';

export interface IdleTarget {
  readonly signedIn: boolean;
  signOut(reason: 'idle'): Promise<unknown>;
}

/** Pure rule: which idle states end the session. */
export function shouldSignOutOn(state: string): boolean {
  return state === 'idle' || state === 'locked';
}

export function applyIdleSettings(settings: Pick<Settings, 'idleTimeoutMinutes'>): void {
  try {
    // Chrome's minimum is 15 s; ours is at least 1 minute.
    browser.idle.setDetectionInterval(Math.max(60, settings.idleTimeoutMinutes * 60));
  } catch {
    /* idle API unavailable: nothing to set */
  }
}

/** Register the listener (synchronously at worker start, so the event wakes the worker). */
export function watchIdle(getTarget: () => IdleTarget): void {
  try {
    browser.idle.onStateChanged.addListener((state: string) => {
      const target = getTarget();
      if (shouldSignOutOn(state) && target.signedIn) void target.signOut('idle');
    });
  } catch {
    /* idle API unavailable */
  }
}
