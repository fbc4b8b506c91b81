// The draft's lock as stored in IndexedDB (`lockedReason`), written only here, in the background,
// from the tab's draft binding that utils/patient/draft-lock.ts decides on every patient-context
// report (docs/decisions/draft-lock.md). Pages only show it; the fresh read before any create
// (creationBlocker in utils/referral/background.ts) stays the final guard.
import type { DraftBinding } from '../patient/draft-lock';
import { draftId, isSubmitted, type Draft } from './model';
import { getDraft, updateDraft } from './store';

/** Set or clear the lock on the owner's draft for the bound patient; the draft when it changed. */
export async function applyBindingToDraft(owner: string, binding: DraftBinding): Promise<Draft | undefined> {
  if (!binding.hostOrigin) return undefined;
  const id = draftId(owner, binding.hostOrigin, binding.nhsNumber);
  const existing = await getDraft(id);
  // A referral already sent is for its own patient: nothing left to lock.
  if (!existing || existing.owner !== owner || isSubmitted(existing)) return undefined;
  const reason = binding.locked ? (binding.warning ?? 'The clinical system now shows a different patient. This draft is locked.') : undefined;
  if (existing.lockedReason === reason) return undefined;
  return updateDraft(id, (d) => {
    d.lockedReason = reason;
  });
}
