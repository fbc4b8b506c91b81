// Client for the organisation's token relay (docs/decisions/token-relay.md). The extension never holds the OAuth client
// secret: it sends the authorisation code + PKCE verifier (or a refresh token) to the relay, which
// adds the secret and calls NHS CIS2 / the API platform's token endpoint. Each request carries a
// fresh proof signed with this installation's key (proof-key.ts); the relay binds the refresh token
// it returns to that key, so the refresh token works only from this installation.
//   POST {relayUrl}/oauth/token   DPoP: <proof>  { code, code_verifier, redirect_uri }
//   POST {relayUrl}/oauth/refresh DPoP: <proof>  { refresh_token }
//   → 200 { access_token, token_type, expires_in, refresh_token?, scope? }
//   → non-2xx { error, error_description }
// Error messages never contain a token or code.
import { z } from 'zod';
import { createProof } from './proof-key';

export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === 'bearer', 'token_type must be Bearer'),
  expires_in: z.coerce.number().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
  id_token: z.string().optional(),
});

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms. */
  expiresAt: number;
  scope?: string;
  idToken?: string;
}

export class RelayError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RelayError';
  }
}

export interface RelayOptions {
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
  now?: () => number;
  /** Signs the proof for one request (default: this installation's key). */
  proof?: (htm: string, htu: string) => Promise<string>;
}

const errorSchema = z.looseObject({ error: z.string().max(200), error_description: z.string().max(500).optional() });

async function post(relayUrl: string, path: string, body: Record<string, string>, options: RelayOptions): Promise<TokenSet> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const url = `${relayUrl.replace(/\/+$/, '')}${path}`;
  let proof: string;
  try {
    proof = await (options.proof ?? createProof)('POST', url);
  } catch {
    throw new RelayError('proof', 'The extension could not use its sign-in key (browser storage may be full or blocked). Restart the browser and try again.');
  }
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', DPoP: proof },
      body: JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (cause) {
    const timedOut = (cause as Error)?.name === 'TimeoutError';
    throw new RelayError(
      timedOut ? 'timeout' : 'network',
      timedOut
        ? 'The token relay did not answer in time. Try again.'
        : "Could not reach your organisation's token relay. Check the relay address in Settings and your network.",
    );
  }
  let data: unknown;
  try {
    data = await response.json();
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const parsed = errorSchema.safeParse(data);
    const code = parsed.success ? parsed.data.error : `http_${response.status}`;
    const detail = parsed.success && parsed.data.error_description ? `: ${parsed.data.error_description}` : '';
    const message =
      code === 'invalid_grant'
        ? 'NHS CIS2 did not accept the sign-in (it may have expired or been used already). Sign in again.'
        : `The token relay refused the request (${code}${detail}).`;
    throw new RelayError(code, message, response.status);
  }
  const parsed = tokenResponseSchema.safeParse(data);
  if (!parsed.success) throw new RelayError('invalid_response', 'The token relay answered with something that is not a token response.', response.status);
  const t = parsed.data;
  return {
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    expiresAt: (options.now ?? Date.now)() + t.expires_in * 1000,
    scope: t.scope,
    idToken: t.id_token,
  };
}

export function exchangeCode(
  relayUrl: string,
  input: { code: string; codeVerifier: string; redirectUri: string },
  options: RelayOptions = {},
): Promise<TokenSet> {
  return post(relayUrl, '/oauth/token', { code: input.code, code_verifier: input.codeVerifier, redirect_uri: input.redirectUri }, options);
}

export function refreshTokens(relayUrl: string, refreshToken: string, options: RelayOptions = {}): Promise<TokenSet> {
  return post(relayUrl, '/oauth/refresh', { refresh_token: refreshToken }, options);
}

/** The display name in an (unverified) id_token, for showing who is signed in. Never trusted for access. */
export function nameFromIdToken(idToken: string | undefined): string | undefined {
  if (!idToken) return undefined;
  try {
    const payload = idToken.split('.')[1];
    if (!payload) return undefined;
    const json = JSON.parse(
      atob(
        payload
          .replace(/-/g, '+')
          .replace(/_/g, '/')
          .padEnd(Math.ceil(payload.length / 4) * 4, '='),
      ),
    ) as Record<string, unknown>;
    const name = typeof json.name === 'string' ? json.name : [json.given_name, json.family_name].filter((x) => typeof x === 'string').join(' ');
    return name ? name.slice(0, 120) : undefined;
  } catch {
    return undefined;
  }
}
