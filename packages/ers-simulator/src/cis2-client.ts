// The client's half of a mock CIS2 sign-in without a browser (the CLI, the relay bench and tests):
// an authorisation request with PKCE and a login_hint, which the mock approves at once (cis2.ts).

import { codeChallengeS256, createCodeVerifier, randomState } from '../../../utils/session/pkce';

export interface AuthorizeAs {
  /** The mock's answer, not followed: a redirect to `redirectUri` carrying the code (or an error) and the state. */
  redirect: Response;
  /** What the client keeps for the token request and the state check. */
  verifier: string;
  state: string;
}

/** Asks the mock CIS2 at `origin` to sign in test user `userId` for `clientId` (authorisation code + PKCE S256). */
export async function authorizeAs(origin: string, client: { clientId: string; redirectUri: string; userId: string }): Promise<AuthorizeAs> {
  const verifier = createCodeVerifier();
  const state = randomState();
  const url = new URL('/oauth2/authorize', origin);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: 'openid nhs-cis2',
    state,
    code_challenge: await codeChallengeS256(verifier),
    code_challenge_method: 'S256',
    login_hint: client.userId,
  }).toString();
  return { redirect: await fetch(url, { redirect: 'manual' }), verifier, state };
}
