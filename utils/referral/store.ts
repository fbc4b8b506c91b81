// Drafts, their letter files and the patient letters, in IndexedDB (idb). Shared by the side panel
// and the background (same extension origin), so a closed panel, a stopped worker or a browser
// crash loses nothing. Never stores tokens.
//
// Every draft, file and outstanding letter belongs to one user in one organisation (`owner`). The
// panel and the background only ever list or open a user's own (`listDrafts(owner)`,
// `getOwnDraft`), so after a browser restart the next user sees nothing of the previous user's.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { DATABASES } from '../storage';
import { IN_FLIGHT, type Attention, type Draft } from './model';

export interface OutstandingLetter {
  ubrn: string;
  /** `ownerKey()` of the user who sent the referral. */
  owner: string;
  draftId: string;
  displayName: string;
  nhsNumber: string;
  priority: string;
  createdAt: number;
  /** When the referral letter must be attached by. */
  deadline: number;
  hostOrigin: string;
}

interface ReferralDb extends DBSchema {
  drafts: { key: string; value: Draft; indexes: { byExpiry: number } };
  /** Letter files chosen by the user, and generated patient letters (`patient-letter:<draftId>`). */
  blobs: { key: string; value: { key: string; draftId: string; blob: Blob }; indexes: { byDraft: string } };
  outstanding: { key: string; value: OutstandingLetter };
}

export const DB_NAME = DATABASES.referrals.name;

let dbPromise: Promise<IDBPDatabase<ReferralDb>> | undefined;

export function db(): Promise<IDBPDatabase<ReferralDb>> {
  dbPromise ??= openDB<ReferralDb>(DB_NAME, DATABASES.referrals.version, {
    upgrade(database) {
      database.createObjectStore('drafts', { keyPath: 'id' }).createIndex('byExpiry', 'expiresAt');
      database.createObjectStore('blobs', { keyPath: 'key' }).createIndex('byDraft', 'draftId');
      database.createObjectStore('outstanding', { keyPath: 'ubrn' });
    },
  });
  return dbPromise;
}

/** For tests: forget the open connection (fake-indexeddb is reset between tests). */
export function resetDbConnection(): void {
  dbPromise = undefined;
}

export async function getDraft(id: string): Promise<Draft | undefined> {
  return (await db()).get('drafts', id);
}

export async function putDraft(draft: Draft): Promise<void> {
  await (await db()).put('drafts', draft);
}

/** Read-modify-write in one transaction, so the panel and the background never overwrite each other. */
export async function updateDraft(id: string, change: (draft: Draft) => Draft | void): Promise<Draft | undefined> {
  const tx = (await db()).transaction('drafts', 'readwrite');
  const current = await tx.store.get(id);
  if (!current) {
    await tx.done;
    return undefined;
  }
  const copy = structuredClone(current);
  const next = change(copy) ?? copy;
  await tx.store.put(next);
  await tx.done;
  return next;
}

/** The drafts of one user (owner key); never anyone else's. */
export async function listDrafts(owner: string): Promise<Draft[]> {
  return (await (await db()).getAll('drafts')).filter((d) => d.owner === owner);
}

/** The draft if it belongs to `owner`; another user's draft is as good as absent. */
export async function getOwnDraft(owner: string | undefined, id: string): Promise<Draft | undefined> {
  const draft = await getDraft(id);
  return owner && draft?.owner === owner ? draft : undefined;
}

export async function deleteDraft(id: string): Promise<void> {
  const database = await db();
  const tx = database.transaction(['drafts', 'blobs'], 'readwrite');
  await tx.objectStore('drafts').delete(id);
  for (const key of await tx.objectStore('blobs').index('byDraft').getAllKeys(id)) await tx.objectStore('blobs').delete(key);
  await tx.done;
}

/**
 * The time-to-live applies to every draft. Past it, drafts still being edited (and sent ones whose
 * letter is attached) are removed; anything e-RS may hold (ready, in flight, outcome unknown, a
 * failed step) is never removed but marked as needing attention, so it cannot live on unseen. A
 * referral sent with its letter to follow stays until the letter is attached (its reminder is the
 * outstanding list). Returns the ids removed.
 */
export async function purgeExpired(now = Date.now()): Promise<string[]> {
  const database = await db();
  const expired = await database.getAllFromIndex('drafts', 'byExpiry', IDBKeyRange.upperBound(now));
  const removable = expired.filter((d) => d.submission.phase === 'editing' || (d.submission.phase === 'complete' && d.letterMode === 'attach'));
  for (const d of removable) await deleteDraft(d.id);
  for (const d of expired) {
    if (removable.includes(d) || d.attention || (d.submission.phase === 'complete' && d.letterMode === 'to-follow')) continue;
    await updateDraft(d.id, (x) => {
      x.attention = {
        reason: 'expired',
        at: now,
        message: 'This referral was not finished within the time drafts are kept. Check it in e-RS, then finish or remove it here.',
      };
    });
  }
  return removable.map((d) => d.id);
}

/** Explicit sign-out: remove this user's drafts that were only being edited (nothing sent to e-RS). */
export async function removeEditingDrafts(owner: string): Promise<string[]> {
  const editing = (await listDrafts(owner)).filter((d) => d.submission.phase === 'editing' && !d.addingLetter);
  for (const d of editing) await deleteDraft(d.id);
  return editing.map((d) => d.id);
}

/** How many drafts `removeEditingDrafts` would remove (told to the user before they sign out). */
export async function countEditingDrafts(owner: string): Promise<number> {
  return (await listDrafts(owner)).filter((d) => d.submission.phase === 'editing' && !d.addingLetter).length;
}

/**
 * The session of `owner` ended: their unfinished submissions are kept and marked, to be carried on
 * when they sign in again; an explicit sign-out also removes their drafts never sent. A pause (idle,
 * screen lock) removes nothing. Returns the ids removed.
 */
export async function endSessionWork(owner: string, kind: 'sign-out' | 'pause', now = Date.now()): Promise<string[]> {
  await markUnfinished(
    owner,
    kind === 'sign-out'
      ? {
          reason: 'signed-out',
          at: now,
          message: 'You signed out while this referral was being sent. It has been kept and carries on when you sign in again; check it before you carry on.',
        }
      : {
          reason: 'paused',
          at: now,
          message: 'Your session was paused while this referral was being sent. It has been kept and carries on when you sign in again.',
        },
  );
  return kind === 'sign-out' ? removeEditingDrafts(owner) : [];
}

/** True when the draft's submission was cut short by its user's session ending (not by e-RS). */
export function wasInterrupted(draft: Draft): boolean {
  return draft.attention?.reason === 'signed-out' || draft.attention?.reason === 'paused';
}

/** The user is back: clear the interruption (and the step error it caused) so the step runs again. */
export async function clearInterruption(id: string): Promise<void> {
  await updateDraft(id, (d) => {
    if (!wasInterrupted(d)) return;
    d.attention = undefined;
    d.submission.error = undefined;
  });
}

/** Mark this user's submissions that are not finished as needing attention (sign-out, pause). */
export async function markUnfinished(owner: string, attention: Attention): Promise<string[]> {
  const unfinished = (await listDrafts(owner)).filter((d) => IN_FLIGHT.includes(d.submission.phase));
  for (const d of unfinished)
    await updateDraft(d.id, (x) => {
      x.attention = attention;
    });
  return unfinished.map((d) => d.id);
}
export async function putBlob(key: string, draftId: string, blob: Blob): Promise<void> {
  await (await db()).put('blobs', { key, draftId, blob });
}

export async function getBlob(key: string): Promise<Blob | undefined> {
  return (await (await db()).get('blobs', key))?.blob;
}

export const fileKey = (draftId: string, fileId: string) => `file:${draftId}:${fileId}`;
export const patientLetterKey = (draftId: string) => `patient-letter:${draftId}`;

export async function putOutstanding(letter: OutstandingLetter): Promise<void> {
  await (await db()).put('outstanding', letter);
}

/** One user's letters outstanding, soonest deadline first. */
export async function listOutstanding(owner: string): Promise<OutstandingLetter[]> {
  return (await (await db()).getAll('outstanding')).filter((l) => l.owner === owner).sort((a, b) => a.deadline - b.deadline);
}

export async function deleteOutstanding(ubrn: string): Promise<void> {
  await (await db()).delete('outstanding', ubrn);
}

/**
 * A referral sent with its letter to follow stays in this browser until the letter is attached, but
 * no longer as "the draft for this patient" (drafts are keyed by user, host and NHS number): Finish
 * moves it to its own id, with its UBRN, so a new referral for the same patient starts fresh. Its
 * files, patient letter and outstanding-letter entry move with it, in one transaction.
 */
export async function setAsideSent(id: string): Promise<string | undefined> {
  const tx = (await db()).transaction(['drafts', 'blobs', 'outstanding'], 'readwrite');
  const draft = await tx.objectStore('drafts').get(id);
  const ubrn = draft?.submission.ubrn;
  if (draft?.submission.phase !== 'complete' || !ubrn) {
    await tx.done;
    return undefined;
  }
  const newId = `${id}#${ubrn}`;
  await tx.objectStore('drafts').put({ ...draft, id: newId });
  await tx.objectStore('drafts').delete(id);
  const blobs = tx.objectStore('blobs');
  for (const b of await blobs.index('byDraft').getAll(id)) {
    const filePrefix = fileKey(id, '');
    const key =
      b.key === patientLetterKey(id) ? patientLetterKey(newId) : b.key.startsWith(filePrefix) ? fileKey(newId, b.key.slice(filePrefix.length)) : b.key;
    if (key !== b.key) await blobs.delete(b.key);
    await blobs.put({ ...b, key, draftId: newId });
  }
  const outstanding = await tx.objectStore('outstanding').get(ubrn);
  if (outstanding?.draftId === id) await tx.objectStore('outstanding').put({ ...outstanding, draftId: newId });
  await tx.done;
  return newId;
}
