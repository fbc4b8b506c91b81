// Effective settings = environment defaults ← the user's own choices ← enterprise policy (managed
// storage). Policy always wins and locks what it sets. Pure.
import { defaultSettings, ENVIRONMENT_KEYS, SETTING_KEYS, settingsShape, type Settings, type SettingKey } from './schema';

export interface PolicyProblem {
  key: string;
  message: string;
}

export interface ResolvedSettings {
  settings: Settings;
  /** Keys set by NHS IT policy: shown as locked, refused on save. */
  locked: SettingKey[];
  /** Policy values that were not valid and were ignored. */
  policyProblems: PolicyProblem[];
}

/** Policy keys read by other features (patient context), not settings: neither applied nor reported here. */
export const OTHER_POLICY_KEYS = ['hostAdaptersJson', 'enabledOrigins'] as const;

/** Validate each managed value on its own; unknown keys and bad values are reported, not applied. */
export function parseManaged(managed: Record<string, unknown> | undefined): { values: Partial<Settings>; problems: PolicyProblem[] } {
  const values: Partial<Record<SettingKey, unknown>> = {};
  const problems: PolicyProblem[] = [];
  for (const [key, raw] of Object.entries(managed ?? {})) {
    if ((OTHER_POLICY_KEYS as readonly string[]).includes(key)) continue;
    if (!(SETTING_KEYS as string[]).includes(key)) {
      problems.push({ key, message: 'not a setting of this extension' });
      continue;
    }
    const parsed = settingsShape[key as SettingKey].safeParse(raw);
    if (parsed.success) values[key as SettingKey] = parsed.data;
    else problems.push({ key, message: parsed.error.issues[0]?.message ?? 'invalid value' });
  }
  return { values: values as Partial<Settings>, problems };
}

export function resolveSettings(user: Settings, managed: Record<string, unknown> | undefined): ResolvedSettings {
  const { values: policy, problems } = parseManaged(managed);
  const environment = policy.environment ?? user.environment;
  let settings: Settings;
  if (environment === user.environment) {
    settings = { ...user };
  } else {
    // Policy moved the user to another environment: their addresses belong to the old one. Keep
    // their personal preferences, take the environment's defaults for where e-RS is.
    settings = { ...defaultSettings(environment) };
    for (const key of SETTING_KEYS) {
      if (!(ENVIRONMENT_KEYS as readonly string[]).includes(key) && key !== 'environment') {
        (settings as Record<string, unknown>)[key] = user[key];
      }
    }
  }
  settings = { ...settings, ...policy, environment };
  const locked = SETTING_KEYS.filter((k) => k in policy);
  return { settings, locked, policyProblems: problems };
}
