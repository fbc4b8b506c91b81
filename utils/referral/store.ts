// Drafts, their letter files and the patient letters, in IndexedDB (idb). Shared by the side panel
// and the background (same extension origin), so a closed panel, a stopped worker or a browser
// crash loses nothing. Never stores tokens.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Draft } from './model';

export interface OutstandingLetter {
  ubrn: string;
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
  blobs: { key: string; value: { key: string; draftId: string; blob: Blob } ; indexes: { byDraft: string } };
  outstanding: { key: string; value: OutstandingLetter };
}

export const DB_NAME = 'ers-referrals';

let dbPromise: Promise<IDBPDatabase<ReferralDb>> | undefined;

export function db(): Promise<IDBPDatabase<ReferralDb>> {
  dbPromise ??= openDB<ReferralDb>(DB_NAME, 1, {
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
  if (!current) { await tx.done; return undefined; }
  const copy = structuredClone(current);
  const next = change(copy) ?? copy;
  await tx.store.put(next);
  await tx.done;
  return next;
}

export async function listDrafts(): Promise<Draft[]> {
  return (await db()).getAll('drafts');
}

export async function deleteDraft(id: string): Promise<void> {
  const database = await db();
  const tx = database.transaction(['drafts', 'blobs'], 'readwrite');
  await tx.objectStore('drafts').delete(id);
  for (const key of await tx.objectStore('blobs').index('byDraft').getAllKeys(id)) await tx.objectStore('blobs').delete(key);
  await tx.done;
}

/** Remove drafts past their time-to-live, except ones whose submission is still in flight. */
export async function purgeExpired(now = Date.now()): Promise<string[]> {
  const database = await db();
  const expired = await database.getAllFromIndex('drafts', 'byExpiry', IDBKeyRange.upperBound(now));
  // A referral whose letter is still to follow stays until the letter is attached.
  const removable = expired.filter((d) => d.submission.phase === 'editing' || (d.submission.phase === 'complete' && d.letterMode === 'attach'));
  for (const d of removable) await deleteDraft(d.id);
  return removable.map((d) => d.id);
}

export async function putBlob(key: string, draftId: string, blob: Blob): Promise<void> {
  await (await db()).put('blobs', { key, draftId, blob });
}

export async function getBlob(key: string): Promise<Blob | undefined> {
  return (await (await db()).get('blobs', key))?.blob;
}

export async function deleteBlob(key: string): Promise<void> {
  await (await db()).delete('blobs', key);
}

export const fileKey = (draftId: string, fileId: string) => `file:${draftId}:${fileId}`;
export const patientLetterKey = (draftId: string) => `patient-letter:${draftId}`;

export async function putOutstanding(letter: OutstandingLetter): Promise<void> {
  await (await db()).put('outstanding', letter);
}

export async function listOutstanding(): Promise<OutstandingLetter[]> {
  return (await (await db()).getAll('outstanding')).sort((a, b) => a.deadline - b.deadline);
}

export async function deleteOutstanding(ubrn: string): Promise<void> {
  await (await db()).delete('outstanding', ubrn);
}

/** Sign-out: the user's drafts, files, letters and outstanding list all go. */
export async function clearAllDrafts(): Promise<void> {
  const database = await db();
  const tx = database.transaction(['drafts', 'blobs', 'outstanding'], 'readwrite');
  await Promise.all([tx.objectStore('drafts').clear(), tx.objectStore('blobs').clear(), tx.objectStore('outstanding').clear(), tx.done]);
}
