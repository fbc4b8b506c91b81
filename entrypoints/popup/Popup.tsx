// The toolbar popup: environment, who/where/role, one-click role switch, sign in/out, enabling the
// extension on the current clinical site, and links to the side panel and settings.
import { browser } from 'wxt/browser';
import { EnvironmentBanner } from '../../components/EnvironmentBanner';
import { SessionControls } from '../../components/SessionControls';
import { useSession, type SessionApi } from '../../utils/session/use-session';
import { PatientSiteAccess } from './PatientSiteAccess';

function openPanel() {
  const b = browser as unknown as {
    sidePanel?: { open(o: { windowId: number }): Promise<void> };
    sidebarAction?: { open(): Promise<void> };
    windows: { WINDOW_ID_CURRENT: number };
  };
  // Straight from the click (user gesture): no await before open().
  if (b.sidePanel?.open)
    void b.sidePanel
      .open({ windowId: b.windows.WINDOW_ID_CURRENT ?? -2 })
      .then(() => window.close())
      .catch(() => undefined);
  else if (b.sidebarAction?.open)
    void b.sidebarAction
      .open()
      .then(() => window.close())
      .catch(() => undefined);
}

export function Popup({ api, siteAccess = true }: { api?: SessionApi; siteAccess?: boolean }) {
  const session = useSession(api);
  return (
    <div class="popup">
      <header>
        <div class="nhs-header">
          <span class="nhs-logo" aria-hidden="true">
            NHS
          </span>
          <h1>e-RS Referral Assistant</h1>
        </div>
        {session.view && <EnvironmentBanner environment={session.view.environment} />}
      </header>
      <main class="nhs-container">
        <SessionControls session={session} />
        {siteAccess && (
          <section class="nhs-card" aria-label="This site">
            <PatientSiteAccess />
          </section>
        )}
        <p>
          <button type="button" class="nhs-button nhs-button--secondary nhs-button--small" onClick={openPanel}>
            Open referral panel
          </button>
          <button type="button" class="nhs-link-button" onClick={() => void browser.runtime.openOptionsPage()}>
            Settings
          </button>
        </p>
      </main>
    </div>
  );
}
