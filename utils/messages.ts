// The one message catalogue: every feature declares its messages in utils/<feature>/messages.ts
// (zod schema, answer type, allowed senders) and they are composed here, with the events the
// background pushes to pages. The background's router (utils/messaging/router.ts) validates against
// this catalogue; pages send through utils/messaging/client.ts, which imports only its types.
//
// Content scripts may only report patient context and ask to open the panel; everything that
// touches e-RS or the session is for extension pages only.
import { browser } from 'wxt/browser';
import type { z } from 'zod';
import { defineMessage, FROM_CONTENT, FROM_PAGES, type MessageDef } from './messaging/kit';
import { MessageRouter, type Handler, type SyncStep } from './messaging/router';
import {
  AdaptersMessageSchema,
  OpenPanelMessageSchema,
  ParseMessageSchema,
  PatientContextMessageSchema,
  SaveAdaptersMessageSchema,
  type AdaptersView,
} from './patient/messages';
import type { ParsedRead } from './patient/types';
import { letterMessages } from './letter/messages';
import { adviceMessages, type AdviceChangedEvent } from './advice/messages';
import type { DraftChangedEvent } from './referral/events';
import { bookingMessages } from './booking/messages';
import { referralMessages } from './referral/messages';
import { sessionMessages, type SessionChangedEvent } from './session/messages';
import { settingsMessages } from './settings/messages';
import { trackingMessages } from './tracking/messages';

/** Defined by the patient-context feature (utils/patient/messages.ts). */
export const patientMessages = {
  'patient-context': defineMessage<Record<string, never>>()(PatientContextMessageSchema, FROM_CONTENT),
  'open-panel': defineMessage<Record<string, never>>()(OpenPanelMessageSchema, FROM_CONTENT),
  'patient/parse': defineMessage<ParsedRead>()(ParseMessageSchema, FROM_CONTENT),
  'patient/adapters': defineMessage<AdaptersView>()(AdaptersMessageSchema, FROM_PAGES),
  'patient/save-adapters': defineMessage<AdaptersView>()(SaveAdaptersMessageSchema, FROM_PAGES),
} as const;

export const protocol = {
  ...sessionMessages,
  ...settingsMessages,
  ...patientMessages,
  ...referralMessages,
  ...letterMessages,
  ...bookingMessages,
  ...trackingMessages,
  ...adviceMessages,
} as const;

export type ProtocolMap = typeof protocol;
export type MessageType = keyof ProtocolMap;
export type MessageOf<T extends MessageType> = z.input<ProtocolMap[T]['schema']>;
export type ResponseOf<T extends MessageType> = ProtocolMap[T] extends MessageDef<z.ZodType, infer R> ? R : never;
export type PayloadOf<T extends MessageType> = Omit<MessageOf<T>, 'type'>;

/** Events the background pushes to extension pages (never to content scripts). */
export type BackgroundEvent = SessionChangedEvent | DraftChangedEvent | AdviceChangedEvent;

/** Background → every open extension page (content scripts never receive runtime messages). */
export function notifyPages(event: BackgroundEvent): void {
  browser.runtime.sendMessage(event).catch(() => undefined); // no page open
}

export type Router = MessageRouter<ProtocolMap>;
export const router: Router = new MessageRouter(protocol);

/** Register the background's handler for a message type (one handler per type). */
export function registerHandler<T extends MessageType>(type: T, handler: Handler<ProtocolMap, T>, now?: SyncStep<ProtocolMap, T>): void {
  router.registerHandler(type, handler, now);
}

export * from './messaging/kit';
export * from './messaging/router';
export { request, sendMessage } from './messaging/client';
