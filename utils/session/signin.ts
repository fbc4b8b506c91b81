// The two ways of signing in to e-RS, as functions with their browser dependencies passed in.
//  - platform: NHS CIS2 authorisation code + PKCE (identity.launchWebAuthFlow), code exchanged at the
//    organisation's token relay, then A030 for the user's roles; the role is a pair of headers.
//  - legacy: A001 with a smartcard SSO token, A002 to select the role, A003 on sign-out.
import { z } from 'zod';
import { codeChallengeS256, createCodeVerifier, randomState } from './pkce';
import { ErsClient } from '../ers/client';
import { ErsError } from '../ers/errors';
import type { ProfessionalSession } from '../ers/schemas';
import type { Settings } from '../settings/schema';
import { exchangeCode, nameFromIdToken, refreshTokens, RelayError, type TokenSet } from './relay';
import type { Role, SessionSecrets, SessionUser } from './state';

export class SignInError extends Error {
  constructor(
    readonly code: 'cancelled' | 'state-mismatch' | 'cis2-error' | 'no-code' | 'no-roles' | 'relay' | 'ers' | 'not-configured' | 'smartcard',
    message: string,
  ) {
    super(message);
    this.name = 'SignInError';
  }
}

export interface SignInResult {
  user: SessionUser;
  roles: Role[];
  secrets: SessionSecrets;
}

export const CIS2_SCOPE = 'openid nhs-cis2';

export interface PlatformSignInDeps {
  /** `browser.identity.launchWebAuthFlow`. Resolves with the final redirect URL. */
  launchWebAuthFlow: (details: { url: string; interactive: boolean }) => Promise<string | undefined>;
  /** settings.oauthRedirectUrl or `browser.identity.getRedirectURL()`. */
  redirectUrl: string;
  fetch?: typeof globalThis.fetch;
  /** Pre-select the CIS2 user (the mock CIS2 auto-approves with it; real CIS2 ignores or pre-fills). */
  loginHint?: string;
}

/** Authorise URL with PKCE; returns it with the values needed to check and finish the flow. */
export async function buildAuthorizeRequest(settings: Settings, redirectUrl: string, loginHint?: string) {
  const verifier = createCodeVerifier();
  const state = randomState();
  const url = new URL(settings.cis2AuthorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', settings.oauthClientId);
  url.searchParams.set('redirect_uri', redirectUrl);
  url.searchParams.set('scope', CIS2_SCOPE);
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', await codeChallengeS256(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  if (loginHint) url.searchParams.set('login_hint', loginHint);
  return { url: url.toString(), verifier, state };
}

/** Checks the redirect CIS2 sent back: our redirect URL, our state, a code, or CIS2's error. */
export function parseAuthorizeRedirect(responseUrl: string | undefined, expected: { redirectUrl: string; state: string }): string {
  if (!responseUrl) throw new SignInError('cancelled', 'Sign-in was cancelled.');
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    throw new SignInError('no-code', 'NHS CIS2 sent back an address that could not be read.');
  }
  const want = new URL(expected.redirectUrl);
  if (url.origin !== want.origin || url.pathname.replace(/\/+$/, '') !== want.pathname.replace(/\/+$/, '')) {
    throw new SignInError('no-code', 'NHS CIS2 sent the sign-in to an unexpected address; it was ignored.');
  }
  // Some providers answer in the fragment; accept both.
  const params = url.searchParams.has('state') || url.searchParams.has('error') ? url.searchParams : new URLSearchParams(url.hash.slice(1));
  const error = params.get('error');
  if (error) {
    if (error === 'access_denied') throw new SignInError('cancelled', 'Sign-in was cancelled in NHS CIS2.');
    throw new SignInError('cis2-error', `NHS CIS2 refused the sign-in (${error.slice(0, 60)}).`);
  }
  if (params.get('state') !== expected.state) {
    throw new SignInError('state-mismatch', 'The sign-in answer did not match this sign-in request, so it was refused. Sign in again.');
  }
  const code = params.get('code');
  if (!code) throw new SignInError('no-code', 'NHS CIS2 did not return an authorisation code.');
  return code;
}

function platformClient(settings: Settings, accessToken: string, fetch?: typeof globalThis.fetch): ErsClient {
  return new ErsClient({ flavour: 'platform', baseUrl: settings.platformBaseUrl, credentials: () => ({ accessToken }), fetch, retry: { limit: 1 } });
}

function wrap(error: unknown): never {
  if (error instanceof SignInError) throw error;
  if (error instanceof RelayError) throw new SignInError('relay', error.message);
  if (error instanceof ErsError) throw new SignInError('ers', `e-RS could not list your roles: ${error.message}`);
  const message = (error as Error)?.message ?? String(error);
  // launchWebAuthFlow rejects with "The user did not approve access." when the window is closed.
  if (/did not approve|cancel|closed/i.test(message)) throw new SignInError('cancelled', 'Sign-in was cancelled.');
  throw new SignInError('cis2-error', `Sign-in failed: ${message.slice(0, 200)}`);
}

export function rolesFromA030(roles: { businessFunction: string; ods: string; orgName?: string }[]): Role[] {
  const seen = new Set<string>();
  return roles.flatMap((r) => {
    const key = `${r.businessFunction}@${r.ods}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ businessFunction: r.businessFunction, ods: r.ods, ...(r.orgName ? { orgName: r.orgName } : {}) }];
  });
}

const userinfoSchema = z.looseObject({ name: z.string().optional(), given_name: z.string().optional(), family_name: z.string().optional() });

/**
 * The user's name from the identity service's userinfo endpoint (beside its authorise endpoint), for
 * showing who is signed in when the token answer carried no id token. Best effort: any failure
 * leaves the name out (the panel then shows the SDS user ID, labelled), never blocks sign-in.
 */
export async function userinfoName(settings: Settings, accessToken: string, fetch: typeof globalThis.fetch = globalThis.fetch): Promise<string | undefined> {
  try {
    const url = new URL(settings.cis2AuthorizeUrl);
    url.pathname = url.pathname.replace(/authori[sz]e\/?$/, 'userinfo');
    if (!url.pathname.endsWith('/userinfo')) return undefined;
    const res = await fetch(url, { headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' }, signal: AbortSignal.timeout(5_000) });
    if (!res.ok) return undefined;
    const info = userinfoSchema.parse(await res.json());
    const name = (info.name ?? [info.given_name, info.family_name].filter(Boolean).join(' ')).trim();
    return name ? name.slice(0, 120) : undefined;
  } catch {
    return undefined;
  }
}

export async function tokensToSignIn(settings: Settings, tokens: TokenSet, fetch?: typeof globalThis.fetch): Promise<SignInResult> {
  const summaries = await platformClient(settings, tokens.accessToken, fetch).listRoles();
  if (summaries.length === 0) throw new SignInError('no-roles', 'Your NHS CIS2 account has no e-RS roles. Ask your registration authority to add one.');
  const name = nameFromIdToken(tokens.idToken) ?? (await userinfoName(settings, tokens.accessToken, fetch));
  return {
    user: { id: summaries[0].userId, ...(name ? { name } : {}) },
    roles: rolesFromA030(summaries),
    secrets: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt },
  };
}

export async function platformSignIn(settings: Settings, deps: PlatformSignInDeps): Promise<SignInResult> {
  try {
    const request = await buildAuthorizeRequest(settings, deps.redirectUrl, deps.loginHint);
    const responseUrl = await deps.launchWebAuthFlow({ url: request.url, interactive: true });
    const code = parseAuthorizeRedirect(responseUrl, { redirectUrl: deps.redirectUrl, state: request.state });
    const tokens = await exchangeCode(settings.relayUrl, { code, codeVerifier: request.verifier, redirectUri: deps.redirectUrl }, { fetch: deps.fetch });
    return await tokensToSignIn(settings, tokens, deps.fetch);
  } catch (error) {
    wrap(error);
  }
}

/** Refresh through the relay without asking the user. */
export async function platformRefresh(settings: Settings, refreshToken: string, fetch?: typeof globalThis.fetch): Promise<SessionSecrets> {
  const tokens = await refreshTokens(settings.relayUrl, refreshToken, { fetch });
  return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? refreshToken, expiresAt: tokens.expiresAt };
}

// ---- legacy ----------------------------------------------------------------------------------

function legacyClient(settings: Settings, sessionKey?: string, fetch?: typeof globalThis.fetch): ErsClient {
  return new ErsClient({
    flavour: 'legacy',
    baseUrl: settings.legacyBaseUrl,
    asid: settings.asid,
    credentials: () => ({ sessionKey }),
    fetch,
    retry: { limit: 1 },
  });
}

function legacyUser(session: ProfessionalSession): SessionUser {
  const name = [session.user.firstName, session.user.middleName, session.user.lastName].filter(Boolean).join(' ');
  return { id: session.user.identifier, ...(name ? { name } : {}) };
}

export function legacyRoles(session: ProfessionalSession): Role[] {
  return rolesFromA030(session.user.permissions.map((p) => ({ businessFunction: p.businessFunction, ods: p.orgIdentifier, orgName: p.orgName ?? undefined })));
}

/** A001: open a professional session with the smartcard's SSO token. */
export async function legacySignIn(settings: Settings, smartcardToken: string, fetch?: typeof globalThis.fetch): Promise<SignInResult> {
  if (!smartcardToken) throw new SignInError('smartcard', 'No smartcard token was available. Insert your smartcard and try again.');
  try {
    const session = await legacyClient(settings, undefined, fetch).createSession(smartcardToken);
    const roles = legacyRoles(session);
    if (roles.length === 0) throw new SignInError('no-roles', 'Your smartcard has no e-RS roles.');
    return { user: legacyUser(session), roles, secrets: { sessionKey: session.id, legacySession: session } };
  } catch (error) {
    if (error instanceof ErsError) throw new SignInError('ers', `e-RS did not open a session: ${error.message}`);
    throw error;
  }
}

/**
 * Simulator only: the test smartcard called `card`, read from the simulator that serves the legacy
 * API (GET /_admin/test-smartcards on the same origin). The tokens live in the simulator package
 * and are never compiled into the extension.
 */
export async function simulatorTestSmartcard(settings: Settings, card: string, fetch: typeof globalThis.fetch = globalThis.fetch): Promise<string> {
  const unavailable = new SignInError('smartcard', 'The simulator did not provide the test smartcards. Check that it is running, then try again.');
  let cards: unknown;
  try {
    const res = await fetch(`${new URL(settings.legacyBaseUrl).origin}/_admin/test-smartcards`);
    if (!res.ok) throw unavailable;
    cards = ((await res.json()) as { cards?: unknown }).cards;
  } catch {
    throw unavailable;
  }
  const token = cards && typeof cards === 'object' && Object.hasOwn(cards, card) ? (cards as Record<string, unknown>)[card] : undefined;
  if (typeof token !== 'string' || !token) throw new SignInError('smartcard', `The simulator has no test smartcard called "${card}".`);
  return token;
}

/** A002: select the role on the server. Returns the updated secrets (A002 may return a new id). */
export async function legacySelectRole(settings: Settings, secrets: SessionSecrets, role: Role, fetch?: typeof globalThis.fetch): Promise<SessionSecrets> {
  const session = secrets.legacySession;
  if (!session) throw new SignInError('ers', 'The e-RS session is missing. Sign in again.');
  const updated = await legacyClient(settings, session.id, fetch).selectRole(session, {
    businessFunction: role.businessFunction,
    orgIdentifier: role.ods,
    ...(role.orgName ? { orgName: role.orgName } : {}),
  });
  return { ...secrets, sessionKey: updated.id || session.id, legacySession: { ...session, ...updated, token: session.token } };
}

/** A003, best effort: the session is forgotten locally whatever e-RS answers. */
export async function legacySignOut(settings: Settings, sessionKey: string, fetch?: typeof globalThis.fetch): Promise<void> {
  const client = new ErsClient({
    flavour: 'legacy',
    baseUrl: settings.legacyBaseUrl,
    asid: settings.asid,
    credentials: () => ({ sessionKey }),
    fetch,
    timeoutMs: 5_000,
    retry: { limit: 0 },
  });
  await client.deleteSession(sessionKey);
}
