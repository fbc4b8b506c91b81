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
// biome-ignore lint/complexity/noBannedTypes: a message with no fields has exactly the empty zod shape `{}`
export function messageSchema<T extends string, Shape extends z.ZodRawShape = {}>(type: T, shape?: Shape) {
  return z.object({ type: z.literal(type), ...(shape ?? ({} as Shape)) }).strict();
}

export * from './errors';
