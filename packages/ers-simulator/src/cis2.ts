// Mock NHS CIS2 sign-in: OAuth 2.0 authorisation code + PKCE (S256) at /oauth2/authorize and
// /oauth2/token on the simulator's origin, so the extension's real sign-in flow
// (chrome.identity.launchWebAuthFlow → code → token) can be exercised end to end.
//
//  - GET /oauth2/authorize without login_hint shows a login page listing the test users;
//    with login_hint=<SDS user id> it approves at once (scripts and tests).
//  - Codes are single-use and short-lived; re-using one also revokes the tokens it produced
//    (RFC 6749 §4.1.2).
//  - When a client secret is configured (sign-in through a relay), token requests must
//    carry it (form field client_secret or HTTP Basic).

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthStore } from './auth';
import { type Reply, escapeHtml } from './http';
import { TEST_USERS, displayName, findUser } from './users';

export interface Cis2Options {
  clientId: string;
  clientSecret?: string;
  /** Glob patterns: `*` in the host matches one DNS label; a trailing `/*` matches any path; any port is allowed. */
  redirectUris: string[];
  codeLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
}

export const DEFAULT_REDIRECT_URIS = ['https://*.chromiumapp.org/*', 'https://*.extensions.allizom.org/*', 'http://127.0.0.1/*', 'http://localhost/*'];

interface AuthCode {
  code: string;
  userId: string;
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
  expiresAt: number;
  used: boolean;
  issued: string[];
}

export function redirectAllowed(uri: string, patterns: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  if (u.hash) return false; // RFC 6749 §3.1.2: no fragment
  return patterns.some((p) => {
    const m = /^(https?):\/\/([^/]+)(\/.*)?$/.exec(p);
    if (!m) return false;
    const [, scheme, host, pathPattern = '/'] = m;
    if (u.protocol !== `${scheme}:`) return false;
    const hostRe = new RegExp(
      `^${host
        .split('*')
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[a-z0-9-]+')}$`,
      'i',
    );
    if (!hostRe.test(u.hostname)) return false;
    if (pathPattern.endsWith('*')) return u.pathname.startsWith(pathPattern.slice(0, -1));
    return u.pathname === pathPattern;
  });
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function html(status: number, title: string, bodyHtml: string): Reply {
  return {
    status,
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:Arial,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#212b32}
h1{color:#005eb8}button{background:#007f3b;color:#fff;border:0;padding:.6rem 1rem;font-size:1rem;border-radius:4px;cursor:pointer;margin:.25rem 0}
li{margin:.8rem 0;list-style:none}.roles{color:#4c6272;font-size:.9rem}</style></head><body>${bodyHtml}</body></html>`,
  };
}

function jsonReply(status: number, body: object, headers: Record<string, string> = {}): Reply {
  return { status, body, contentType: 'application/json', headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers } };
}

export class MockCis2 {
  private codes = new Map<string, AuthCode>();

  constructor(
    private readonly opts: Cis2Options,
    private readonly auth: AuthStore,
    private readonly clock: () => Date,
  ) {}

  authorize(query: URLSearchParams): Reply {
    const clientId = query.get('client_id') ?? '';
    const redirectUri = query.get('redirect_uri') ?? '';
    // Errors about the client or redirect URI must not redirect (RFC 6749 §4.1.2.1).
    if (clientId !== this.opts.clientId) return html(400, 'Sign-in error', `<h1>Sign-in error</h1><p>Unknown client_id.</p>`);
    if (!redirectAllowed(redirectUri, this.opts.redirectUris)) {
      return html(400, 'Sign-in error', `<h1>Sign-in error</h1><p>redirect_uri is not registered for this client.</p>`);
    }
    const state = query.get('state');
    const fail = (error: string, description: string): Reply => {
      const u = new URL(redirectUri);
      u.searchParams.set('error', error);
      u.searchParams.set('error_description', description);
      if (state !== null) u.searchParams.set('state', state);
      return { status: 302, headers: { Location: u.toString() } };
    };
    if (query.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
    const challenge = query.get('code_challenge');
    if (!challenge || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) return fail('invalid_request', 'PKCE code_challenge (S256) is required');
    if (query.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
    const hint = query.get('login_hint');
    if (!hint) return this.loginPage(query);
    const user = findUser(hint);
    if (!user?.active) return fail('access_denied', 'unknown or inactive user');
    const code: AuthCode = {
      code: randomBytes(24).toString('base64url'),
      userId: user.id,
      clientId,
      redirectUri,
      challenge,
      scope: query.get('scope') ?? 'nhs-cis2',
      expiresAt: this.clock().getTime() + this.opts.codeLifetimeSeconds * 1000,
      used: false,
      issued: [],
    };
    this.codes.set(code.code, code);
    const u = new URL(redirectUri);
    u.searchParams.set('code', code.code);
    if (state !== null) u.searchParams.set('state', state);
    return { status: 302, headers: { Location: u.toString() } };
  }

  private loginPage(query: URLSearchParams): Reply {
    const hidden = [...query.entries()]
      .filter(([k]) => k !== 'login_hint')
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join('');
    const items = TEST_USERS.filter((u) => u.active)
      .map(
        (
          u,
        ) => `<li><form method="get" action="/oauth2/authorize">${hidden}<button type="submit" name="login_hint" value="${u.id}">Sign in as ${escapeHtml(displayName(u))}</button>
<div class="roles">${u.id}: ${escapeHtml(u.description)}</div></form></li>`,
      )
      .join('');
    return html(200, 'Mock NHS CIS2 sign-in', `<h1>Mock NHS CIS2 sign-in</h1><p>e-RS simulator test users. Choose who to sign in as.</p><ul>${items}</ul>`);
  }

  /** POST /oauth2/token with an application/x-www-form-urlencoded body. */
  token(form: URLSearchParams, authorization: string | undefined): Reply {
    let clientId = form.get('client_id') ?? undefined;
    let clientSecret = form.get('client_secret') ?? undefined;
    const basic = authorization ? /^Basic\s+(\S+)$/i.exec(authorization) : null;
    if (basic) {
      const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      clientSecret = decodeURIComponent(secret ?? '');
    }
    if (clientId !== this.opts.clientId) return jsonReply(401, { error: 'invalid_client', error_description: 'unknown client_id' });
    if (this.opts.clientSecret !== undefined && !(clientSecret && safeEqual(clientSecret, this.opts.clientSecret))) {
      return jsonReply(401, { error: 'invalid_client', error_description: 'client authentication failed' }, { 'WWW-Authenticate': 'Basic realm="mock-cis2"' });
    }
    const grant = form.get('grant_type');
    const now = this.clock().getTime();
    if (grant === 'authorization_code') {
      const code = this.codes.get(form.get('code') ?? '');
      if (!code) return jsonReply(400, { error: 'invalid_grant', error_description: 'unknown authorization code' });
      if (code.used) {
        for (const t of code.issued) this.auth.expireTokens(t);
        return jsonReply(400, { error: 'invalid_grant', error_description: 'authorization code already used' });
      }
      code.used = true;
      if (code.expiresAt <= now) return jsonReply(400, { error: 'invalid_grant', error_description: 'authorization code expired' });
      if (code.clientId !== clientId || code.redirectUri !== form.get('redirect_uri')) {
        return jsonReply(400, { error: 'invalid_grant', error_description: 'redirect_uri or client does not match the authorization request' });
      }
      const verifier = form.get('code_verifier') ?? '';
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || s256(verifier) !== code.challenge) {
        return jsonReply(400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
      }
      const reply = this.issue(code.userId, clientId, code.scope);
      code.issued.push((reply.body as { access_token: string }).access_token);
      return reply;
    }
    if (grant === 'refresh_token') {
      const rt = this.auth.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!rt || rt.clientId !== clientId || rt.expiresAt <= now)
        return jsonReply(400, { error: 'invalid_grant', error_description: 'invalid or expired refresh token' });
      const user = findUser(rt.userId);
      if (!user?.active) return jsonReply(400, { error: 'invalid_grant', error_description: 'user is not active' });
      this.auth.refreshTokens.delete(rt.token); // rotation: each refresh token works once
      return this.issue(rt.userId, clientId, 'nhs-cis2');
    }
    return jsonReply(400, { error: 'unsupported_grant_type', error_description: 'use authorization_code or refresh_token' });
  }

  private issue(userId: string, clientId: string, scope: string): Reply {
    const access = this.auth.issueToken(userId, clientId);
    const refresh = this.auth.issueRefreshToken(userId, clientId, this.opts.refreshTokenLifetimeSeconds);
    const now = this.clock().getTime();
    return jsonReply(200, {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: Math.round((access.expiresAt - now) / 1000),
      refresh_token: refresh.token,
      refresh_token_expires_in: this.opts.refreshTokenLifetimeSeconds,
      scope,
    });
  }

  /** GET /oauth2/userinfo: who the bearer token belongs to (handy for the extension's UI). */
  userinfo(authorization: string | undefined): Reply {
    try {
      const u = this.auth.bearer(authorization);
      return jsonReply(200, { sub: u.id, name: displayName(u), given_name: u.given, family_name: u.family });
    } catch {
      return jsonReply(401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
  }

  reset(): void {
    this.codes.clear();
  }
}
