// @vitest-environment happy-dom
// The options page's letter templates, answered by the background's real handlers (router, settings
// in fake extension storage): built-in ones listed, an administrator's added, edited and removed as
// text, problems said in words with nothing saved, and policy-set templates read-only.
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { LetterTemplateSettings, type TemplatesApi } from '../../entrypoints/options/LetterTemplateSettings';
import { OptionsForm, type OptionsApi } from '../../entrypoints/options/OptionsForm';
import { removeTemplate, saveTemplate, templatesView } from '../../utils/letter/admin';
import { registerLetters } from '../../utils/letter/background';
import { router } from '../../utils/messages';
import { getResolvedSettings, getSettings, resetTrustedSettingsConnection, saveSettings, type ResolvedSettings } from '../../utils/settings/index';

const OPTIONS_PAGE = { id: fakeBrowser.runtime.id, url: `chrome-extension://${fakeBrowser.runtime.id}/options.html` };
const api: TemplatesApi = {
  load: () => router.handle({ type: 'letter/templates' }, OPTIONS_PAGE) as never,
  save: (json, replaces) => router.handle({ type: 'letter/save-template', json, ...(replaces ? { replaces } : {}) }, OPTIONS_PAGE) as never,
  remove: (id) => router.handle({ type: 'letter/remove-template', id }, OPTIONS_PAGE) as never,
};

const chestPain = {
  id: 'chest-pain',
  name: 'Rapid access chest pain',
  specialties: ['CARDIOLOGY'],
  title: 'Rapid access chest pain referral to {{service}}',
  sections: [
    { kind: 'text', id: 'reason', heading: 'Reason for referral', required: true },
    { kind: 'record', field: 'problems', heading: 'Problems' },
  ],
};

beforeEach(() => {
  fakeBrowser.reset();
  globalThis.indexedDB = new IDBFactory();
  resetTrustedSettingsConnection();
  registerLetters();
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const box = () => screen.getByLabelText(/New template|Edit the template/) as HTMLTextAreaElement;
const type = (text: string) => fireEvent.input(box(), { target: { value: text } });
const save = () => fireEvent.click(screen.getByRole('button', { name: 'Check and save template' }));

describe('options: letter templates', () => {
  it('lists the built-in templates and adds an administrator template, which the panel then gets', async () => {
    render(<LetterTemplateSettings api={api} />);
    expect((await screen.findByTestId('letter-templates')).textContent).toMatch(/General referral, Suspected cancer \(two-week wait\), Musculoskeletal/);
    fireEvent.click(screen.getByRole('button', { name: 'Add a template' }));
    expect(JSON.parse(box().value)).toMatchObject({ id: 'my-general', name: 'General referral (copy)' });
    type(JSON.stringify(chestPain));
    save();
    expect((await screen.findByTestId('templates-status')).textContent).toMatch(/Template saved/);
    expect(within(document.querySelector('[data-template="chest-pain"]')!).getByText('Offered')).toBeTruthy();
    expect((await getSettings()).letterTemplates).toEqual([chestPain]);
  });

  it('refuses text that is not JSON, a template with a problem, and a built-in id, each in words, saving nothing', async () => {
    render(<LetterTemplateSettings api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Add a template' }));
    type('{ "id": "x",\n  "name": "X"\n  "title": "T" }');
    save();
    expect((await screen.findByTestId('templates-problem')).textContent).toBe(
      'The template could not be read near line 3: check its quotes, commas and brackets. Nothing was saved.',
    );
    type(JSON.stringify({ ...chestPain, title: 'Referral for {{patient.shoeSize}}' }));
    save();
    await waitFor(() =>
      expect(screen.getByTestId('templates-problem').textContent).toMatch(
        /^Rapid access chest pain cannot be used: .*\{\{patient\.shoeSize\}\} is not a placeholder this extension knows.*Nothing was saved\.$/,
      ),
    );
    type(JSON.stringify({ ...chestPain, id: 'general' }));
    save();
    await waitFor(() => expect(screen.getByTestId('templates-problem').textContent).toMatch(/belongs to a built-in template/));
    // What was typed stays in the box to be corrected.
    expect(JSON.parse(box().value).id).toBe('general');
    expect((await getSettings()).letterTemplates).toEqual([]);
  });

  it('edits a template in place and removes one', async () => {
    render(<LetterTemplateSettings api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Add a template' }));
    type(JSON.stringify(chestPain));
    save();
    await screen.findByTestId('templates-status');
    fireEvent.click(screen.getByRole('button', { name: 'Edit Rapid access chest pain' }));
    type(JSON.stringify({ ...chestPain, name: 'Chest pain clinic' }));
    save();
    await waitFor(async () => expect((await getSettings()).letterTemplates).toEqual([{ ...chestPain, name: 'Chest pain clinic' }]));
    fireEvent.click(await screen.findByRole('button', { name: 'Remove Chest pain clinic' }));
    await waitFor(async () => expect((await getSettings()).letterTemplates).toEqual([]));
    expect(screen.getByTestId('templates-status').textContent).toBe('Removed Chest pain clinic.');
  });

  it('shows policy-set templates read-only, with the problem of one that is not offered, and refuses changes in the background', async () => {
    vi.spyOn(fakeBrowser.storage.managed, 'get').mockResolvedValue({
      letterTemplates: [chestPain, { ...chestPain, id: 'bad', name: 'Bad', sections: [] }],
    } as never);
    render(<LetterTemplateSettings api={api} />);
    const section = await screen.findByTestId('letter-templates');
    await waitFor(() => expect(section.querySelector('[data-locked="true"]')).not.toBeNull());
    expect(screen.queryByRole('button', { name: 'Add a template' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^(Edit|Remove) / })).toBeNull();
    const bad = section.querySelector('[data-template="bad"]')!;
    expect(bad.textContent).toMatch(/Not offered.*Bad cannot be used: "sections" must be a non-empty list/);
    const refused = await api.save(JSON.stringify({ ...chestPain, id: 'mine' }));
    expect(refused).toMatchObject({ ok: false, error: { code: 'locked', message: expect.stringMatching(/organisation sets the letter templates/) } });
  });
});

describe('the settings form beside the templates', () => {
  it('never sends its (possibly older) copy of the templates, so saving other settings keeps them', async () => {
    const snapshot = (r: ResolvedSettings) => ({ ...r, redirectUrl: '' });
    const options: OptionsApi = {
      load: async () => snapshot(await getResolvedSettings()),
      save: async (patch) => ({ ok: true, data: snapshot(await saveSettings(patch as never)) }),
    };
    render(<OptionsForm api={options} />);
    await screen.findByLabelText(/OAuth client id/);
    // Loaded before the template was added in the section below it.
    expect((await api.save(JSON.stringify(chestPain))).ok).toBe(true);
    fireEvent.input(screen.getByLabelText(/OAuth client id/), { target: { value: 'my-client' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findByText('Settings saved.');
    expect(await getSettings()).toMatchObject({ oauthClientId: 'my-client', letterTemplates: [chestPain] });
  });
});

describe('template changes (pure)', () => {
  it('a second template with an id already taken is refused; the view names a stored clash as not offered', () => {
    const one = saveTemplate([], JSON.stringify(chestPain));
    expect(one.ok).toBe(true);
    expect(saveTemplate([chestPain], JSON.stringify({ ...chestPain, name: 'Other' }))).toEqual({
      ok: false,
      message: 'Another template already has the id "chest-pain". Nothing was saved.',
    });
    expect(saveTemplate([chestPain], JSON.stringify([chestPain]))).toMatchObject({ ok: false, message: /one template/ });
    expect(removeTemplate([chestPain], 'nope')).toMatchObject({ ok: false });
    const view = templatesView([chestPain, { ...chestPain, name: 'Again' }], false);
    expect(view.custom.map((t) => t.problem)).toEqual([undefined, expect.stringMatching(/Again cannot be used: the id "chest-pain" is already used/)]);
  });
});
