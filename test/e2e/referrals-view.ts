// Driving the side panel's Referrals view in the e2e tests: one refresh of the worklists (signing in
// again fetches every list, as the alarm does every N minutes) and opening one referral's row.
import type { Page } from 'puppeteer-core';
import { USER_IDS } from 'ers-simulator';
import { signInFromPanel } from '../../scripts/lib/walkthrough';
import type { Harness } from './harness';

/** Sign out and sign Dr Adams in again from `panel`: the sign-in reads every worklist once. */
export async function refreshBySigningInAgain(h: Harness, panel: Page): Promise<void> {
  await h.send('session/sign-out');
  await panel.waitForSelector('[data-testid="signed-out-panel"]', { timeout: 20_000 });
  await signInFromPanel(h, panel, USER_IDS.adams, 'REFERRING_CLINICIAN|B86001');
}

/** Open the Referrals view, wait for the referral's row on `list` and expand it; returns the row's selector. */
export async function openReferralRow(panel: Page, list: string, ubrn: string): Promise<string> {
  await panel.click('[data-testid="open-referrals"]');
  const row = `[data-list="${list}"] [data-ubrn="${ubrn}"]`;
  await panel.waitForSelector(row, { timeout: 30_000 });
  await panel.click(`${row} button[aria-expanded]`);
  return row;
}
