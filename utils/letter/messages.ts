// The letter feature's messages: the options page reads and edits administrator templates; the
// background checks them (./admin.ts) and stores them in the `letterTemplates` setting. Pages only.
import { z } from 'zod';
import { defineMessage, FROM_PAGES, messageSchema } from '../messaging/kit';
import type { TemplatesView } from './admin';

export const letterMessages = {
  'letter/templates': defineMessage<TemplatesView>()(messageSchema('letter/templates'), FROM_PAGES),
  // The text is checked in the handler, so the page gets the problem in words, not a schema message.
  'letter/save-template': defineMessage<TemplatesView>()(
    messageSchema('letter/save-template', { json: z.string().max(100_000), replaces: z.string().max(100).optional() }),
    FROM_PAGES,
  ),
  'letter/remove-template': defineMessage<TemplatesView>()(messageSchema('letter/remove-template', { id: z.string().max(100) }), FROM_PAGES),
} as const;
