// Letters outstanding: e-RS's A008 LETTERS_OUTSTANDING list is the source of truth; this browser's
// own list (utils/referral/store.ts) is an offline cache that also knows the patient's name and the
// draft the letter completion resumes. Pure: which rows to show, and which local entries are gone.
import type { WorklistItem } from '../ers/parse';
import type { OutstandingLetter } from '../referral/store';

export interface LetterRow {
  ubrn: string;
  nhsNumber?: string;
  priority?: string;
  /** From this browser, when it sent the referral. */
  displayName?: string;
  draftId?: string;
  /** YYYY-MM-DD: e-RS's letterDue, else this browser's deadline. */
  due?: string;
  /** Where the row comes from: e-RS, or this browser's copy when e-RS could not be read. */
  source: 'ers' | 'local';
}

export interface LettersView {
  rows: LetterRow[];
  /** Local entries e-RS no longer lists (letter attached elsewhere, or the referral cancelled): remove them. */
  gone: string[];
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A letter this browser knows about, due by its own deadline. */
const localRow = (l: OutstandingLetter): LetterRow => ({
  ubrn: l.ubrn,
  nhsNumber: l.nhsNumber,
  priority: l.priority,
  displayName: l.displayName,
  draftId: l.draftId,
  due: day(l.deadline),
  source: 'local',
});

/**
 * `remote` is the last A008 list with when it was fetched, or undefined when it has never been read
 * for this user (offline, signed out). A local entry created after that fetch is kept: e-RS could
 * not have listed it yet.
 */
export function lettersView(remote: { items: readonly WorklistItem[]; fetchedAt: number } | undefined, local: readonly OutstandingLetter[]): LettersView {
  if (!remote) {
    return {
      rows: local.map(localRow),
      gone: [],
    };
  }
  const byUbrn = new Map(local.map((l) => [l.ubrn, l]));
  const listed = new Set(remote.items.map((i) => i.ubrn));
  const rows: LetterRow[] = remote.items.map((i) => {
    const l = byUbrn.get(i.ubrn);
    return {
      ubrn: i.ubrn,
      nhsNumber: i.nhsNumber,
      priority: i.priority,
      displayName: l?.displayName,
      draftId: l?.draftId,
      due: i.letterDue ?? (l ? day(l.deadline) : undefined),
      source: 'ers',
    };
  });
  const newer = local.filter((l) => !listed.has(l.ubrn) && l.createdAt > remote.fetchedAt);
  rows.push(...newer.map(localRow));
  const gone = local.filter((l) => !listed.has(l.ubrn) && l.createdAt <= remote.fetchedAt).map((l) => l.ubrn);
  return { rows, gone };
}
