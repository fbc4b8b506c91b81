import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { z } from 'zod';
import {
  classifySender,
  defineMessage,
  FROM_CONTENT,
  FROM_PAGES,
  MessageRouter,
  messageSchema,
  protocol,
  ProtocolError,
  request,
  sendMessage,
  type Sender,
  type SenderContext,
} from '../../utils/messages';

const EXT = fakeBrowser.runtime.id;
const ORIGIN = `chrome-extension://${EXT}`;
const ctx = (enabled: string[] = ['https://gp.example.nhs.uk']): SenderContext => ({
  extensionId: EXT,
  extensionOrigin: ORIGIN,
  pagePaths: ['/popup.html', '/sidepanel.html', '/options.html'],
  isOriginEnabled: async (o) => enabled.includes(o),
});

const popup: Sender = { id: EXT, url: `${ORIGIN}/popup.html`, origin: ORIGIN };
const panel: Sender = { id: EXT, url: `${ORIGIN}/sidepanel.html` };
const optionsTab: Sender = { id: EXT, url: `${ORIGIN}/options.html`, tab: { id: 3, url: `${ORIGIN}/options.html` } as never, frameId: 0 };
const contentScript: Sender = {
  id: EXT,
  url: 'https://gp.example.nhs.uk/patient/1',
  origin: 'https://gp.example.nhs.uk',
  tab: { id: 7, url: 'https://gp.example.nhs.uk/patient/1' } as never,
  frameId: 0,
};

describe('sender rules', () => {
  it('knows our own pages and our content script on an enabled site', async () => {
    expect(await classifySender(popup, ctx())).toEqual({ kind: 'extension-page' });
    expect(await classifySender(panel, ctx())).toEqual({ kind: 'extension-page' });
    expect(await classifySender(optionsTab, ctx())).toEqual({ kind: 'extension-page' });
    expect(await classifySender(contentScript, ctx())).toEqual({ kind: 'content-script' });
  });

  it.each([
    ['another extension', { ...popup, id: 'abcdefghijklmnopabcdefghijklmnop' }],
    ['a web page (no extension id)', { url: 'https://evil.example/', origin: 'https://evil.example', tab: { id: 1 } as never }],
    ['no sender at all', undefined],
    [
      'a content script on a site that is not enabled',
      { ...contentScript, url: 'https://evil.example/x', origin: 'https://evil.example', tab: { id: 9, url: 'https://evil.example/x' } as never },
    ],
    ['a forged origin that does not match the address', { ...contentScript, origin: 'https://other.example' }],
    ['our page framed inside a web page', { id: EXT, url: `${ORIGIN}/popup.html`, tab: { id: 7, url: 'https://evil.example/' } as never, frameId: 3 }],
    ['an unknown extension page in a tab', { id: EXT, url: `${ORIGIN}/secret.html`, tab: { id: 3, url: `${ORIGIN}/secret.html` } as never, frameId: 0 }],
    ['a content script without a tab (impossible: forged)', { id: EXT, url: 'https://gp.example.nhs.uk/', origin: 'https://gp.example.nhs.uk' }],
    ['a file: page', { id: EXT, url: 'file:///etc/passwd', tab: { id: 1 } as never }],
  ])('refuses %s', async (_name, sender) => {
    expect(await classifySender(sender as Sender | undefined, ctx())).toHaveProperty('refused');
  });
});

describe('router', () => {
  const definitions = {
    ...protocol,
    'test/echo': defineMessage<{ echoed: string }>()(messageSchema('test/echo', { text: z.string().max(10) }), FROM_PAGES),
    'test/report': defineMessage<{ seen: true }>()(messageSchema('test/report', { n: z.number() }), FROM_CONTENT),
  } as const;
  let router: MessageRouter;

  beforeEach(() => {
    fakeBrowser.reset();
    router = new MessageRouter(definitions, { sender: ctx() });
    router.registerHandler('session/get' as never, (() => ({ status: 'active', secrets: undefined })) as never);
    (router as unknown as { handlers: Map<string, unknown> }).handlers.set('test/echo', (m: { text: string }) => ({ echoed: m.text }));
    (router as unknown as { handlers: Map<string, unknown> }).handlers.set('test/report', () => ({ seen: true }));
  });

  it('dispatches a valid message from an allowed sender', async () => {
    expect(await router.handle({ type: 'test/echo', text: 'hi' }, popup)).toEqual({ ok: true, data: { echoed: 'hi' } });
    expect(await router.handle({ type: 'test/report', n: 1 }, contentScript)).toEqual({ ok: true, data: { seen: true } });
  });

  it('refuses session state and e-RS operations to content scripts', async () => {
    for (const type of [
      'session/get',
      'session/sign-in',
      'session/select-role',
      'session/sign-out',
      'session/verify',
      'settings/get',
      'settings/save',
      'test/echo',
    ]) {
      const reply = await router.handle({ type, text: 'x' }, contentScript);
      expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    }
  });

  it('refuses content-script messages from extension pages', async () => {
    expect(await router.handle({ type: 'test/report', n: 1 }, popup)).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
  });

  it('validates every message with its schema and says what is wrong (pages only)', async () => {
    expect(await router.handle({ type: 'test/echo', text: 'far too long text' }, popup)).toMatchObject({
      ok: false,
      error: { code: 'invalid-message', message: expect.stringContaining('text') },
    });
    expect(await router.handle({ type: 'test/echo', text: 'ok', extra: 1 }, popup)).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
    expect(await router.handle({ type: 'test/report', n: 'x' }, contentScript)).toEqual({
      ok: false,
      error: { code: 'invalid-message', message: 'Invalid message.' },
    });
  });

  it.each([null, 'string', 42, [], { no: 'type' }, { type: 7 }])('refuses malformed input %j', async (msg) => {
    expect(await router.handle(msg, popup)).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
  });

  it('refuses unknown types, including prototype keys', async () => {
    for (const type of ['nope', 'constructor', '__proto__', 'toString']) {
      expect(await router.handle({ type }, popup)).toMatchObject({ ok: false, error: { code: 'unknown-type' } });
    }
  });

  it('checks the sender before anything else: a foreign sender learns nothing about types', async () => {
    expect(await router.handle({ type: 'nope' }, { id: 'other' })).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
  });

  it('answers handler failures with a code; content scripts get no message text', async () => {
    (router as unknown as { handlers: Map<string, unknown> }).handlers.set('test/echo', () => {
      throw new ProtocolError('not-signed-in', 'Sign in first.');
    });
    (router as unknown as { handlers: Map<string, unknown> }).handlers.set('test/report', () => {
      throw new Error('Bearer at-SECRET leaked in an error');
    });
    expect(await router.handle({ type: 'test/echo', text: 'x' }, popup)).toEqual({ ok: false, error: { code: 'not-signed-in', message: 'Sign in first.' } });
    const reply = await router.handle({ type: 'test/report', n: 1 }, contentScript);
    expect(reply).toEqual({ ok: false, error: { code: 'internal', message: 'The request could not be completed.' } });
    expect(JSON.stringify(reply)).not.toContain('SECRET');
  });

  it('says when nothing handles a declared message', async () => {
    expect(await router.handle({ type: 'settings/get' }, popup)).toMatchObject({ ok: false, error: { code: 'no-handler' } });
  });

  it('refuses content-script messages from a sub-frame, before the schema', async () => {
    expect(await router.handle({ type: 'test/report', n: 1 }, { ...contentScript, frameId: 2 })).toMatchObject({
      ok: false,
      error: { code: 'forbidden-sender' },
    });
  });

  it("runs a handler's synchronous step before any await, after the sender and schema checks", () => {
    const step = vi.fn(() => 'opened');
    let early: unknown;
    (router as unknown as { steps: Map<string, unknown> }).steps.set('test/report', step);
    (router as unknown as { handlers: Map<string, unknown> }).handlers.set('test/report', (_m: unknown, c: { early: unknown }) => {
      early = c.early;
      return { seen: true };
    });
    void router.handle({ type: 'test/report', n: 'x' }, contentScript);
    expect(step).not.toHaveBeenCalled(); // invalid message: never reaches the step
    const pending = router.handle({ type: 'test/report', n: 1 }, contentScript);
    expect(step).toHaveBeenCalledTimes(1); // synchronously, in the same call
    return pending.then((r) => {
      expect(r).toEqual({ ok: true, data: { seen: true } });
      expect(early).toBe('opened');
    });
  });

  it('only registers handlers for declared messages', () => {
    expect(() => router.registerHandler('made/up' as never, (() => null) as never)).toThrow(/not in the protocol/);
  });

  it('end to end through runtime messaging: the listener answers with the reply envelope', async () => {
    router.listen();
    // fake-browser's sendMessage passes an empty sender: refused, as a forged sender must be.
    expect(await fakeBrowser.runtime.sendMessage({ type: 'test/echo', text: 'hi' })).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    const sendResponse = vi.fn();
    fakeBrowser.runtime.onMessage.trigger({ type: 'test/echo', text: 'hi' }, popup, sendResponse);
    await vi.waitFor(() => expect(sendResponse).toHaveBeenCalledWith({ ok: true, data: { echoed: 'hi' } }));
  });
});

describe('page helpers', () => {
  beforeEach(() => fakeBrowser.reset());

  it('sendMessage resolves with data and rejects with a ProtocolError for a refusal', async () => {
    fakeBrowser.runtime.onMessage.addListener((msg: unknown, _s: unknown, respond: (r: unknown) => void) => {
      const m = msg as { type: string };
      respond(m.type === 'session/get' ? { ok: true, data: { status: 'signed-out' } } : { ok: false, error: { code: 'locked', message: 'Locked.' } });
      return true;
    });
    await expect(sendMessage('session/get')).resolves.toEqual({ status: 'signed-out' });
    await expect(sendMessage('settings/save', { patch: { idleTimeoutMinutes: 5 } })).rejects.toMatchObject({ code: 'locked', message: 'Locked.' });
    expect(await request('settings/get')).toMatchObject({ ok: false });
  });
});
