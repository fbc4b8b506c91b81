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
