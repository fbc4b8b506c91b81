// Who is calling: legacy professional sessions (A001/A002/A003) and platform bearer tokens (minted
// by the mock CIS2 in cis2.ts or by RunningSimulator.issueToken), plus the role checks both flavours
// apply before any operation runs (packages/ers-contract/docs/ers-api.md §3, §9: 401 → 403/400 → the rest).

import { randomBytes, randomUUID } from 'node:crypto';
import { ErsError } from './errors';
import { type TestUser, findUser, holdsRole, SMARTCARD_OWNERS } from './users';
import { ORGANISATIONS } from './directory';

export interface LegacyPermission {
  businessFunction: string;
  orgIdentifier: string;
  orgName: string;
}

export interface LegacySession {
  id: string;
  token: string;
  userId: string;
  permission: LegacyPermission | null;
  lastUsed: number;
}

export interface PlatformToken {
  token: string;
  userId: string;
  clientId: string;
  expiresAt: number;
}

export interface RefreshToken {
  token: string;
  userId: string;
  clientId: string;
  expiresAt: number;
}

export function orgName(ods: string): string {
  return ORGANISATIONS.find((o) => o.ods === ods)?.name ?? ods;
}

export function permissionsOf(u: TestUser): LegacyPermission[] {
  return u.roles.map((r) => ({ businessFunction: r.businessFunction, orgIdentifier: r.ods, orgName: orgName(r.ods) }));
}

export class AuthStore {
  sessions = new Map<string, LegacySession>();
  tokens = new Map<string, PlatformToken>();
  refreshTokens = new Map<string, RefreshToken>();
  /** Smartcards minted at runtime by createLegacySmartcard (token → user id). */
  extraSmartcards = new Map<string, string>();

  constructor(
    private readonly clock: () => Date,
    private readonly opts: { tokenLifetimeSeconds: number; sessionIdleSeconds: number },
  ) {}

  smartcardOwner(token: string): string | undefined {
    const t = token.trim(); // the legacy A001 example token has a stray leading space
    return SMARTCARD_OWNERS[t] ?? this.extraSmartcards.get(t);
  }

  createSession(token: string, userId: string): LegacySession {
    const s: LegacySession = { id: `pro-xapi-session_${randomUUID()}`, token: token.trim(), userId, permission: null, lastUsed: this.clock().getTime() };
    this.sessions.set(s.id, s);
    return s;
  }

  /** Live session for a key, or a 401 (unknown, deleted or idle-expired). */
  session(key: string | undefined): LegacySession {
    const s = key ? this.sessions.get(key) : undefined;
    const now = this.clock().getTime();
    if (!s) throw new ErsError(401, 'NO_ACCESS', key ? 'Session not found or ended; create a new session (A001).' : 'HTTP_X_SESSION_KEY header missing.');
    if (now - s.lastUsed > this.opts.sessionIdleSeconds * 1000) {
      this.sessions.delete(s.id);
      throw new ErsError(401, 'NO_ACCESS', 'Session expired; create a new session (A001).');
    }
    s.lastUsed = now;
    return s;
  }

  issueToken(userId: string, clientId: string, lifetimeSeconds = this.opts.tokenLifetimeSeconds): PlatformToken {
    const t: PlatformToken = { token: randomBytes(24).toString('base64url'), userId, clientId, expiresAt: this.clock().getTime() + lifetimeSeconds * 1000 };
    this.tokens.set(t.token, t);
    return t;
  }

  issueRefreshToken(userId: string, clientId: string, lifetimeSeconds: number): RefreshToken {
    const t: RefreshToken = { token: randomBytes(32).toString('base64url'), userId, clientId, expiresAt: this.clock().getTime() + lifetimeSeconds * 1000 };
    this.refreshTokens.set(t.token, t);
    return t;
  }

  /** User behind `Authorization: Bearer …`, or a 401 with the documented NO_ACCESS outcome. */
  bearer(header: string | undefined): TestUser {
    const m = header ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
    if (!m) throw new ErsError(401, 'NO_ACCESS', 'Missing or invalid Authorization header.', { kind: 'proxy' });
    const t = this.tokens.get(m[1]);
    if (!t) throw new ErsError(401, 'NO_ACCESS', 'Invalid access token.', { kind: 'proxy' });
    if (t.expiresAt <= this.clock().getTime()) throw new ErsError(401, 'NO_ACCESS', 'Access token expired.', { kind: 'proxy' });
    const u = findUser(t.userId);
    if (!u?.active) throw new ErsError(401, 'NO_ACCESS', 'User is not active.', { kind: 'proxy' });
    return u;
  }

  expireTokens(token?: string): number {
    let n = 0;
    for (const t of this.tokens.values()) {
      if (!token || t.token === token) {
        t.expiresAt = 0;
        n++;
      }
    }
    return n;
  }

  expireSessions(key?: string): number {
    let n = 0;
    for (const s of this.sessions.values()) {
      if (!key || s.id === key) {
        s.lastUsed = -Infinity;
        n++;
      }
    }
    return n;
  }
}

const APP_RESTRICTED_BFS = ['PROVIDER_AUTHORISED_APPLICATION', 'REFERRER_AUTHORISED_APPLICATION', 'AUTHORISED_APPLICATION'];

/**
 * Platform role headers: ODS and BF must be present, BF must not be an app-restricted value, and the
 * user must hold that (BF, ODS) pair — the checks the API proxy does before e-RS sees the request.
 */
export function platformRole(user: TestUser, odsHeader: string | undefined, bfHeader: string | undefined): { ods: string; businessFunction: string } {
  const ods = odsHeader?.trim();
  if (!ods) throw new ErsError(400, 'MISSING_HEADER', 'Missing or Empty NHSD-End-User-Organisation-ODS header.', { kind: 'proxy' });
  const bf = bfHeader?.trim();
  if (!bf) throw new ErsError(400, 'MISSING_HEADER', 'Missing or Empty NHSD-eRS-Business-Function header.', { kind: 'proxy' });
  if (APP_RESTRICTED_BFS.includes(bf) || !holdsRole(user, bf, ods)) {
    throw new ErsError(403, 'NO_ACCESS', 'User does not have the required Business Function at the specified Organisation.', { kind: 'proxy' });
  }
  return { ods, businessFunction: bf };
}

/** The operation's allowed business functions (packages/ers-contract/docs/ers-api.md §2); anything else is 403 FORBIDDEN. */
export function requireBusinessFunction(bf: string, allowed: readonly string[]): void {
  if (!allowed.includes(bf)) {
    throw new ErsError(403, 'FORBIDDEN', `This endpoint cannot be accessed using the e-RS Business Function provided. Allowed values: ${allowed.join(',')}`);
  }
}
