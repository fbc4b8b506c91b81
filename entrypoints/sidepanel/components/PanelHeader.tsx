import type { FunctionComponent } from 'preact';
import { useState } from 'preact/hooks';
import type { PanelApi, PanelSession } from '../../../utils/referral/panel-api';
import type { PanelStore } from '../store';
import type { RoleSwitch } from './RoleSwitch';

/** Role names in the panel (the header's and the letter's). */
export const LABELS: Record<string, string> = {
  REFERRING_CLINICIAN: 'Referring clinician',
  REFERRING_CLINICIAN_ADMIN: 'Referring clinician admin',
  SERVICE_PROVIDER_CLINICIAN: 'Service provider clinician',
  SERVICE_DEFINER: 'Service definer',
  SERVICE_PROVIDER_ADMIN: 'Service provider admin',
};
// Names, not ids; an id only with a label saying what it is. The wording of utils/session/names.ts,
// written out here because a module the panel shares with the popup becomes a chunk of its own and
// costs the panel's start-up scripts more than these two lines.
const roleText = (r: { businessFunction: string; ods: string; orgName?: string }) =>
  `${LABELS[r.businessFunction] ?? r.businessFunction} at ${r.orgName || `ODS code ${r.ods}`}`;

/** Environment, who is signed in and as what; sign-in, role choice and switch in one click. */
export function PanelHeader({ session, api, onChanged, store }: { session: PanelSession; api: PanelApi; onChanged(): void; store: PanelStore }) {
  const [busy, setBusy] = useState(false);
  // A role chosen while a draft is open, and the warning that asks what to do (loaded on first use).
  const [pending, setPending] = useState<{ to: { businessFunction: string; ods: string }; Warning: FunctionComponent<Parameters<typeof RoleSwitch>[0]> }>();
  const [problem, setProblem] = useState<string>();
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await fn();
    } catch (e) {
      setProblem((e as Error).message);
    } finally {
      setBusy(false);
      onChanged();
    }
  };
  const referring = session.roles.filter((r) => r.businessFunction.startsWith('REFERRING_CLINICIAN'));
  return (
    <header class={`panel-header env-${session.environment}`}>
      <span class="env-label" data-testid="environment">
        {session.environment.toUpperCase()}
      </span>
      {session.state === 'active' && (
        <span data-testid="signed-in-as">
          {session.userName || `SDS user ID ${session.userId}`} ·{' '}
          {roleText({ businessFunction: session.businessFunction!, ods: session.ods!, orgName: session.orgName })}
        </span>
      )}
      {(session.state === 'signed-out' || session.state === 'expired') && (
        <>
          {session.state === 'expired' && <span role="status">Your e-RS sign-in has expired. Nothing has been lost.</span>}
          {session.flavour === 'legacy' && session.smartcardSource === 'test-card' ? (
            <label class="role-choice">
              <span>Sign in with test smartcard</span>
              <select
                class="nhs-select"
                data-testid="panel-smartcard"
                disabled={busy}
                value=""
                onChange={(e) => {
                  const card = (e.target as HTMLSelectElement).value as 'adams' | 'baker' | 'cook';
                  if (card) void act(() => api.signIn(card));
                }}
              >
                <option value="">Choose…</option>
                <option value="adams">Dr Kate ADAMS (referring clinician)</option>
                <option value="baker">Jo BAKER (referring clinician admin)</option>
                <option value="cook">Chris COOK (no referring role)</option>
              </select>
            </label>
          ) : session.flavour === 'legacy' ? (
            <span role="status">Sign in with your smartcard from the e-RS toolbar button.</span>
          ) : (
            <button type="button" class="nhs-button nhs-button--small" disabled={busy} data-testid="panel-sign-in" onClick={() => void act(() => api.signIn())}>
              {session.state === 'expired' ? 'Sign in again' : 'Sign in to e-RS'}
            </button>
          )}
        </>
      )}
      {session.state === 'signing-in' && <span role="status">Signing in…</span>}
      {(session.state === 'choose-role' || session.state === 'active') && referring.length > (session.state === 'active' ? 1 : 0) && (
        <label class="role-choice">
          <span>{session.state === 'choose-role' ? 'Choose your role' : 'Switch role'}</span>
          <select
            class="nhs-select"
            data-testid="role-select"
            disabled={busy}
            value={session.state === 'active' ? `${session.businessFunction}|${session.ods}` : ''}
            onChange={(e) => {
              const [businessFunction, ods] = (e.target as HTMLSelectElement).value.split('|');
              const role = { businessFunction, ods };
              if (!businessFunction) return;
              // With a draft open, the switch waits for the user's choice (RoleSwitch.tsx).
              if (store.draft.peek())
                import('./RoleSwitch').then(
                  (m) => setPending({ to: role, Warning: m.RoleSwitch }),
                  () => setProblem('This part of the panel could not be loaded. Close the side panel and open it again.'),
                );
              else void act(() => api.selectRole(role));
            }}
          >
            {session.state === 'choose-role' && <option value="">Choose…</option>}
            {referring.map((r) => (
              <option key={`${r.businessFunction}|${r.ods}`} value={`${r.businessFunction}|${r.ods}`}>
                {roleText(r)}
              </option>
            ))}
          </select>
        </label>
      )}
      {session.state === 'choose-role' && referring.length === 0 && (
        <span role="alert">You have no referring role in e-RS, so you cannot create referrals.</span>
      )}
      {pending && (
        <pending.Warning
          store={store}
          session={session}
          to={pending.to}
          onSwitch={() => act(() => api.selectRole(pending.to))}
          onClose={() => setPending(undefined)}
        />
      )}
      {(problem || session.notice) && (
        <span role="alert" class="panel-header__notice">
          {problem ?? session.notice}
        </span>
      )}
    </header>
  );
}
