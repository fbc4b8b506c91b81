// Where tokens go is kept where the content-script world cannot write it. storage.local (and
// storage.sync) can be written by any of our content scripts, and a content script runs next to an
// untrusted clinical page; a rewritten relay or API address there would send the CIS2 code, the
// PKCE verifier and every token to another host. The sign-in settings (`IDENTITY_KEYS`: the
// environment, flavour, e-RS, CIS2 and relay addresses, client id, ASID) therefore live in this
// extension origin's own IndexedDB, which content scripts (running in the page's origin) cannot
// open. Only extension pages and the background, which save settings through `saveSettings`, write
// it; NHS IT policy (storage.managed) still overrides it. storage.local keeps a display copy of
// these keys that is never read for them.
import { openDB, type IDBPDatabase } from 'idb';
import { DATABASES } from '../storage';
import { IDENTITY_KEYS, type Settings } from './schema';

export type IdentityKey = (typeof IDENTITY_KEYS)[number];
export type IdentitySettings = Pick<Settings, IdentityKey>;

interface TrustedRecord {
  id: 'identity';
  values: IdentitySettings;
  savedAt: number;
}

export const TRUSTED_DB_NAME = DATABASES.trustedSettings.name;
const STORE = 'settings';

let dbPromise: Promise<IDBPDatabase> | undefined;

function db(): Promise<IDBPDatabase> {
  dbPromise ??= openDB(TRUSTED_DB_NAME, DATABASES.trustedSettings.version, {
    upgrade(database) {
      database.createObjectStore(STORE, { keyPath: 'id' });
    },
  });
  return dbPromise;
}

/** For tests: forget the open connection (fake-indexeddb is replaced between tests). */
export function resetTrustedSettingsConnection(): void {
  dbPromise = undefined;
}

export function pickIdentity(settings: Settings): IdentitySettings {
  return Object.fromEntries(IDENTITY_KEYS.map((k) => [k, settings[k]])) as IdentitySettings;
}

/** The trusted sign-in settings, or undefined before they were first saved (or migrated). */
export async function readTrustedIdentity(): Promise<IdentitySettings | undefined> {
  const record = (await (await db()).get(STORE, 'identity')) as TrustedRecord | undefined;
  return record?.values;
}

export async function writeTrustedIdentity(values: IdentitySettings, now = Date.now()): Promise<void> {
  const record: TrustedRecord = { id: 'identity', values: { ...values }, savedAt: now };
  await (await db()).put(STORE, record);
}

/** The user's settings with the sign-in settings taken only from the trusted store. Pure. */
export function withTrustedIdentity(user: Settings, trusted: IdentitySettings): Settings {
  return { ...user, ...trusted };
}
