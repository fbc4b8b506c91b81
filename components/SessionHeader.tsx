// A compact session header for the side panel: the environment banner, who/where/role in one line,
// and an "Account" disclosure with the same controls as the popup (sign in, switch role, sign out).
import { BUSINESS_FUNCTION_LABELS } from '../utils/session/state';
import { EnvironmentBanner } from './EnvironmentBanner';
import { SessionControls, whoLabel } from './SessionControls';
import { useSession, type SessionApi, type SessionState } from '../utils/session/use-session';

export function SessionSummary({ session }: { session: SessionState }) {
  const view = session.view;
  if (!view) return <span>Loading…</span>;
  switch (view.status) {
    case 'active':
      return (
        <span data-testid="session-summary">
          {whoLabel(view)} · {BUSINESS_FUNCTION_LABELS[view.role!.businessFunction] ?? view.role!.businessFunction} at {view.role!.orgName ?? view.role!.ods}
        </span>
      );
    case 'expired':
      return (
        <span data-testid="session-summary">
          <strong>Session expired — sign in again</strong>
        </span>
      );
    case 'choose-role':
      return <span data-testid="session-summary">Choose your role</span>;
    case 'signing-in':
      return <span data-testid="session-summary">Signing in…</span>;
    default:
      return <span data-testid="session-summary">Not signed in</span>;
  }
}

export function SessionHeader({ api, session: given }: { api?: SessionApi; session?: SessionState }) {
  const own = useSession(api);
  const session = given ?? own;
  const view = session.view;
  // Open the controls by default whenever the user must act (signed out, expired, no role yet).
  const mustAct = !!view && view.status !== 'active';
  return (
    <header class="session-header">
      {view && <EnvironmentBanner environment={view.environment} />}
      <details class="session-header__account" open={mustAct}>
        <summary>
          <SessionSummary session={session} /> <span class="nhs-muted">(account)</span>
        </summary>
        <div class="nhs-container">
          <SessionControls session={session} />
        </div>
      </details>
    </header>
  );
}
