// Protocol answers and errors, with no dependency (no zod), so pages that only send messages stay
// small. utils/messaging/kit.ts re-exports these for the modules that declare messages.

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
  | 'panel-unavailable' // the browser would not open the side panel (e.g. no user gesture)
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
