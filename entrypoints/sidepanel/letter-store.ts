// The written letter's changes to the referral draft, loaded with the composer (not part of the
// panel's first load). Each is bound to the draft the letter was written for: when the panel has
// since opened another draft (another patient), nothing is written and the user is told, so one
// patient's letter never lands in another patient's referral.
import type { LetterDraft } from '../../utils/letter/model';
import type { Draft } from '../../utils/referral/model';
import type { PanelStore } from './store';

/** What of the panel store the letter needs (the whole store in the panel, a small fake in tests). */
export type LetterStore = Pick<PanelStore, 'draft' | 'fileProblems'> & { actions: Pick<PanelStore['actions'], 'change' | 'addFiles'> };

export const OTHER_DRAFT = 'The panel now shows another referral, so this letter was not changed or added. Nothing was lost from either referral.';

export function letterActions(store: LetterStore, draftId: string) {
  /** Change the draft the letter belongs to, only while it is the one on screen (checked in the same step as `change` reads it). */
  const change = (mutate: (d: Draft) => void) => {
    if (store.draft.peek()?.id !== draftId) return Promise.reject(new Error(OTHER_DRAFT));
    return store.actions.change(mutate);
  };
  return {
    /** Saved with the draft as it is typed. */
    save: (letter: LetterDraft) =>
      change((d) => {
        d.letter = letter;
      }),
    /** The clinician chose not to send the letter they started (a PDF already added stays in the file list). */
    discard: () =>
      change((d) => {
        d.letter = undefined;
      }),
    /**
     * The written letter's PDF goes in as a letter file, exactly as a chosen file does. A PDF added
     * from this letter before (not uploaded yet) is replaced, so e-RS never gets an older version
     * beside the one on screen. Throws (nothing recorded as added) when the file was not accepted.
     */
    async add(file: { blob: Blob; name: string }, letter: LetterDraft) {
      const before = store.draft.peek()?.files ?? [];
      const previous = letter.added && before.find((f) => f.id === letter.added!.fileId && !f.binaryUrl);
      if (previous)
        await change((d) => {
          d.files = d.files.filter((f) => f.id !== previous.id);
        });
      if (store.draft.peek()?.id !== draftId) throw new Error(OTHER_DRAFT);
      const had = new Set(store.draft.peek()!.files.map((f) => f.id));
      await store.actions.addFiles([file]);
      const now = store.draft.peek();
      if (now?.id !== draftId) throw new Error(OTHER_DRAFT);
      // The file addFiles put in the draft (it says nothing back: the panel's start-up scripts stay small).
      const added = now.files.find((f) => !had.has(f.id));
      if (!added) throw new Error(store.fileProblems.peek()[0] ?? 'The PDF was not accepted.');
      await change((d) => {
        d.letter = { ...letter, added: { fileId: added.id, name: added.name, at: letter.updatedAt } };
      });
    },
  };
}
