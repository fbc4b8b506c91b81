// Booking records in IndexedDB (idb), one per referral and owner, written before every A016/A034
// is sent, so a stopped worker or a closed panel knows a booking may be in flight. Never tokens.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { DATABASES } from '../storage';
import type { BookingRecord } from './model';

interface BookingDb extends DBSchema {
  bookings: { key: [string, string]; value: BookingRecord; indexes: { byOwner: string } };
}

let dbPromise: Promise<IDBPDatabase<BookingDb>> | undefined;

function db(): Promise<IDBPDatabase<BookingDb>> {
  dbPromise ??= openDB<BookingDb>(DATABASES.bookings.name, DATABASES.bookings.version, {
    upgrade(database) {
      database.createObjectStore('bookings', { keyPath: ['owner', 'ubrn'] }).createIndex('byOwner', 'owner');
    },
  });
  return dbPromise;
}

/** For tests: forget the open connection (fake-indexeddb is reset between tests). */
export function resetBookingDbConnection(): void {
  dbPromise = undefined;
}

export interface BookingStore {
  get(owner: string, ubrn: string): Promise<BookingRecord | undefined>;
  /** Read-modify-write in one transaction. `change` gets undefined when there is no record yet. */
  update(owner: string, ubrn: string, change: (current: BookingRecord | undefined) => BookingRecord): Promise<BookingRecord>;
  list(owner: string): Promise<BookingRecord[]>;
}

export const idbBookingStore: BookingStore = {
  async get(owner, ubrn) {
    return (await db()).get('bookings', [owner, ubrn]);
  },
  async update(owner, ubrn, change) {
    const tx = (await db()).transaction('bookings', 'readwrite');
    const next = change(await tx.store.get([owner, ubrn]));
    if (next.owner !== owner || next.ubrn !== ubrn) throw new Error('a booking record cannot change owner or referral');
    await tx.store.put(next);
    await tx.done;
    return next;
  },
  async list(owner) {
    return (await db()).getAllFromIndex('bookings', 'byOwner', owner);
  },
};
