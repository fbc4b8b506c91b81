// Wiring of the session manager and settings into the background: message handlers, the refresh
// alarm, idle sign-out, settings migration and watching. `registerSession()` is called synchronously
// from entrypoints/background.ts so every listener is registered before the worker's first event.
import { browser } from 'wxt/browser';
import { ProtocolError, router as defaultRouter, type Router } from '../messages';
import { getResolvedSettings, getSettings, migrateStoredSettings, saveSettings, SettingsError, watchSettings } from '../settings/index';
import { applyIdleSettings, watchIdle } from './idle';
import { proofKey } from './proof-key';
import { mapSessionError, REFRESH_ALARM, sessionManager, type SessionManager } from './manager';

async function settingsSnapshot() {
  const resolved = await getResolvedSettings();
  let redirectUrl = '';
  try {
    redirectUrl = browser.identity.getRedirectURL();
  } catch {
    /* identity unavailable */
  }
  return { ...resolved, redirectUrl };
}

export function registerSessionHandlers(manager: SessionManager, router: Router = defaultRouter): void {
  router.registerHandler('session/get', () => manager.view());
  router.registerHandler('session/sign-in', (m) => manager.signIn({ smartcard: m.smartcard }));
  router.registerHandler('session/cancel-sign-in', () => manager.cancelSignIn());
  router.registerHandler('session/select-role', (m) => manager.selectRole(m.role));
  router.registerHandler('session/sign-out', () => manager.signOut('user'));
  router.registerHandler('session/verify', async () => {
    const client = await manager.ersClient();
    await client.getCodeSystem('PRIORITY');
    return { operation: 'A004', checkedAt: Date.now() };
  });
  router.registerHandler('settings/get', () => settingsSnapshot());
  router.registerHandler('settings/save', async (m) => {
    try {
      await saveSettings(m.patch);
    } catch (error) {
      if (error instanceof SettingsError) throw new ProtocolError(error.code === 'locked' ? 'locked' : 'invalid-settings', error.message, error.fields);
      throw error;
    }
    await manager.checkSettings(await getSettings());
    return settingsSnapshot();
  });
}

/** Call once, synchronously, at worker start. */
export function registerSession(router: Router = defaultRouter): SessionManager {
  // Tokens live in storage.session: keep content scripts out of it (Chrome's default, made explicit).
  try {
    void (browser.storage.session as { setAccessLevel?: (o: { accessLevel: string }) => Promise<void> })
      .setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' })
      ?.catch(() => undefined);
  } catch {
    /* Firefox: storage.session is never exposed to content scripts */
  }
  const manager = sessionManager();
  registerSessionHandlers(manager, router);
  // Router errors: map e-RS and sign-in errors; log refusals by type and code only.
  router.configure({ mapError: mapSessionError, onProblem: (e) => console.warn(`[protocol] refused ${e.type}: ${e.code}`) });

  try {
    browser.alarms.onAlarm.addListener((alarm) => {
      if (alarm.name === REFRESH_ALARM) void manager.onRefreshAlarm();
    });
  } catch {
    /* alarms unavailable (tests) */
  }
  watchIdle(() => manager);
  void getSettings()
    .then(applyIdleSettings)
    .catch(() => undefined);
  watchSettings((settings) => {
    applyIdleSettings(settings);
    void manager.checkSettings(settings);
  });
  try {
    browser.runtime.onInstalled.addListener(() => {
      void migrateStoredSettings().catch(() => undefined);
      // The relay binds refresh tokens to this installation's key: make it now rather than at first sign-in.
      void proofKey().catch(() => undefined);
    });
  } catch {
    /* tests */
  }
  return manager;
}
