import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import managedSchema from '../../public/managed_schema.json';
import {
  defaultSettings,
  getResolvedSettings,
  OTHER_POLICY_KEYS,
  getSettings,
  migrateSettings,
  migrateStoredSettings,
  missingForSignIn,
  resolveSettings,
  resetTrustedSettingsConnection,
  saveSettings,
  SETTING_KEYS,
  SETTINGS_VERSION,
  SettingsError,
  watchSettings,
} from '../../utils/settings';

describe('settings migrations', () => {
  it('gives first-run users the simulator defaults', () => {
    const { settings, fromVersion } = migrateSettings(undefined);
    expect(fromVersion).toBeUndefined();
    expect(settings).toEqual(defaultSettings('simulator'));
    expect(settings.platformBaseUrl).toBe('http://127.0.0.1:4010/referrals/FHIR');
  });

  it("upgrades a v1 prototype setting (one server origin) to split API bases, keeping the user's choices", () => {
    const v1 = { version: 1, environment: 'simulator', baseUrl: 'http://127.0.0.1:5555/', clientId: 'my-client', idleMinutes: 30 };
    const { settings, fromVersion, repaired } = migrateSettings(v1);
    expect(fromVersion).toBe(1);
    expect(repaired).toEqual([]);
    expect(settings).toMatchObject({
      version: SETTINGS_VERSION,
      environment: 'simulator',
      flavour: 'platform',
      platformBaseUrl: 'http://127.0.0.1:5555/referrals/FHIR',
      legacyBaseUrl: 'http://127.0.0.1:5555/ers-api',
      cis2AuthorizeUrl: 'http://127.0.0.1:5555/oauth2/authorize',
      oauthClientId: 'my-client',
      idleTimeoutMinutes: 30,
    });
    expect(settings.relayUrl).toBe(defaultSettings('simulator').relayUrl);
  });

  it('treats a setting stored without a version as v1', () => {
    const { settings, fromVersion } = migrateSettings({ environment: 'integration', clientId: 'abc' });
    expect(fromVersion).toBe(1);
    expect(settings.environment).toBe('integration');
    expect(settings.oauthClientId).toBe('abc');
    expect(settings.platformBaseUrl).toBe('https://int.api.service.nhs.uk/referrals/FHIR');
  });

  it('upgrades v2 (direct token endpoint) to v3 and drops the old token URL', () => {
    const v2 = {
      ...defaultSettings('integration'),
      version: 2,
      oauthClientId: 'int-client',
      tokenUrl: 'https://int.api.service.nhs.uk/oauth2/token',
      relayUrl: undefined,
      smartcardSource: undefined,
      hostAdapters: undefined,
    };
    const { settings, fromVersion } = migrateSettings(v2);
    expect(fromVersion).toBe(2);
    expect(settings.oauthClientId).toBe('int-client');
    expect(settings).not.toHaveProperty('tokenUrl');
    expect(settings.relayUrl).toBe('');
    expect(settings.hostAdapters).toEqual([]);
  });

  it('repairs a damaged field without losing the others', () => {
    const { settings, repaired } = migrateSettings({
      ...defaultSettings(),
      idleTimeoutMinutes: -4,
      oauthClientId: 'kept',
      platformBaseUrl: 'http://evil.example/x',
    });
    expect(repaired.sort()).toEqual(['idleTimeoutMinutes', 'platformBaseUrl']);
    expect(settings.oauthClientId).toBe('kept');
    expect(settings.idleTimeoutMinutes).toBe(15);
    expect(settings.platformBaseUrl).toBe(defaultSettings().platformBaseUrl);
  });

  it('refuses plain http to anything but this machine, and credentials in URLs', () => {
    const bad = ['http://relay.example.nhs.uk', 'https://user:pw@relay.example.nhs.uk', 'javascript:alert(1)', 'ftp://x'];
    for (const relayUrl of bad) expect(migrateSettings({ ...defaultSettings(), relayUrl }).repaired).toContain('relayUrl');
    for (const relayUrl of ['https://relay.trust.nhs.uk', 'http://127.0.0.1:4011', 'http://localhost:9']) {
      expect(migrateSettings({ ...defaultSettings(), relayUrl }).repaired).toEqual([]);
    }
  });

  it('survives garbage', () => {
    for (const junk of [null, 42, 'x', [], { version: 99, environment: 'mars' }]) {
      expect(() => migrateSettings(junk)).not.toThrow();
      expect(migrateSettings(junk).settings.version).toBe(SETTINGS_VERSION);
    }
  });
});

describe('managed policy precedence', () => {
  it("policy values override the user's and are reported as locked", () => {
    const user = { ...defaultSettings('integration'), oauthClientId: 'user-client', idleTimeoutMinutes: 60, relayUrl: 'https://user-relay.example' };
    const r = resolveSettings(user, { relayUrl: 'https://relay.trust.nhs.uk', idleTimeoutMinutes: 10 });
    expect(r.settings.relayUrl).toBe('https://relay.trust.nhs.uk');
    expect(r.settings.idleTimeoutMinutes).toBe(10);
    expect(r.settings.oauthClientId).toBe('user-client');
    expect(r.locked.sort()).toEqual(['idleTimeoutMinutes', 'relayUrl']);
  });

  it("a policy environment brings that environment's addresses but keeps personal preferences", () => {
    const user = { ...defaultSettings('simulator'), draftTtlHours: 12, search: { ...defaultSettings().search, sortBy: 'IWT' as const } };
    const r = resolveSettings(user, { environment: 'production', oauthClientId: 'prod-client' });
    expect(r.settings.environment).toBe('production');
    expect(r.settings.platformBaseUrl).toBe('https://api.service.nhs.uk/referrals/FHIR');
    expect(r.settings.relayUrl).toBe('');
    expect(r.settings.oauthClientId).toBe('prod-client');
    expect(r.settings.draftTtlHours).toBe(12);
    expect(r.settings.search.sortBy).toBe('IWT');
    expect(r.locked.sort()).toEqual(['environment', 'oauthClientId']);
  });

  it('ignores invalid or unknown policy values and says why', () => {
    const r = resolveSettings(defaultSettings(), { relayUrl: 'http://insecure.example', idleTimeoutMinutes: 'soon', colour: 'blue' });
    expect(r.settings.relayUrl).toBe(defaultSettings().relayUrl);
    expect(r.locked).toEqual([]);
    expect(r.policyProblems.map((p) => p.key).sort()).toEqual(['colour', 'idleTimeoutMinutes', 'relayUrl']);
  });

  it('the managed schema declares every setting, plus the patient-context policy keys', () => {
    expect(Object.keys(managedSchema.properties).sort()).toEqual([...SETTING_KEYS, ...OTHER_POLICY_KEYS].sort());
    expect(resolveSettings(defaultSettings(), { enabledOrigins: ['https://gp.example/*'] }).policyProblems).toEqual([]);
    expect(managedSchema.type).toBe('object');
    expect(managedSchema).not.toHaveProperty('additionalProperties');
  });
});

describe('settings storage', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    globalThis.indexedDB = new IDBFactory();
    resetTrustedSettingsConnection();
  });

  it('where tokens go cannot be changed by writing storage.local (which content scripts can): only saveSettings or policy change it', async () => {
    await saveSettings({ relayUrl: 'https://relay.trust.nhs.uk', platformBaseUrl: 'https://api.trust.nhs.uk/referrals/FHIR', idleTimeoutMinutes: 9 });
    // What a content script can do: rewrite the stored settings.
    const stored = (await fakeBrowser.storage.local.get('settings')).settings as Record<string, unknown>;
    await fakeBrowser.storage.local.set({
      settings: {
        ...stored,
        relayUrl: 'https://evil.example/token',
        platformBaseUrl: 'https://evil.example/fhir',
        legacyBaseUrl: 'https://evil.example/ers',
        cis2AuthorizeUrl: 'https://evil.example/authorize',
        environment: 'integration',
        idleTimeoutMinutes: 30,
      },
    });
    const now = await getSettings();
    expect(now).toMatchObject({ relayUrl: 'https://relay.trust.nhs.uk', platformBaseUrl: 'https://api.trust.nhs.uk/referrals/FHIR', environment: 'simulator' });
    expect(JSON.stringify(now)).not.toContain('evil.example');
    // Settings that decide nothing about tokens still follow storage.local.
    expect(now.idleTimeoutMinutes).toBe(30);
    // The extension's own save still changes them.
    expect((await saveSettings({ relayUrl: 'https://relay2.trust.nhs.uk' })).settings.relayUrl).toBe('https://relay2.trust.nhs.uk');
    expect((await getSettings()).relayUrl).toBe('https://relay2.trust.nhs.uk');
  });

  it('moves existing sign-in settings from storage.local to the trusted store once, at update', async () => {
    const before = { ...defaultSettings('simulator'), relayUrl: 'https://relay.trust.nhs.uk' };
    await fakeBrowser.storage.local.set({ settings: before });
    expect(await migrateStoredSettings()).toBe(SETTINGS_VERSION);
    await fakeBrowser.storage.local.set({ settings: { ...before, relayUrl: 'https://evil.example/token' } });
    expect((await getSettings()).relayUrl).toBe('https://relay.trust.nhs.uk');
  });

  it("saves the user's changes, validates them, and refuses to change locked settings", async () => {
    await fakeBrowser.storage.managed.set({ relayUrl: 'https://relay.trust.nhs.uk' });
    const saved = await saveSettings({ idleTimeoutMinutes: 5 });
    expect(saved.settings.idleTimeoutMinutes).toBe(5);
    expect((await getSettings()).idleTimeoutMinutes).toBe(5);
    await expect(saveSettings({ relayUrl: 'https://other.example' })).rejects.toMatchObject({ code: 'locked' });
    // Re-sending the locked value unchanged (a whole form) is fine.
    await expect(saveSettings({ relayUrl: 'https://relay.trust.nhs.uk', draftTtlHours: 8 })).resolves.toBeTruthy();
    const err = await saveSettings({ idleTimeoutMinutes: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SettingsError);
    expect((err as SettingsError).fields).toHaveProperty('idleTimeoutMinutes');
    await expect(saveSettings({ tokenUrl: 'x' } as never)).rejects.toMatchObject({ code: 'invalid' });
  });

  it("switching environment moves the addresses to the new environment's defaults", async () => {
    await saveSettings({ oauthClientId: 'sim-client' });
    const r = await saveSettings({ environment: 'integration' });
    expect(r.settings.platformBaseUrl).toBe('https://int.api.service.nhs.uk/referrals/FHIR');
    expect(r.settings.oauthClientId).toBe('');
  });

  it('rewrites old stored settings in the current version', async () => {
    await fakeBrowser.storage.local.set({ settings: { version: 1, environment: 'simulator', baseUrl: 'http://127.0.0.1:4010', idleMinutes: 20 } });
    expect(await migrateStoredSettings()).toBe(1);
    const stored = (await fakeBrowser.storage.local.get('settings')).settings as { version: number; idleTimeoutMinutes: number };
    expect(stored.version).toBe(SETTINGS_VERSION);
    expect(stored.idleTimeoutMinutes).toBe(20);
  });

  it('treats an unreadable managed area (Firefox without policy) as no policy', async () => {
    vi.spyOn(fakeBrowser.storage.managed, 'get').mockRejectedValue(new Error('Managed storage manifest not found'));
    const r = await getResolvedSettings();
    expect(r.locked).toEqual([]);
    expect(r.settings).toEqual(defaultSettings());
  });

  it('tells watchers when the policy changes', async () => {
    const seen: number[] = [];
    const stop = watchSettings((s) => seen.push(s.idleTimeoutMinutes));
    await fakeBrowser.storage.managed.set({ idleTimeoutMinutes: 7 });
    await vi.waitFor(() => expect(seen).toContain(7));
    stop();
  });

  it('says exactly what sign-in is missing', () => {
    expect(missingForSignIn(defaultSettings('simulator'))).toEqual([]);
    expect(missingForSignIn(defaultSettings('production'))).toEqual(['the OAuth client id', "your organisation's token relay address (relay URL)"]);
    expect(missingForSignIn({ ...defaultSettings('production'), flavour: 'legacy' })).toEqual([
      'the e-RS API address (legacy base URL)',
      'the ASID (Accredited System ID)',
    ]);
  });
});
