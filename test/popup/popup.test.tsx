// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Popup } from '../../entrypoints/popup/Popup';
import { OptionsForm, type OptionsApi } from '../../entrypoints/options/OptionsForm';
import type { SessionApi } from '../../utils/session/use-session';
import type { SessionView } from '../../utils/session/state';
import { defaultSettings, patchProblems, settingsPatchSchema } from '../../utils/settings';

afterEach(cleanup);

const ADAMS = { id: '021600556514', name: 'Kate ADAMS' };
const RC_B = { businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001', orgName: 'Park Lane Surgery' };
const RC_R68 = { businessFunction: 'REFERRING_CLINICIAN', ods: 'R68' };
const RCA_B = { businessFunction: 'REFERRING_CLINICIAN_ADMIN', ods: 'B86001' };

function view(patch: Partial<SessionView>): SessionView {
  return { status: 'signed-out', flavour: 'platform', environment: 'simulator', roles: [], signInMissing: [], ...patch };
}

function fakeApi(initial: SessionView, answers: Record<string, (payload: any) => unknown> = {}) {
  let current = initial;
  const listeners: ((v: SessionView) => void)[] = [];
  const calls: { type: string; payload: unknown }[] = [];
  const api: SessionApi = {
    request: (async (type: string, payload?: unknown) => {
      calls.push({ type, payload });
      if (type === 'session/get') return { ok: true, data: current };
      const answer = answers[type];
      if (!answer) return { ok: false, error: { code: 'no-handler', message: 'nope' } };
      const data = answer(payload);
      if (data && typeof data === 'object' && 'status' in data) current = data as SessionView;
      if (data && typeof data === 'object' && 'view' in data) current = (data as { view: SessionView }).view;
      return { ok: true, data };
    }) as SessionApi['request'],
    onChanged: (l) => {
      listeners.push(l);
      return () => undefined;
    },
  };
  return {
    api,
    calls,
    push: (v: SessionView) => {
      current = v;
      listeners.forEach((l) => l(v));
    },
  };
}

/** Dr Adams, signed in, clicks Sign out with `editingDrafts` unsent drafts; returns the calls so far. */
async function clickSignOut(editingDrafts: number) {
  const { api, calls } = fakeApi(view({ status: 'active', user: ADAMS, roles: [RC_B], role: RC_B }), {
    'referral/sign-out-preview': () => ({ editingDrafts }),
    'session/sign-out': () => view({}),
  });
  render(<Popup api={api} siteAccess={false} />);
  fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
  return calls;
}

describe('popup', () => {
  it('shows the environment unmistakably', async () => {
    const labels = { simulator: 'SIMULATOR (demo)', sandbox: 'SANDBOX', integration: 'INTEGRATION (test)', production: 'PRODUCTION (live)' } as const;
    for (const environment of Object.keys(labels) as (keyof typeof labels)[]) {
      const label = labels[environment];
      const { api } = fakeApi(view({ environment }));
      const { container, unmount } = render(<Popup api={api} siteAccess={false} />);
      await waitFor(() => expect(container.querySelector(`.env-banner--${environment}`)?.textContent).toContain(label));
      unmount();
    }
  });

  it('says exactly what sign-in is missing and keeps sign-in disabled', async () => {
    const { api, calls } = fakeApi(view({ signInMissing: ["your organisation's token relay address (relay URL)"] }));
    render(<Popup api={api} siteAccess={false} />);
    await screen.findByText(/token relay address/);
    expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(true);
    expect(calls.some((c) => c.type === 'session/sign-in')).toBe(false);
  });

  it("signs in, then offers each role as one click, sending only the role's identity", async () => {
    const { api, calls } = fakeApi(view({}), {
      'session/sign-in': () => view({ status: 'choose-role', user: ADAMS, roles: [RC_B, RC_R68] }),
      'session/select-role': (p) => ({
        view: view({ status: 'active', user: ADAMS, roles: [RC_B, RC_R68], role: p.role.ods === 'R68' ? RC_R68 : RC_B }),
        notices: [],
      }),
    });
    render(<Popup api={api} siteAccess={false} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign in with NHS CIS2' }));
    fireEvent.click(await screen.findByRole('button', { name: /Use Referring clinician at Park Lane Surgery \(B86001\)/ }));
    await screen.findByText('Park Lane Surgery (B86001)');
    // Names, not ids: the user's name alone, and an ODS code only labelled as one.
    expect(screen.getByTestId('who').textContent).toBe('Kate ADAMS');
    expect(calls.find((c) => c.type === 'session/select-role')?.payload).toEqual({ role: { businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001' } });
    fireEvent.click(screen.getByRole('button', { name: /Switch to Referring clinician at ODS code R68/ }));
    await waitFor(() => expect(screen.getByTestId('org').textContent).toBe('ODS code R68'));
  });

  it('with unsent drafts, a role switch warns that they stay with the organisation and waits for a choice', async () => {
    const { api, calls } = fakeApi(view({ status: 'active', user: ADAMS, roles: [RC_B, RC_R68], role: RC_B }), {
      'referral/sign-out-preview': () => ({ editingDrafts: 2 }),
      'session/select-role': () => ({ view: view({ status: 'active', user: ADAMS, roles: [RC_B, RC_R68], role: RC_R68 }), notices: [] }),
    });
    render(<Popup api={api} siteAccess={false} />);
    fireEvent.click(await screen.findByRole('button', { name: /Switch to Referring clinician at ODS code R68/ }));
    const warning = await screen.findByTestId('role-switch-warning');
    expect(warning.textContent).toContain('Your 2 unsent drafts were started as Referring clinician at Park Lane Surgery');
    expect(warning.textContent).toContain('They stay with Park Lane Surgery and will not be sent as ODS code R68');
    expect(calls.some((c) => c.type === 'session/select-role')).toBe(false);
    // Stay: nothing changes.
    fireEvent.click(screen.getByRole('button', { name: 'Stay as Referring clinician at Park Lane Surgery' }));
    await waitFor(() => expect(screen.queryByTestId('role-switch-warning')).toBeNull());
    expect(calls.some((c) => c.type === 'session/select-role')).toBe(false);
    // Asked again, and this time the user keeps the drafts for the practice and switches.
    fireEvent.click(screen.getByRole('button', { name: /Switch to Referring clinician at ODS code R68/ }));
    fireEvent.click(await screen.findByRole('button', { name: 'Switch role and keep them for Park Lane Surgery' }));
    await waitFor(() => expect(screen.getByTestId('org').textContent).toBe('ODS code R68'));
    expect(calls.filter((c) => c.type === 'session/select-role')).toHaveLength(1);
  });

  it('after switching to an admin role, says drafts must name the referring clinician', async () => {
    const { api } = fakeApi(view({ status: 'active', user: ADAMS, roles: [RC_B, RCA_B], role: RC_B }), {
      'session/select-role': () => ({
        view: view({ status: 'active', user: ADAMS, roles: [RC_B, RCA_B], role: RCA_B }),
        notices: ['As a referring clinician admin you must name the referring clinician on every referral.'],
      }),
    });
    render(<Popup api={api} siteAccess={false} />);
    fireEvent.click(await screen.findByRole('button', { name: /Switch to Referring clinician admin/ }));
    expect((await screen.findByTestId('role-notices')).textContent).toMatch(/name the referring clinician/);
  });

  it('when the session expires, asks to sign in again and keeps who and where', async () => {
    const { api, push } = fakeApi(view({ status: 'active', user: ADAMS, roles: [RC_B], role: RC_B }));
    render(<Popup api={api} siteAccess={false} />);
    await screen.findByTestId('org');
    push(
      view({
        status: 'expired',
        user: ADAMS,
        roles: [RC_B],
        role: RC_B,
        notice: 'Your e-RS session has expired. Sign in again to carry on; nothing in your draft has been lost.',
      }),
    );
    await screen.findByRole('button', { name: 'Sign in again with NHS CIS2' });
    expect(screen.getByTestId('session-notice').textContent).toMatch(/nothing in your draft has been lost/);
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
  });

  it('before a sign-out that removes drafts, says how many go and what is kept, and signs out only when confirmed', async () => {
    const calls = await clickSignOut(2);
    const ask = await screen.findByTestId('confirm-sign-out');
    expect(ask.textContent).toMatch(/removes 2 drafts that you have not sent.*letters outstanding are kept/);
    expect(calls.some((c) => c.type === 'session/sign-out')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Stay signed in' }));
    expect(screen.queryByTestId('confirm-sign-out')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out and remove 2 drafts' }));
    await waitFor(() => expect(calls.filter((c) => c.type === 'session/sign-out')).toHaveLength(1));
  });

  it('signs out at once when no draft would be removed', async () => {
    const calls = await clickSignOut(0);
    await waitFor(() => expect(calls.filter((c) => c.type === 'session/sign-out')).toHaveLength(1));
  });

  it('legacy in the simulator: choose a test smartcard', async () => {
    const { api, calls } = fakeApi(view({ flavour: 'legacy', smartcardSource: 'test-card' }), {
      'session/sign-in': () => view({ status: 'choose-role', flavour: 'legacy', user: ADAMS, roles: [RC_B] }),
    });
    render(<Popup api={api} siteAccess={false} />);
    const select = await screen.findByLabelText('Test smartcard (simulator)');
    fireEvent.change(select, { target: { value: 'baker' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in with smartcard' }));
    await screen.findByText('Choose your role');
    expect(calls.find((c) => c.type === 'session/sign-in')?.payload).toEqual({ smartcard: { card: 'baker' } });
  });

  it('shows a refusal from the background as an alert', async () => {
    const { api } = fakeApi(view({}), {});
    render(<Popup api={api} siteAccess={false} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign in with NHS CIS2' }));
    expect((await screen.findByRole('alert')).textContent).toBe('nope');
  });
});

describe('options page', () => {
  function optionsApi(locked: string[] = []) {
    const settings = defaultSettings('simulator');
    const saved: unknown[] = [];
    const api: OptionsApi = {
      load: async () => ({ settings, locked: locked as never, policyProblems: [], redirectUrl: 'https://abc.chromiumapp.org/' }),
      // As the background answers: its settings validation decides, with each field's problem.
      save: vi.fn(async (patch) => {
        const problem = patch === 'reset' ? undefined : settingsPatchSchema.safeParse(patch).error;
        if (problem) {
          const fields = patchProblems(problem.issues);
          return { ok: false as const, error: { code: 'invalid-settings' as const, message: 'Some settings are not valid.', fields } };
        }
        saved.push(patch);
        return { ok: true as const, data: { settings: { ...settings, ...(patch as object) }, locked: locked as never, policyProblems: [], redirectUrl: '' } };
      }),
    };
    return { api, saved };
  }

  it('shows policy-set settings as locked and never sends them', async () => {
    const { api, saved } = optionsApi(['relayUrl', 'environment']);
    const { container } = render(<OptionsForm api={api} />);
    const relay = (await screen.findByLabelText(/Token relay URL/)) as HTMLInputElement;
    expect(relay.disabled).toBe(true);
    expect(container.querySelector('[data-setting="relayUrl"] .nhs-tag--locked')).toBeTruthy();
    expect((screen.getByLabelText(/^Environment/) as HTMLSelectElement).disabled).toBe(true);
    fireEvent.input(screen.getByLabelText(/OAuth client id/), { target: { value: 'my-client' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findByText('Settings saved.');
    expect(saved[0]).toMatchObject({ oauthClientId: 'my-client' });
    expect(saved[0]).not.toHaveProperty('relayUrl');
    expect(saved[0]).not.toHaveProperty('environment');
  });

  it("shows the background's validation problems next to their fields, in words", async () => {
    const { api, saved } = optionsApi();
    render(<OptionsForm api={api} />);
    fireEvent.input(await screen.findByLabelText(/Token relay URL/), { target: { value: 'http://relay.example.org' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findByText(/check the fields marked in red/);
    expect(screen.getByText(/Must be an https:\/\/ address/)).toBeTruthy();
    expect(saved).toEqual([]);
  });

  it('choosing another environment moves the addresses to its defaults', async () => {
    const { api } = optionsApi();
    render(<OptionsForm api={api} />);
    fireEvent.change(await screen.findByLabelText(/^Environment/), { target: { value: 'production' } });
    await waitFor(() => expect((screen.getByLabelText(/Platform API base URL/) as HTMLInputElement).value).toBe('https://api.service.nhs.uk/referrals/FHIR'));
    expect(document.querySelector('.env-banner--production')).toBeTruthy();
  });
});
