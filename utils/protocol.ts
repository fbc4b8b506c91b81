// The one message protocol between content scripts, extension pages (popup, side panel, options)
// and the background. Every message is declared once below with its zod schema, its answer type and
// the kinds of sender allowed to send it. The background router validates, checks the sender,
// dispatches to the registered handler and answers `{ ok: true, data } | { ok: false, error }`.
//
// Adding messages for a feature: declare them in the feature's module with the helpers from
// ./messaging/kit (`defineMessage`, `messageSchema`, `FROM_PAGES`, `FROM_CONTENT`), export them as an
// object, spread that object into `protocol` below, and `registerHandler(type, handler)` in the
// background. Content scripts may only report patient context and ask to open the panel; everything
// that touches e-RS or the session is for extension pages only.
import { browser, type Browser } from 'wxt/browser';
import { z } from 'zod';
import type { SessionView } from './session/state';
import { OpenPanelMessageSchema, PatientContextMessageSchema } from './patient/messages';
import { referralMessages } from './referral/messages';
import {
  defineMessage,
  FROM_CONTENT,
  FROM_PAGES,
  messageSchema,
  ProtocolError,
  type MessageDef,
  type ProtocolErrorBody,
  type Reply,
  type SenderKind,
} from './messaging/kit';
import { settingsPatchSchema, type PolicyProblem, type Settings, type SettingKey } from './settings';

export * from './messaging/kit';

const roleRef = z
  .object({
    businessFunction: z.string().regex(/^[A-Z_]{3,60}$/),
    ods: z.string().regex(/^[A-Z0-9]{3,10}$/),
  })
  .strict();

// A test smartcard is named here and read from the simulator (utils/session/signin.ts).
const smartcardChoice = z.union([
  z.object({ card: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/) }).strict(),
  z.object({ token: z.string().trim().min(10).max(1000) }).strict(),
]);

export interface SettingsSnapshot {
  settings: Settings;
  locked: SettingKey[];
  policyProblems: PolicyProblem[];
  /** The browser's OAuth redirect URL (register it with CIS2 / the relay). */
  redirectUrl: string;
}

export const sessionMessages = {
  /** Who is signed in, where, in which role. Never tokens. */
  'session/get': defineMessage<SessionView>()(messageSchema('session/get'), FROM_PAGES),
  /** Start sign-in in the configured flavour (legacy: which smartcard). Resolves when it ends. */
  'session/sign-in': defineMessage<SessionView>()(messageSchema('session/sign-in', { smartcard: smartcardChoice.optional() }), FROM_PAGES),
  'session/cancel-sign-in': defineMessage<SessionView>()(messageSchema('session/cancel-sign-in'), FROM_PAGES),
  /** Choose or switch role (legacy: A002; platform: headers). `notices` = what the role means for drafts. */
  'session/select-role': defineMessage<{ view: SessionView; notices: string[] }>()(messageSchema('session/select-role', { role: roleRef }), FROM_PAGES),
  /** Sign out: A003 (legacy), forget tokens and session keys, clear the user's drafts. */
  'session/sign-out': defineMessage<SessionView>()(messageSchema('session/sign-out'), FROM_PAGES),
  /** One authenticated e-RS read (A004 PRIORITY) in the current role: proves the session works. */
  'session/verify': defineMessage<{ operation: string; checkedAt: number }>()(messageSchema('session/verify'), FROM_PAGES),
} as const;

export const settingsMessages = {
  'settings/get': defineMessage<SettingsSnapshot>()(messageSchema('settings/get'), FROM_PAGES),
  'settings/save': defineMessage<SettingsSnapshot>()(messageSchema('settings/save', { patch: z.union([z.literal('reset'), settingsPatchSchema]) }), FROM_PAGES),
} as const;

/** Defined by the patient-context feature (utils/patient/messages.ts). */
export const patientMessages = {
  'patient-context': defineMessage<Record<string, never>>()(PatientContextMessageSchema, FROM_CONTENT),
  'open-panel': defineMessage<Record<string, never>>()(OpenPanelMessageSchema, FROM_CONTENT),
} as const;

export const protocol = {
  ...sessionMessages,
  ...settingsMessages,
  ...patientMessages,
  ...referralMessages,
} as const;

export type ProtocolMap = typeof protocol;
export type MessageType = keyof ProtocolMap;
export type MessageOf<T extends MessageType> = z.input<ProtocolMap[T]['schema']>;
export type ParsedMessageOf<T extends MessageType> = z.output<ProtocolMap[T]['schema']>;
export type ResponseOf<T extends MessageType> = ProtocolMap[T] extends MessageDef<z.ZodType, infer R> ? R : never;
export type PayloadOf<T extends MessageType> = Omit<MessageOf<T>, 'type'>;

/** Events the background pushes to extension pages (never to content scripts). */
export type BackgroundEvent = { type: 'session/changed'; view: SessionView };

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
}

export type SenderVerdict = { kind: SenderKind } | { refused: string };

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

  if ((url.protocol === 'https:' || url.protocol === 'http:') && sender.tab) {
    if (await ctx.isOriginEnabled(origin)) return { kind: 'content-script' };
    return { refused: 'The extension is not enabled on this site.' };
  }
  return { refused: 'Unrecognised sender.' };
}

// ---- router (background) -----------------------------------------------------------------------

export interface HandlerContext {
  sender: Sender;
  kind: SenderKind;
}

export type Handler<T extends MessageType> = (message: ParsedMessageOf<T>, ctx: HandlerContext) => Promise<ResponseOf<T>> | ResponseOf<T>;

type AnyHandler = (message: unknown, ctx: HandlerContext) => unknown;

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

export class MessageRouter {
  private readonly handlers = new Map<string, AnyHandler>();
  private readonly definitions: Record<string, MessageDef>;
  private options: RouterOptions;

  constructor(definitions: Record<string, MessageDef> = protocol, options: RouterOptions = {}) {
    this.definitions = definitions;
    this.options = options;
  }

  /** Add error mapping / problem reporting / sender overrides (already-set options win). */
  configure(options: RouterOptions): void {
    this.options = { ...options, ...this.options };
  }

  registerHandler<T extends MessageType>(type: T, handler: Handler<T>): void {
    if (!(type in this.definitions)) throw new Error(`registerHandler: "${type}" is not in the protocol`);
    this.handlers.set(type, handler as AnyHandler);
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

  /** Validate, check the sender, dispatch. Never throws. */
  async handle(message: unknown, sender: Sender | undefined): Promise<Reply<unknown>> {
    const type = safeType(message);
    const verdict = await classifySender(sender, this.senderContext());
    if ('refused' in verdict) return this.fail(type, { code: 'forbidden-sender', message: verdict.refused });
    if (!message || typeof message !== 'object' || typeof (message as { type?: unknown }).type !== 'string') {
      return this.fail(type, { code: 'invalid-message', message: 'A message must be an object with a type.' });
    }
    const rawType = (message as { type: string }).type;
    const def = Object.prototype.hasOwnProperty.call(this.definitions, rawType) ? this.definitions[rawType] : undefined;
    if (!def) return this.fail(type, { code: 'unknown-type', message: `Unknown message type "${type}".` });
    if (!def.senders.includes(verdict.kind)) {
      return this.fail(type, { code: 'forbidden-sender', message: `"${type}" may not be sent from a ${verdict.kind}.` });
    }
    const parsed = def.schema.safeParse(message);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      // Content scripts get no detail back (nothing to learn about our schemas).
      return this.fail(type, {
        code: 'invalid-message',
        message: verdict.kind === 'content-script' ? 'Invalid message.' : `Invalid "${type}" message${where}: ${issue?.message ?? 'invalid'}.`,
      });
    }
    const handler = this.handlers.get(rawType);
    if (!handler) return this.fail(type, { code: 'no-handler', message: `Nothing handles "${type}" yet.` });
    try {
      const data = await handler(parsed.data, { sender: sender!, kind: verdict.kind });
      return { ok: true, data: data === undefined ? null : data };
    } catch (error) {
      const body = this.toErrorBody(error);
      // A content script learns only the code, never a message that might echo something else.
      return this.fail(type, verdict.kind === 'content-script' ? { code: body.code, message: 'The request could not be completed.' } : body);
    }
  }

  private toErrorBody(error: unknown): ProtocolErrorBody {
    if (error instanceof ProtocolError) return { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) };
    const mapped = this.options.mapError?.(error);
    if (mapped) return mapped;
    return { code: 'internal', message: 'Something went wrong in the extension. Nothing has been lost; try again.' };
  }

  /**
   * Should this router answer? Everything except a declared message that has no handler here: those
   * belong to another listener. The patient-context module answers `patient-context`/`open-panel`
   * itself, because opening the side panel must happen synchronously inside the user's click, before
   * any await; it applies the same rules (zod, this extension, top frame, enabled origin).
   */
  claims(message: unknown): boolean {
    const type = (message as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && Object.prototype.hasOwnProperty.call(this.definitions, type) && !this.handlers.has(type)) return false;
    return true;
  }

  /** Attach to runtime.onMessage (call synchronously at worker start). */
  listen(): void {
    browser.runtime.onMessage.addListener((message: unknown, sender: Sender, sendResponse: (r: unknown) => void) => {
      if (!this.claims(message)) return undefined;
      void this.handle(message, sender).then(sendResponse);
      return true;
    });
  }
}

export const router = new MessageRouter();

/** Register the background's handler for a message type (one handler per type). */
export function registerHandler<T extends MessageType>(type: T, handler: Handler<T>): void {
  router.registerHandler(type, handler);
}

// ---- pages: see ./messaging/client (kept free of zod) --------------------------------------------

export { onBackgroundEvent, request, sendMessage } from './messaging/client';
