// Submit a draft at most once. A persisted state machine: each step's phase is written to IndexedDB
// *before* its request goes out, so whoever picks the draft up next (the same worker, a restarted
// worker, or the panel asking to resume) knows exactly what may already have happened:
//
//   ready ─A011/A021─▶ created ─(A016 TRIAGE)─▶ uploading ─A020…─▶ attaching ─A012─▶ letter-attached ─A019─▶ complete
//     └─ found in "creating" on resume, or the answer was lost ─▶ outcome-unknown (never re-sent)
//
// After the UBRN is known every step is safe to repeat because it first reads the referral back
// (A005): a triage send or a letter update that already happened is seen and not done twice.
import type { ErsClient } from '../ers/client';
import { ErsError } from '../ers/errors';
import type { ReferralSummary } from '../ers/parse';
import { letterDeadline } from './deadlines';
import { routeFor, type Draft, type DraftFile, type StepError, type Submission } from './model';
import { deleteOutstanding, fileKey, getBlob, getDraft, patientLetterKey, putBlob, putOutstanding, updateDraft } from './store';

export type SubmissionApi = Pick<ErsClient,
  'flavour' | 'createReferral' | 'createReferralAndSendForTriage' | 'sendForTriage' | 'uploadFile' | 'maintainReferralLetter' | 'generatePatientLetter' | 'getReferral'>;

export interface SubmitContext {
  api: SubmissionApi;
  businessFunction?: string;
  now?: () => number;
  /** Told after every persisted change, so open panels can re-read the draft. */
  onChange?: (draftId: string) => void;
}

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
    return 'The record open in the clinical system is not this draft\'s patient. Open this patient\'s record to submit.';
  }
  if (draft.shortlist.length === 0) return 'Add at least one service to the shortlist.';
  if (draft.letterMode === 'attach' && draft.files.length === 0) return 'Attach the referral letter, or choose "letter to follow".';
  return undefined;
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
  if (draft.submission.phase === 'ready' || draft.submission.phase === 'editing') return submitBlocker(draft, currentNhsNumber);
  return undefined;
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
  await updateDraft(id, (d) => { d.letterMode = 'attach'; d.addingLetter = false; });
  await save(ctx, id, () => ({ phase: 'uploading', error: undefined }));
  return advance(ctx, id);
}

function fromReferral(r: ReferralSummary): Partial<Submission> {
  return { ubrn: r.ubrn, version: r.version, etag: r.etag };
}

/**
 * Drive the draft as far as it can go. Returns the draft as persisted. Errors never escape: a
 * failed step is recorded on the draft (with e-RS's plain-English message) and the phase stays, so
 * the user can try that step again and nothing entered is lost.
 */
export async function advance(ctx: SubmitContext, id: string): Promise<Draft> {
  for (;;) {
    const draft = await getDraft(id);
    if (!draft) throw new Error('No such draft');
    const s = draft.submission;
    try {
      switch (s.phase) {
        case 'editing':
        case 'complete':
        case 'outcome-unknown':
          return draft;
        case 'creating':
          // We sent a create and never recorded its answer: it may exist. Never send it again.
          await save(ctx, id, () => ({ phase: 'outcome-unknown' }));
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
        case 'triaging':
          await sendToTriage(ctx, draft);
          continue;
        case 'uploading':
          await upload(ctx, draft);
          continue;
        case 'attaching':
          await attach(ctx, draft);
          continue;
        case 'letter-attached':
          await patientLetter(ctx, draft);
          continue;
      }
    } catch (error) {
      if (error instanceof ErsError && error.kind === 'outcome-unknown' && s.phase === 'ready') {
        return save(ctx, id, () => ({ phase: 'outcome-unknown', error: stepError('create', error) }));
      }
      return save(ctx, id, () => ({ error: stepError(s.phase, error) }));
    }
  }
}

/** Sends the create once. False when e-RS refused it (the draft is back to ready, with the reason). */
async function create(ctx: SubmitContext, draft: Draft): Promise<boolean> {
  if (!draft.criteriaResource) throw new ErsError({ kind: 'rule', operation: 'A011', code: 'MISSING_VALUE', message: 'Search again before submitting: the shortlist must come from a search.' });
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
    referral = route === 'A021'
      ? await ctx.api.createReferralAndSendForTriage(input, role)
      // Letters are always attached after the create (or follow later), so one is always promised.
      : await ctx.api.createReferral({ ...input, letterIntention: 'NEED_TO_ADD_LATER' }, role);
  } catch (error) {
    // e-RS answered with a refusal (or we refused before sending): nothing was created, so the
    // user may fix and try again. Anything else leaves "creating", which resumes as outcome unknown.
    if (error instanceof ErsError && error.kind !== 'outcome-unknown') {
      await save(ctx, draft.id, () => ({ phase: 'ready', error: stepError('create', error) }));
      return false;
    }
    throw error;
  }
  await save(ctx, draft.id, () => ({ phase: 'created', ...fromReferral(referral), triageSent: route === 'A021' }));
  return true;
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
      throw new ErsError({ kind: 'rule', operation: 'A020', code: 'MISSING_VALUE', message: `The file "${file.name}" is no longer stored in this browser. Remove it and add it again.` });
    }
    // Re-uploading after a crash is harmless: only files linked by A012 belong to the referral, and
    // e-RS purges unlinked uploads.
    const { url } = await ctx.api.uploadFile({ ubrn: draft.submission.ubrn!, fileName: file.name, contentType: file.contentType, bytes: new Uint8Array(await blob.arrayBuffer()) });
    const indexed = new Date(ctx.now?.() ?? Date.now()).toISOString();
    await updateDraft(draft.id, (d) => { d.files = d.files.map((f) => (f.id === file.id ? { ...f, binaryUrl: url, indexed } : f)); });
    ctx.onChange?.(draft.id);
  }
  await save(ctx, draft.id, () => ({ phase: 'attaching' }));
}

async function attach(ctx: SubmitContext, draft: Draft): Promise<void> {
  const ubrn = draft.submission.ubrn!;
  const ours = draft.files.filter((f) => f.binaryUrl);
  for (let attempt = 1; ; attempt++) {
    // Read back first: the latest ETag, and the letters already linked (A012 replaces the whole
    // set, so theirs are kept; ours already linked by an earlier try are not sent twice).
    const current = await ctx.api.getReferral(ubrn);
    const linked = (f: DraftFile) => current.attachments.some((a) => a.title === f.name || a.url === f.binaryUrl);
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
      ubrn, owner: draft.owner, draftId: draft.id, displayName: draft.patient.displayName, nhsNumber: draft.patient.nhsNumber,
      priority: draft.search.criteria.priority, createdAt, deadline: letterDeadline(draft.search.criteria.priority, createdAt), hostOrigin: draft.hostOrigin,
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
