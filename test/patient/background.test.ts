import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  getTabPatientState,
  publishAdapters,
  recordReport,
  referFromTab,
  registerPatientContext,
  resetPatientContextForTests,
  saveCustomAdapters,
  syncContentScripts,
} from '../../utils/patient/background';
import { router } from '../../utils/messages';
import type { PatientContextReport } from '../../utils/patient/types';
import { activeAdaptersItem, customAdaptersItem, panelRequestItem, tabStateItem } from '../../utils/storage';
import { customAdapter } from '../helpers/adapters';

const CUSTOM_ADAPTERS_KEY = customAdaptersItem.key;
const PANEL_REQUEST_KEY = panelRequestItem.key;
const tabStateKey = (tabId: number) => tabStateItem(tabId).key;
const ACTIVE_ADAPTERS_KEY = activeAdaptersItem.key;

const URL_GP = 'http://127.0.0.1:9000/demo/gp/record-9434765919.html';
const report = (nhs: string, family: string, given: string, url = URL_GP): PatientContextReport => ({
  status: 'single',
  patient: { nhsNumber: nhs, name: { family, given: [given], prefix: 'Mr' } },
  confidence: 1,
  source: { adapterId: 'demo-gp', url, title: 'GP' },
  observedAt: 1,
});
const JONES = report('9434765919', 'JONES', 'Sarah');
const SMITH = report('9912003888', 'SMITH', 'John');
const sender = (over: Record<string, unknown> = {}) => ({
  id: fakeBrowser.runtime.id,
  url: URL_GP,
  frameId: 0,
  tab: { id: 7, windowId: 1, url: URL_GP },
  ...over,
});

/** Through the background's one router, as the content script's message arrives. */
const handlePatientMessage = (msg: unknown, from: ReturnType<typeof sender>) => router.handle(msg, from as never);

let open: ReturnType<typeof vi.fn>;
beforeEach(() => {
  fakeBrowser.reset();
  resetPatientContextForTests();
  open = vi.fn().mockResolvedValue(undefined);
  (fakeBrowser as unknown as { sidePanel: { open: unknown } }).sidePanel.open = open;
  vi.spyOn(fakeBrowser.permissions, 'getAll').mockResolvedValue({ origins: ['http://127.0.0.1/*', 'https://gp.example.nhs.uk/*'] } as never);
  registerPatientContext();
});

describe('messages from content scripts', () => {
  it.each([
    ['another extension', { id: 'someone-else' }],
    ['a page without a tab', { tab: undefined }],
    ['a sub-frame', { frameId: 3 }],
    ['an origin the user has not enabled', { url: 'https://evil.example/', tab: { id: 7, url: 'https://evil.example/' } }],
  ])('refuses %s', async (_, over) => {
    const r = await handlePatientMessage({ type: 'patient-context', context: JONES }, sender(over));
    expect(r).toMatchObject({ ok: false });
    expect(await getTabPatientState(7)).toBeUndefined();
  });

  it('refuses a report about another origin than the sending page', async () => {
    const r = await handlePatientMessage({ type: 'patient-context', context: report('9434765919', 'JONES', 'Sarah', 'https://other.example/') }, sender());
    expect(r).toEqual({ ok: false, error: { code: 'forbidden-sender', message: 'The request could not be completed.' } });
    expect(open).not.toHaveBeenCalled();
  });

  it.each([
    ['an invalid check digit', { ...JONES, patient: { ...JONES.patient!, nhsNumber: '9434765918' } }],
    ['a patient on a "none" report', { ...JONES, status: 'none' }],
    ['a huge name', { ...JONES, patient: { ...JONES.patient!, name: { family: 'x'.repeat(5000), given: [] } } }],
  ])('refuses a malformed context: %s', async (_, context) => {
    expect(await handlePatientMessage({ type: 'patient-context', context }, sender())).toEqual({
      ok: false,
      error: { code: 'invalid-message', message: 'Invalid message.' },
    });
  });

  it('refuses every other message from a content script', async () => {
    expect(await handlePatientMessage({ type: 'settings/get' }, sender())).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
  });

  it('stores the latest context per tab, on an enabled https origin too', async () => {
    const url = 'https://gp.example.nhs.uk/record/1';
    expect(
      await handlePatientMessage({ type: 'patient-context', context: report('9434765919', 'JONES', 'Sarah', url) }, sender({ url, tab: { id: 8, url } })),
    ).toEqual({ ok: true, data: {} });
    expect((await getTabPatientState(8))!.report.patient!.nhsNumber).toBe('9434765919');
  });
});

describe('patient/parse: the background parses what the page read', () => {
  const read = (url = URL_GP) => ({
    kind: 'generic' as const,
    nhsNumber: '9434765919',
    nhsFrom: 'NHS No. 943 476 5919',
    lines: [
      { t: 'JONES, Sarah (Mrs)', lv: 0, h: 0 },
      { t: 'NHS No. 943 476 5919', lv: 0, e: 0 },
      { t: 'Born 14-Mar-1958', lv: 1 },
    ],
    source: { adapterId: 'generic', url, title: 'GP' },
    observedAt: 1,
  });

  it('answers the report and the identity block level, and records nothing', async () => {
    const r = await handlePatientMessage({ type: 'patient/parse', read: read() }, sender());
    expect(r).toMatchObject({
      ok: true,
      data: { report: { status: 'single', patient: { nhsNumber: '9434765919', name: { family: 'JONES' }, birthDate: '1958-03-14' }, confidence: 1 }, level: 1 },
    });
    expect(await getTabPatientState(7)).toBeUndefined();
  });

  it.each([
    ['a read about another origin', { type: 'patient/parse', read: read('https://other.example/') }, 'forbidden-sender'],
    ['an oversized read', { type: 'patient/parse', read: { ...read(), lines: Array.from({ length: 62 }, () => ({ t: 'x', lv: 0 })) } }, 'invalid-message'],
    ['an invalid number', { type: 'patient/parse', read: { ...read(), nhsNumber: 'abc' } }, 'invalid-message'],
  ])('refuses %s', async (_, msg, code) => {
    expect(await handlePatientMessage(msg, sender())).toMatchObject({ ok: false, error: { code } });
  });

  it('is refused from a sub-frame or another extension', async () => {
    for (const over of [{ frameId: 2 }, { id: 'someone-else' }])
      expect(await handlePatientMessage({ type: 'patient/parse', read: read() }, sender(over))).toMatchObject({
        ok: false,
        error: { code: 'forbidden-sender' },
      });
  });
});

describe('Refer opens the side panel on this patient, and a patient switch locks the draft', () => {
  it('open-panel opens the panel for the tab at once and binds a draft to the patient', async () => {
    const pending = handlePatientMessage({ type: 'open-panel', context: JONES }, sender());
    expect(open).toHaveBeenCalledWith({ tabId: 7 }); // synchronously, inside the user gesture
    expect(await pending).toEqual({ ok: true, data: {} });
    const s = await getTabPatientState(7);
    expect(s!.draft).toMatchObject({ nhsNumber: '9434765919', locked: false });
    expect((await fakeBrowser.storage.session.get(PANEL_REQUEST_KEY))[PANEL_REQUEST_KEY]).toMatchObject({
      tabId: 7,
      via: 'refer-button',
      nhsNumber: '9434765919',
    });
  });

  it('locks the draft while the host shows another patient, and unlocks it when that exact patient returns', async () => {
    await handlePatientMessage({ type: 'open-panel', context: JONES }, sender());
    await handlePatientMessage({ type: 'patient-context', context: SMITH }, sender());
    let s = await getTabPatientState(7);
    expect(s!.report.patient!.nhsNumber).toBe('9912003888');
    expect(s!.draft).toMatchObject({ nhsNumber: '9434765919', locked: true });
    expect(s!.draft!.warning).toContain('JONES, Sarah (Mr) (NHS 943 476 5919)');
    expect(s!.draft!.warning).toContain('SMITH, John (Mr) (NHS 991 200 3888)');
    await handlePatientMessage({ type: 'patient-context', context: JONES }, sender());
    s = await getTabPatientState(7);
    expect(s!.draft).toMatchObject({ nhsNumber: '9434765919', locked: false });
    expect(s!.draft!.warning).toBeUndefined();
    await handlePatientMessage({ type: 'patient-context', context: SMITH }, sender());
    // Refer on the patient now shown starts a fresh draft for them.
    await handlePatientMessage({ type: 'open-panel', context: SMITH }, sender());
    expect((await getTabPatientState(7))!.draft).toMatchObject({ nhsNumber: '9912003888', locked: false });
  });

  it('locks the draft when the same NHS number comes with another date of birth or sex (a half-updated banner)', async () => {
    const withDob = { ...JONES, patient: { ...JONES.patient!, birthDate: '1958-03-14', gender: 'female' as const } };
    await handlePatientMessage({ type: 'open-panel', context: withDob }, sender());
    await handlePatientMessage({ type: 'patient-context', context: { ...withDob, patient: { ...withDob.patient, birthDate: '1962-01-15' } } }, sender());
    const s = await getTabPatientState(7);
    expect(s!.draft).toMatchObject({ nhsNumber: '9434765919', locked: true });
    expect(s!.draft!.warning).toContain('Different: date of birth');
  });

  it('fills in identity fields the draft lacked, without locking', async () => {
    await handlePatientMessage({ type: 'open-panel', context: JONES }, sender());
    await handlePatientMessage({ type: 'patient-context', context: { ...JONES, patient: { ...JONES.patient!, birthDate: '1958-03-14' } } }, sender());
    expect((await getTabPatientState(7))!.draft).toMatchObject({ locked: false, birthDate: '1958-03-14' });
    await handlePatientMessage({ type: 'patient-context', context: { ...JONES, patient: { ...JONES.patient!, birthDate: '1958-03-15' } } }, sender());
    expect((await getTabPatientState(7))!.draft).toMatchObject({ locked: true });
  });

  it('"no patient" or "ambiguous" pages do not lock the draft (nothing else is shown)', async () => {
    await handlePatientMessage({ type: 'open-panel', context: JONES }, sender());
    await handlePatientMessage(
      { type: 'patient-context', context: { ...JONES, status: 'ambiguous', patient: undefined, reason: '2 different NHS numbers shown' } },
      sender(),
    );
    expect((await getTabPatientState(7))!.draft!.locked).toBe(false);
  });

  it('reports to the content script when the panel cannot open', async () => {
    open.mockRejectedValueOnce(new Error('may only be called in response to a user gesture'));
    expect(await handlePatientMessage({ type: 'open-panel', context: JONES }, sender())).toEqual({
      ok: false,
      error: { code: 'panel-unavailable', message: 'The request could not be completed.' },
    });
  });

  it.each(['context-menu', 'command'] as const)('the %s opens the panel on the tab’s patient in one action', async (via) => {
    await recordReport(7, JONES);
    await referFromTab({ id: 7, windowId: 1 }, via);
    expect(open).toHaveBeenCalledWith({ tabId: 7 });
    expect((await getTabPatientState(7))!.draft!.nhsNumber).toBe('9434765919');
    expect((await fakeBrowser.storage.session.get(PANEL_REQUEST_KEY))[PANEL_REQUEST_KEY]).toMatchObject({ tabId: 7, via });
  });

  it('many reports racing for one tab end with the last one', async () => {
    await Promise.all([JONES, SMITH, JONES, SMITH].map((r, i) => recordReport(7, { ...r, observedAt: i })));
    expect((await getTabPatientState(7))!.report.observedAt).toBe(3);
  });
});

describe('adapters and host permissions', () => {
  const custom = customAdapter('https://gp.example.nhs.uk/record/*');

  it('publishes built-in and administrator adapters, validated and compiled, policy first', async () => {
    vi.spyOn(fakeBrowser.storage.managed, 'get').mockResolvedValue({
      hostAdapters: [{ ...custom, id: 'policy-gp' }],
      hostAdaptersJson: JSON.stringify([{ id: 'broken' }]),
    } as never);
    expect(await saveCustomAdapters([custom])).toEqual({ ok: true });
    const published = await publishAdapters();
    expect(published.map((a) => a.id)).toEqual(['policy-gp', 'acme-gp', 'demo-gp', 'demo-epr', 'demo-spa']);
    const active = (await fakeBrowser.storage.local.get(ACTIVE_ADAPTERS_KEY))[ACTIVE_ADAPTERS_KEY] as { id: string; urlRe: string }[];
    expect(new RegExp(active[1]!.urlRe).test('https://gp.example.nhs.uk/record/1')).toBe(true);
  });

  it('refuses invalid administrator JSON with a readable error', async () => {
    const r = await saveCustomAdapters([{ ...custom, matches: ['gp.example'] }]);
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/matches\.0: not a match pattern/) });
    expect((await fakeBrowser.storage.local.get(CUSTOM_ADAPTERS_KEY))[CUSTOM_ADAPTERS_KEY]).toBeUndefined();
  });

  it('registers the content script for granted origins only (not the built-in localhost ones)', async () => {
    vi.spyOn(fakeBrowser.scripting, 'getRegisteredContentScripts').mockResolvedValue([] as never);
    const register = vi.spyOn(fakeBrowser.scripting, 'registerContentScripts').mockResolvedValue(undefined);
    expect(await syncContentScripts()).toEqual(['https://gp.example.nhs.uk/*']);
    expect(register).toHaveBeenCalledWith([
      expect.objectContaining({ id: 'ers-patient-context', matches: ['https://gp.example.nhs.uk/*'], js: ['patient-context.js'] }),
    ]);
  });

  it('unregisters it when the last origin is revoked', async () => {
    vi.spyOn(fakeBrowser.permissions, 'getAll').mockResolvedValue({ origins: ['http://127.0.0.1/*'] } as never);
    vi.spyOn(fakeBrowser.scripting, 'getRegisteredContentScripts').mockResolvedValue([{ id: 'ers-patient-context' }] as never);
    const unregister = vi.spyOn(fakeBrowser.scripting, 'unregisterContentScripts').mockResolvedValue(undefined);
    await syncContentScripts();
    expect(unregister).toHaveBeenCalledWith({ ids: ['ers-patient-context'] });
  });

  it('registration survives browsers (and fakes) that lack some APIs', async () => {
    expect(() => registerPatientContext()).not.toThrow();
    await vi.waitFor(async () => expect((await fakeBrowser.storage.local.get(ACTIVE_ADAPTERS_KEY))[ACTIVE_ADAPTERS_KEY]).toHaveLength(3));
  });

  it('forgets a tab when it closes', async () => {
    registerPatientContext();
    await recordReport(7, JONES);
    expect(await fakeBrowser.storage.session.get(tabStateKey(7))).not.toEqual({});
    await fakeBrowser.tabs.onRemoved.trigger(7, { windowId: 1, isWindowClosing: false });
    await vi.waitFor(async () => expect(await getTabPatientState(7)).toBeUndefined());
  });
});
