// The e-RS session as a pure state machine: signed-out → signing-in → choose-role → active → expired.
// The background keeps one SessionRecord in storage.session (memory only, survives a worker restart)
// and changes it only through `reduce`, so every transition is tested without a browser.
//
// Secrets (bearer/refresh tokens, legacy session key and the smartcard token inside the legacy
// session) live in `secrets` and never leave the background: `toView` is the only shape that is
// sent anywhere, and it has none of them.
import type { ProfessionalSession } from '../ers/schemas';
import type { Environment, SettingsFlavour } from '../settings/schema';

export type SessionStatus = 'signed-out' | 'signing-in' | 'choose-role' | 'active' | 'expired';

export interface Role {
  businessFunction: string;
  ods: string;
  orgName?: string;
}

export interface SessionUser {
  /** 12-digit SDS user id. */
  id: string;
  name?: string;
}

export interface SessionSecrets {
  accessToken?: string;
  refreshToken?: string;
  /** Epoch ms when the access token stops working. */
  expiresAt?: number;
  /** Legacy: the ProfessionalSession id (HTTP_X_SESSION_KEY). */
  sessionKey?: string;
  /** Legacy: the whole A001/A002 session (A002 sends it back); contains the smartcard token. */
  legacySession?: ProfessionalSession;
}

export interface SignInAttempt {
  id: string;
  /** The worker instance that runs it; another worker finding it means it was interrupted. */
  boot: string;
  startedAt: number;
  /** Signing in again after expiry: on failure go back to `expired`, not `signed-out`. */
  reauth: boolean;
}

export type SignOutReason = 'user' | 'idle' | 'settings-changed' | 'interrupted' | 'error';

export interface SessionRecord {
  status: SessionStatus;
  flavour: SettingsFlavour;
  environment: Environment;
  user?: SessionUser;
  roles: Role[];
  role?: Role;
  attempt?: SignInAttempt;
  /** Legacy A002 in flight (the server's role is uncertain until it answers). */
  pendingRole?: { role: Role; boot: string };
  /** Last thing the user should be told (plain English, no secrets, no patient data). */
  notice?: string;
  /** The sign-in settings (environment, addresses, client) this session was opened with. */
  settingsFingerprint?: string;
  secrets: SessionSecrets;
  updatedAt: number;
}

export type SessionEvent =
  | { type: 'sign-in-started'; attempt: SignInAttempt; flavour: SettingsFlavour; environment: Environment; fingerprint?: string }
  | { type: 'sign-in-succeeded'; attemptId: string; user: SessionUser; roles: Role[]; secrets: SessionSecrets; role?: Role }
  | { type: 'sign-in-failed'; attemptId: string; notice: string }
  | { type: 'role-switch-started'; role: Role; boot: string }
  | { type: 'role-selected'; role: Role; secrets?: SessionSecrets }
  | { type: 'role-switch-failed'; notice: string }
  | { type: 'credentials-refreshed'; secrets: SessionSecrets }
  | { type: 'expired'; notice?: string }
  | { type: 'signed-out'; reason: SignOutReason; notice?: string }
  | { type: 'recovered'; boot: string };

export function initialRecord(flavour: SettingsFlavour = 'platform', environment: Environment = 'simulator', now = Date.now()): SessionRecord {
  return { status: 'signed-out', flavour, environment, roles: [], secrets: {}, updatedAt: now };
}

export function sameRole(a: Role | undefined, b: Role | undefined): boolean {
  return !!a && !!b && a.businessFunction === b.businessFunction && a.ods === b.ods;
}

export function findRole(roles: readonly Role[], wanted: Pick<Role, 'businessFunction' | 'ods'>): Role | undefined {
  return roles.find((r) => sameRole(r, wanted as Role));
}

const SIGN_OUT_NOTICES: Record<SignOutReason, string | undefined> = {
  user: undefined,
  idle: 'You were signed out because the computer was not used for a while.',
  'settings-changed': 'You were signed out because the e-RS environment or sign-in settings changed.',
  interrupted: 'Sign-in was interrupted. Sign in again.',
  error: 'You were signed out because of an error. Sign in again.',
};

/**
 * One transition. Events that make no sense in the current state leave it unchanged (same object),
 * so a late answer from an abandoned flow can never resurrect a session.
 */
export function reduce(state: SessionRecord, event: SessionEvent, now = Date.now()): SessionRecord {
  const next = (patch: Partial<SessionRecord>): SessionRecord => ({ ...state, ...patch, updatedAt: now });
  switch (event.type) {
    case 'sign-in-started': {
      if (state.status !== 'signed-out' && state.status !== 'expired') return state;
      const reauth = state.status === 'expired' && event.attempt.reauth;
      return next({
        status: 'signing-in',
        flavour: event.flavour,
        environment: event.environment,
        attempt: { ...event.attempt, reauth },
        settingsFingerprint: event.fingerprint,
        // Re-signing in keeps who/where/role, so the interrupted work can resume in the same role.
        ...(reauth ? {} : { user: undefined, roles: [], role: undefined }),
        pendingRole: undefined,
        notice: undefined,
        secrets: {},
      });
    }
    case 'sign-in-succeeded': {
      if (state.status !== 'signing-in' || state.attempt?.id !== event.attemptId) return state;
      const sameUser = state.user?.id === event.user.id;
      const role = event.role ? findRole(event.roles, event.role) : undefined;
      return next({
        status: role ? 'active' : 'choose-role',
        user: event.user,
        roles: event.roles,
        role: role ?? undefined,
        attempt: undefined,
        secrets: event.secrets,
        notice: state.attempt.reauth && !sameUser ? 'You signed in as a different user. Check the role before carrying on.' : undefined,
      });
    }
    case 'sign-in-failed': {
      if (state.status !== 'signing-in' || state.attempt?.id !== event.attemptId) return state;
      if (state.attempt.reauth) return next({ status: 'expired', attempt: undefined, secrets: {}, notice: event.notice });
      return { ...initialRecord(state.flavour, state.environment, now), notice: event.notice };
    }
    case 'role-switch-started': {
      if (state.status !== 'active' && state.status !== 'choose-role') return state;
      if (!findRole(state.roles, event.role)) return state;
      return next({ pendingRole: { role: event.role, boot: event.boot } });
    }
    case 'role-selected': {
      if (state.status !== 'active' && state.status !== 'choose-role') return state;
      const role = findRole(state.roles, event.role);
      if (!role) return state;
      return next({ status: 'active', role, pendingRole: undefined, notice: undefined, secrets: event.secrets ?? state.secrets });
    }
    case 'role-switch-failed': {
      if (!state.pendingRole) return state;
      return next({ pendingRole: undefined, notice: event.notice });
    }
    case 'credentials-refreshed': {
      if (state.status !== 'active' && state.status !== 'choose-role') return state;
      return next({ secrets: { ...state.secrets, ...event.secrets } });
    }
    case 'expired': {
      if (state.status !== 'active' && state.status !== 'choose-role') return state;
      return next({
        status: 'expired',
        secrets: {},
        pendingRole: undefined,
        notice: event.notice ?? 'Your e-RS session has expired. Sign in again to carry on; nothing in your draft has been lost.',
      });
    }
    case 'signed-out':
      return { ...initialRecord(state.flavour, state.environment, now), notice: event.notice ?? SIGN_OUT_NOTICES[event.reason] };
    case 'recovered': {
      // A new worker found this record. Work the old worker was doing is gone; make the record say so.
      if (state.status === 'signing-in' && state.attempt && state.attempt.boot !== event.boot) {
        if (state.attempt.reauth)
          return next({ status: 'expired', attempt: undefined, secrets: {}, notice: 'Sign-in was interrupted. Sign in again to carry on.' });
        return { ...initialRecord(state.flavour, state.environment, now), notice: SIGN_OUT_NOTICES.interrupted };
      }
      if (state.pendingRole && state.pendingRole.boot !== event.boot) {
        // Legacy A002 may or may not have reached e-RS: the server's role is unknown, so ask again.
        return next({ status: 'choose-role', role: undefined, pendingRole: undefined, notice: 'The role change was interrupted. Choose your role again.' });
      }
      return state;
    }
  }
}

/** What extension pages may see about the session. Never tokens or session keys. */
export interface SessionView {
  status: SessionStatus;
  flavour: SettingsFlavour;
  environment: Environment;
  user?: SessionUser;
  role?: Role;
  roles: Role[];
  /** A role change is being made (legacy A002 in flight). */
  switchingTo?: Role;
  notice?: string;
  /** What settings are missing before sign-in can work (empty when ready). */
  signInMissing: string[];
  /** Minutes of inactivity before automatic sign-out. */
  idleTimeoutMinutes?: number;
  /** Legacy: where the smartcard token comes from (test cards in the simulator, or pasted). */
  smartcardSource?: 'test-card' | 'paste';
}

export function toView(
  record: SessionRecord,
  extra: { signInMissing?: string[]; idleTimeoutMinutes?: number; smartcardSource?: 'test-card' | 'paste' } = {},
): SessionView {
  const view: SessionView = {
    status: record.status,
    flavour: record.flavour,
    environment: record.environment,
    roles: record.roles.map((r) => ({ ...r })),
    signInMissing: extra.signInMissing ?? [],
  };
  if (record.user) view.user = { ...record.user };
  if (record.role) view.role = { ...record.role };
  if (record.pendingRole) view.switchingTo = { ...record.pendingRole.role };
  if (record.notice) view.notice = record.notice;
  if (extra.idleTimeoutMinutes !== undefined) view.idleTimeoutMinutes = extra.idleTimeoutMinutes;
  if (extra.smartcardSource) view.smartcardSource = extra.smartcardSource;
  return view;
}

/** The e-RS business functions (RBAC roles) a session can hold. */
const BUSINESS_FUNCTIONS = new Set([
  'REFERRING_CLINICIAN',
  'REFERRING_CLINICIAN_ADMIN',
  'REFERRING_ADMIN',
  'SERVICE_PROVIDER_CLINICIAN',
  'SERVICE_PROVIDER_CLINICIAN_ADMIN',
  'SERVICE_PROVIDER_ADMIN',
  'SERVICE_DEFINER',
  'BOOKING_MANAGER',
  'COMMISSIONER',
  'INFORMATION_ANALYST',
  'ADDITIONAL_REQUIREMENTS_MANAGER',
]);

/** "REFERRING_CLINICIAN_ADMIN" → "Referring clinician admin"; a code e-RS may add later is shown as it is. */
export function businessFunctionLabel(code: string): string {
  return BUSINESS_FUNCTIONS.has(code) ? code.charAt(0) + code.slice(1).toLowerCase().replaceAll('_', ' ') : code;
}

export function roleLabel(role: Role): string {
  const bf = businessFunctionLabel(role.businessFunction);
  return `${bf} at ${role.orgName ? `${role.orgName} (${role.ods})` : role.ods}`;
}

export function canRefer(role: Role | undefined): boolean {
  return role?.businessFunction === 'REFERRING_CLINICIAN' || role?.businessFunction === 'REFERRING_CLINICIAN_ADMIN';
}

/** What the new role means for referrals in progress (shown after a switch). */
export function roleRuleNotices(role: Role): string[] {
  if (role.businessFunction === 'REFERRING_CLINICIAN_ADMIN') {
    return ['As a referring clinician admin you must name the referring clinician on every referral.'];
  }
  if (!canRefer(role)) return ['This role cannot create referrals. Switch to a referring role to refer.'];
  return [];
}
