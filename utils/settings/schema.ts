// The extension's settings: one zod schema with a version, per-environment defaults, and the keys
// NHS IT may set (and lock) through managed storage. Pure: no extension APIs in here.
import { z } from 'zod';
import { PRIORITIES, REQUEST_TYPES, SORT_BY } from 'ers-contract';
import { ENVIRONMENTS, type Environment } from './environments';

export const SETTINGS_VERSION = 3;

export { ENVIRONMENTS, type Environment } from './environments';
import { ENVIRONMENT_DEFAULTS, ENVIRONMENT_KEYS } from './environments';

export const FLAVOURS = ['platform', 'legacy'] as const;
export type SettingsFlavour = (typeof FLAVOURS)[number];

/** Where the legacy flavour's smartcard SSO token comes from. */
export const SMARTCARD_SOURCES = ['test-card', 'paste'] as const;

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

/**
 * An absolute URL that credentials may travel to: https anywhere, plain http only on this machine
 * (the simulator). Empty string = not configured.
 */
export const secureUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => {
    if (value === '') return true;
    try {
      const u = new URL(value);
      if (u.username || u.password || u.hash) return false;
      return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopback(u.hostname));
    } catch {
      return false;
    }
  }, 'Must be an https:// address (http:// is allowed only for 127.0.0.1 or localhost)');

export const searchPreferencesSchema = z.object({
  sortBy: z.enum(SORT_BY),
  priority: z.enum(PRIORITIES),
  requestType: z.enum(REQUEST_TYPES),
  /** Search radius around the patient's postcode; 0 = no limit. */
  distanceMiles: z.number().int().min(0).max(500),
});

export const settingsShape = {
  version: z.literal(SETTINGS_VERSION),
  environment: z.enum(ENVIRONMENTS),
  flavour: z.enum(FLAVOURS),
  /** Platform API base, `…/referrals/FHIR`. */
  platformBaseUrl: secureUrl,
  /** Legacy API base, `…/ers-api`. */
  legacyBaseUrl: secureUrl,
  /** NHS CIS2 authorisation endpoint (the simulator's mock is `/oauth2/authorize`). */
  cis2AuthorizeUrl: secureUrl,
  /** The organisation's token relay (holds the client secret; the extension never does). */
  relayUrl: secureUrl,
  oauthClientId: z
    .string()
    .trim()
    .max(200)
    .regex(/^[\x21-\x7e]*$/, 'No spaces or special characters'),
  /** Empty = the browser's own redirect URL (`identity.getRedirectURL()`). */
  oauthRedirectUrl: secureUrl,
  /** Legacy: Accredited System ID sent as XAPI_ASID (12 digits). */
  asid: z
    .string()
    .trim()
    .regex(/^(\d{12})?$/, 'An ASID is 12 digits'),
  smartcardSource: z.enum(SMARTCARD_SOURCES),
  /** Sign out after this long without using the computer (or at once when it locks). */
  idleTimeoutMinutes: z.number().int().min(1).max(480),
  /** Minutes between fetches of each referrer worklist (absent: utils/tracking/refresh.ts's default, 15). */
  worklistRefreshMinutes: z.number().int().min(5).max(240).optional(),
  /** Minutes between checks of each Advice and Guidance request for a reply (absent: utils/advice/tracking.ts's default, 15). */
  adviceCheckMinutes: z.number().int().min(1).max(1440).optional(),
  /** Unsubmitted drafts are deleted after this long. */
  draftTtlHours: z.number().int().min(1).max(720),
  search: searchPreferencesSchema,
  /** Extra host adapters (patient-context readers); validated in detail by utils/patient. */
  hostAdapters: z.array(z.record(z.string(), z.unknown())).max(50),
  /** Administrators' referral letter templates; each is checked in detail by utils/letter/template.ts. */
  letterTemplates: z.array(z.record(z.string(), z.unknown())).max(50),
} as const;

export const settingsSchema = z.object(settingsShape).strict();
export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = Exclude<keyof Settings, 'version'>;
export const SETTING_KEYS = Object.keys(settingsShape).filter((k) => k !== 'version') as SettingKey[];

// Plain data in ./environments.ts (the options page reads it without zod); checked against the schema here.
export { ENVIRONMENT_KEYS } from './environments';
const _environmentKeys: readonly SettingKey[] = ENVIRONMENT_KEYS;
void _environmentKeys;

type SigningKey = Exclude<(typeof ENVIRONMENT_KEYS)[number], 'smartcardSource'>;
/** Changing any of these while signed in signs the user out: the credentials belong elsewhere. They are
 *  the environment and where e-RS is; where the smartcard comes from is not part of who is signed in. */
export const IDENTITY_KEYS = [
  'environment',
  ...ENVIRONMENT_KEYS.filter((k): k is SigningKey => k !== 'smartcardSource'),
] as const satisfies readonly SettingKey[];

const COMMON = {
  version: SETTINGS_VERSION,
  idleTimeoutMinutes: 15,
  draftTtlHours: 72,
  search: { sortBy: 'DISTANCE', priority: 'ROUTINE', requestType: 'APPOINTMENT_REQUEST', distanceMiles: 0 },
  hostAdapters: [],
  letterTemplates: [],
  oauthRedirectUrl: '',
} satisfies Partial<Settings>;

const _defaults: Record<Environment, Omit<Settings, keyof typeof COMMON | 'environment'>> = ENVIRONMENT_DEFAULTS;
void _defaults;

export function defaultSettings(environment: Environment = 'simulator'): Settings {
  return structuredClone({ ...COMMON, environment, ...ENVIRONMENT_DEFAULTS[environment] }) as Settings;
}

/** What sign-in needs that is not configured, in words for the popup. Empty = ready. */
export function missingForSignIn(s: Settings): string[] {
  const missing: string[] = [];
  if (s.flavour === 'platform') {
    if (!s.platformBaseUrl) missing.push('the e-RS API address (platform base URL)');
    if (!s.cis2AuthorizeUrl) missing.push('the NHS CIS2 sign-in address (authorisation URL)');
    if (!s.oauthClientId) missing.push('the OAuth client id');
    if (!s.relayUrl) missing.push("your organisation's token relay address (relay URL)");
  } else {
    if (!s.legacyBaseUrl) missing.push('the e-RS API address (legacy base URL)');
    if (!s.asid) missing.push('the ASID (Accredited System ID)');
    if (s.smartcardSource === 'test-card' && s.environment !== 'simulator') missing.push('a smartcard source (test cards work only with the simulator)');
  }
  return missing;
}
