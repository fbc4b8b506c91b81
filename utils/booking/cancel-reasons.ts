// Which A004 APPOINTMENT-CANCELLATION-REASON codes a referrer may use with A034
// (packages/ers-contract/docs/referral-lifecycle.md §3.7): usage CANCEL, the caller's business
// function listed, in effect now; and whether the code needs a comment. Pure.
import type { CodeSystem } from '../ers/schemas';

export interface CancellationReason {
  system: string;
  code: string;
  display: string;
  commentIsMandatory: boolean;
}

type Prop = { code: string; valueBoolean?: boolean; valueDateTime?: string; valueCoding?: { code?: string } };

export function cancellationReasons(cs: CodeSystem, businessFunction: string, now = new Date()): CancellationReason[] {
  return cs.concept.flatMap((c) => {
    const props = (c.property ?? []) as Prop[];
    const one = (name: string) => props.find((p) => p.code === name);
    const from = one('effectiveFrom')?.valueDateTime;
    const to = one('effectiveTo')?.valueDateTime;
    const usable =
      one('usage')?.valueCoding?.code === 'CANCEL' &&
      props.some((p) => p.code === 'businessFunction' && p.valueCoding?.code === businessFunction) &&
      (!from || new Date(from) <= now) &&
      (!to || new Date(to) > now);
    return usable ? [{ system: cs.url, code: c.code, display: c.display ?? c.code, commentIsMandatory: one('commentIsMandatory')?.valueBoolean === true }] : [];
  });
}
