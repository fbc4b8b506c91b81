// The background's session manager: runs sign-in in both flavours, role selection, token refresh,
// expiry/re-authentication and sign-out over the pure state machine in ./state. The one
// SessionRecord is kept in storage.session (memory only, trusted contexts only), written on every
// transition, so a worker that is stopped and restarted carries on where it was.
//
// Exports for other background modules:
//   getErsClient()      an ErsClient for the signed-in user's flavour, role and environment
//   getSessionView()    who/where/role/environment/state, never tokens
//   onSignedOut(fn)     e.g. remove the user's drafts still being edited (told which user)
//   onActive(fn)        a user is signed in with a role (again): e.g. carry on their submissions
//   currentOwner()      owner key (SDS user id @ ODS) of the signed-in user, for binding their data
import { browser } from 'wxt/browser';
import { sessionRecordItem, signOutPendingItem } from '../storage';
import { ErsClient } from '../ers/client';
import { notifyPages } from '../messages';
import { criterionOf, ErsError } from '../ers/errors';
import type { ErsCredentials } from '../ers/transport';
import { ProtocolError, type ProtocolErrorBody } from '../messaging/kit';
import { ownerKey } from '../referral/model';
import { getSettings, IDENTITY_KEYS, missingForSignIn, type Settings } from '../settings/index';
import { RelayError } from './relay';
import {
  findRole,
  initialRecord,
  reduce,
  roleRuleNotices,
  sameRole,
  toView,
  type Role,
  type SessionEvent,
  type SessionRecord,
  type SessionView,
  type SignOutReason,
} from './state';
import {
  legacySelectRole,
  legacySignIn,
  legacySignOut,
  platformRefresh,
  platformSignIn,
  SignInError,
  simulatorTestSmartcard,
  type SignInResult,
} from './signin';

export const REFRESH_ALARM = 'ers-session-refresh';
/** Refresh this long before the access token expires. */
export const REFRESH_MARGIN_MS = 60_000;

export type SmartcardChoice = { card: string } | { token: string };

/** `owner` is the owner key of the user who signed out (unknown when cleanup resumes after a crash). */
export type SignedOutListener = (reason: SignOutReason, owner?: string) => void | Promise<void>;
/** The session became usable for `owner` (signed in, signed in again after a pause, role chosen). */
export type ActiveListener = (owner: string) => void | Promise<void>;
export type PauseReason = 'idle' | 'locked';
/** May return notices for the user (e.g. "your draft now needs a referring clinician"). */
export type RoleChangedListener = (role: Role, previous: Role | undefined) => void | string[] | Promise<void | string[]>;

export interface SessionDeps {
  boot: string;
  now(): number;
  getSettings(): Promise<Settings>;
  load(): Promise<SessionRecord | undefined>;
  save(record: SessionRecord): Promise<void>;
  signOutPending: { get(): Promise<boolean>; set(pending: boolean): Promise<void> };
  launchWebAuthFlow(details: { url: string; interactive: boolean }): Promise<string | undefined>;
  redirectUrl(): string;
  fetch?: typeof globalThis.fetch;
  /** Tell extension pages the session changed. */
  broadcast(view: SessionView): void;
  /** Schedule (or with undefined cancel) the token refresh. */
  scheduleRefresh(at: number | undefined): void;
  /** Keep the worker alive during a long interactive flow. Returns a stop function. */
  keepAlive?(): () => void;
  /** How long a call waits for the user to sign in again after expiry. */
  reauthTimeoutMs?: number;
}

export function settingsFingerprint(s: Settings): string {
  return JSON.stringify(IDENTITY_KEYS.map((k) => s[k]));
}

interface ReauthWaiter {
  userId?: string;
  resolve(ok: boolean): void;
}

export class SessionManager {
  private record: SessionRecord = initialRecord();
  readonly ready: Promise<void>;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly signedOutListeners = new Set<SignedOutListener>();
  private readonly roleChangedListeners = new Set<RoleChangedListener>();
  private readonly activeListeners = new Set<ActiveListener>();
  private readonly pausedListeners = new Set<(owner: string) => void | Promise<void>>();
  private waiters: ReauthWaiter[] = [];
  private refreshing?: Promise<boolean>;
  private lastRoleNotices: string[] = [];
  private settingsCache?: Settings;

  constructor(private readonly deps: SessionDeps) {
    this.ready = this.init();
  }

  private async init(): Promise<void> {
    const settings = await this.settings(true);
    const stored = await this.deps.load().catch(() => undefined);
    this.record = stored ?? initialRecord(settings.flavour, settings.environment, this.deps.now());
    await this.dispatch({ type: 'recovered', boot: this.deps.boot });
    if (await this.deps.signOutPending.get().catch(() => false)) await this.finishSignOut('user');
    await this.checkSettings(settings);
    if (this.record.status === 'active' || this.record.status === 'choose-role') this.scheduleRefresh();
  }

  private async settings(fresh = false): Promise<Settings> {
    if (fresh || !this.settingsCache) this.settingsCache = await this.deps.getSettings();
    return this.settingsCache;
  }

  /** The current record (tests and this module only: it contains secrets). */
  get current(): SessionRecord {
    return this.record;
  }

  async view(): Promise<SessionView> {
    await this.ready;
    return this.viewNow();
  }

  /** The view without waiting for start-up (used inside transitions, which start-up itself makes). */
  private async viewNow(): Promise<SessionView> {
    const settings = await this.settings();
    const view = toView(this.record, {
      signInMissing: missingForSignIn(settings),
      idleTimeoutMinutes: settings.idleTimeoutMinutes,
      smartcardSource: settings.smartcardSource,
    });
    if (view.status === 'signed-out') {
      // Signed out, the view shows where the next sign-in will go.
      view.flavour = settings.flavour;
      view.environment = settings.environment;
    }
    return view;
  }

  onSignedOut(listener: SignedOutListener): () => void {
    this.signedOutListeners.add(listener);
    return () => this.signedOutListeners.delete(listener);
  }

  onActive(listener: ActiveListener): () => void {
    this.activeListeners.add(listener);
    return () => this.activeListeners.delete(listener);
  }

  /** The session of `owner` was paused (idle, screen lock): keep their work for when they are back. */
  onPaused(listener: (owner: string) => void | Promise<void>): () => void {
    this.pausedListeners.add(listener);
    return () => this.pausedListeners.delete(listener);
  }

  /** Owner key of the user signed in with a role now, or undefined. */
  get owner(): string | undefined {
    return ownerOf(this.record);
  }

  onRoleChanged(listener: RoleChangedListener): () => void {
    this.roleChangedListeners.add(listener);
    return () => this.roleChangedListeners.delete(listener);
  }

  /** Apply one event, persist, tell everyone. Serialised: one transition at a time. */
  private dispatch(event: SessionEvent): Promise<SessionRecord> {
    const run = async () => {
      const previous = this.record;
      const next = reduce(previous, event, this.deps.now());
      if (next === previous) return next;
      this.record = next;
      await this.deps.save(next);
      await this.afterChange(previous, next);
      return next;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async afterChange(previous: SessionRecord, next: SessionRecord): Promise<void> {
    if (next.status === 'active' || next.status === 'signed-out') {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w.resolve(next.status === 'active' && (!w.userId || w.userId === next.user?.id));
    }
    if (next.role && !sameRole(previous.role, next.role)) {
      const notices = [...roleRuleNotices(next.role)];
      for (const listener of this.roleChangedListeners) {
        try {
          const got = await listener(next.role, previous.role);
          if (Array.isArray(got)) notices.push(...got);
        } catch {
          /* a listener's failure must not block the role change */
        }
      }
      this.lastRoleNotices = notices;
    }
    if (next.status === 'signed-out' || next.status === 'expired') this.deps.scheduleRefresh(undefined);
    this.deps.broadcast(await this.viewNow());
    const owner = ownerOf(next);
    if (owner && owner !== ownerOf(previous)) {
      for (const listener of this.activeListeners)
        void Promise.resolve()
          .then(() => listener(owner))
          .catch(() => undefined);
    }
  }

  // ---- sign-in ---------------------------------------------------------------------------------

  async signIn(options: { smartcard?: SmartcardChoice; loginHint?: string } = {}): Promise<SessionView> {
    await this.ready;
    const settings = await this.settings(true);
    const state = this.record.status;
    if (state === 'active' || state === 'choose-role') return this.view();
    if (state === 'signing-in') throw new ProtocolError('sign-in-failed', 'Sign-in is already in progress. Finish it in the NHS CIS2 window, or cancel it.');
    const missing = missingForSignIn(settings);
    if (missing.length) {
      throw new ProtocolError('not-configured', `Sign-in is not set up: it needs ${missing.join('; ')}. Ask your IT team, or set it in Settings.`);
    }
    const smartcardToken = settings.flavour === 'legacy' ? this.smartcardToken(settings, options.smartcard) : undefined;
    const previousRole = this.record.role;
    const attempt = { id: crypto.randomUUID(), boot: this.deps.boot, startedAt: this.deps.now(), reauth: state === 'expired' };
    await this.dispatch({
      type: 'sign-in-started',
      attempt,
      flavour: settings.flavour,
      environment: settings.environment,
      fingerprint: settingsFingerprint(settings),
    });
    const stopKeepAlive = this.deps.keepAlive?.() ?? (() => {});
    try {
      let result: SignInResult;
      let role: Role | undefined;
      if (settings.flavour === 'platform') {
        result = await platformSignIn(settings, {
          launchWebAuthFlow: this.deps.launchWebAuthFlow,
          redirectUrl: settings.oauthRedirectUrl || this.deps.redirectUrl(),
          fetch: this.deps.fetch,
          loginHint: options.loginHint,
        });
        role = this.initialRole(result.roles, attempt.reauth ? previousRole : undefined);
      } else {
        result = await legacySignIn(settings, await smartcardToken!(), this.deps.fetch);
        role = this.initialRole(result.roles, attempt.reauth ? previousRole : undefined);
        if (role) {
          try {
            result = { ...result, secrets: await legacySelectRole(settings, result.secrets, role, this.deps.fetch) };
          } catch {
            role = undefined; // the user picks again from the list
          }
        }
      }
      const record = await this.dispatch({ type: 'sign-in-succeeded', attemptId: attempt.id, ...result, role });
      if (record.attempt === undefined && record.secrets === result.secrets) this.scheduleRefresh();
      else if (settings.flavour === 'legacy' && result.secrets.sessionKey) {
        // Cancelled while e-RS was opening the session: close the orphan.
        void legacySignOut(settings, result.secrets.sessionKey, this.deps.fetch).catch(() => undefined);
      }
    } catch (error) {
      await this.dispatch({ type: 'sign-in-failed', attemptId: attempt.id, notice: signInNotice(error) });
    } finally {
      stopKeepAlive();
    }
    return this.view();
  }

  private initialRole(roles: Role[], previous: Role | undefined): Role | undefined {
    if (previous) {
      const again = findRole(roles, previous);
      if (again) return again;
    }
    return roles.length === 1 ? roles[0] : undefined;
  }

  /** Checks the choice now (a refusal is an answer, not a failed sign-in); reads the token when called. */
  private smartcardToken(settings: Settings, choice: SmartcardChoice | undefined): () => Promise<string> {
    if (settings.smartcardSource === 'test-card') {
      if (settings.environment !== 'simulator') throw new ProtocolError('not-configured', 'Test smartcards work only with the simulator.');
      const card = choice && 'card' in choice ? choice.card : undefined;
      if (!card) throw new ProtocolError('invalid-message', 'Choose a test smartcard.');
      return () => simulatorTestSmartcard(settings, card, this.deps.fetch);
    }
    if (!choice || !('token' in choice)) throw new ProtocolError('invalid-message', 'Paste the smartcard SSO token to sign in.');
    const token = choice.token;
    return async () => token;
  }

  async cancelSignIn(): Promise<SessionView> {
    await this.ready;
    const attempt = this.record.attempt;
    if (this.record.status === 'signing-in' && attempt) {
      await this.dispatch({ type: 'sign-in-failed', attemptId: attempt.id, notice: 'Sign-in was cancelled.' });
    }
    return this.view();
  }

  // ---- roles -----------------------------------------------------------------------------------

  async selectRole(wanted: Pick<Role, 'businessFunction' | 'ods'>): Promise<{ view: SessionView; notices: string[] }> {
    await this.ready;
    const record = this.record;
    if (record.status === 'expired') throw new ProtocolError('session-expired', 'Your e-RS session has expired. Sign in again first.');
    if (record.status !== 'active' && record.status !== 'choose-role') throw new ProtocolError('not-signed-in', 'Sign in to e-RS first.');
    if (record.pendingRole) throw new ProtocolError('ers-error', 'A role change is already being made. Wait a moment.');
    const role = findRole(record.roles, wanted);
    if (!role) throw new ProtocolError('invalid-message', 'You do not hold that role.');
    if (record.status === 'active' && sameRole(record.role, role)) return { view: await this.view(), notices: [] };
    this.lastRoleNotices = [];
    if (record.flavour === 'platform') {
      await this.dispatch({ type: 'role-selected', role });
    } else {
      const settings = await this.settings();
      await this.dispatch({ type: 'role-switch-started', role, boot: this.deps.boot });
      try {
        const secrets = await legacySelectRole(settings, this.record.secrets, role, this.deps.fetch);
        await this.dispatch({ type: 'role-selected', role, secrets });
      } catch (error) {
        if (error instanceof ErsError && error.status === 401) {
          await this.dispatch({ type: 'expired' });
          throw new ProtocolError('session-expired', 'Your e-RS session has expired. Sign in again.');
        }
        const message = error instanceof Error ? error.message : 'e-RS did not change the role.';
        await this.dispatch({ type: 'role-switch-failed', notice: `The role was not changed: ${message}` });
        throw new ProtocolError('ers-error', `The role was not changed: ${message}`);
      }
    }
    return { view: await this.view(), notices: this.lastRoleNotices };
  }

  // ---- credentials, refresh and expiry -----------------------------------------------------------

  /** Credentials for the next e-RS call (refreshing first when the token is about to expire). */
  async credentials(): Promise<ErsCredentials> {
    await this.ready;
    let r = this.record;
    if (
      r.status === 'active' &&
      r.flavour === 'platform' &&
      r.secrets.expiresAt !== undefined &&
      r.secrets.expiresAt - this.deps.now() < REFRESH_MARGIN_MS &&
      r.secrets.refreshToken
    ) {
      await this.refresh();
      r = this.record;
    }
    if (r.status === 'expired') throw new ProtocolError('session-expired', 'Your e-RS session has expired. Sign in again; nothing has been lost.');
    if (r.status !== 'active' || !r.role) throw new ProtocolError('not-signed-in', 'Sign in to e-RS and choose a role first.');
    return r.flavour === 'legacy'
      ? { sessionKey: r.secrets.sessionKey }
      : { accessToken: r.secrets.accessToken, businessFunction: r.role.businessFunction, ods: r.role.ods };
  }

  /** Silent refresh through the relay (platform) — single flight. True when new credentials are in place. */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      try {
        await this.ready;
        const r = this.record;
        if ((r.status !== 'active' && r.status !== 'choose-role') || r.flavour !== 'platform' || !r.secrets.refreshToken) return false;
        const settings = await this.settings();
        const secrets = await platformRefresh(settings, r.secrets.refreshToken, this.deps.fetch);
        if (this.record.secrets.refreshToken !== r.secrets.refreshToken) return false; // signed out/in meanwhile
        await this.dispatch({ type: 'credentials-refreshed', secrets });
        this.scheduleRefresh();
        return true;
      } catch {
        return false;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Legacy: open a new session with the same smartcard token and role, without asking. */
  private async silentLegacyReopen(): Promise<boolean> {
    const r = this.record;
    const token = r.secrets.legacySession?.token;
    if (r.status !== 'active' || r.flavour !== 'legacy' || !token || !r.role) return false;
    try {
      const settings = await this.settings();
      const opened = await legacySignIn(settings, token, this.deps.fetch);
      if (opened.user.id !== r.user?.id || !findRole(opened.roles, r.role)) return false;
      const secrets = await legacySelectRole(settings, opened.secrets, r.role, this.deps.fetch);
      if (this.record !== r) return false;
      await this.dispatch({ type: 'credentials-refreshed', secrets });
      return true;
    } catch {
      return false;
    }
  }

  /** The client's 401 hook: refresh silently if possible, otherwise ask the user to sign in again and wait. */
  async reauthenticate(_error?: ErsError): Promise<boolean> {
    await this.ready;
    if (this.record.flavour === 'platform' ? await this.refresh() : await this.silentLegacyReopen()) return true;
    const userId = this.record.user?.id;
    if (this.record.status === 'active' || this.record.status === 'choose-role') await this.dispatch({ type: 'expired' });
    if (this.record.status !== 'expired' && this.record.status !== 'signing-in') return false;
    return new Promise<boolean>((resolve) => {
      const waiter: ReauthWaiter = { userId, resolve: () => {} };
      const timer = setTimeout(
        () => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        },
        this.deps.reauthTimeoutMs ?? 4 * 60_000,
      );
      waiter.resolve = (ok) => {
        clearTimeout(timer);
        resolve(ok);
      };
      this.waiters.push(waiter);
    });
  }

  /** Refresh alarm fired. */
  async onRefreshAlarm(): Promise<void> {
    await this.ready;
    if (await this.refresh()) return;
    const r = this.record;
    if (r.status === 'active' && r.flavour === 'platform' && (r.secrets.expiresAt ?? Infinity) <= this.deps.now()) {
      await this.dispatch({ type: 'expired' });
    }
  }

  private scheduleRefresh(): void {
    const r = this.record;
    const at =
      r.flavour === 'platform' && r.secrets.refreshToken && r.secrets.expiresAt
        ? Math.max(this.deps.now() + 30_000, r.secrets.expiresAt - REFRESH_MARGIN_MS)
        : undefined;
    this.deps.scheduleRefresh(at);
  }

  // ---- pause (idle, screen lock) ----------------------------------------------------------------

  /**
   * The computer was left or its screen locked: end the credentials but keep who was signed in and
   * everything they were doing, so signing in again carries on. Nothing is removed.
   */
  async pause(reason: PauseReason): Promise<SessionView> {
    await this.ready;
    const previous = this.record;
    if (previous.status !== 'active' && previous.status !== 'choose-role') return this.view();
    const notice =
      reason === 'locked'
        ? 'Your e-RS session was paused because the screen was locked. Sign in again to carry on; nothing has been lost.'
        : 'Your e-RS session was paused because the computer was not used for a while. Sign in again to carry on; nothing has been lost.';
    await this.dispatch({ type: 'expired', notice });
    const owner = ownerOf(previous);
    if (owner) {
      for (const listener of this.pausedListeners)
        await Promise.resolve()
          .then(() => listener(owner))
          .catch(() => undefined);
    }
    if (previous.flavour === 'legacy' && previous.secrets.sessionKey) {
      const settings = await this.settings();
      await legacySignOut(settings, previous.secrets.sessionKey, this.deps.fetch).catch(() => undefined);
    }
    return this.view();
  }

  // ---- sign-out ----------------------------------------------------------------------------------

  async signOut(reason: SignOutReason = 'user'): Promise<SessionView> {
    await this.ready;
    await this.signOutNow(reason);
    return this.view();
  }

  private async signOutNow(reason: SignOutReason): Promise<void> {
    const previous = this.record;
    await this.deps.signOutPending.set(true);
    await this.dispatch({ type: 'signed-out', reason });
    this.deps.scheduleRefresh(undefined);
    if (previous.flavour === 'legacy' && previous.secrets.sessionKey) {
      const settings = await this.settings();
      await legacySignOut(settings, previous.secrets.sessionKey, this.deps.fetch).catch(() => undefined);
    }
    await this.finishSignOut(reason, ownerOf(previous) ?? ownerOfUser(previous));
  }

  private async finishSignOut(reason: SignOutReason, owner?: string): Promise<void> {
    for (const listener of this.signedOutListeners) {
      try {
        await listener(reason, owner);
      } catch {
        /* keep going: every listener gets its chance */
      }
    }
    await this.deps.signOutPending.set(false);
  }

  get signedIn(): boolean {
    return this.record.status !== 'signed-out';
  }

  /** Settings changed (or the worker started): a session opened with other sign-in settings ends. */
  async checkSettings(settings: Settings): Promise<void> {
    this.settingsCache = settings;
    const r = this.record;
    if (r.status !== 'signed-out' && r.settingsFingerprint && r.settingsFingerprint !== settingsFingerprint(settings)) {
      await this.signOutNow('settings-changed');
    } else {
      this.deps.broadcast(await this.viewNow());
    }
  }

  async ersClient(): Promise<ErsClient> {
    await this.ready;
    const r = this.record;
    if (r.status === 'expired') throw new ProtocolError('session-expired', 'Your e-RS session has expired. Sign in again; nothing has been lost.');
    if (r.status !== 'active') throw new ProtocolError('not-signed-in', 'Sign in to e-RS and choose a role first.');
    const settings = await this.settings();
    return new ErsClient({
      flavour: r.flavour,
      baseUrl: r.flavour === 'legacy' ? settings.legacyBaseUrl : settings.platformBaseUrl,
      asid: settings.asid,
      credentials: () => this.credentials(),
      reauthenticate: (error) => this.reauthenticate(error),
      fetch: this.deps.fetch,
    });
  }
}

/** Owner key of a record with a user and a chosen role (the organisation the work is done for). */
function ownerOf(record: SessionRecord): string | undefined {
  if (record.status !== 'active' || !record.user || !record.role) return undefined;
  return ownerKey({ userId: record.user.id, ods: record.role.ods });
}

/** Owner key for a paused (expired) record that still knows its user and role. */
function ownerOfUser(record: SessionRecord): string | undefined {
  return record.user && record.role ? ownerKey({ userId: record.user.id, ods: record.role.ods }) : undefined;
}

function signInNotice(error: unknown): string {
  if (error instanceof SignInError || error instanceof ProtocolError || error instanceof RelayError) return error.message;
  if (error instanceof ErsError) return `e-RS refused the sign-in: ${error.message}`;
  return 'Sign-in failed. Try again.';
}

/** Errors thrown by handlers → protocol answers (ErsError keeps its kind, status and e-RS code). */
export function mapSessionError(error: unknown): ProtocolErrorBody | undefined {
  if (error instanceof ErsError) {
    return {
      code: `ers/${error.kind}`,
      message: error.message,
      fields: criterionOf(error),
      details: {
        kind: error.kind,
        operation: error.operation,
        status: error.status,
        ersCode: error.code,
        correlationId: error.correlationId,
        requestId: error.requestId,
      },
    };
  }
  if (error instanceof SignInError) return { code: 'sign-in-failed', message: error.message };
  return undefined;
}

// ---- the background's instance -------------------------------------------------------------------

let instance: SessionManager | undefined;

function browserDeps(): SessionDeps {
  return {
    boot: crypto.randomUUID(),
    now: () => Date.now(),
    getSettings,
    load: () => sessionRecordItem.get(),
    save: (record) => sessionRecordItem.set(record),
    signOutPending: {
      get: () => signOutPendingItem.get(),
      set: (pending) => (pending ? signOutPendingItem.set(true) : signOutPendingItem.remove()),
    },
    launchWebAuthFlow: (details) => browser.identity.launchWebAuthFlow(details),
    redirectUrl: () => browser.identity.getRedirectURL(),
    broadcast: (view) => {
      notifyPages({ type: 'session/changed', view });
    },
    scheduleRefresh: (at) => {
      if (at === undefined) void browser.alarms.clear(REFRESH_ALARM).catch(() => undefined);
      else void browser.alarms.create(REFRESH_ALARM, { when: at }).catch(() => undefined);
    },
    keepAlive: () => {
      // An extension API call every 20 s resets the worker's idle timer while the user is in CIS2.
      const timer = setInterval(() => void browser.runtime.getPlatformInfo().catch(() => undefined), 20_000);
      return () => clearInterval(timer);
    },
  };
}

/** The background's session manager (created on first use). */
export function sessionManager(deps?: SessionDeps): SessionManager {
  if (deps) instance = new SessionManager(deps);
  instance ??= new SessionManager(browserDeps());
  return instance;
}

/** An ErsClient for the signed-in user: flavour, environment, role; 401 → sign in again, then one retry. */
export function getErsClient(): Promise<ErsClient> {
  return sessionManager().ersClient();
}

/** Who is signed in, where, in which role and state. Never tokens. */
export function getSessionView(): Promise<SessionView> {
  return sessionManager().view();
}

export function onSignedOut(listener: SignedOutListener): () => void {
  return sessionManager().onSignedOut(listener);
}

export function onActive(listener: ActiveListener): () => void {
  return sessionManager().onActive(listener);
}

export function onPaused(listener: (owner: string) => void | Promise<void>): () => void {
  return sessionManager().onPaused(listener);
}

/** Owner key of the user signed in with a role now (after start-up), or undefined. */
export async function currentOwner(): Promise<string | undefined> {
  const manager = sessionManager();
  await manager.ready;
  return manager.owner;
}

export type { Role, SessionView, SessionRecord, SignOutReason };
