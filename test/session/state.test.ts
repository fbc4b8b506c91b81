import { describe, expect, it } from 'vitest';
import { initialRecord, reduce, roleRuleNotices, toView, type Role, type SessionEvent, type SessionRecord } from '../../utils/session/state';

const RC_B86001: Role = { businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001', orgName: 'Test GP' };
const RC_R68: Role = { businessFunction: 'REFERRING_CLINICIAN', ods: 'R68' };
const RCA: Role = { businessFunction: 'REFERRING_CLINICIAN_ADMIN', ods: 'B86001' };
const ADAMS = { id: '021600556514', name: 'Kate Adams' };
const SECRETS = { accessToken: 'at-SECRET', refreshToken: 'rt-SECRET', expiresAt: 10_000 };

const attempt = (id = 'a1', boot = 'boot-1', reauth = false) => ({ id, boot, startedAt: 0, reauth });
const run = (events: SessionEvent[], from: SessionRecord = initialRecord()) => events.reduce((s, e) => reduce(s, e, 1), from);
const signingIn = () => run([{ type: 'sign-in-started', attempt: attempt(), flavour: 'platform', environment: 'simulator' }]);
const chooseRole = () => reduce(signingIn(), { type: 'sign-in-succeeded', attemptId: 'a1', user: ADAMS, roles: [RC_B86001, RC_R68], secrets: SECRETS });
const active = () => reduce(chooseRole(), { type: 'role-selected', role: RC_B86001 });

describe('session state machine', () => {
  it('walks signed-out → signing-in → choose-role → active', () => {
    expect(initialRecord().status).toBe('signed-out');
    expect(signingIn().status).toBe('signing-in');
    expect(chooseRole()).toMatchObject({ status: 'choose-role', user: ADAMS, roles: [RC_B86001, RC_R68] });
    expect(active()).toMatchObject({ status: 'active', role: RC_B86001 });
  });

  it('goes straight to active when the flow already chose the role', () => {
    const r = reduce(signingIn(), { type: 'sign-in-succeeded', attemptId: 'a1', user: ADAMS, roles: [RC_B86001], secrets: SECRETS, role: RC_B86001 });
    expect(r.status).toBe('active');
  });

  it('ignores the answer of an abandoned sign-in (cancelled, then a late code arrives)', () => {
    const cancelled = reduce(signingIn(), { type: 'sign-in-failed', attemptId: 'a1', notice: 'Sign-in was cancelled.' });
    expect(cancelled).toMatchObject({ status: 'signed-out', notice: 'Sign-in was cancelled.' });
    const late = reduce(cancelled, { type: 'sign-in-succeeded', attemptId: 'a1', user: ADAMS, roles: [RC_B86001], secrets: SECRETS });
    expect(late).toBe(cancelled);
    expect(late.secrets).toEqual({});
    const other = reduce(signingIn(), { type: 'sign-in-succeeded', attemptId: 'zzz', user: ADAMS, roles: [RC_B86001], secrets: SECRETS });
    expect(other.status).toBe('signing-in');
  });

  it('refuses a role the user does not hold', () => {
    const s = chooseRole();
    expect(reduce(s, { type: 'role-selected', role: RCA })).toBe(s);
  });

  it('switches role in one step and keeps the session', () => {
    const r = reduce(active(), { type: 'role-selected', role: RC_R68 });
    expect(r).toMatchObject({ status: 'active', role: RC_R68, secrets: SECRETS });
  });

  it('expiry drops the credentials but keeps who, where and the role, so work can resume', () => {
    const r = reduce(active(), { type: 'expired' });
    expect(r).toMatchObject({ status: 'expired', user: ADAMS, role: RC_B86001 });
    expect(r.secrets).toEqual({});
    expect(r.notice).toMatch(/nothing in your draft has been lost/);
  });

  it('signing in again after expiry keeps the previous context; failing returns to expired, not signed-out', () => {
    const expired = reduce(active(), { type: 'expired' });
    const again = reduce(expired, { type: 'sign-in-started', attempt: attempt('a2', 'boot-1', true), flavour: 'platform', environment: 'simulator' });
    expect(again).toMatchObject({ status: 'signing-in', user: ADAMS, role: RC_B86001 });
    expect(reduce(again, { type: 'sign-in-failed', attemptId: 'a2', notice: 'no' })).toMatchObject({ status: 'expired', role: RC_B86001 });
    const back = reduce(again, { type: 'sign-in-succeeded', attemptId: 'a2', user: ADAMS, roles: [RC_B86001, RC_R68], secrets: SECRETS, role: RC_B86001 });
    expect(back).toMatchObject({ status: 'active', role: RC_B86001, notice: undefined });
  });

  it('warns when a different user signs in after expiry', () => {
    const expired = reduce(active(), { type: 'expired' });
    const again = reduce(expired, { type: 'sign-in-started', attempt: attempt('a2', 'b', true), flavour: 'platform', environment: 'simulator' });
    const other = reduce(again, { type: 'sign-in-succeeded', attemptId: 'a2', user: { id: '021600556522' }, roles: [RCA], secrets: SECRETS });
    expect(other.status).toBe('choose-role');
    expect(other.notice).toMatch(/different user/);
  });

  it('sign-out from any state forgets everything', () => {
    for (const s of [signingIn(), chooseRole(), active(), reduce(active(), { type: 'expired' })]) {
      const out = reduce(s, { type: 'signed-out', reason: 'user' });
      expect(out).toMatchObject({ status: 'signed-out', roles: [], secrets: {} });
      expect(out.user).toBeUndefined();
      expect(out.role).toBeUndefined();
    }
    expect(reduce(active(), { type: 'signed-out', reason: 'idle' }).notice).toMatch(/not used for a while/);
  });

  it('a new worker finding a sign-in started by the stopped one ends it cleanly', () => {
    const r = reduce(signingIn(), { type: 'recovered', boot: 'boot-2' });
    expect(r).toMatchObject({ status: 'signed-out', notice: 'Sign-in was interrupted. Sign in again.' });
    // Same worker (still running): untouched.
    expect(reduce(signingIn(), { type: 'recovered', boot: 'boot-1' }).status).toBe('signing-in');
    // Interrupted re-sign-in returns to expired, keeping the context.
    const expired = reduce(active(), { type: 'expired' });
    const again = reduce(expired, { type: 'sign-in-started', attempt: attempt('a2', 'boot-1', true), flavour: 'platform', environment: 'simulator' });
    expect(reduce(again, { type: 'recovered', boot: 'boot-2' })).toMatchObject({ status: 'expired', role: RC_B86001 });
  });

  it("an interrupted legacy role change asks for the role again (the server's role is unknown)", () => {
    const switching = reduce(active(), { type: 'role-switch-started', role: RC_R68, boot: 'boot-1' });
    expect(switching.pendingRole?.role).toEqual(RC_R68);
    expect(switching.role).toEqual(RC_B86001);
    const r = reduce(switching, { type: 'recovered', boot: 'boot-2' });
    expect(r).toMatchObject({ status: 'choose-role', user: ADAMS, secrets: SECRETS });
    expect(r.role).toBeUndefined();
    expect(r.pendingRole).toBeUndefined();
  });

  it('an active session survives a worker restart unchanged', () => {
    const s = active();
    expect(reduce(s, { type: 'recovered', boot: 'boot-2' })).toBe(s);
  });

  it('refreshed credentials replace the tokens and nothing else', () => {
    const r = reduce(active(), { type: 'credentials-refreshed', secrets: { accessToken: 'new', expiresAt: 99 } });
    expect(r.secrets).toEqual({ accessToken: 'new', refreshToken: 'rt-SECRET', expiresAt: 99 });
    expect(reduce(initialRecord(), { type: 'credentials-refreshed', secrets: { accessToken: 'x' } }).secrets).toEqual({});
  });

  it('the view never carries a token or session key', () => {
    const legacy = { ...active(), secrets: { sessionKey: 'KEY-SECRET', legacySession: { id: 'KEY-SECRET', token: 'SSO-SECRET' } as never } };
    for (const s of [signingIn(), chooseRole(), active(), legacy]) {
      const text = JSON.stringify(toView(s));
      expect(text).not.toMatch(/SECRET/);
      expect(toView(s)).not.toHaveProperty('secrets');
    }
  });

  it('tells an admin they must name the referring clinician', () => {
    expect(roleRuleNotices(RCA)[0]).toMatch(/name the referring clinician/);
    expect(roleRuleNotices(RC_B86001)).toEqual([]);
    expect(roleRuleNotices({ businessFunction: 'SERVICE_PROVIDER_CLINICIAN', ods: 'R69' })[0]).toMatch(/cannot create referrals/);
  });
});
