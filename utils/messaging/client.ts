// The page side of the one message protocol: send a message to the background and listen for its
// events. No zod and no schemas here (types only), so the side panel and popup stay small; the
// background validates everything it receives (utils/messaging/router.ts, against utils/messages.ts).
import { browser, type Browser } from 'wxt/browser';
import { ProtocolError, type Reply } from './errors';
import type { BackgroundEvent, MessageType, PayloadOf, ResponseOf } from '../messages';

type Sender = Browser.runtime.MessageSender;

/** Send a message and get the whole reply (never throws for a refusal; throws if the background is unreachable). */
export async function request<T extends MessageType>(type: T, payload?: PayloadOf<T>): Promise<Reply<ResponseOf<T>>> {
  const reply = (await browser.runtime.sendMessage({ ...(payload ?? {}), type })) as Reply<ResponseOf<T>> | undefined;
  if (!reply || typeof reply !== 'object' || !('ok' in reply)) {
    return { ok: false, error: { code: 'internal', message: 'The extension background did not answer. Try again.' } };
  }
  return reply;
}

/** Send a message; resolves with the data, rejects with a ProtocolError for `{ ok: false }`. */
export async function sendMessage<T extends MessageType>(type: T, payload?: PayloadOf<T>): Promise<ResponseOf<T>> {
  const reply = await request(type, payload);
  if (!reply.ok) throw new ProtocolError(reply.error.code, reply.error.message, reply.error.fields);
  return reply.data;
}

/** The fields each event must carry before a page acts on it (events are typed in utils/messages.ts). */
const EVENT_CHECKS: { [T in BackgroundEvent['type']]: (m: Record<string, unknown>) => boolean } = {
  'session/changed': (m) => !!m.view && typeof m.view === 'object',
  'referral/changed': (m) => typeof m.draftId === 'string',
  'advice/changed': (m) => typeof m.id === 'string',
};

/** Listen for one kind of background event in an extension page. Returns an unsubscribe function. */
export function onBackgroundEvent<T extends BackgroundEvent['type']>(type: T, listener: (event: Extract<BackgroundEvent, { type: T }>) => void): () => void {
  const fn = (message: unknown, sender: Sender) => {
    if (sender?.id !== browser.runtime.id || !message || typeof message !== 'object') return;
    const m = message as Record<string, unknown>;
    if (m.type === type && EVENT_CHECKS[type](m)) listener(m as Extract<BackgroundEvent, { type: T }>);
  };
  browser.runtime.onMessage.addListener(fn);
  return () => browser.runtime.onMessage.removeListener(fn);
}
