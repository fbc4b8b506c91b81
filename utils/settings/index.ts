// Settings accessor over extension storage: the user's settings in storage.local (`settings`), the
// sign-in settings that decide where tokens go in the extension's own IndexedDB (./trusted, which
// content scripts cannot write), NHS IT's policy in storage.managed (see public/managed_schema.json).
// Usable from the background and from extension pages. No secrets are ever stored here.
import { browser } from 'wxt/browser';
import { userSettingsItem } from '../storage';
import { z } from 'zod';
import { migrateSettings } from './migrations';
import { resolveSettings, type ResolvedSettings } from './resolve';
import { defaultSettings, ENVIRONMENT_KEYS, settingsShape, SETTINGS_VERSION, type Settings, type SettingKey } from './schema';
import { pickIdentity, readTrustedIdentity, withTrustedIdentity, writeTrustedIdentity } from './trusted';

export * from './schema';
export { migrateSettings } from './migrations';
export { resetTrustedSettingsConnection } from './trusted';
export { resolveSettings, OTHER_POLICY_KEYS, type ResolvedSettings, type PolicyProblem } from './resolve';

export const SETTINGS_STORAGE_KEY = userSettingsItem.key;

export class SettingsError extends Error {
  constructor(
    readonly code: 'locked' | 'invalid',
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** storage.managed throws where no policy schema/manifest exists (Firefox without policy): no policy. */
export async function readManaged(): Promise<Record<string, unknown>> {
  try {
    const area = browser.storage?.managed;
    if (!area) return {};
    return ((await area.get(null)) ?? {}) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * The user's settings. The sign-in settings come only from the trusted store; storage.local's copy
 * of them is ignored. The first read after an update that brought the trusted store moves the
 * stored sign-in settings there once (`migrateStoredSettings` does the same at install/update).
 */
export async function readUserSettings(): Promise<Settings> {
  const local = migrateSettings(await userSettingsItem.get()).settings;
  const trusted = await readTrustedIdentity();
  if (trusted) return withTrustedIdentity(local, trusted);
  await writeTrustedIdentity(pickIdentity(local));
  return local;
}

export async function getResolvedSettings(): Promise<ResolvedSettings> {
  const [user, managed] = await Promise.all([readUserSettings(), readManaged()]);
  return resolveSettings(user, managed);
}

/** The effective settings (defaults ← user ← policy). */
export async function getSettings(): Promise<Settings> {
  return (await getResolvedSettings()).settings;
}

/** Rewrite stored settings in the current version (on install/update). Returns the old version. */
export async function migrateStoredSettings(): Promise<number | undefined> {
  const stored = await userSettingsItem.get();
  if (stored && typeof stored === 'object' && 'version' in stored && stored.version === SETTINGS_VERSION) {
    await readUserSettings(); // moves the sign-in settings to the trusted store if not yet there
    return SETTINGS_VERSION;
  }
  const { settings, fromVersion } = migrateSettings(stored);
  if (!(await readTrustedIdentity())) await writeTrustedIdentity(pickIdentity(settings));
  if (stored !== undefined) await userSettingsItem.set(settings);
  return fromVersion;
}

export const settingsPatchSchema = z
  .object(
    Object.fromEntries(
      Object.entries(settingsShape)
        .filter(([k]) => k !== 'version')
        .map(([k, s]) => [k, s.optional()]),
    ) as {
      [K in SettingKey]: z.ZodOptional<(typeof settingsShape)[K]>;
    },
  )
  .strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Apply a patch to the user's settings. Locked (policy) keys cannot be changed. */
/** Each field's first problem, in words, for the options page (`error.fields`). */
export function patchProblems(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const i of issues) fields[String(i.path[0] ?? '')] ??= i.message;
  return fields;
}

export async function saveSettings(patch: SettingsPatch | 'reset'): Promise<ResolvedSettings> {
  const [user, managed] = await Promise.all([readUserSettings(), readManaged()]);
  const before = resolveSettings(user, managed);
  let next: Settings;
  if (patch === 'reset') {
    next = defaultSettings(before.settings.environment);
  } else {
    const parsed = settingsPatchSchema.safeParse(patch);
    if (!parsed.success) throw new SettingsError('invalid', 'Some settings are not valid.', patchProblems(parsed.error.issues));
    const changes = parsed.data as Partial<Settings>;
    const lockedChanged = before.locked.filter((k) => k in changes && JSON.stringify(changes[k]) !== JSON.stringify(before.settings[k]));
    if (lockedChanged.length) {
      throw new SettingsError(
        'locked',
        `Set by your organisation and locked: ${lockedChanged.join(', ')}.`,
        Object.fromEntries(lockedChanged.map((k) => [k, 'locked by policy'])),
      );
    }
    next = { ...user, ...changes };
    if (changes.environment && changes.environment !== user.environment) {
      // A new environment: addresses not given in this patch follow the new environment.
      const defaults = defaultSettings(changes.environment);
      for (const key of ENVIRONMENT_KEYS) if (!(key in changes)) (next as Record<string, unknown>)[key] = defaults[key];
    }
  }
  // Trusted store first: a listener woken by the storage.local write reads the new addresses.
  await writeTrustedIdentity(pickIdentity(next));
  await userSettingsItem.set(next);
  return resolveSettings(next, managed);
}

/** Calls back with the effective settings whenever the user's settings or the policy change. */
export function watchSettings(listener: (settings: Settings, resolved: ResolvedSettings) => void): () => void {
  const onChanged = (changes: Record<string, unknown>, area: string) => {
    if (area === 'managed' || (area === 'local' && SETTINGS_STORAGE_KEY in changes)) {
      void getResolvedSettings().then((r) => listener(r.settings, r));
    }
  };
  browser.storage.onChanged.addListener(onChanged);
  return () => browser.storage.onChanged.removeListener(onChanged);
}
