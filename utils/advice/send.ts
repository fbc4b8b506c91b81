// Send an A&G request at most once. Like utils/referral/submit.ts, each phase is saved before its
// request goes out, so whoever picks the record up next knows what may already have happened:
//
//   ready ─A020…─▶ uploading ─A044─▶ sent (UBRN)
//     ├─ e-RS refused it (proven: utils/ers/outcome.ts classifyChangeFailure) ─▶ ready, with the reason
//     └─ the answer was lost, or "creating" found on resume ─▶ outcome-unknown (never re-sent)
//          └─ resolve: a UBRN the answer carried is read back with A024 and adopted when it is this
//             patient's request to this service; otherwise e-RS has no referrer A&G worklist to look
//             in, so the user checks the e-RS web application and sending again needs their explicit
//             "it was not created" (confirmNotCreated).
import type { AdviceSummary, CreateAdviceInput } from '../ers/advice';
import { ErsError } from '../ers/errors';
import { classifyChangeFailure } from '../ers/outcome';
import type { AdviceError, AdviceRecord, AdviceStore } from './model';

export interface AdviceApi {
  uploadFile(input: { fileName: string; contentType: string; bytes: Blob }): Promise<{ url: string }>;
  createAdvice(input: CreateAdviceInput, role: { businessFunction?: string }): Promise<AdviceSummary>;
  getAdvice(ubrn: string): Promise<AdviceSummary>;
}

export interface SendContext {
  api: AdviceApi;
  store: AdviceStore;
  businessFunction?: string;
  now?: () => number;
  onChange?: (id: string) => void;
}

function errorOf(step: string, error: unknown): AdviceError {
  if (error instanceof ErsError) return { step, code: error.code, status: error.status, kind: error.kind, message: error.message };
  return { step, kind: 'unexpected', message: 'Something went wrong in the extension. Nothing has been lost; try again.' };
}

async function save(ctx: SendContext, record: AdviceRecord, change: Partial<AdviceRecord>): Promise<AdviceRecord> {
  const next = { ...record, ...change, updatedAt: ctx.now?.() ?? Date.now() };
  await ctx.store.put(next);
  ctx.onChange?.(next.id);
  return next;
}

/** Why this record may not be sent now, or undefined when it may. */
export function sendBlocker(record: AdviceRecord, currentNhsNumber: string | undefined): string | undefined {
  if (currentNhsNumber !== record.patient.nhsNumber) {
    return "The record open in the clinical system is not this request's patient. Open this patient's record to send.";
  }
  if (!record.service || !record.criteria) return 'Choose the advice service to ask.';
  if (!record.request.trim()) return 'Write the question for the specialist.';
  if (!record.conversion) return 'Choose whether the provider may convert this request into a referral.';
  return undefined;
}

/**
 * Drives one record towards `sent`. Safe to call again at any time: a record already sent is
 * returned as it is; one whose send may have happened is never sent again here.
 */
export async function sendAdvice(ctx: SendContext, id: string): Promise<AdviceRecord> {
  let record = await ctx.store.get(id);
  if (!record) throw new Error('advice request not found');
  if (record.phase === 'sent' || record.phase === 'outcome-unknown') return record;
  if (record.phase === 'creating') {
    // Found mid-send (the worker stopped, the browser closed): e-RS may have it.
    return save(ctx, record, {
      phase: 'outcome-unknown',
      error: { step: 'A044', kind: 'outcome-unknown', message: 'The request was being sent when the extension stopped. It has NOT been sent again.' },
    });
  }
  if (record.phase === 'editing') record = await save(ctx, record, { phase: 'ready', error: undefined });

  // Files first (A020 without a referral id): the request does not exist yet.
  if (record.files.some((f) => !f.binaryUrl)) {
    record = await save(ctx, record, { phase: 'uploading' });
    for (const file of record.files) {
      if (file.binaryUrl) continue;
      const blob = await ctx.store.getFile(file.key);
      if (!blob)
        return save(ctx, record, {
          phase: 'ready',
          error: { step: 'A020', kind: 'rule', message: `The file ${file.name} is no longer here; attach it again.` },
        });
      try {
        const { url } = await ctx.api.uploadFile({ fileName: file.name, contentType: file.contentType, bytes: blob });
        const indexed = new Date(ctx.now?.() ?? Date.now()).toISOString();
        record = await save(ctx, record, { files: record.files.map((f) => (f.key === file.key ? { ...f, binaryUrl: url, indexed } : f)) });
      } catch (error) {
        // An upload whose answer was lost leaves at most an unused file on e-RS that nobody sees;
        // nothing has been asked yet, so the user may simply send again.
        return save(ctx, record, { phase: 'ready', error: errorOf('A020', error) });
      }
    }
  }

  const { service, criteria, conversion } = record;
  if (!service || !criteria || !conversion)
    return save(ctx, record, { phase: 'ready', error: { step: 'A044', kind: 'rule', message: sendBlocker(record, record.patient.nhsNumber)! } });
  const startedAt = ctx.now?.() ?? Date.now();
  record = await save(ctx, record, { phase: 'creating', sendStartedAt: startedAt, error: undefined });
  try {
    const created = await ctx.api.createAdvice(
      {
        nhsNumber: record.patient.nhsNumber,
        conversion,
        criteria,
        serviceIds: [service.id],
        request: record.request,
        files: record.files.map((f) => ({ url: f.binaryUrl!, indexed: f.indexed!, description: f.name })),
        referringClinician: record.referringClinician,
      },
      { businessFunction: ctx.businessFunction },
    );
    return save(ctx, record, {
      phase: 'sent',
      ubrn: created.ubrn,
      tracking: { status: created.status, version: created.version, seenVersion: created.version },
    });
  } catch (error) {
    if (classifyChangeFailure(error) === 'refused') return save(ctx, record, { phase: 'ready', error: errorOf('A044', error) });
    const candidate = error instanceof ErsError ? error.extracted?.ubrn : undefined;
    record = await save(ctx, record, {
      phase: 'outcome-unknown',
      candidateUbrn: candidate,
      error: errorOf('A044', new ErsError({ kind: 'outcome-unknown', operation: 'A044' })),
    });
    return candidate ? (await resolveAdvice(ctx, id)).record : record;
  }
}

export type Resolution =
  | { kind: 'adopted'; record: AdviceRecord }
  | { kind: 'check-web-app'; record: AdviceRecord; message: string }
  | { kind: 'ready-to-send'; record: AdviceRecord }
  | { kind: 'not-applicable'; record: AdviceRecord };

const CHECK_MESSAGE =
  'We cannot tell whether e-RS received this request, and e-RS offers no list of A&G requests to look in. Check your Advice and Guidance requests in the e-RS web application. If it is not there, confirm that here and send it again.';

/**
 * Resolves an outcome-unknown send by reading back. A UBRN the lost answer carried is adopted only
 * when A024 shows this patient's request to this service; anything else goes back to the user.
 */
export async function resolveAdvice(ctx: SendContext, id: string, opts: { confirmNotCreated?: boolean } = {}): Promise<Resolution> {
  let record = await ctx.store.get(id);
  if (!record) throw new Error('advice request not found');
  if (record.phase === 'creating') record = await sendAdvice(ctx, id);
  if (record.phase !== 'outcome-unknown') return { kind: 'not-applicable', record };
  if (record.candidateUbrn) {
    try {
      const found = await ctx.api.getAdvice(record.candidateUbrn);
      if (found.nhsNumber === record.patient.nhsNumber && (!found.service || found.service.id === record.service?.id)) {
        const adopted = await save(ctx, record, {
          phase: 'sent',
          ubrn: found.ubrn,
          candidateUbrn: undefined,
          error: undefined,
          tracking: { status: found.status, version: found.version, seenVersion: found.version },
        });
        return { kind: 'adopted', record: adopted };
      }
    } catch {
      /* not readable now: the user is asked, below */
    }
  }
  if (opts.confirmNotCreated) {
    // The user has looked in e-RS and says it is not there: only now may it be sent again.
    const ready = await save(ctx, record, { phase: 'ready', candidateUbrn: undefined, error: undefined });
    return { kind: 'ready-to-send', record: ready };
  }
  return { kind: 'check-web-app', record, message: CHECK_MESSAGE };
}
