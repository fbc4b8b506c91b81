// Building blocks for message definitions. Feature modules use these to declare their messages
// (e.g. `export const referralMessages = { 'referral/save': defineMessage(...) }`) and
// utils/protocol.ts spreads them into the one ProtocolMap. This file imports no feature module, so
// feature modules can import it without a cycle.
import { z } from 'zod';

/** Who may send a message: a content script in an enabled clinical site, or our own pages. */
export type SenderKind = 'content-script' | 'extension-page';

export const FROM_PAGES = ['extension-page'] as const satisfies readonly SenderKind[];
export const FROM_CONTENT = ['content-script'] as const satisfies readonly SenderKind[];

export interface MessageDef<S extends z.ZodType = z.ZodType, R = unknown> {
  /** Validates the whole message, `type` included. */
  schema: S;
  senders: readonly SenderKind[];
  /** Type-level only: what the handler answers with. */
  readonly response?: R;
}

/** `defineMessage<Answer>()(schema, senders)`: the answer type is given, the schema inferred. */
export function defineMessage<R>() {
  return <S extends z.ZodType>(schema: S, senders: readonly SenderKind[]): MessageDef<S, R> => ({ schema, senders });
}

/** A strict message schema: `{ type: <literal>, ...fields }`, unknown fields refused. */
export function messageSchema<T extends string, Shape extends z.ZodRawShape = {}>(type: T, shape?: Shape) {
  return z.object({ type: z.literal(type), ...(shape ?? ({} as Shape)) }).strict();
}

export type ErrorCode =
  | 'invalid-message' // not an object with a known `type`, or fails the schema
  | 'unknown-type'
  | 'forbidden-sender' // the sender is not allowed to send this message (or anything at all)
  | 'no-handler'
  | 'not-signed-in'
  | 'session-expired'
  | 'sign-in-failed'
  | 'not-configured'
  | 'invalid-settings'
  | 'locked'
  | 'ers-error'
  | 'internal';

export interface ProtocolErrorBody {
  code: ErrorCode | `ers/${string}`;
  message: string;
  /** Field → problem, for forms. */
  fields?: Record<string, string>;
  /** Structured detail for the UI (e.g. an ErsError's kind, status, e-RS code, correlation id). Never secrets. */
  details?: Record<string, string | number | boolean | undefined>;
}

export type Reply<T> = { ok: true; data: T } | { ok: false; error: ProtocolErrorBody };

/** Throw from a handler to answer `{ ok: false, error }` with this code and message. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ProtocolErrorBody['code'],
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}
