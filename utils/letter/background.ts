// The letter feature in the background: administrator templates from the options page, checked
// (./admin.ts) before they are stored in the `letterTemplates` setting. When NHS IT policy sets the
// templates they are locked: shown, never changed here.
import { registerHandler } from '../messages';
import { ProtocolError } from '../messaging/errors';
import { getResolvedSettings, saveSettings, SettingsError } from '../settings/index';
import { removeTemplate, saveTemplate, type TemplateChange, templatesView, type TemplatesView } from './admin';

async function current() {
  const resolved = await getResolvedSettings();
  return { raw: resolved.settings.letterTemplates, locked: resolved.locked.includes('letterTemplates') };
}

async function view(): Promise<TemplatesView> {
  const { raw, locked } = await current();
  return templatesView(raw, locked);
}

async function apply(change: (raw: Record<string, unknown>[]) => TemplateChange): Promise<TemplatesView> {
  const { raw, locked } = await current();
  if (locked) throw new ProtocolError('locked', 'Your organisation sets the letter templates, so they cannot be changed here.');
  const next = change(raw);
  if (!next.ok) throw new ProtocolError('invalid-settings', next.message);
  try {
    await saveSettings({ letterTemplates: next.templates });
  } catch (error) {
    if (error instanceof SettingsError) throw new ProtocolError(error.code === 'locked' ? 'locked' : 'invalid-settings', error.message);
    throw error;
  }
  return view();
}

/** Call once, synchronously, at worker start. */
export function registerLetters(): void {
  registerHandler('letter/templates', () => view());
  registerHandler('letter/save-template', (m) => apply((raw) => saveTemplate(raw, m.json, m.replaces)));
  registerHandler('letter/remove-template', (m) => apply((raw) => removeTemplate(raw, m.id)));
}
