// The session manager through real HTTP: the simulator's mock CIS2 and e-RS, the real token relay
// (with the client secret only it knows), and a stand-in for identity.launchWebAuthFlow that does
// what the browser does (load the authorise URL, pick the user, hand back the redirect).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { startRelay, type RunningRelay } from '../../packages/token-relay/src/server';
import { startSimulator, USER_IDS, type RunningSimulator } from 'ers-simulator';
import { MessageRouter, protocol } from '../../utils/messages';
import { registerSessionHandlers } from '../../utils/session/background';
import { SessionManager, type SessionDeps } from '../../utils/session/manager';
import { watchIdle } from '../../utils/session/idle';
import { initialRecord, type SessionRecord, type SessionView } from '../../utils/session/state';
import { defaultSettings, type Settings } from '../../utils/settings/index';

const EXT_ID = 'abcdefghijklmnopabcdefghijklmnop';
const EXT_ORIGIN = `chrome-extension://${EXT_ID}`;
const REDIRECT = `https://${EXT_ID}.chromiumapp.org/`;
const SECRET = 'relay-only-client-secret';

let sim: RunningSimulator;
let relay: RunningRelay;
const logs: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, clientSecret: SECRET });
  relay = await startRelay({
    port: 0,
    tokenUrl: `${sim.url}/oauth2/token`,
    clientId: 'ers-extension-demo',
    clientSecret: SECRET,
    allowedOrigins: [EXT_ORIGIN],
    logger: { info: (l) => logs.push(l), warn: (l) => logs.push(l) },
  });
});
afterAll(async () => {
  await relay?.close();
  await sim?.close();
});

/** The browser's fetch from the extension: the relay sees our extension's Origin. */
const extensionFetch: typeof fetch = (input, init) => {
  if (typeof input !== 'string' || !input.startsWith(relay.url)) return fetch(input, init);
  const headers = new Headers(init?.headers);
  headers.set('Origin', EXT_ORIGIN);
  return fetch(input, { ...init, headers });
};

/** identity.launchWebAuthFlow: open the authorise page and "click" the user (login_hint). */
function authFlow(userId: string = USER_IDS.adams, tamper?: (redirect: URL) => void) {
  return vi.fn(async ({ url }: { url: string; interactive: boolean }) => {
    const u = new URL(url);
    u.searchParams.set('login_hint', userId);
    const res = await fetch(u, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (!location) throw new Error('The user did not approve access.');
    const redirect = new URL(location);
    tamper?.(redirect);
    return redirect.toString();
  });
}

function settingsFor(overrides: Partial<Settings> = {}): Settings {
  return {
    ...defaultSettings('simulator'),
    platformBaseUrl: `${sim.url}/referrals/FHIR`,
    legacyBaseUrl: `${sim.url}/ers-api`,
    cis2AuthorizeUrl: `${sim.url}/oauth2/authorize`,
    relayUrl: relay.url,
    ...overrides,
  };
}

interface Harness {
  manager: SessionManager;
  deps: SessionDeps;
  store: { record?: SessionRecord; pending: boolean };
  broadcasts: SessionView[];
  settings: { current: Settings };
}

function harness(opts: { settings?: Partial<Settings>; launch?: SessionDeps['launchWebAuthFlow']; store?: Harness['store']; boot?: string } = {}): Harness {
  const store = opts.store ?? { pending: false };
  const broadcasts: SessionView[] = [];
  const settings = { current: settingsFor(opts.settings) };
  const deps: SessionDeps = {
    boot: opts.boot ?? crypto.randomUUID(),
    now: () => Date.now(),
    getSettings: async () => settings.current,
    load: async () => (store.record ? structuredClone(store.record) : undefined),
    save: async (r) => void (store.record = structuredClone(r)),
    signOutPending: { get: async () => store.pending, set: async (p) => void (store.pending = p) },
    launchWebAuthFlow: opts.launch ?? authFlow(),
    redirectUrl: () => REDIRECT,
    fetch: extensionFetch,
    broadcast: (v) => broadcasts.push(v),
    scheduleRefresh: () => {},
    reauthTimeoutMs: 5_000,
  };
  return { manager: new SessionManager(deps), deps, store, broadcasts, settings };
}

const RC_B86001 = { businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001' };
const RC_R68 = { businessFunction: 'REFERRING_CLINICIAN', ods: 'R68' };

/** Dr Adams signed in through CIS2 and working as a referring clinician at B86001. */
async function activeHarness(): Promise<Harness> {
  const h = harness();
  await h.manager.signIn();
  await h.manager.selectRole(RC_B86001);
  return h;
}

let consoleOutput: string[];
beforeEach(() => {
  fakeBrowser.reset();
  sim.reset({ auth: true });
  consoleOutput = [];
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void consoleOutput.push(args.map(String).join(' ')));
  }
});
afterEach(() => {
  // Nothing secret ever reaches the console (ours or the relay's log).
  const secrets = [SECRET, 'AQIC5wM2LY4S'];
  for (const line of [...consoleOutput, ...logs]) for (const s of secrets) expect(line).not.toContain(s);
});

function tokensIn(h: Harness): string[] {
  const s = h.store.record?.secrets ?? {};
  return [s.accessToken, s.refreshToken, s.sessionKey, s.legacySession?.token].filter((x): x is string => !!x);
}

describe('platform sign-in (NHS CIS2 + PKCE through the relay)', () => {
  it("names the user from CIS2's userinfo (no id token from the relay); without it, only the SDS user ID", async () => {
    const h = harness();
    expect((await h.manager.signIn()).user).toEqual({ id: USER_IDS.adams, name: 'Dr Kate ADAMS' });
    // An identity service without userinfo: sign-in still works, with no made-up name.
    const bare = harness();
    const asked: string[] = [];
    bare.deps.fetch = (input, init) => {
      asked.push(String(input));
      return String(input).endsWith('/oauth2/userinfo') ? Promise.resolve(new Response('', { status: 404 })) : extensionFetch(input, init);
    };
    const view = await new SessionManager(bare.deps).signIn();
    expect(asked.some((u) => u.endsWith('/oauth2/userinfo'))).toBe(true);
    expect(view.status).toBe('choose-role');
    expect(view.user).toEqual({ id: USER_IDS.adams });
  });

  it('signs in, lists the roles, and a role choice makes e-RS calls work', async () => {
    const h = harness();
    const view = await h.manager.signIn();
    expect(view).toMatchObject({ status: 'choose-role', user: { id: USER_IDS.adams }, environment: 'simulator', flavour: 'platform' });
    expect(view.roles.map((r) => `${r.businessFunction}@${r.ods}`)).toEqual([
      'REFERRING_CLINICIAN@B86001',
      'REFERRING_CLINICIAN@R68',
      'SERVICE_PROVIDER_CLINICIAN@R69',
    ]);
    // The authorise request: PKCE S256, our redirect, the CIS2 scope, a state.
    const url = new URL((h.deps.launchWebAuthFlow as ReturnType<typeof vi.fn>).mock.calls[0][0].url);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'ers-extension-demo',
      redirect_uri: REDIRECT,
      scope: 'openid nhs-cis2',
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{16,}$/);

    const { view: active, notices } = await h.manager.selectRole(RC_B86001);
    expect(active).toMatchObject({ status: 'active', role: { businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001' } });
    expect(notices).toEqual([]);
    const client = await h.manager.ersClient();
    const { concepts } = await client.getCodeSystem('PRIORITY');
    expect(concepts.length).toBeGreaterThan(0);
    // Nothing the pages see carries a credential.
    const seen = JSON.stringify([view, active, ...h.broadcasts]);
    for (const t of tokensIn(h)) expect(seen).not.toContain(t);
    expect(tokensIn(h).length).toBe(2); // access + refresh, in the (memory) session store only
  });

  it('switches role in one step and tells role listeners, who may add notices', async () => {
    const h = await activeHarness();
    const listener = vi.fn(() => ['Your open draft was re-checked for the new role.']);
    h.manager.onRoleChanged(listener);
    const { view, notices } = await h.manager.selectRole(RC_R68);
    expect(view.role).toMatchObject(RC_R68);
    expect(listener).toHaveBeenCalledWith(expect.objectContaining(RC_R68), expect.objectContaining(RC_B86001));
    expect(notices).toEqual(['Your open draft was re-checked for the new role.']);
    const creds = await h.manager.credentials();
    expect(creds).toMatchObject({ businessFunction: 'REFERRING_CLINICIAN', ods: 'R68' });
    await expect(h.manager.selectRole({ businessFunction: 'REFERRING_CLINICIAN_ADMIN', ods: 'B86001' })).rejects.toMatchObject({ code: 'invalid-message' });
  });

  it('a user with one role is active at once; an admin is told to name the referring clinician', async () => {
    const h = harness({ launch: authFlow(USER_IDS.baker) });
    const view = await h.manager.signIn();
    expect(view).toMatchObject({ status: 'active', role: { businessFunction: 'REFERRING_CLINICIAN_ADMIN', ods: 'B86001' } });
  });

  it('carries on after a worker restart without signing in again', async () => {
    const first = harness();
    await first.manager.signIn();
    await first.manager.selectRole(RC_R68);
    const second = harness({ store: first.store }); // new worker, same storage.session
    expect(await second.manager.view()).toMatchObject({ status: 'active', role: RC_R68 });
    await expect((await second.manager.ersClient()).getCodeSystem('PRIORITY')).resolves.toBeTruthy();
    expect(second.deps.launchWebAuthFlow).not.toHaveBeenCalled();
  });

  it('refreshes an expired access token through the relay without asking the user', async () => {
    const h = await activeHarness();
    const before = h.store.record!.secrets.accessToken;
    const sealedBefore = h.store.record!.secrets.refreshToken;
    // The background holds the relay's sealed refresh token, bound to this installation's key.
    expect(sealedBefore).toMatch(/^rt1\./);
    sim.expireTokens();
    await expect((await h.manager.ersClient()).getCodeSystem('PRIORITY')).resolves.toBeTruthy();
    expect(h.store.record!.secrets.accessToken).not.toBe(before);
    expect(h.store.record!.secrets.refreshToken).toMatch(/^rt1\./);
    expect(h.store.record!.secrets.refreshToken).not.toBe(sealedBefore);
    expect(h.store.record!.status).toBe('active');
    expect(h.deps.launchWebAuthFlow).toHaveBeenCalledTimes(1);
  });

  it('refreshes ahead of expiry when a call is about to be made', async () => {
    const h = await activeHarness();
    const before = h.store.record!.secrets.accessToken;
    h.deps.now = () => Date.now() + 3600_000; // the token is now past its expiry time
    await h.manager.credentials();
    expect(h.store.record!.secrets.accessToken).not.toBe(before);
  });

  it('expired and not refreshable: asks the user to sign in again, then the interrupted call resumes', async () => {
    const h = harness();
    await h.manager.signIn();
    await h.manager.selectRole(RC_R68);
    const client = await h.manager.ersClient();
    sim.reset({ auth: true }); // every token and refresh token is gone
    const pending = client.getCodeSystem('PRIORITY');
    await vi.waitFor(() => expect(h.store.record?.status).toBe('expired'));
    expect(h.broadcasts.at(-1)).toMatchObject({ status: 'expired', role: RC_R68 });
    expect(h.broadcasts.at(-1)?.notice).toMatch(/Sign in again/);
    await expect(h.manager.ersClient()).rejects.toMatchObject({ code: 'session-expired' });
    const again = await h.manager.signIn(); // the user clicks "Sign in again"
    expect(again).toMatchObject({ status: 'active', role: RC_R68 }); // same role, no role prompt
    await expect(pending).resolves.toMatchObject({ concepts: expect.any(Array) });
  });

  it('an interrupted call gives up (false) if a different user signs in instead', async () => {
    const launch = authFlow(USER_IDS.adams);
    const h = harness({ launch });
    await h.manager.signIn();
    await h.manager.selectRole(RC_B86001);
    sim.reset({ auth: true });
    const waiting = h.manager.reauthenticate();
    await vi.waitFor(() => expect(h.store.record?.status).toBe('expired'));
    launch.mockImplementation(authFlow(USER_IDS.baker));
    await h.manager.signIn();
    await expect(waiting).resolves.toBe(false);
  });

  it('refuses an answer whose state does not match the request (forgery)', async () => {
    const h = harness({ launch: authFlow(USER_IDS.adams, (r) => r.searchParams.set('state', 'forged')) });
    const view = await h.manager.signIn();
    expect(view).toMatchObject({ status: 'signed-out', notice: expect.stringMatching(/did not match/) });
    expect(h.store.record!.secrets).toEqual({});
  });

  it('a closed CIS2 window is a cancelled sign-in', async () => {
    const h = harness({
      launch: vi.fn(async () => {
        throw new Error('The user did not approve access.');
      }),
    });
    expect(await h.manager.signIn()).toMatchObject({ status: 'signed-out', notice: 'Sign-in was cancelled.' });
  });

  it('with no relay configured, says exactly what is missing and never opens CIS2', async () => {
    const h = harness({ settings: { relayUrl: '' } });
    expect((await h.manager.view()).signInMissing).toEqual(["your organisation's token relay address (relay URL)"]);
    await expect(h.manager.signIn()).rejects.toMatchObject({ code: 'not-configured', message: expect.stringContaining('relay URL') });
    expect(h.deps.launchWebAuthFlow).not.toHaveBeenCalled();
    expect(h.store.record?.status ?? 'signed-out').toBe('signed-out');
  });

  it('a relay that cannot be reached fails once, clearly, with no retry loop', async () => {
    const h = harness({ settings: { relayUrl: 'http://127.0.0.1:9' } });
    const view = await h.manager.signIn();
    expect(view).toMatchObject({ status: 'signed-out', notice: expect.stringMatching(/Could not reach your organisation's token relay/) });
    expect(h.deps.launchWebAuthFlow).toHaveBeenCalledTimes(1);
  });

  it('a worker stopped during sign-in leaves a clean signed-out state', async () => {
    let release!: () => void;
    const hang = new Promise<void>((r) => (release = r));
    const first = harness({
      launch: vi.fn(async () => {
        await hang;
        return undefined;
      }),
    });
    void first.manager.signIn();
    await vi.waitFor(() => expect(first.store.record?.status).toBe('signing-in'));
    const second = harness({ store: first.store }); // the first worker is gone
    expect(await second.manager.view()).toMatchObject({ status: 'signed-out', notice: 'Sign-in was interrupted. Sign in again.' });
    release();
  });

  it('sign-out forgets the tokens and tells listeners which user signed out (their editing drafts are removed there)', async () => {
    const h = await activeHarness();
    const clearDrafts = vi.fn();
    h.manager.onSignedOut(clearDrafts);
    const view = await h.manager.signOut();
    expect(view.status).toBe('signed-out');
    expect(clearDrafts).toHaveBeenCalledWith('user', `${USER_IDS.adams}@B86001`);
    expect(h.store.record!.secrets).toEqual({});
    expect(h.store.record!.user).toBeUndefined();
    expect(h.store.pending).toBe(false);
    await expect(h.manager.ersClient()).rejects.toMatchObject({ code: 'not-signed-in' });
  });

  it('a sign-out cut short by a worker stop finishes (drafts cleared) on the next start', async () => {
    const store = { record: initialRecord(), pending: true };
    const h = harness({ store });
    const clearDrafts = vi.fn();
    h.manager.onSignedOut(clearDrafts); // registered synchronously at start, before init finishes
    await h.manager.ready;
    expect(clearDrafts).toHaveBeenCalled();
    expect(store.pending).toBe(false);
  });

  it('changing the environment or sign-in settings signs the user out', async () => {
    const h = await activeHarness();
    await h.manager.checkSettings({ ...h.settings.current, idleTimeoutMinutes: 5 });
    expect(h.manager.current.status).toBe('active');
    await h.manager.checkSettings({ ...h.settings.current, environment: 'integration' });
    expect(h.manager.current).toMatchObject({ status: 'signed-out', notice: expect.stringMatching(/settings changed/) });
  });

  it('idle or a locked screen pauses the session: tokens gone, nothing removed, the same user carries on after signing in', async () => {
    const h = await activeHarness();
    const signedOut = vi.fn();
    h.manager.onSignedOut(signedOut);
    const active = vi.fn();
    h.manager.onActive(active);
    let fire!: (state: string) => void;
    vi.spyOn(fakeBrowser.idle.onStateChanged, 'addListener').mockImplementation(((fn: (s: string) => void) => void (fire = fn)) as never);
    watchIdle(() => h.manager);
    fire('active');
    expect(h.manager.current.status).toBe('active');
    fire('locked');
    await vi.waitFor(() =>
      expect(h.manager.current).toMatchObject({ status: 'expired', notice: expect.stringMatching(/paused because the screen was locked/) }),
    );
    expect(h.manager.current.secrets).toEqual({});
    expect(h.manager.current.user?.id).toBe(USER_IDS.adams);
    // No sign-out ran: nothing of the user's is removed.
    expect(signedOut).not.toHaveBeenCalled();
    await expect(h.manager.ersClient()).rejects.toMatchObject({ code: 'session-expired' });
    await h.manager.signIn();
    expect(h.manager.current).toMatchObject({ status: 'active', role: RC_B86001 });
    await vi.waitFor(() => expect(active).toHaveBeenCalledWith(`${USER_IDS.adams}@B86001`));
    fire('idle');
    await vi.waitFor(() => expect(h.manager.current).toMatchObject({ status: 'expired', notice: expect.stringMatching(/not used for a while/) }));
  });
});

describe('legacy sign-in (A001 smartcard → A002 role → A003 sign-out)', () => {
  it('opens a session with the test smartcard, selects a role, works, and deletes the session on sign-out', async () => {
    const h = harness({ settings: { flavour: 'legacy' } });
    const view = await h.manager.signIn({ smartcard: { card: 'adams' } });
    expect(view).toMatchObject({ status: 'choose-role', flavour: 'legacy', user: { id: USER_IDS.adams } });
    expect(view.user?.name).toMatch(/ADAMS/i);
    expect(view.roles.length).toBe(3);
    await h.manager.selectRole(RC_R68);
    expect(h.manager.current.secrets.legacySession?.permission).toMatchObject({ businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R68' });
    await expect((await h.manager.ersClient()).getCodeSystem('PRIORITY')).resolves.toBeTruthy();
    const key = h.manager.current.secrets.sessionKey!;
    await h.manager.signOut();
    // A003 happened: the old key is refused.
    const res = await fetch(`${sim.url}/ers-api/STU3/v1/CodeSystem/PRIORITY`, { headers: { XAPI_ASID: '200000000001', HTTP_X_SESSION_KEY: key } });
    expect(res.status).toBe(401);
  });

  it('switches role with A002 and survives a worker stop between steps', async () => {
    const first = harness({ settings: { flavour: 'legacy' } });
    await first.manager.signIn({ smartcard: { card: 'adams' } });
    await first.manager.selectRole(RC_B86001);
    const second = harness({ settings: { flavour: 'legacy' }, store: first.store });
    const { view } = await second.manager.selectRole(RC_R68);
    expect(view).toMatchObject({ status: 'active', role: RC_R68 });
    await expect((await second.manager.ersClient()).getCodeSystem('PRIORITY')).resolves.toBeTruthy();
  });

  it('an expired legacy session is reopened with the same smartcard and role, without asking', async () => {
    const h = harness({ settings: { flavour: 'legacy' } });
    await h.manager.signIn({ smartcard: { card: 'adams' } });
    await h.manager.selectRole(RC_R68);
    const oldKey = h.manager.current.secrets.sessionKey;
    sim.expireSessions();
    await expect((await h.manager.ersClient()).getCodeSystem('PRIORITY')).resolves.toBeTruthy();
    expect(h.manager.current.secrets.sessionKey).not.toBe(oldKey);
    expect(h.manager.current).toMatchObject({ status: 'active', role: RC_R68 });
  });

  it('a test smartcard the simulator does not publish fails sign-in with a clear notice', async () => {
    const h = harness({ settings: { flavour: 'legacy' } });
    const view = await h.manager.signIn({ smartcard: { card: 'nobody' } });
    expect(view.status).not.toBe('choose-role');
    expect(view.notice).toMatch(/no test smartcard called "nobody"/);
  });

  it('test smartcards are refused outside the simulator; pasting needs a token', async () => {
    const h = harness({ settings: { flavour: 'legacy', smartcardSource: 'paste' } });
    await expect(h.manager.signIn({ smartcard: { card: 'adams' } })).rejects.toMatchObject({ code: 'invalid-message' });
    const ok = await h.manager.signIn({ smartcard: { token: 'AQIC5wM2LY4SfczADAMSk4t3Rf0SmArTcArD00001=@AAJTSQACMDE=#' } });
    expect(ok.status).toBe('choose-role');
    const wrong = harness({ settings: { flavour: 'legacy', environment: 'integration', smartcardSource: 'test-card' } });
    await expect(wrong.manager.signIn({ smartcard: { card: 'adams' } })).rejects.toMatchObject({ code: 'not-configured' });
  });
});

describe('session messages through the router', () => {
  it('pages can drive the session; nothing answered carries a token', async () => {
    const h = harness();
    const router = new MessageRouter(protocol, {
      sender: { extensionId: fakeBrowser.runtime.id, extensionOrigin: `chrome-extension://${fakeBrowser.runtime.id}`, isOriginEnabled: async () => true },
    });
    registerSessionHandlers(h.manager, router);
    const page = { id: fakeBrowser.runtime.id, url: `chrome-extension://${fakeBrowser.runtime.id}/popup.html` };
    const contentScript = { id: fakeBrowser.runtime.id, url: 'http://127.0.0.1/x', tab: { id: 1, url: 'http://127.0.0.1/x' } as never, frameId: 0 };
    const replies = [
      await router.handle({ type: 'session/sign-in' }, page),
      await router.handle({ type: 'session/select-role', role: RC_B86001 }, page),
      await router.handle({ type: 'session/get' }, page),
      await router.handle({ type: 'session/verify' }, page),
      await router.handle({ type: 'session/get' }, contentScript),
    ];
    expect(replies.slice(0, 4).every((r) => r.ok)).toBe(true);
    expect(replies[4]).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    const text = JSON.stringify(replies);
    for (const t of tokensIn(h)) expect(text).not.toContain(t);
    expect(await router.handle({ type: 'session/select-role', role: { businessFunction: 'x', ods: '1' } }, page)).toMatchObject({
      ok: false,
      error: { code: 'invalid-message' },
    });
  });
});
