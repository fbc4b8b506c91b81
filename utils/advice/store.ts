// This user's A&G requests and their attached files, in IndexedDB (idb). The list is the only way
// the user finds their requests again (e-RS has no referrer A&G worklist), so it survives a closed
// panel, a stopped worker and a browser restart. Every record belongs to one user in one
// organisation (`owner`): listing and opening are by owner only. Never stores tokens.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { DATABASES } from '../storage';
import type { AdviceRecord, AdviceStore } from './model';

interface AdviceDb extends DBSchema {
  requests: { key: string; value: AdviceRecord; indexes: { byOwner: string } };
  files: { key: string; value: { key: string; requestId: string; blob: Blob }; indexes: { byRequest: string } };
}

let dbPromise: Promise<IDBPDatabase<AdviceDb>> | undefined;

function db(): Promise<IDBPDatabase<AdviceDb>> {
  dbPromise ??= openDB<AdviceDb>(DATABASES.advice.name, DATABASES.advice.version, {
    upgrade(database) {
      database.createObjectStore('requests', { keyPath: 'id' }).createIndex('byOwner', 'owner');
      database.createObjectStore('files', { keyPath: 'key' }).createIndex('byRequest', 'requestId');
    },
  });
  return dbPromise;
}

/** For tests: forget the open connection (fake-indexeddb is replaced between tests). */
export function resetAdviceDbConnection(): void {
  dbPromise = undefined;
}

export async function putAdviceFile(requestId: string, key: string, blob: Blob): Promise<void> {
  await (await db()).put('files', { key, requestId, blob });
}

/** The record if it belongs to `owner`; another user's is as good as absent. */
export async function getOwnAdvice(owner: string | undefined, id: string): Promise<AdviceRecord | undefined> {
  const record = await (await db()).get('requests', id);
  return owner && record?.owner === owner ? record : undefined;
}

/** How many of this user's requests sign-out would remove (never sent): the user is told first. */
export async function countUnsentAdvice(owner: string): Promise<number> {
  return (await (await db()).getAllFromIndex('requests', 'byOwner', owner)).filter((r) => r.phase === 'editing' || r.phase === 'ready').length;
}

/**
 * At sign-out: removes this user's requests never sent (and their files). Requests sent, or whose
 * send may have happened, are kept: they are followed until their conversation ends.
 */
export async function removeUnsentAdvice(owner: string): Promise<number> {
  const database = await db();
  const mine = await database.getAllFromIndex('requests', 'byOwner', owner);
  const unsent = mine.filter((r) => r.phase === 'editing' || r.phase === 'ready');
  for (const r of unsent) {
    await database.delete('requests', r.id);
    for (const key of await database.getAllKeysFromIndex('files', 'byRequest', r.id)) await database.delete('files', key);
  }
  return unsent.length;
}

/** The store the send machine and the poller use. */
export const idbAdviceStore: AdviceStore = {
  get: async (id) => (await db()).get('requests', id),
  put: async (record) => {
    await (await db()).put('requests', record);
  },
  list: async (owner) => (await db()).getAllFromIndex('requests', 'byOwner', owner),
  getFile: async (key) => (await (await db()).get('files', key))?.blob,
};
