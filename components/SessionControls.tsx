// Sign in / choose or switch role / sign out, for every session state. Used by the popup and by the
// side panel's session header, so both behave the same.
import { useEffect, useRef, useState } from 'preact/hooks';
import { orgName, personName } from '../utils/session/names';
import { roleSwitchWarning, type RoleSwitchWarning } from '../utils/session/role-switch';
import { businessFunctionLabel, canRefer, roleLabel, sameRole, type Role, type SessionView } from '../utils/session/state';
import type { SessionState } from '../utils/session/use-session';

export function whoLabel(view: SessionView): string {
  return view.user ? personName(view.user) : '';
}

function RoleButton({ role, onPick, disabled, verb }: { role: Role; onPick(): void; disabled: boolean; verb: string }) {
  return (
    <li>
      <button
        type="button"
        class="nhs-button nhs-button--secondary nhs-button--block nhs-button--small"
        disabled={disabled}
        onClick={onPick}
        data-role={`${role.businessFunction}@${role.ods}`}
      >
        {verb} {roleLabel(role)}
      </button>
      {!canRefer(role) && <span class="nhs-muted">Cannot create referrals in this role.</span>}
    </li>
  );
}

function SignInForm({ session }: { session: SessionState }) {
  const view = session.view!;
  const [card, setCard] = useState('adams');
  const [token, setToken] = useState('');
  const busy = !!session.busy;
  if (view.signInMissing.length) {
    return (
      <div class="nhs-warning" role="note" data-testid="sign-in-missing">
        <p>
          <strong>Sign-in is not set up yet.</strong> It needs:
        </p>
        <ul>
          {view.signInMissing.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
        <p class="nhs-muted">Your IT team can set these by policy, or you can enter them in Settings.</p>
        <button type="button" class="nhs-button" disabled>
          Sign in
        </button>
      </div>
    );
  }
  const again = view.status === 'expired';
  if (view.flavour === 'platform') {
    return (
      <button type="button" class="nhs-button" id="sign-in" disabled={busy} onClick={() => void session.signIn()}>
        {again ? 'Sign in again with NHS CIS2' : 'Sign in with NHS CIS2'}
      </button>
    );
  }
  const submit = (e: Event) => {
    e.preventDefault();
    void session.signIn(view.smartcardSource === 'test-card' ? { card } : { token });
  };
  return (
    <form onSubmit={submit}>
      {view.smartcardSource === 'test-card' ? (
        <div class="nhs-form-group">
          <label class="nhs-label" for="test-card">
            Test smartcard (simulator)
          </label>
          <select id="test-card" class="nhs-select" value={card} onChange={(e) => setCard((e.target as HTMLSelectElement).value)}>
            <option value="adams">Dr Kate Adams — referring clinician (B86001, R68)</option>
            <option value="baker">Jo Baker — referring clinician admin (B86001)</option>
            <option value="cook">Chris Cook — provider clinician only (R69)</option>
            <option value="legacyExample">SA Assurance GP-Card — five roles at R01</option>
          </select>
        </div>
      ) : (
        <div class="nhs-form-group">
          <label class="nhs-label" for="sso-token">
            Smartcard SSO token
          </label>
          <span class="nhs-hint" id="sso-token-hint">
            From the NHS Identity Agent. It is kept only in memory.
          </span>
          <input
            id="sso-token"
            class="nhs-input"
            type="password"
            autocomplete="off"
            aria-describedby="sso-token-hint"
            value={token}
            onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          />
        </div>
      )}
      <button type="submit" class="nhs-button" id="sign-in" disabled={busy || (view.smartcardSource !== 'test-card' && token.trim().length < 10)}>
        {again ? 'Sign in again with smartcard' : 'Sign in with smartcard'}
      </button>
    </form>
  );
}

const draftsLabel = (n: number) => (n === 1 ? '1 draft' : `${n} drafts`);

/** What the user is told before a sign-out that removes drafts (only drafts never sent are removed). */
export function signOutWarning(editingDrafts: number): string {
  return `Signing out removes ${draftsLabel(editingDrafts)} that you have not sent from this browser. Referrals already sent to e-RS, submissions in progress and letters outstanding are kept for when you sign in again.`;
}

export function SessionControls({ session }: { session: SessionState }) {
  const view = session.view;
  // Drafts that sign-out would remove: set while the user is asked to confirm.
  const [confirming, setConfirming] = useState<number>();
  // A role switch asked for while drafts are unsent: the warning, until the user chooses.
  const [switching, setSwitching] = useState<{ to: Role; warning: RoleSwitchWarning }>();
  const switchHeading = useRef<HTMLHeadingElement>(null);
  // The button pressed is replaced by the warning: focus goes to the warning, not to the page.
  useEffect(() => switchHeading.current?.focus(), [switching]);
  if (!view) return <p aria-live="polite">Loading…</p>;
  const busy = !!session.busy;
  // Nothing would be removed: sign out at once. Otherwise say how many drafts go, and ask.
  const askSignOut = async () => {
    const editing = await session.signOutPreview();
    if (editing > 0) setConfirming(editing);
    else await session.signOut();
  };
  const others = view.roles.filter((r) => !sameRole(r, view.role));
  // Drafts belong to the organisation they were started in and are sent in the role the user is in
  // then (utils/session/role-switch.ts): with unsent drafts, a switch is never made without asking.
  const askSwitch = async (to: Role) => {
    const warning = view.role && roleSwitchWarning(view.role, to, { kind: 'drafts', count: await session.signOutPreview() });
    if (warning) setSwitching({ to, warning });
    else await session.selectRole(to);
  };
  return (
    <div class="session-controls" data-status={view.status}>
      <div aria-live="polite">
        {session.error && (
          <div class="nhs-error-summary" role="alert" data-testid="session-error">
            <p>{session.error}</p>
          </div>
        )}
        {view.notice && (
          <div class="nhs-inset" data-testid="session-notice">
            <p>{view.notice}</p>
          </div>
        )}
        {session.notices.length > 0 && (
          <div class="nhs-warning" data-testid="role-notices">
            {session.notices.map((n) => (
              <p key={n}>{n}</p>
            ))}
          </div>
        )}
      </div>

      {view.status === 'signed-out' && (
        <section aria-labelledby="signed-out-h">
          <h2 id="signed-out-h">You are not signed in to e-RS</h2>
          <SignInForm session={session} />
        </section>
      )}

      {view.status === 'signing-in' && (
        <section aria-labelledby="signing-in-h">
          <h2 id="signing-in-h">Signing in…</h2>
          <p>{view.flavour === 'platform' ? 'Finish signing in in the NHS CIS2 window.' : 'Opening your e-RS session…'}</p>
          <button type="button" class="nhs-button nhs-button--secondary" onClick={() => void session.cancelSignIn()}>
            Cancel sign-in
          </button>
        </section>
      )}

      {view.status === 'expired' && (
        <section aria-labelledby="expired-h">
          <h2 id="expired-h">Your e-RS session has expired</h2>
          {view.user && (
            <p>
              Signed in as <strong>{whoLabel(view)}</strong>
              {view.role ? <> as {roleLabel(view.role)}</> : null}.
            </p>
          )}
          <SignInForm session={session} />
        </section>
      )}

      {view.status === 'choose-role' && (
        <section aria-labelledby="choose-h">
          <h2 id="choose-h">Choose your role</h2>
          <p>
            Signed in as <strong data-testid="who">{whoLabel(view)}</strong>.
          </p>
          <ul class="nhs-list-plain">
            {view.roles.map((r) => (
              <RoleButton key={`${r.businessFunction}@${r.ods}`} role={r} verb="Use" disabled={busy} onPick={() => void session.selectRole(r)} />
            ))}
          </ul>
        </section>
      )}

      {view.status === 'active' && view.role && (
        <section aria-labelledby="active-h">
          <h2 id="active-h" class="nhs-visually-hidden">
            Signed in
          </h2>
          <dl class="session-facts">
            <dt>Signed in as</dt>
            <dd data-testid="who">{whoLabel(view)}</dd>
            <dt>Organisation</dt>
            <dd data-testid="org">{view.role.orgName ? `${view.role.orgName} (${view.role.ods})` : orgName(view.role)}</dd>
            <dt>Role</dt>
            <dd data-testid="role">{businessFunctionLabel(view.role.businessFunction)}</dd>
          </dl>
          {view.switchingTo && <p aria-live="polite">Switching to {roleLabel(view.switchingTo)}…</p>}
          {switching && (
            <div class="nhsuk-warning-callout" data-testid="role-switch-warning">
              <h3 class="nhsuk-warning-callout__label" tabIndex={-1} ref={switchHeading}>
                <span class="nhsuk-u-visually-hidden">Important: </span>
                {switching.warning.title}
              </h3>
              {switching.warning.lines.map((l) => (
                <p key={l}>{l}</p>
              ))}
              {switching.warning.keep && (
                <button
                  type="button"
                  class="nhsuk-button"
                  data-testid="role-switch-keep"
                  disabled={busy}
                  onClick={() => {
                    setSwitching(undefined);
                    void session.selectRole(switching.to);
                  }}
                >
                  {switching.warning.keep}
                </button>
              )}
              <button type="button" class="nhsuk-button nhsuk-button--secondary" data-testid="role-switch-stay" onClick={() => setSwitching(undefined)}>
                {switching.warning.stay}
              </button>
            </div>
          )}
          {others.length > 0 && !switching && (
            <>
              <h3>Switch role</h3>
              <ul class="nhs-list-plain">
                {others.map((r) => (
                  <RoleButton
                    key={`${r.businessFunction}@${r.ods}`}
                    role={r}
                    verb="Switch to"
                    disabled={busy || !!view.switchingTo}
                    onPick={() => void askSwitch(r)}
                  />
                ))}
              </ul>
            </>
          )}
        </section>
      )}

      {view.status !== 'signed-out' && view.status !== 'signing-in' && confirming === undefined && (
        <button type="button" class="nhs-button nhs-button--warning" id="sign-out" disabled={busy} onClick={() => void askSignOut()}>
          Sign out
        </button>
      )}
      {confirming !== undefined && (
        <div class="nhs-warning" role="alertdialog" aria-labelledby="confirm-sign-out-h" data-testid="confirm-sign-out">
          <h3 id="confirm-sign-out-h" class="nhs-warning__label">
            Sign out?
          </h3>
          <p>{signOutWarning(confirming)}</p>
          <button
            type="button"
            class="nhs-button nhs-button--warning"
            id="confirm-sign-out"
            disabled={busy}
            onClick={() => {
              setConfirming(undefined);
              void session.signOut();
            }}
          >
            Sign out and remove {draftsLabel(confirming)}
          </button>
          <button type="button" class="nhs-button nhs-button--secondary" id="cancel-sign-out" onClick={() => setConfirming(undefined)}>
            Stay signed in
          </button>
        </div>
      )}
      {view.status !== 'signed-out' && (
        <p class="nhs-muted">
          Signing out ends your e-RS session and removes your drafts that have not been sent. Referrals already sent, submissions in progress and letters
          outstanding are kept for when you sign in again.
          {view.idleTimeoutMinutes
            ? ` Your session is paused after ${view.idleTimeoutMinutes} minutes without using the computer, or when the screen locks: sign in again to carry on.`
            : ''}
        </p>
      )}
    </div>
  );
}
