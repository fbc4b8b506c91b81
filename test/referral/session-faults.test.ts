// Sign-out and screen lock at each step of a submission, against the real simulator: the referral
// is never lost and never duplicated. Each case ends the session right after the step's request was
// processed by e-RS, then the same user signs in again; e-RS must hold exactly one referral with its
// letter, and the extension must have kept the draft throughout.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErsClient } from '../../utils/ers';
import { newDraft, ownerKey } from '../../utils/referral/model';
import { fileKey, getDraft, putBlob, putDraft, resetDbConnection } from '../../utils/referral/store';
import { advance, requestSubmission } from '../../utils/referral/submit';
import { startSimulator, USER_IDS, type RunningSimulator } from 'ers-simulator';
import { referralsWithLetters } from '../helpers/simulator';
import { injectSessionFault, type SessionFault, type SubmitStep } from '../helpers/session-faults';

const NHS = '9434765919';
const OWNER = ownerKey({ userId: USER_IDS.adams, ods: 'B86001' });
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 1 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetDbConnection();
  sim.reset();
});

function client(): ErsClient {
  const token = sim.issueToken(USER_IDS.adams);
  return new ErsClient({
    flavour: 'platform',
    baseUrl: `${sim.url}/referrals/FHIR`,
    credentials: () => ({ accessToken: token, businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001' }),
    retry: { baseDelayMs: 5 },
  });
}

async function readyDraft(api: ErsClient, ras: boolean) {
  const criteria = { priority: 'ROUTINE', specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true } as const;
  const found = await api.searchServices({ nhsNumber: NHS, criteria });
  const draft = newDraft({
    owner: OWNER,
    hostOrigin: 'http://127.0.0.1:1',
    sourceUrl: 'http://127.0.0.1:1/demo/gp/',
    patient: { nhsNumber: NHS, displayName: 'JONES, Sarah (Mrs)' },
    ttlMs: 86_400_000,
    now: Date.now(),
  });
  draft.criteriaResource = found.criteria;
  draft.shortlist = [found.services.find((s) => s.isTriage === ras)!];
  draft.files = [{ id: 'f1', name: 'referral-letter.pdf', contentType: 'application/pdf', size: 20 }];
  await putBlob(fileKey(draft.id, 'f1'), draft.id, new Blob(['%PDF-1.4 test letter'], { type: 'application/pdf' }));
  await putDraft(draft);
  return draft;
}

const cases: [SessionFault, SubmitStep, boolean][] = [];
for (const fault of ['sign-out', 'screen-lock'] as const) {
  for (const step of ['create', 'triage', 'upload', 'attach', 'patient-letter'] as const) cases.push([fault, step, step === 'triage']);
}

describe('sign-out and screen lock at every step', () => {
  it.each(cases)('%s after %s: kept, then finished at the next sign-in with exactly one referral and its letter', async (fault, atStep, ras) => {
    const real = client();
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
    expect(referralsWithLetters(sim, NHS)).toEqual([expect.objectContaining({ letters: ['referral-letter.pdf'] })]);
  });
});
