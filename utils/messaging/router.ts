// The background's message router, with no feature knowledge: it is given a catalogue of message
// definitions (utils/messages.ts composes every feature's), decides who sent each message from what
// the browser says (one sender-rule implementation), validates the message with its zod schema,
// dispatches to the one registered handler and always answers `{ ok: true, data } | { ok: false, error }`.
import { browser, type Browser } from 'wxt/browser';
import type { z } from 'zod';
import { ProtocolError, type MessageDef, type ProtocolErrorBody, type Reply, type SenderKind } from './kit';

// ---- sender rules ------------------------------------------------------------------------------

export type Sender = Browser.runtime.MessageSender;

export interface SenderContext {
  extensionId: string;
  /** `chrome-extension://<id>` / `moz-extension://<uuid>`, no trailing slash. */
  extensionOrigin: string;
  /** Our pages that may be shown in a tab (options, side panel opened as a page, popup). */
  pagePaths: readonly string[];
  /** Is this web origin enabled for the extension (manifest host or granted optional permission)? */
  isOriginEnabled(origin: string): Promise<boolean>;
  /**
   * The same answer without waiting, when it is known (undefined: ask `isOriginEnabled`). Lets a
   * handler's synchronous step (SyncStep) run inside the user's click.
   */
  isOriginEnabledSync?(origin: string): boolean | undefined;
}

export type SenderVerdict = { kind: SenderKind } | { refused: string };
/** A content script whose origin still has to be checked with `isOriginEnabled`. */
type PendingVerdict = SenderVerdict | { pendingOrigin: string };

/** `protocol//host[:port]` even for chrome-extension:// URLs (whose URL.origin is "null" in some runtimes). */
export function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

function parse(url: string | undefined): URL | undefined {
  if (!url) return undefined;
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Decide who sent a message from what the browser says about the sender (never from the message). */
export async function classifySender(sender: Sender | undefined, ctx: SenderContext): Promise<SenderVerdict> {
  const verdict = classifySenderNow(sender, ctx);
  if (!('pendingOrigin' in verdict)) return verdict;
  return (await ctx.isOriginEnabled(verdict.pendingOrigin)) ? { kind: 'content-script' } : { refused: NOT_ENABLED };
}

const NOT_ENABLED = 'The extension is not enabled on this site.';

/** Everything `classifySender` decides without waiting; the origin check is left pending when unknown. */
function classifySenderNow(sender: Sender | undefined, ctx: SenderContext): PendingVerdict {
  if (!sender || sender.id !== ctx.extensionId) return { refused: 'Messages from web pages or other extensions are not accepted.' };
  const url = parse(sender.url);
  if (!url) return { refused: 'The sender has no address.' };
  const origin = originOf(url);
  if (sender.origin && sender.origin !== 'null' && sender.origin !== origin) return { refused: "The sender's origin does not match its address." };

  if (origin === ctx.extensionOrigin) {
    if (!sender.tab) return { kind: 'extension-page' };
    // Our page in a tab: only our own top-level pages, never framed inside someone else's page.
    const tabUrl = parse(sender.tab.url ?? sender.tab.pendingUrl);
    const inOurTab = !tabUrl || originOf(tabUrl) === ctx.extensionOrigin;
    if (inOurTab && (sender.frameId ?? 0) === 0 && ctx.pagePaths.includes(url.pathname)) return { kind: 'extension-page' };
    return { refused: 'This extension page may not send messages from here.' };
  }

  if ((url.protocol === 'https:' || url.protocol === 'http:') && sender.tab?.id != null) {
    // Only the page itself speaks for the tab: a frame inside it (an advert, an embedded app) does not.
    if ((sender.frameId ?? 0) !== 0) return { refused: 'Only the top frame of a page may send messages.' };
    const known = ctx.isOriginEnabledSync?.(origin);
    if (known === true) return { kind: 'content-script' };
    if (known === false) return { refused: NOT_ENABLED };
    return { pendingOrigin: origin };
  }
  return { refused: 'Unrecognised sender.' };
}

// ---- router (background) -----------------------------------------------------------------------

export interface HandlerContext {
  sender: Sender;
  kind: SenderKind;
  /** What the handler's synchronous step (SyncStep) returned, if it has one. */
  early?: unknown;
}

type Definitions = Record<string, MessageDef>;
type Parsed<P extends Definitions, T extends keyof P> = z.output<P[T]['schema']>;
type Answer<P extends Definitions, T extends keyof P> = P[T] extends MessageDef<z.ZodType, infer R> ? R : never;

export type Handler<P extends Definitions, T extends keyof P> = (message: Parsed<P, T>, ctx: HandlerContext) => Promise<Answer<P, T>> | Answer<P, T>;

type AnyHandler = (message: unknown, ctx: HandlerContext) => unknown;

/**
 * A handler's optional synchronous step: the router runs it after the sender and schema checks and
 * before any await (e.g. opening the side panel, which the browser allows only inside the user's
 * click). It may throw a ProtocolError to refuse; its result reaches the handler as `ctx.early`.
 */
export type SyncStep<P extends Definitions, T extends keyof P> = (message: Parsed<P, T>, ctx: HandlerContext) => unknown;

export interface RouterOptions {
  sender?: Partial<SenderContext>;
  /** Map a thrown error to an answer (the session module maps ErsError etc.). */
  mapError?: (error: unknown) => ProtocolErrorBody | undefined;
  /** Told about refusals and failures: message type and code only, never content. */
  onProblem?: (event: { type: string; code: string }) => void;
}

function safeType(message: unknown): string {
  const t = (message as { type?: unknown } | null)?.type;
  return typeof t === 'string' ? t.slice(0, 60).replace(/[^\w/.-]/g, '?') : '(none)';
}

export class MessageRouter<P extends Definitions = Definitions> {
  private readonly handlers = new Map<string, AnyHandler>();
  private readonly steps = new Map<string, AnyHandler>();
  private readonly definitions: P;
  private options: RouterOptions;

  constructor(definitions: P, options: RouterOptions = {}) {
    this.definitions = definitions;
    this.options = options;
  }

  /** Add error mapping / problem reporting / sender overrides (already-set options win). */
  configure(options: RouterOptions): void {
    this.options = { ...options, ...this.options };
  }

  registerHandler<T extends keyof P & string>(type: T, handler: Handler<P, T>, now?: SyncStep<P, T>): void {
    if (!(type in this.definitions)) throw new Error(`registerHandler: "${type}" is not in the protocol`);
    this.handlers.set(type, handler as AnyHandler);
    if (now) this.steps.set(type, now as AnyHandler);
  }

  hasHandler(type: string): boolean {
    return this.handlers.has(type);
  }

  private senderContext(): SenderContext {
    const id = browser.runtime.id;
    return {
      extensionId: id,
      extensionOrigin: browser.runtime.getURL('/').replace(/\/$/, ''),
      pagePaths: ['/popup.html', '/sidepanel.html', '/options.html'],
      isOriginEnabled: async (origin) => {
        try {
          return await browser.permissions.contains({ origins: [`${origin}/*`] });
        } catch {
          return false;
        }
      },
      ...this.options.sender,
    };
  }

  private fail(type: string, body: ProtocolErrorBody): Reply<never> {
    this.options.onProblem?.({ type, code: body.code });
    return { ok: false, error: body };
  }

  /**
   * Validate, check the sender, dispatch. Never throws. Everything up to the handler's synchronous
   * step (SyncStep) runs before the first await, so that step is still inside the user's
   * click when the listener calls this.
   */
  async handle(message: unknown, sender: Sender | undefined): Promise<Reply<unknown>> {
    const type = safeType(message);
    let verdict = classifySenderNow(sender, this.senderContext());
    if ('refused' in verdict) return this.fail(type, { code: 'forbidden-sender', message: verdict.refused });
    const kind: SenderKind = 'pendingOrigin' in verdict ? 'content-script' : verdict.kind;
    if (!message || typeof message !== 'object' || typeof (message as { type?: unknown }).type !== 'string') {
      return this.fail(type, { code: 'invalid-message', message: 'A message must be an object with a type.' });
    }
    const rawType = (message as { type: string }).type;
    const def: MessageDef | undefined = Object.hasOwn(this.definitions, rawType) ? this.definitions[rawType] : undefined;
    if (!def) return this.fail(type, { code: 'unknown-type', message: `Unknown message type "${type}".` });
    if (!def.senders.includes(kind)) {
      return this.fail(type, { code: 'forbidden-sender', message: `"${type}" may not be sent from a ${kind}.` });
    }
    const parsed = def.schema.safeParse(message);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      // Content scripts get no detail back (nothing to learn about our schemas).
      return this.fail(type, {
        code: 'invalid-message',
        message: kind === 'content-script' ? 'Invalid message.' : `Invalid "${type}" message${where}: ${issue?.message ?? 'invalid'}.`,
      });
    }
    const handler = this.handlers.get(rawType);
    if (!handler) return this.fail(type, { code: 'no-handler', message: `Nothing handles "${type}" yet.` });
    const ctx: HandlerContext = { sender: sender!, kind };
    const now = this.steps.get(rawType);
    try {
      if (now) ctx.early = now(parsed.data, ctx);
    } catch (error) {
      return this.failWith(type, kind, error);
    }
    if ('pendingOrigin' in verdict) {
      verdict = (await this.senderContext().isOriginEnabled(verdict.pendingOrigin)) ? { kind } : { refused: NOT_ENABLED };
      if ('refused' in verdict) return this.fail(type, { code: 'forbidden-sender', message: verdict.refused });
    }
    try {
      const data = await handler(parsed.data, ctx);
      return { ok: true, data: data === undefined ? null : data };
    } catch (error) {
      return this.failWith(type, kind, error);
    }
  }

  private failWith(type: string, kind: SenderKind, error: unknown): Reply<never> {
    const body = this.toErrorBody(error);
    // A content script learns only the code, never a message that might echo something else.
    return this.fail(type, kind === 'content-script' ? { code: body.code, message: 'The request could not be completed.' } : body);
  }

  private toErrorBody(error: unknown): ProtocolErrorBody {
    if (error instanceof ProtocolError) return { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) };
    const mapped = this.options.mapError?.(error);
    if (mapped) return mapped;
    return { code: 'internal', message: 'Something went wrong in the extension. Nothing has been lost; try again.' };
  }

  /** Attach to runtime.onMessage (call synchronously at worker start). */
  listen(): void {
    browser.runtime.onMessage.addListener((message: unknown, sender: Sender, sendResponse: (r: unknown) => void) => {
      void this.handle(message, sender).then(sendResponse);
      return true;
    });
  }
}
