// Upgrades stored settings from any earlier version to the current one, one step at a time. Each
// step takes the previous version's shape (loosely: stored data may be partial or hand-edited) and
// returns the next. After the last step every field is checked on its own: a bad or missing value
// falls back to its default instead of throwing away the user's other settings.
//
// History:
//  v1 (first prototype): { environment, baseUrl (one server origin or API base), clientId, idleMinutes }
//  v2: split API bases per flavour, CIS2 authorise URL, ASID, draft time-to-live, search preferences
//  v3: token relay URL, smartcard source, host adapters
import { ENVIRONMENTS, SETTINGS_VERSION, defaultSettings, settingsShape, type Environment, type Settings } from './schema';

type Loose = Record<string, unknown>;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** v1 → v2. */
export function v1ToV2(v1: Loose): Loose {
  const environment = (ENVIRONMENTS as readonly string[]).includes(str(v1.environment) ?? '') ? (v1.environment as Environment) : 'simulator';
  const defaults = defaultSettings(environment);
  const out: Loose = {
    version: 2,
    environment,
    flavour: 'platform',
    oauthClientId: str(v1.clientId) ?? defaults.oauthClientId,
    idleTimeoutMinutes: typeof v1.idleMinutes === 'number' ? v1.idleMinutes : defaults.idleTimeoutMinutes,
  };
  const base = str(v1.baseUrl)?.replace(/\/+$/, '');
  if (base) {
    // v1 stored either a bare server origin (the simulator's) or the platform API base.
    const origin = base.replace(/\/(referrals\/FHIR|ers-api)$/, '');
    out.platformBaseUrl = `${origin}/referrals/FHIR`;
    if (environment === 'simulator') {
      out.legacyBaseUrl = `${origin}/ers-api`;
      out.cis2AuthorizeUrl = `${origin}/oauth2/authorize`;
    }
  }
  return out;
}

/** v2 → v3: v2 exchanged codes at the CIS2 token endpoint itself; v3 goes through a relay. */
export function v2ToV3(v2: Loose): Loose {
  const { tokenUrl: _dropped, ...rest } = v2;
  return { ...rest, version: 3 };
}

const STEPS: Record<number, (s: Loose) => Loose> = { 1: v1ToV2, 2: v2ToV3 };

export interface MigrationResult {
  settings: Settings;
  fromVersion: number | undefined;
  /** Fields that were invalid or missing and took their default. */
  repaired: string[];
}

/** Any stored value (or nothing) → current settings. Never throws. */
export function migrateSettings(stored: unknown): MigrationResult {
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) {
    return { settings: defaultSettings(), fromVersion: undefined, repaired: [] };
  }
  let current = { ...(stored as Loose) };
  const fromVersion = typeof current.version === 'number' ? current.version : 1;
  let version = fromVersion;
  if (version > SETTINGS_VERSION) {
    // Written by a newer build (downgrade): keep what still validates.
    version = SETTINGS_VERSION;
  }
  while (version < SETTINGS_VERSION) {
    const step = STEPS[version];
    if (!step) break;
    current = step(current);
    version = (current.version as number) ?? version + 1;
  }
  return { ...repair(current), fromVersion };
}

/** Field by field: keep valid values, default the rest, drop unknown keys. */
export function repair(candidate: Loose): { settings: Settings; repaired: string[] } {
  const environment = settingsShape.environment.safeParse(candidate.environment);
  const defaults = defaultSettings(environment.success ? environment.data : 'simulator');
  const out: Loose = { ...defaults };
  const repaired: string[] = [];
  for (const key of Object.keys(settingsShape) as (keyof Settings)[]) {
    if (key === 'version') continue;
    if (!(key in candidate)) continue;
    const parsed = settingsShape[key].safeParse(candidate[key]);
    if (parsed.success) out[key] = parsed.data;
    else repaired.push(key);
  }
  out.version = SETTINGS_VERSION;
  return { settings: out as Settings, repaired };
}
