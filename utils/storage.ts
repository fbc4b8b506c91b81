// Every item this extension keeps in browser storage, declared once: its area, key, type and default,
// plus the IndexedDB databases. Features read and write through these items, never through raw keys.
//
// Areas: `session` is memory only and, from the background, readable by trusted contexts only (tokens
// live there); `local` survives restarts and content scripts CAN write it, so nothing in `local` may
// decide where tokens go (that lives in the extension's own IndexedDB, see `DATABASES.trustedSettings`);
// `managed` is NHS IT's policy (public/managed_schema.json), read-only.
//
// Why not WXT's `storage.defineItem`: its runtime (@wxt-dev/storage, ~3.7 KB gzip) would take the side
// panel over its 25 KB budget and weigh on the content script. These items are the same idea in a few
// lines. Data with its own schema version carries it inside (settings: utils/settings/migrations.ts).
import { browser } from 'wxt/browser';
import type { CachedCodeSystem } from './ers/reference-cache';
import type { PanelRequest, TabPatientState } from './patient/background';
import type { ActiveAdapter } from './patient/types';
import type { SessionRecord } from './session/state';
import type { WorklistsState } from './tracking/refresh';

type Area = 'local' | 'session' | 'managed';

export interface StorageItem<T> {
  readonly area: Area;
  readonly key: string;
  readonly fallback: T;
  get(): Promise<T>;
  set(value: T): Promise<void>;
  remove(): Promise<void>;
}

function item<T>(area: Area, key: string, fallback: T): StorageItem<T> {
  return {
    area,
    key,
    fallback,
    async get() {
      const value = (await browser.storage[area].get(key))[key];
      return value === undefined ? fallback : (value as T);
    },
    async set(value) {
      await browser.storage[area].set({ [key]: value });
    },
    async remove() {
      await browser.storage[area].remove(key);
    },
  };
}

// ---- settings -------------------------------------------------------------------------------------
/** The user's settings as stored (any earlier version; validated and migrated by utils/settings). */
export const userSettingsItem = item<unknown>('local', 'settings', undefined);

// ---- session --------------------------------------------------------------------------------------
/** The session record (tokens included): background only, trusted contexts only. Typed where used. */
export const sessionRecordItem = item<SessionRecord | undefined>('session', 'ers.session', undefined);
/** Sign-out cleanup started but not finished (no secret): re-run at the next worker start. */
export const signOutPendingItem = item<boolean>('local', 'ers.signout.pending', false);

// ---- referral -------------------------------------------------------------------------------------
/** The last search's priority and specialty, offered again (no patient data). */
export const lastSearchItem = item<{ priority?: string; specialty?: string } | undefined>('local', 'referral.lastSearch', undefined);
/** One cached A004 code system (reference data, no patient data); keys come from the reference cache. */
export const referenceDataItem = (key: string) => item<CachedCodeSystem | undefined>('local', key, undefined);

// ---- patient context ------------------------------------------------------------------------------
/** The latest patient context of one tab and its draft binding (memory only). */
export const tabStateItem = (tabId: number) => item<TabPatientState | undefined>('session', `patientContext.tab.${tabId}`, undefined);
/** The last "open the panel on this patient" request. */
export const panelRequestItem = item<PanelRequest | undefined>('session', 'patientContext.panelRequest', undefined);
/** Host adapters an administrator added in the options page (raw JSON, validated on use). */
export const customAdaptersItem = item<unknown>('local', 'patientAdapters.custom', undefined);
/**
 * The compiled adapters the background publishes for the content script, which reads them as
 * untrusted data (it checks the shape before use) by this key alone: the item's code would cost the
 * content script's byte budget and it never writes.
 */
export const ACTIVE_ADAPTERS_KEY = 'patientAdapters.active';
export const activeAdaptersItem = item<ActiveAdapter[] | undefined>('local', ACTIVE_ADAPTERS_KEY, undefined);

// ---- IndexedDB ------------------------------------------------------------------------------------
/** The extension origin's databases (content scripts run in the page's origin and cannot open them). */
export const DATABASES = {
  /** Drafts, their letter files, patient letters and letters outstanding, each bound to its user. */
  referrals: { name: 'ers-referrals', version: 1 },
  /** The user's Advice and Guidance requests and their files, each bound to its user (utils/advice/store.ts). */
  advice: { name: 'ers-advice', version: 1 },
  /** Where tokens go (e-RS, CIS2 and relay addresses): out of the content-script world's reach. */
  trustedSettings: { name: 'ers-trusted-settings', version: 1 },
  /** One booking record per referral and user, written before every A016/A034 (utils/booking/store.ts). */
  bookings: { name: 'ers-bookings', version: 1 },
  /** The non-extractable key that proves refresh requests to the token relay. */
  relayProofKey: { name: 'relay-proof-key', version: 1 },
} as const;

// ---- tracking -------------------------------------------------------------------------------------
/**
 * The referrer worklists last fetched, bound to the user and organisation they were fetched for
 * (patient data: memory only, trusted contexts only; shown with their age while offline or signed out).
 */
export const worklistsItem = item<WorklistsState | undefined>('session', 'tracking.worklists', undefined);
