// Idle pause: when the computer has not been used for the configured time, or its screen locks, the
// e-RS credentials end but nothing the user was doing is removed: signing in again carries on.
import { browser } from 'wxt/browser';
import type { Settings } from '../settings/index';

export interface IdleTarget {
  readonly signedIn: boolean;
  pause(reason: 'idle' | 'locked'): Promise<unknown>;
}

/** Pure rule: which idle states pause the session, and why. */
export function pauseReasonFor(state: string): 'idle' | 'locked' | undefined {
  return state === 'idle' || state === 'locked' ? state : undefined;
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
      const reason = pauseReasonFor(state);
      if (reason && target.signedIn) void target.pause(reason);
    });
  } catch {
    /* idle API unavailable */
  }
}
