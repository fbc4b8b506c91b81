// Whether the letter written in the panel is what e-RS will get. Tiny and dependency-free: the
// submit checks (utils/referral/submit.ts), which the panel starts with, use it.
import type { LetterDraft } from './model';

/** The letter was changed after its PDF was added: the attached PDF does not say what the clinician now sees. */
export function changedSinceAdded(letter: LetterDraft | undefined): boolean {
  return !!letter?.added && letter.updatedAt > letter.added.at;
}

/**
 * Why a referral must not be sent yet because of its written letter: the clinician started one
 * (the letter is kept with the draft from its first change) and its PDF is not among the letter
 * files (never added, or removed since) or is an older version. Sending would leave the letter
 * silently out; they add it, or discard it.
 */
export function writtenLetterBlocker(draft: { letterMode: string; letter?: LetterDraft; files: readonly { id: string }[] }): string | undefined {
  const l = draft.letter;
  if (draft.letterMode === 'attach' && l && (!draft.files.some((f) => f.id === l.added?.fileId) || l.updatedAt > l.added!.at))
    return 'Add the letter you wrote to the referral or discard it.';
}
