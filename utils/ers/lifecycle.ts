// After the referral exists: the bodies, schemas and readers of A029 (available actions), A036
// (cancel referral, with its reasons from A004 REFERRAL-CANCELLATION-REASON and the comment rules),
// A007 (clinical information summary) and A042 (attachment download). Pure; the calls are in client.ts.
import { z } from 'zod';
import type { ParametersResource } from './fhir';
import type { RuleViolation } from './rules';
import { type CodeSystem, codingSchema, referralRequestSchema } from './schemas';

// ---- A029 ---------------------------------------------------------------------------------------

export const AVAILABLE_ACTIONS_SYSTEM = 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-AvailableActionsForUser-1';

/** A029 response: a searchset Bundle of Task; `entry` is `[]` (or absent) when nothing is allowed. */
export const taskBundleSchema = z.looseObject({
  resourceType: z.literal('Bundle'),
  type: z.literal('searchset'),
  entry: z
    .array(
      z.looseObject({
        resource: z.looseObject({
          resourceType: z.literal('Task'),
          status: z.string(),
          intent: z.string(),
          focus: z.looseObject({ reference: z.string() }),
          code: z.looseObject({ coding: z.array(codingSchema).min(1) }),
        }),
      }),
    )
    .default([]),
});
export type TaskBundle = z.infer<typeof taskBundleSchema>;

/** The action codes this user may take on this referral now, for the focus asked about only. */
export function parseAvailableActions(bundle: TaskBundle, focus: string): string[] {
  return bundle.entry
    .map((e) => e.resource)
    .filter((t) => t.focus.reference === focus && t.status === 'ready' && t.intent === 'proposal')
    .flatMap((t) => t.code.coding.filter((c) => c.system === AVAILABLE_ACTIONS_SYSTEM).map((c) => c.code));
}

/** A029's query: the version must be the current one (400 HISTORY_NOT_SUPPORTED otherwise). */
export function availableActionsQuery(ubrn: string, version: string): { focus: string; query: string } {
  const focus = `ReferralRequest/${ubrn}/_history/${version}`;
  return { focus, query: `focus=${focus}&intent=proposal&status=ready` };
}

// ---- A036 ---------------------------------------------------------------------------------------

export const CANCEL_REFERRAL_PROFILE = 'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-CancelReferral-Request-Parameters-1';
export const MAX_CANCELLATION_COMMENT = 2000;

/** A referral-cancellation reason a referrer may offer (A004 REFERRAL-CANCELLATION-REASON, filtered). */
export interface CancellationReason {
  /** The code system's `url` (an environment URL): sent back as the coding's system. */
  system: string;
  code: string;
  display: string;
  commentIsMandatory: boolean;
  canCancelAppointment: boolean;
}

type Prop = { code: string; valueCoding?: { code?: string }; valueBoolean?: boolean; valueDateTime?: string };

/**
 * The reasons this role may use to cancel this referral now (the contract's five conditions):
 * referrerUsage CANCEL_REFERRAL, the caller's business function listed, canCancelAppointment when
 * the referral has a current appointment, effectiveFrom past and effectiveTo (if any) not past.
 */
export function cancellationReasons(cs: CodeSystem, opts: { businessFunction: string; hasAppointment: boolean; now?: Date }): CancellationReason[] {
  const now = (opts.now ?? new Date()).toISOString();
  return cs.concept.flatMap((c) => {
    const props = (c.property ?? []) as Prop[];
    const codes = (name: string) => props.filter((p) => p.code === name).map((p) => p.valueCoding?.code);
    const bool = (name: string) => props.find((p) => p.code === name)?.valueBoolean === true;
    const from = props.find((p) => p.code === 'effectiveFrom')?.valueDateTime;
    const to = props.find((p) => p.code === 'effectiveTo')?.valueDateTime;
    const usable =
      codes('referrerUsage').includes('CANCEL_REFERRAL') &&
      codes('businessFunction').includes(opts.businessFunction) &&
      (!opts.hasAppointment || bool('canCancelAppointment')) &&
      (!from || from <= now) &&
      (!to || to > now);
    if (!usable) return [];
    return [
      {
        system: cs.url,
        code: c.code,
        display: c.display ?? c.code,
        commentIsMandatory: bool('commentIsMandatory'),
        canCancelAppointment: bool('canCancelAppointment'),
      },
    ];
  });
}

/** The comment rules, checked before sending: mandatory for some reasons, at most 2000 characters. */
export function checkCancellation(reason: Pick<CancellationReason, 'code' | 'display' | 'commentIsMandatory'>, comment: string | undefined): RuleViolation[] {
  const text = comment?.trim() ?? '';
  if (reason.commentIsMandatory && !text) return [{ code: 'MISSING_VALUE', diagnostics: `A comment is required when the reason is "${reason.display}".` }];
  if (text.length > MAX_CANCELLATION_COMMENT)
    return [{ code: 'INVALID_VALUE', diagnostics: `The comment is ${text.length} characters; at most ${MAX_CANCELLATION_COMMENT} are allowed.` }];
  return [];
}

/** A036 body: the reason's coding and, when given, the comment. */
export function buildCancelReferral(input: { reasonSystem: string; reason: string; comment?: string }): ParametersResource {
  const comment = input.comment?.trim() ? input.comment : undefined;
  return {
    meta: { profile: [CANCEL_REFERRAL_PROFILE] },
    resourceType: 'Parameters',
    parameter: [
      { name: 'cancellationReason', valueCoding: { system: input.reasonSystem, code: input.reason } },
      ...(comment !== undefined ? [{ name: 'cancellationComments', valueString: comment }] : []),
    ],
  };
}

/** A036 response: Parameters with the cancelled referral (and the cancelled appointment, if any). No ETag. */
export const cancelReferralResponseSchema = z.looseObject({
  resourceType: z.literal('Parameters'),
  parameter: z
    .array(z.looseObject({ name: z.string(), resource: z.looseObject({ resourceType: z.string() }).optional() }))
    .refine((ps) => ps.some((p) => p.name === 'updatedReferralRequest' && referralRequestSchema.safeParse(p.resource).success), {
      message: 'updatedReferralRequest must be a ReferralRequest',
    }),
});
export type CancelReferralResponse = z.infer<typeof cancelReferralResponseSchema>;

/** The updated referral inside an A036 answer (validated by cancelReferralResponseSchema). */
export function cancelledReferralOf(response: CancelReferralResponse) {
  return referralRequestSchema.parse(response.parameter.find((p) => p.name === 'updatedReferralRequest')!.resource);
}

// ---- A007 / A042 -------------------------------------------------------------------------------

/**
 * The file name of a Content-Disposition header: RFC 5987 `filename*=UTF-8''…` first (A042's object
 * store sends a UTF-8 name), then a plain `filename="…"`. Path separators are dropped.
 */
export function fileNameOf(disposition: string | null | undefined, fallback: string): string {
  const header = disposition ?? '';
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)?.[1];
  let name: string | undefined;
  if (star) {
    try {
      name = decodeURIComponent(star.trim());
    } catch {
      name = undefined;
    }
  }
  name ??= /filename\s*=\s*"([^"]*)"/i.exec(header)?.[1] ?? /filename\s*=\s*([^;]+)/i.exec(header)?.[1]?.trim();
  const safe = name?.replace(/[\\/]/g, '_').trim();
  return safe || fallback;
}
