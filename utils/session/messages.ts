// The session feature's messages (answered in utils/session/background.ts). Pages only: content
// scripts never touch the session.
import { z } from 'zod';
import { defineMessage, FROM_PAGES, messageSchema } from '../messaging/kit';
import type { SessionView } from './state';

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

/** Background → pages: the session changed (sign-in, role, expiry, sign-out). */
export type SessionChangedEvent = { type: 'session/changed'; view: SessionView };
