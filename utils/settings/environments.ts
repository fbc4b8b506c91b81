// The e-RS environments and how pages name them. No zod here: the popup's environment banner
// imports this file, and the settings schema (./schema.ts) builds on it.
export const ENVIRONMENTS = ['simulator', 'sandbox', 'integration', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const ENVIRONMENT_LABELS: Record<Environment, { label: string; description: string }> = {
  simulator: { label: 'SIMULATOR (demo)', description: 'Local e-RS simulator: test patients and users only' },
  sandbox: { label: 'SANDBOX', description: 'NHS sandbox: canned answers, no real patients' },
  integration: { label: 'INTEGRATION (test)', description: 'NHS integration test environment: test data only' },
  production: { label: 'PRODUCTION (live)', description: 'Live e-RS: real patients and real referrals' },
};

/** Settings that describe *where* e-RS is; they follow the environment unless set explicitly. */
export const ENVIRONMENT_KEYS = [
  'flavour',
  'platformBaseUrl',
  'legacyBaseUrl',
  'cis2AuthorizeUrl',
  'relayUrl',
  'oauthClientId',
  'oauthRedirectUrl',
  'asid',
  'smartcardSource',
] as const;

export const SIMULATOR_ORIGIN = 'http://127.0.0.1:4010';
/** The demo's token relay (`npm run demo` starts one next to the simulator). */
export const SIMULATOR_RELAY = 'http://127.0.0.1:4011';

/** Each environment's addresses (plain data: the options page fills the form from it without zod). */
export interface EnvironmentDefaults {
  flavour: 'platform' | 'legacy';
  platformBaseUrl: string;
  legacyBaseUrl: string;
  cis2AuthorizeUrl: string;
  relayUrl: string;
  oauthClientId: string;
  asid: string;
  smartcardSource: 'test-card' | 'paste';
}

export const ENVIRONMENT_DEFAULTS: Record<Environment, EnvironmentDefaults> = {
  simulator: {
    flavour: 'platform',
    platformBaseUrl: `${SIMULATOR_ORIGIN}/referrals/FHIR`,
    legacyBaseUrl: `${SIMULATOR_ORIGIN}/ers-api`,
    cis2AuthorizeUrl: `${SIMULATOR_ORIGIN}/oauth2/authorize`,
    relayUrl: SIMULATOR_RELAY,
    oauthClientId: 'ers-extension-demo',
    asid: '200000000001',
    smartcardSource: 'test-card',
  },
  // The NHS sandbox answers canned examples and checks no credentials; sign-in still needs a relay.
  sandbox: {
    flavour: 'platform',
    platformBaseUrl: 'https://sandbox.api.service.nhs.uk/referrals/FHIR',
    legacyBaseUrl: '',
    cis2AuthorizeUrl: '',
    relayUrl: '',
    oauthClientId: '',
    asid: '',
    smartcardSource: 'paste',
  },
  integration: {
    flavour: 'platform',
    platformBaseUrl: 'https://int.api.service.nhs.uk/referrals/FHIR',
    legacyBaseUrl: '',
    cis2AuthorizeUrl: 'https://int.api.service.nhs.uk/oauth2/authorize',
    relayUrl: '',
    oauthClientId: '',
    asid: '',
    smartcardSource: 'paste',
  },
  production: {
    flavour: 'platform',
    platformBaseUrl: 'https://api.service.nhs.uk/referrals/FHIR',
    legacyBaseUrl: '',
    cis2AuthorizeUrl: 'https://api.service.nhs.uk/oauth2/authorize',
    relayUrl: '',
    oauthClientId: '',
    asid: '',
    smartcardSource: 'paste',
  },
};

/** An environment's address for one environment-following setting (`oauthRedirectUrl` is never preset). */
export function environmentDefault(environment: Environment, key: (typeof ENVIRONMENT_KEYS)[number]): string {
  return key === 'oauthRedirectUrl' ? '' : ENVIRONMENT_DEFAULTS[environment][key];
}
