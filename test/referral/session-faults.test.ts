// Sign-out and screen lock at each step of a submission, against the real simulator: the referral
// is never lost and never duplicated. Each case ends the session right after the step's request was
// processed by e-RS, then the same user signs in again; e-RS must hold exactly one referral with its
// letter, and the extension must have kept the draft throughout.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ErsClient } from '../../utils/ers';
import { matrixClient, matrixDraft } from '../../scripts/lib/fault-matrix';
import { ownerKey } from '../../utils/referral/model';
import { getDraft, resetDbConnection } from '../../utils/referral/store';
import { advance, requestSubmission } from '../../utils/referral/submit';
import { USER_IDS } from 'ers-simulator';
import { referralsWithLetters } from '../helpers/simulator';
import { injectSessionFault, type SessionFault, type SubmitStep } from '../helpers/session-faults';
import { simulatorForFile } from '../helpers/simulator-suite';

const NHS = '9434765919';
const OWNER = ownerKey({ userId: USER_IDS.adams, ods: 'B86001' });
const sim = simulatorForFile(1);
beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetDbConnection();
});

// The fault matrix's client and draft (scripts/lib/fault-matrix.ts).
const client = (): Promise<ErsClient> => matrixClient(sim(), 'platform');
const readyDraft = (api: ErsClient, ras: boolean) => matrixDraft(api, ras);

const cases: [SessionFault, SubmitStep, boolean][] = [];
for (const fault of ['sign-out', 'screen-lock'] as const) {
  for (const step of ['create', 'triage', 'upload', 'attach', 'patient-letter'] as const) cases.push([fault, step, step === 'triage']);
}

describe('sign-out and screen lock at every step', () => {
  it.each(cases)('%s after %s: kept, then finished at the next sign-in with exactly one referral and its letter', async (fault, atStep, ras) => {
    const real = await client();
    const draft = await readyDraft(real, ras);
    const injected = injectSessionFault(real, { fault, atStep, owner: OWNER });
    await requestSubmission({ api: injected.api }, draft.id);
    const interrupted = await advance({ api: injected.api }, draft.id);
    expect(injected.fired()).toBe(true);
    // Kept, marked, never silently complete while the session is over (unless the step was the last).
    expect(await getDraft(draft.id)).toBeDefined();
    if (interrupted.submission.phase !== 'complete') expect(interrupted.attention?.reason).toBe(fault === 'sign-out' ? 'signed-out' : 'paused');
    const done = await injected.signInAgain({}, draft.id);
    expect(done.submission.phase).toBe('complete');
    expect(done.attention).toBeUndefined();
    expect(referralsWithLetters(sim(), NHS)).toEqual([expect.objectContaining({ letters: ['referral-letter.pdf'] })]);
  });
});
