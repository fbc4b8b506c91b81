// The session as seen by an extension page: loads `session/get`, follows `session/changed`
// broadcasts, and wraps the session actions. The transport is injectable for component tests.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { SessionView } from './state';
import { onBackgroundEvent, request } from '../messaging/client';
import type { Reply } from '../messaging/errors';
import type { MessageType, PayloadOf, ResponseOf } from '../messages';

export interface SessionApi {
  request<T extends MessageType>(type: T, payload?: PayloadOf<T>): Promise<Reply<ResponseOf<T>>>;
  onChanged(listener: (view: SessionView) => void): () => void;
}

export const browserSessionApi: SessionApi = {
  request,
  onChanged: (listener) => onBackgroundEvent('session/changed', (e) => listener(e.view)),
};

export interface SessionState {
  view?: SessionView;
  busy: string | undefined;
  error?: string;
  notices: string[];
  signIn(smartcard?: { card: string } | { token: string }): Promise<void>;
  cancelSignIn(): Promise<void>;
  selectRole(role: { businessFunction: string; ods: string }): Promise<void>;
  signOut(): Promise<void>;
  /** How many of the user's drafts that have not been sent signing out would remove (0 when unknown). */
  signOutPreview(): Promise<number>;
  reload(): Promise<void>;
}

export function useSession(api: SessionApi = browserSessionApi): SessionState {
  const [view, setView] = useState<SessionView>();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const [notices, setNotices] = useState<string[]>([]);

  const reload = useCallback(async () => {
    try {
      const reply = await api.request('session/get');
      if (reply.ok) setView(reply.data);
      else setError(reply.error.message);
    } catch {
      setError('The extension background did not answer. Close and reopen this window.');
    }
  }, [api]);

  useEffect(() => {
    void reload();
    return api.onChanged((v) => setView(v));
  }, [api, reload]);

  async function run<T>(label: string, action: () => Promise<Reply<T>>, onData?: (data: T) => void) {
    setBusy(label);
    setError(undefined);
    try {
      const reply = await action();
      if (reply.ok) onData?.(reply.data);
      else setError(reply.error.message);
    } catch {
      setError('The extension background did not answer. Try again.');
    } finally {
      setBusy(undefined);
      void reload();
    }
  }

  return {
    view,
    busy,
    error,
    notices,
    reload,
    signIn: (smartcard) => {
      setNotices([]);
      return run('sign-in', () => api.request('session/sign-in', smartcard ? { smartcard: smartcard as never } : {}), setView);
    },
    cancelSignIn: () => run('cancel', () => api.request('session/cancel-sign-in'), setView),
    selectRole: (role) =>
      run(
        'role',
        () => api.request('session/select-role', { role: { businessFunction: role.businessFunction, ods: role.ods } }),
        (d) => {
          setView(d.view);
          setNotices(d.notices);
        },
      ),
    signOut: () => {
      setNotices([]);
      return run('sign-out', () => api.request('session/sign-out'), setView);
    },
    signOutPreview: async () => {
      try {
        const reply = await api.request('referral/sign-out-preview');
        return reply.ok ? reply.data.editingDrafts : 0;
      } catch {
        return 0;
      }
    },
  };
}
