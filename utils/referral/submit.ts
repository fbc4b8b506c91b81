// Submit a draft at most once. A persisted state machine: each step's phase is written to IndexedDB
// *before* its request goes out, so whoever picks the draft up next (the same worker, a restarted
// worker, or the panel asking to resume) knows exactly what may already have happened:
//
//   ready ─A011/A021─▶ created ─(A016 TRIAGE)─▶ uploading ─A020…─▶ attaching ─A012─▶ letter-attached ─A019─▶ complete
//     ├─ e-RS refused it (proven: see utils/ers/outcome.ts) ─▶ ready, with the reason
//     └─ found in "creating" on resume, or any other failure ─▶ outcome-unknown (never re-sent)
//          └─ reconcile: e-RS's LETTERS_OUTSTANDING worklist (A008) for this patient, by this
//             referrer, created since the send: one ─▶ adopt its UBRN (created) · none / several ─▶ the user
//
// Every create promises the letter later (NEED_TO_ADD_LATER; A021 allows nothing else), so a referral
// our create made is on that worklist until a letter is linked. After the UBRN is known every step is
// safe to repeat because it first reads the referral back (A005): a triage send or a letter update
// that already happened is seen and not done twice, so a step whose outcome is unknown is simply run
// again once, automatically.
import type { ErsClient } from '../ers/client';
import { ErsError } from '../ers/errors';
import { classifyChangeFailure } from '../ers/outcome';
import type { ReferralSummary, WorklistItem } from '../ers/parse';
import { writtenLetterBlocker } from '../letter/attached';
import { letterDeadline } from './deadlines';
import { routeFor, type Draft, type DraftFile, type ReconcileCandidate, type StepError, type Submission, type SubmissionPhase } from './model';
import { deleteOutstanding, fileKey, getBlob, getDraft, listDrafts, listOutstanding, patientLetterKey, putBlob, putOutstanding, updateDraft } from './store';

export type SubmissionApi = Pick<
  ErsClient,
  | 'flavour'
  | 'createReferral'
  | 'createReferralAndSendForTriage'
  | 'sendForTriage'
  | 'uploadFile'
  | 'maintainReferralLetter'
  | 'generatePatientLetter'
  | 'getReferral'
  | 'fetchWorklist'
>;

export interface SubmitContext {
  api: SubmissionApi;
  businessFunction?: string;
  /** SDS user id of the signed-in user: the referrer to look for on the worklist after a lost create. */
  userId?: string;
  now?: () => number;
  /** Waits between looks at the worklist after a lost create (bounded: then the user is asked). */
  reconcileDelaysMs?: readonly number[];
  /** Told after every persisted change, so open panels can re-read the draft. */
  onChange?: (draftId: string) => void;
}

/** e-RS may list a referral a moment after creating it: look again with back-off, about 15 s in all. */
export const RECONCILE_DELAYS_MS: readonly number[] = [0, 1_000, 2_000, 4_000, 8_000];
/** Clocks differ between this machine and e-RS: accept a referral created this long before our send. */
export const CLOCK_SKEW_MS = 60_000;

/** Steps after the create that start by reading back, so one unknown outcome may be run again. */
const READ_BACK_STEPS: readonly SubmissionPhase[] = ['triaging', 'uploading', 'attaching', 'letter-attached'];

function stepError(step: string, error: unknown): StepError {
  if (error instanceof ErsError) return { step, code: error.code, status: error.status, kind: error.kind, message: error.message };
  return { step, kind: 'unexpected', message: 'Something went wrong in the extension. Nothing has been lost; try again.' };
}

async function save(ctx: SubmitContext, id: string, change: (s: Submission, d: Draft) => Partial<Submission>): Promise<Draft> {
  const now = ctx.now?.() ?? Date.now();
  const draft = await updateDraft(id, (d) => {
    d.submission = { ...d.submission, ...change(d.submission, d), updatedAt: now };
    d.updatedAt = now;
  });
  if (!draft) throw new Error('draft disappeared');
  ctx.onChange?.(id);
  return draft;
}

/** Why a draft may not be submitted now, or undefined when it may. */
export function submitBlocker(draft: Draft, currentNhsNumber: string | undefined): string | undefined {
  if (draft.lockedReason) return draft.lockedReason;
  if (currentNhsNumber !== draft.patient.nhsNumber) {
    return "The record open in the clinical system is not this draft's patient. Open this patient's record to submit.";
  }
  if (draft.shortlist.length === 0) return 'Add at least one service to the shortlist.';
  if (draft.letterMode === 'attach' && draft.files.length === 0) return 'Attach the referral letter, or choose "letter to follow".';
  return writtenLetterBlocker(draft);
}

/**
 * Why a draft may not be resumed now, or undefined when it may. Every resume path (the panel's
 * automatic resume, its retry, `referral/resume`, worker start) goes through this. A draft that
 * has not been sent yet (`ready`) would be created by resuming, so it gets exactly the submit checks:
 * unlocked, and the tab shows its patient. Once a create has been sent the referral exists for the
 * draft's own patient, and finishing its steps (each of which reads it back first) cannot refer
 * anyone else.
 */
export function resumeBlocker(draft: Draft, currentNhsNumber: string | undefined): string | undefined {
  if (notSentYet(draft)) return submitBlocker(draft, currentNhsNumber);
  return undefined;
}

/** Nothing has gone to e-RS yet: continuing would create the referral, so the submit checks apply. */
export function notSentYet(draft: Draft): boolean {
  return draft.submission.phase === 'ready' || draft.submission.phase === 'editing';
}

/** Mark the draft ready (the user pressed Submit). Refuses anything already past "ready". */
export async function requestSubmission(ctx: SubmitContext, id: string): Promise<Draft> {
  const draft = await getDraft(id);
  if (!draft) throw new Error('No such draft');
  if (draft.submission.phase !== 'editing' && draft.submission.phase !== 'ready') return draft;
  return save(ctx, id, () => ({ phase: 'ready', route: routeFor(draft.shortlist, ctx.api.flavour), error: undefined }));
}

/** Attach the letter of a referral sent with "letter to follow", through the same steps. */
export async function requestLetterCompletion(ctx: SubmitContext, id: string): Promise<Draft> {
  const draft = await getDraft(id);
  if (!draft) throw new Error('No such draft');
  if (draft.submission.phase !== 'complete' || !draft.submission.ubrn || draft.files.length === 0) return draft;
  await updateDraft(id, (d) => {
    d.letterMode = 'attach';
    d.addingLetter = false;
  });
  await save(ctx, id, () => ({ phase: 'uploading', error: undefined }));
  return advance(ctx, id);
}

function fromReferral(r: ReferralSummary): Partial<Submission> {
  // The commissioning organisation is kept for booking: A015 must send it (NHSD-eRS-Comm-Rule-Org).
  return { ubrn: r.ubrn, version: r.version, etag: r.etag, ...(r.commissioningRuleOrg ? { commissioningRuleOrg: r.commissioningRuleOrg } : {}) };
}

/** The phases whose step only moves the draft on; each step records the phase that follows it. */
const STEPS = { triaging: sendToTriage, uploading: upload, attaching: attach, 'letter-attached': patientLetter } satisfies Partial<
  Record<SubmissionPhase, (ctx: SubmitContext, draft: Draft) => Promise<unknown>>
>;

/**
 * Drive the draft as far as it can go. Returns the draft as persisted. Errors never escape: a
 * failed step is recorded on the draft (with e-RS's plain-English message) and the phase stays, so
 * the user can try that step again and nothing entered is lost.
 */
export async function advance(ctx: SubmitContext, id: string): Promise<Draft> {
  const reruns = new Set<SubmissionPhase>();
  for (;;) {
    const draft = await getDraft(id);
    if (!draft) throw new Error('No such draft');
    const s = draft.submission;
    try {
      switch (s.phase) {
        case 'editing':
        case 'complete':
          return draft;
        case 'outcome-unknown':
          // Resolve it from e-RS's worklist; "none" and "several" wait for the user.
          if (s.reconcile && s.reconcile.status !== 'searching') return draft;
          if (!(await reconcile(ctx, draft))) return (await getDraft(id))!;
          continue;
        case 'creating':
          // We sent a create and never recorded its answer: it may exist. Never send it again.
          await save(ctx, id, () => ({ phase: 'outcome-unknown', reconcile: { status: 'searching' } }));
          continue;
        case 'ready':
          // A refusal leaves the draft ready with the reason, for the user to act on.
          if (!(await create(ctx, draft))) return (await getDraft(id))!;
          continue;
        case 'created':
          if (s.route === 'A011+A016' && !s.triageSent) {
            await save(ctx, id, () => ({ phase: 'triaging' }));
          } else {
            await save(ctx, id, () => ({ phase: draft.letterMode === 'attach' ? 'uploading' : 'letter-attached' }));
          }
          continue;
        default:
          await STEPS[s.phase](ctx, draft);
          continue;
      }
    } catch (error) {
      const unknown = classifyChangeFailure(error) === 'unknown';
      if (s.phase === 'ready' && unknown) {
        // The create may have been made: look for it, never send it again.
        await save(ctx, id, () => ({ phase: 'outcome-unknown', reconcile: { status: 'searching' }, error: stepError('create', error) }));
        continue;
      }
      if (unknown && READ_BACK_STEPS.includes(s.phase) && !reruns.has(s.phase)) {
        // The step reads the referral back first, so running it again cannot do it twice.
        reruns.add(s.phase);
        continue;
      }
      return save(ctx, id, () => ({ error: stepError(s.phase === 'outcome-unknown' ? 'reconcile' : s.phase, error) }));
    }
  }
}

/** Sends the create once. False when e-RS refused it (the draft is back to ready, with the reason). */
async function create(ctx: SubmitContext, draft: Draft): Promise<boolean> {
  if (!draft.criteriaResource)
    throw new ErsError({
      kind: 'rule',
      operation: 'A011',
      code: 'MISSING_VALUE',
      message: 'Search again before submitting: the shortlist must come from a search.',
    });
  const route = draft.submission.route ?? routeFor(draft.shortlist, ctx.api.flavour);
  const role = { businessFunction: ctx.businessFunction };
  const input = {
    nhsNumber: draft.patient.nhsNumber,
    referringClinician: draft.referringClinician,
    criteria: draft.criteriaResource,
    shortlist: draft.shortlist,
  };
  // Persist "creating" first: from here on, a crash means "outcome unknown", never "send again".
  const now = ctx.now?.() ?? Date.now();
  await save(ctx, draft.id, () => ({ phase: 'creating', route, createSentAt: now, error: undefined }));
  let referral: ReferralSummary;
  try {
    referral =
      route === 'A021'
        ? await ctx.api.createReferralAndSendForTriage(input, role)
        : // Letters are always attached after the create (or follow later), so one is always promised.
          await ctx.api.createReferral({ ...input, letterIntention: 'NEED_TO_ADD_LATER' }, role);
  } catch (error) {
    // Only a proven refusal means nothing was created: the user may fix and try again. Anything
    // else leaves "creating", which becomes outcome unknown.
    if (classifyChangeFailure(error) === 'refused') {
      await save(ctx, draft.id, () => ({ phase: 'ready', error: stepError('create', error) }));
      return false;
    }
    // A 2xx we could not read that still named the UBRN: created. The next steps read it back.
    const ubrn = error instanceof ErsError ? error.extracted?.ubrn : undefined;
    if (ubrn) {
      await save(ctx, draft.id, () => ({ phase: 'created', ubrn, version: undefined, etag: undefined, triageSent: route === 'A021' }));
      return true;
    }
    throw error;
  }
  await save(ctx, draft.id, () => ({ phase: 'created', ...fromReferral(referral), triageSent: route === 'A021' }));
  return true;
}

/** Referrals on e-RS's letters-outstanding worklist that this draft's lost create may have made. */
export function createdCandidates(
  items: readonly WorklistItem[],
  draft: Pick<Draft, 'patient' | 'referringClinician' | 'submission'>,
  options: { userId?: string; knownUbrns: ReadonlySet<string> },
): ReconcileCandidate[] {
  const since = (draft.submission.createSentAt ?? 0) - CLOCK_SKEW_MS;
  // The worklist's referrer is the referring clinician: the named one when an admin referred for them.
  const referrer = draft.referringClinician ?? options.userId;
  return items
    .filter(
      (i) =>
        i.nhsNumber === draft.patient.nhsNumber &&
        (!referrer || i.referrer === referrer) &&
        i.created !== undefined &&
        Date.parse(i.created) >= since &&
        !options.knownUbrns.has(i.ubrn),
    )
    .map((i) => ({ ubrn: i.ubrn, created: i.created, priority: i.priority, clinicalContext: i.clinicalContext }));
}

/** UBRNs this browser already holds for other drafts or letters to follow: never someone's lost create. */
async function knownUbrns(owner: string, exceptDraft: string): Promise<Set<string>> {
  const [drafts, outstanding] = await Promise.all([listDrafts(owner), listOutstanding(owner)]);
  return new Set([
    ...drafts.filter((d) => d.id !== exceptDraft && d.submission.ubrn).map((d) => d.submission.ubrn!),
    ...outstanding.filter((o) => o.draftId !== exceptDraft).map((o) => o.ubrn),
  ]);
}

/**
 * After an outcome-unknown create: look on the worklist with back-off for a bounded time. Exactly
 * one candidate → adopt it (true: carry on). None or several → recorded for the user (false).
 */
async function reconcile(ctx: SubmitContext, draft: Draft): Promise<boolean> {
  const known = await knownUbrns(draft.owner, draft.id);
  let found: ReconcileCandidate[] = [];
  for (const delay of ctx.reconcileDelaysMs ?? RECONCILE_DELAYS_MS) {
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    found = createdCandidates(await ctx.api.fetchWorklist('LETTERS_OUTSTANDING'), draft, { userId: ctx.userId, knownUbrns: known });
    if (found.length > 0) break;
  }
  const checkedAt = ctx.now?.() ?? Date.now();
  if (found.length === 1) {
    await adopt(ctx, draft, found[0].ubrn);
    return true;
  }
  await save(ctx, draft.id, () => ({ reconcile: { status: found.length === 0 ? 'none' : 'several', candidates: found, checkedAt } }));
  return false;
}

/** Take over a referral found on the worklist as this draft's, after checking it is this patient's. */
async function adopt(ctx: SubmitContext, draft: Draft, ubrn: string): Promise<void> {
  const current = await ctx.api.getReferral(ubrn);
  if (current.nhsNumber !== draft.patient.nhsNumber) {
    throw new ErsError({
      kind: 'rule',
      operation: 'A005',
      code: 'INVALID_VALUE',
      message: 'That referral is for another patient, so it was not used. Check in e-RS.',
    });
  }
  const route = draft.submission.route;
  await save(ctx, draft.id, () => ({
    phase: 'created',
    ...fromReferral(current),
    adopted: true,
    error: undefined,
    triageSent: route === 'A021' || current.state === 'AWAITING_TRIAGE',
    reconcile: undefined,
  }));
}

/** The user chose which of several referrals on the worklist is this draft's. */
export async function chooseReconciled(ctx: SubmitContext, id: string, ubrn: string): Promise<Draft> {
  const draft = await getDraft(id);
  if (!draft) throw new Error('No such draft');
  const r = draft.submission.reconcile;
  if (draft.submission.phase !== 'outcome-unknown' || !r?.candidates?.some((c) => c.ubrn === ubrn)) return draft;
  try {
    await adopt(ctx, draft, ubrn);
  } catch (error) {
    return save(ctx, id, () => ({ error: stepError('reconcile', error) }));
  }
  return advance(ctx, id);
}

/** Look on the worklist again (the user was told nothing was found, and wants another look). */
export async function recheckReconciliation(ctx: SubmitContext, id: string): Promise<Draft> {
  const draft = await getDraft(id);
  if (!draft) throw new Error('No such draft');
  if (draft.submission.phase !== 'outcome-unknown') return draft;
  await save(ctx, id, () => ({ reconcile: { status: 'searching' }, error: undefined }));
  return advance(ctx, id);
}

/**
 * Send the create again: only after the worklist showed nothing AND the user confirmed they checked
 * e-RS themselves and the referral was not created. Never done without that confirmation.
 */
export async function resendAfterCheck(ctx: SubmitContext, id: string, confirmed: boolean): Promise<Draft> {
  const draft = await getDraft(id);
  if (!draft) throw new Error('No such draft');
  if (!confirmed || draft.submission.phase !== 'outcome-unknown' || draft.submission.reconcile?.status !== 'none') return draft;
  const now = ctx.now?.() ?? Date.now();
  await save(ctx, id, () => ({ phase: 'ready', reconcile: undefined, error: undefined, resentAfterCheckAt: now }));
  return advance(ctx, id);
}

async function sendToTriage(ctx: SubmitContext, draft: Draft): Promise<void> {
  const s = draft.submission;
  // Read back first: if the worker stopped after A016 was accepted, the referral is already with triage.
  const current = await ctx.api.getReferral(s.ubrn!);
  if (current.state !== 'AWAITING_TRIAGE') {
    await ctx.api.sendForTriage({ ubrn: current.ubrn, version: current.version, serviceId: draft.shortlist[0].id, nhsNumber: draft.patient.nhsNumber });
  }
  const after = await ctx.api.getReferral(s.ubrn!);
  await save(ctx, draft.id, () => ({ ...fromReferral(after), triageSent: true, phase: 'created' }));
}

async function upload(ctx: SubmitContext, draft: Draft): Promise<void> {
  for (const file of draft.files) {
    if (file.binaryUrl) continue;
    const blob = await getBlob(fileKey(draft.id, file.id));
    if (!blob) {
      throw new ErsError({
        kind: 'rule',
        operation: 'A020',
        code: 'MISSING_VALUE',
        message: `The file "${file.name}" is no longer stored in this browser. Remove it and add it again.`,
      });
    }
    // Re-uploading after a crash is harmless: only files linked by A012 belong to the referral, and
    // e-RS purges unlinked uploads.
    const { url } = await ctx.api.uploadFile({
      ubrn: draft.submission.ubrn!,
      fileName: file.name,
      contentType: file.contentType,
      bytes: new Uint8Array(await blob.arrayBuffer()),
    });
    const indexed = new Date(ctx.now?.() ?? Date.now()).toISOString();
    await updateDraft(draft.id, (d) => {
      d.files = d.files.map((f) => (f.id === file.id ? { ...f, binaryUrl: url, indexed } : f));
    });
    ctx.onChange?.(draft.id);
  }
  await save(ctx, draft.id, () => ({ phase: 'attaching' }));
}

async function attach(ctx: SubmitContext, draft: Draft): Promise<void> {
  const ubrn = draft.submission.ubrn!;
  const ours = draft.files.filter((f) => f.binaryUrl);
  for (let attempt = 1; ; attempt++) {
    // Read back first: the latest ETag, and the letters already linked (A012 replaces the whole
    // set, so theirs are kept; ours already linked by an earlier try are not sent twice). Ours are
    // recognised by their Binary id only: a letter someone else attached under the same file name
    // is not ours, and taking it for ours would leave our letter silently unattached.
    const current = await ctx.api.getReferral(ubrn);
    const linked = (f: DraftFile) => current.attachments.some((a) => a.url === f.binaryUrl);
    const missing = ours.filter((f) => !linked(f));
    if (missing.length === 0) {
      await save(ctx, draft.id, () => ({ phase: 'letter-attached', ...fromReferral(current) }));
      return;
    }
    const files = [
      ...current.attachments.map((a) => ({ url: a.url, indexed: a.indexed ?? new Date().toISOString(), description: a.description })),
      ...missing.map((f) => ({ url: f.binaryUrl!, indexed: f.indexed ?? new Date().toISOString(), description: 'Referral letter' })),
    ];
    try {
      const updated = await ctx.api.maintainReferralLetter({ ubrn, etag: current.etag, files });
      await save(ctx, draft.id, () => ({ phase: 'letter-attached', ...fromReferral(updated) }));
      return;
    } catch (error) {
      // 409: the referral changed between our read and our write and nothing was applied: read again once.
      if (!(error instanceof ErsError && error.status === 409) || attempt >= 2) throw error;
    }
  }
}

async function patientLetter(ctx: SubmitContext, draft: Draft): Promise<void> {
  const ubrn = draft.submission.ubrn!;
  if (draft.letterMode === 'attach') await deleteOutstanding(ubrn);
  else {
    const createdAt = draft.submission.createSentAt ?? ctx.now?.() ?? Date.now();
    await putOutstanding({
      ubrn,
      owner: draft.owner,
      draftId: draft.id,
      displayName: draft.patient.displayName,
      nhsNumber: draft.patient.nhsNumber,
      priority: draft.search.criteria.priority,
      createdAt,
      deadline: letterDeadline(draft.search.criteria.priority, createdAt),
      hostOrigin: draft.hostOrigin,
    });
  }
  try {
    const pdf = await ctx.api.generatePatientLetter(ubrn);
    await putBlob(patientLetterKey(draft.id), draft.id, new Blob([pdf.bytes as BlobPart], { type: 'application/pdf' }));
    await save(ctx, draft.id, () => ({ phase: 'complete', patientLetter: { fileName: pdf.fileName, size: pdf.bytes.length }, error: undefined }));
  } catch (error) {
    // The referral exists and is complete; only the letter failed. Say why (e.g. no access code).
    if (error instanceof ErsError && error.kind === 'http' && error.status === 422) {
      await save(ctx, draft.id, () => ({ phase: 'complete', patientLetterError: stepError('patient-letter', error), error: undefined }));
      return;
    }
    throw error;
  }
}
