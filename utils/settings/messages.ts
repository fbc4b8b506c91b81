// The settings feature's messages (answered in utils/session/background.ts, which applies a change
// of sign-in settings to the session). Pages only.
import { z } from 'zod';
import { defineMessage, FROM_PAGES, messageSchema } from '../messaging/kit';
import type { PolicyProblem, Settings, SettingKey } from './index';

export interface SettingsSnapshot {
  settings: Settings;
  locked: SettingKey[];
  policyProblems: PolicyProblem[];
  /** The browser's OAuth redirect URL (register it with CIS2 / the relay). */
  redirectUrl: string;
}

export const settingsMessages = {
  'settings/get': defineMessage<SettingsSnapshot>()(messageSchema('settings/get'), FROM_PAGES),
  // The patch is validated field by field in the handler (saveSettings), so the page gets each
  // field's problem in words (`error.fields`), not one schema message.
  'settings/save': defineMessage<SettingsSnapshot>()(
    messageSchema('settings/save', { patch: z.union([z.literal('reset'), z.record(z.string(), z.unknown())]) }),
    FROM_PAGES,
  ),
} as const;
