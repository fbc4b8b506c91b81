// A worker's session as the background would find it after sign-in against the simulator: an
// active record for one user in one role, a typed client with that user's token, and a session
// manager restored from that record (so the background's handlers see a signed-in user).
import type { RunningSimulator } from 'ers-simulator';
import { ErsClient } from '../../utils/ers';
import { sessionManager, type SessionDeps } from '../../utils/session/manager';
import type { SessionRecord } from '../../utils/session/state';
import { defaultSettings } from '../../utils/settings/index';

export interface SignedIn {
  client: ErsClient;
  /** Resolves once the manager has restored the stored session. */
  ready: Promise<unknown>;
}

/** Restores a signed-in session for `owner` against `sim` and returns a client with the same token. */
export function signInToSimulator(sim: RunningSimulator, owner: { userId: string; ods: string }): SignedIn {
  const token = sim.issueToken(owner.userId);
  const role = { businessFunction: 'REFERRING_CLINICIAN', ods: owner.ods };
  const client = new ErsClient({
    flavour: 'platform',
    baseUrl: `${sim.url}/referrals/FHIR`,
    credentials: () => ({ accessToken: token, businessFunction: role.businessFunction, ods: owner.ods }),
  });
  let stored: SessionRecord | undefined = {
    status: 'active',
    flavour: 'platform',
    environment: 'simulator',
    user: { id: owner.userId, name: 'Dr Kate ADAMS' },
    roles: [role],
    role,
    secrets: { accessToken: token, expiresAt: Date.now() + 3_600_000 },
    updatedAt: Date.now(),
  };
  const deps: SessionDeps = {
    boot: crypto.randomUUID(),
    now: () => Date.now(),
    getSettings: async () => ({ ...defaultSettings('simulator'), platformBaseUrl: `${sim.url}/referrals/FHIR` }),
    load: async () => stored,
    save: async (r) => void (stored = r),
    signOutPending: { get: async () => false, set: async () => undefined },
    launchWebAuthFlow: async () => undefined,
    redirectUrl: () => 'https://example.chromiumapp.org/',
    broadcast: () => undefined,
    scheduleRefresh: () => undefined,
  };
  return { client, ready: sessionManager(deps).ready };
}
