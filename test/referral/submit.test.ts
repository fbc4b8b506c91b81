// The at-most-once submission state machine, against the real simulator over HTTP, with drafts in
// (fake) IndexedDB. "Worker stopped" is simulated faithfully: the request reaches e-RS and is
// processed, but its answer never arrives, and a fresh run picks the draft up from IndexedDB.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ErsClient, Flavour } from '../../utils/ers';
import { newDraft, type Draft } from '../../utils/referral/model';
import {
  advance,
  chooseReconciled,
  createdCandidates,
  recheckReconciliation,
  requestLetterCompletion,
  requestSubmission,
  resendAfterCheck,
  submitBlocker,
  type SubmissionApi,
  type SubmitContext,
} from '../../utils/referral/submit';
import { fileKey, getBlob, getDraft, listOutstanding, patientLetterKey, putBlob, resetDbConnection, updateDraft } from '../../utils/referral/store';
import { USER_IDS } from 'ers-simulator';
import { referralsWithLetters } from '../helpers/simulator';
import { MATRIX_NHS_NUMBER, type MatrixDraftOptions, matrixClient, matrixDraft } from '../../scripts/lib/fault-matrix';
import { simulatorForFile } from '../helpers/simulator-suite';

const sim = simulatorForFile(1);
beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetDbConnection();
});

// The fault matrix's client and draft (scripts/lib/fault-matrix.ts), with this file's shorter retry.
const clientFor = (flavour: Flavour): Promise<ErsClient> => matrixClient(sim(), flavour, { baseDelayMs: 5 });
const NHS = MATRIX_NHS_NUMBER;
const OWNER = `${USER_IDS.adams}@B86001`;

/** A draft as the panel would leave it: searched, shortlisted, letter chosen. */
const readyDraft = (client: ErsClient, options: MatrixDraftOptions & { ras?: boolean } = {}): Promise<Draft> =>
  matrixDraft(client, options.ras ?? false, options);

const referralsFor = (nhsNumber = NHS) => referralsWithLetters(sim(), nhsNumber);

async function submit(ctx: SubmitContext, draft: Draft) {
  await requestSubmission(ctx, draft.id);
  return advance(ctx, draft.id);
}

describe('a routine referral goes from ready to the patient letter', () => {
  it.each(['platform', 'legacy'] as const)('%s: one referral with its letter attached and the patient letter stored', async (flavour) => {
    const client = await clientFor(flavour);
    const draft = await readyDraft(client);
    const changes: string[] = [];
    const done = await submit({ api: client, onChange: (id) => changes.push(id) }, draft);
    expect(done.submission).toMatchObject({ phase: 'complete', route: 'A011' });
    expect(done.submission.ubrn).toMatch(/^\d{12}$/);
    expect(done.submission.patientLetter?.fileName).toMatch(/^\d+_.*\.pdf$/);
    const blob = await getBlob(patientLetterKey(draft.id));
    expect(new TextDecoder().decode(new Uint8Array(await blob!.arrayBuffer()).slice(0, 5))).toBe('%PDF-');
    expect(referralsFor()).toHaveLength(1);
    expect(referralsFor()[0].letters).toEqual(['referral-letter.pdf']);
    expect(changes.length).toBeGreaterThan(4);
  });
});

describe('Referral Assessment Services use the triage route', () => {
  it('platform: A011 then A016 TRIAGE; the referral awaits triage', async () => {
    const client = await clientFor('platform');
    const done = await submit({ api: client }, await readyDraft(client, { ras: true }));
    expect(done.submission).toMatchObject({ phase: 'complete', route: 'A011+A016', triageSent: true });
    expect(referralsFor()[0].state).toBe('AWAITING_TRIAGE');
  });

  it('legacy: A021 create and send for triage', async () => {
    const client = await clientFor('legacy');
    const done = await submit({ api: client }, await readyDraft(client, { ras: true }));
    expect(done.submission).toMatchObject({ phase: 'complete', route: 'A021' });
    expect(referralsFor()[0].state).toBe('AWAITING_TRIAGE');
  });
});

describe('letter to follow', () => {
  it('is tracked with its deadline, then completed later with the current ETag', async () => {
    const client = await clientFor('platform');
    const draft = await readyDraft(client, { letter: 'to-follow', priority: 'URGENT' });
    const sent = await submit({ api: client }, draft);
    expect(sent.submission.phase).toBe('complete');
    const [outstanding] = await listOutstanding(OWNER);
    expect(outstanding).toMatchObject({ ubrn: sent.submission.ubrn, draftId: draft.id, priority: 'URGENT' });
    expect(outstanding.deadline - outstanding.createdAt).toBe(24 * 3_600_000);
    expect(referralsFor()[0].letters).toEqual([]);

    await updateDraft(draft.id, (d) => {
      d.files = [{ id: 'late', name: 'late-letter.txt', contentType: 'text/plain', size: 5 }];
    });
    await putBlob(fileKey(draft.id, 'late'), draft.id, new Blob(['hello']));
    const completed = await requestLetterCompletion({ api: client }, draft.id);
    expect(completed.submission.phase).toBe('complete');
    expect(referralsFor()[0].letters).toEqual(['late-letter.txt']);
    expect(await listOutstanding(OWNER)).toEqual([]);
    expect(referralsFor()).toHaveLength(1);
  });
});

/** How the background runs a submission: the signed-in user, and short waits between worklist looks. */
const ctxOf = (api: SubmissionApi, extra: Partial<SubmitContext> = {}): SubmitContext => ({
  api,
  userId: USER_IDS.adams,
  reconcileDelaysMs: [0, 5, 10],
  ...extra,
});

describe('never a duplicate referral', () => {
  it('a create whose connection dropped after e-RS processed it: never re-sent; the referral is found on the worklist and completed', async () => {
    const client = await clientFor('platform');
    const draft = await readyDraft(client);
    sim().injectFault({ route: 'A011', kind: 'drop', count: 1 });
    const after = await submit(ctxOf(client), draft);
    expect(after.submission).toMatchObject({ phase: 'complete', adopted: true });
    expect(referralsFor()).toHaveLength(1);
    expect(referralsFor()[0].ubrn).toBe(after.submission.ubrn);
    expect(referralsFor()[0].letters).toEqual(['referral-letter.pdf']);
  });

  it.each([
    ['a gateway 502 after processing', { kind: 'gateway', status: 502 } as const],
    ['a gateway 504 after processing', { kind: 'gateway', status: 504 } as const],
    ["a proxy's HTML page with 200 after processing", { kind: 'html' } as const],
  ])('%s: outcome unknown, not "ready"; the referral is adopted from the worklist, exactly one with its letter', async (_name, fault) => {
    const client = await clientFor('platform');
    const draft = await readyDraft(client);
    sim().injectFault({ route: 'A011', ...fault });
    const after = await submit(ctxOf(client), draft);
    expect(after.submission).toMatchObject({ phase: 'complete', adopted: true });
    expect(referralsFor()).toHaveLength(1);
    expect(referralsFor()[0].letters).toEqual(['referral-letter.pdf']);
  });

  it('a 503 is not a proven refusal: outcome unknown; nothing on the worklist → told so, and only an explicit "checked, not created" sends again', async () => {
    const client = await clientFor('platform');
    const draft = await readyDraft(client);
    sim().injectFault({ route: 'A011', kind: 'status', status: 503, count: 1 });
    const after = await submit(ctxOf(client), draft);
    expect(after.submission).toMatchObject({ phase: 'outcome-unknown', reconcile: { status: 'none', candidates: [] }, error: { status: 503 } });
    expect(after.submission.error?.message).toMatch(/NOT been sent again/);
    expect(after.shortlist).toHaveLength(1);
    expect(referralsFor()).toHaveLength(0);
    // Pressing on, resuming, submitting again or a re-send without the confirmation: nothing is sent.
    expect((await advance(ctxOf(client), draft.id)).submission.phase).toBe('outcome-unknown');
    expect((await requestSubmission(ctxOf(client), draft.id)).submission.phase).toBe('outcome-unknown');
    expect((await resendAfterCheck(ctxOf(client), draft.id, false)).submission.phase).toBe('outcome-unknown');
    expect((await recheckReconciliation(ctxOf(client), draft.id)).submission.reconcile?.status).toBe('none');
    expect(referralsFor()).toHaveLength(0);
    const resent = await resendAfterCheck(ctxOf(client), draft.id, true);
    expect(resent.submission).toMatchObject({ phase: 'complete' });
    expect(resent.submission.resentAfterCheckAt).toBeGreaterThan(0);
    expect(referralsFor()).toHaveLength(1);
  });

  it('a 500 from e-RS is not a proven refusal either', async () => {
    const client = await clientFor('platform');
    const draft = await readyDraft(client);
    sim().injectFault({ route: 'A011', kind: 'status', status: 500, count: 1 });
    const after = await submit(ctxOf(client), draft);
    expect(after.submission).toMatchObject({ phase: 'outcome-unknown', reconcile: { status: 'none' } });
    expect((await getDraft(draft.id))?.files).toHaveLength(1);
  });

  it("e-RS's own refusal (a 4xx OperationOutcome) keeps the draft ready with the plain-English reason, and may be tried again", async () => {
    const client = await clientFor('platform');
    const draft = await readyDraft(client);
    const other = await client.searchServices({ nhsNumber: NHS, criteria: { priority: 'ROUTINE', specialty: 'DERMATOLOGY', ageAndGenderAppropriate: true } });
    const cardiology = draft.shortlist;
    await updateDraft(draft.id, (d) => {
      d.shortlist = [other.services.find((x) => !x.isTriage)!];
    });
    const refused = await submit(ctxOf(client), draft);
    expect(refused.submission).toMatchObject({ phase: 'ready', error: { code: 'SHORTLISTED_SERVICE_NOT_IN_RESULTS', status: 422 } });
    expect(referralsFor()).toHaveLength(0);
    expect(refused.submission.error?.message).toMatch(/does not match the search/);
    await updateDraft(draft.id, (d) => {
      d.shortlist = cardiology;
    });
    expect((await advance(ctxOf(client), draft.id)).submission.phase).toBe('complete');
    expect(referralsFor()).toHaveLength(1);
  });

  it('two referrals on the worklist since the send: the user chooses, and the letter goes on the chosen one only', async () => {
    const client = await clientFor('platform');
    const draft = await readyDraft(client);
    // A gateway that sent the create twice and lost both answers.
    sim().injectFault({ route: 'A011', kind: 'drop', count: 2 });
    const twice = new Proxy(client, {
      get(target, prop, receiver) {
        if (prop === 'createReferral')
          return async (...a: Parameters<ErsClient['createReferral']>) => {
            await target.createReferral(...a).catch(() => undefined);
            return target.createReferral(...a);
          };
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as SubmissionApi;
    const after = await submit(ctxOf(twice), draft);
    expect(after.submission.phase).toBe('outcome-unknown');
    expect(after.submission.reconcile?.status).toBe('several');
    const candidates = after.submission.reconcile!.candidates!;
    expect(candidates.map((c) => c.ubrn).sort()).toEqual(
      referralsFor()
        .map((r) => r.ubrn)
        .sort(),
    );
    expect((await chooseReconciled(ctxOf(client), draft.id, '000000000000')).submission.phase).toBe('outcome-unknown');
    const chosen = await chooseReconciled(ctxOf(client), draft.id, candidates[1].ubrn);
    expect(chosen.submission).toMatchObject({ phase: 'complete', ubrn: candidates[1].ubrn });
    expect(referralsFor().find((r) => r.ubrn === candidates[1].ubrn)?.letters).toEqual(['referral-letter.pdf']);
    expect(referralsFor().find((r) => r.ubrn === candidates[0].ubrn)?.letters).toEqual([]);
  });
});

describe('which worklist entries can be our lost create', () => {
  const sent = Date.parse('2026-03-01T10:00:00Z');
  const draft = { patient: { nhsNumber: NHS, displayName: 'X' }, submission: { phase: 'outcome-unknown' as const, createSentAt: sent, updatedAt: sent } };
  const item = (over: object) => ({ ubrn: '000000070009', nhsNumber: NHS, referrer: USER_IDS.adams, created: '2026-03-01T10:00:01Z', ...over });
  it('this patient, this referrer, created since the send (allowing for clock skew), not one we already hold', () => {
    const opts = { userId: USER_IDS.adams, knownUbrns: new Set(['000000070010']) };
    expect(createdCandidates([item({})], draft, opts)).toHaveLength(1);
    expect(createdCandidates([item({ created: '2026-03-01T09:59:30Z' })], draft, opts)).toHaveLength(1);
    expect(createdCandidates([item({ created: '2026-03-01T09:58:00Z' })], draft, opts)).toEqual([]);
    expect(createdCandidates([item({ nhsNumber: '9000000009' })], draft, opts)).toEqual([]);
    expect(createdCandidates([item({ referrer: USER_IDS.baker })], draft, opts)).toEqual([]);
    expect(createdCandidates([item({ ubrn: '000000070010' })], draft, opts)).toEqual([]);
    expect(createdCandidates([item({ referrer: USER_IDS.baker })], { ...draft, referringClinician: USER_IDS.baker }, opts)).toHaveLength(1);
  });
});

/** Proxy whose call number `stopAt` reaches e-RS but whose answer never arrives (the worker died). */
function stoppingApi(real: ErsClient, stopAt: number): { api: SubmissionApi; calls: string[]; reached: Promise<void> } {
  const calls: string[] = [];
  let signal!: () => void;
  const reached = new Promise<void>((resolve) => {
    signal = resolve;
  });
  const api = new Proxy(real, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        calls.push(String(prop));
        const result = await value.apply(target, args);
        if (calls.length === stopAt) {
          signal();
          return new Promise(() => undefined);
        }
        return result;
      };
    },
  }) as SubmissionApi;
  return { api, calls, reached };
}

describe('the worker stopped after every step: exactly one referral, no lost letter', () => {
  it.each(['platform', 'legacy'] as const)('%s', async (flavour) => {
    const client = await clientFor(flavour);
    // Count the calls of an uninterrupted run.
    const probe = stoppingApi(client, Number.POSITIVE_INFINITY);
    await submit({ api: probe.api }, await readyDraft(client, { ras: flavour === 'platform' }));
    const total = probe.calls.length;
    expect(total).toBeGreaterThanOrEqual(5);
    for (let stopAt = 1; stopAt <= total; stopAt++) {
      sim().reset();
      globalThis.indexedDB = new IDBFactory();
      resetDbConnection();
      const fresh = await clientFor(flavour);
      const draft = await readyDraft(fresh, { ras: flavour === 'platform' });
      const stopping = stoppingApi(fresh, stopAt);
      void submit({ api: stopping.api }, draft);
      await stopping.reached;
      const step = stopping.calls[stopAt - 1];
      // A new worker picks the draft up from IndexedDB; a lost create is found on the worklist.
      const resumed = await advance(ctxOf(fresh), draft.id);
      const referrals = referralsFor();
      expect(referrals, `stopped after ${step}`).toHaveLength(1);
      expect(resumed.submission.phase, `stopped after ${step}`).toBe('complete');
      expect(resumed.submission.ubrn).toBe(referrals[0].ubrn);
      expect(referrals[0].letters, `stopped after ${step}`).toEqual(['referral-letter.pdf']);
      if (flavour === 'platform') expect(referrals[0].state).toBe('AWAITING_TRIAGE');
    }
  });
});

describe('our letter is recognised by its Binary id only', () => {
  it('a letter someone else attached under the same file name is not ours: ours is not reported attached, and the user is told', async () => {
    const client = await clientFor('platform');
    const draft = await readyDraft(client);
    // Right after the create, another user attaches their own "referral-letter.pdf" in e-RS.
    const api = new Proxy(client, {
      get(target, prop, receiver) {
        if (prop === 'createReferral') {
          return async (...a: Parameters<ErsClient['createReferral']>) => {
            const created = await target.createReferral(...a);
            const { url } = await target.uploadFile({
              ubrn: created.ubrn,
              fileName: 'referral-letter.pdf',
              contentType: 'application/pdf',
              bytes: new TextEncoder().encode('%PDF-1.4 theirs'),
            });
            await target.maintainReferralLetter({
              ubrn: created.ubrn,
              etag: created.etag,
              files: [{ url, indexed: new Date().toISOString(), description: 'Their letter' }],
            });
            return created;
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as SubmissionApi;
    const after = await submit(ctxOf(api), draft);
    const ours = (await getDraft(draft.id))!.files[0].binaryUrl!;
    expect(ours).toMatch(/^Binary\//);
    expect(
      sim()
        .binaries()
        .find((b) => `Binary/${b.id}` === ours)?.linkedUbrn,
    ).toBeNull();
    expect(after.submission.phase).toBe('attaching');
    expect(after.submission.error).toMatchObject({ step: 'attaching', code: 'DUPLICATE_FILENAME' });
    expect(after.submission.error?.message).toMatch(/same name is already attached/);
  });
});

describe('a stale ETag on the letter', () => {
  it('re-reads the referral and applies the letter once', async () => {
    const client = await clientFor('platform');
    const draft = await readyDraft(client);
    let staleOnce = true;
    const api = new Proxy(client, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop === 'getReferral') {
          return async (ubrn: string) => {
            const r = await target.getReferral(ubrn);
            if (staleOnce) {
              staleOnce = false;
              return { ...r, etag: `W/"${Number(r.version) - 1}"` };
            }
            return r;
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as SubmissionApi;
    const done = await submit({ api }, draft);
    expect(staleOnce).toBe(false);
    expect(done.submission.phase).toBe('complete');
    expect(referralsFor()[0].letters).toEqual(['referral-letter.pdf']);
  });
});

describe('submitting is refused when', () => {
  const base = () => {
    const d = newDraft({ owner: OWNER, hostOrigin: 'h', sourceUrl: 'h', patient: { nhsNumber: NHS, displayName: 'X' }, ttlMs: 1, now: 0 });
    d.shortlist = [{ id: '1' } as Draft['shortlist'][number]];
    d.files = [{ id: 'f', name: 'a.pdf', contentType: 'application/pdf', size: 1 }];
    return d;
  };
  it('the clinical system shows another patient', () => {
    expect(submitBlocker(base(), '9000000009')).toMatch(/not this draft's patient/);
    expect(submitBlocker(base(), undefined)).toMatch(/not this draft's patient/);
    expect(submitBlocker(base(), NHS)).toBeUndefined();
  });
  it('the draft is locked, the shortlist is empty, or the letter is missing', () => {
    expect(submitBlocker({ ...base(), lockedReason: 'locked' }, NHS)).toBe('locked');
    expect(submitBlocker({ ...base(), shortlist: [] }, NHS)).toMatch(/shortlist/);
    expect(submitBlocker({ ...base(), files: [] }, NHS)).toMatch(/letter/);
    expect(submitBlocker({ ...base(), files: [], letterMode: 'to-follow' }, NHS)).toBeUndefined();
  });
  it('a letter written in the panel is not among the letter files (the panel and the background both check)', () => {
    const letter = { templateId: 'general', sections: { reason: 'Chest pain' }, items: [], updatedAt: 2 };
    expect(submitBlocker({ ...base(), letter }, NHS)).toMatch(/letter you wrote/);
    expect(submitBlocker({ ...base(), letter: { ...letter, added: { fileId: 'f', name: 'a.pdf', at: 2 } } }, NHS)).toBeUndefined();
  });
});
