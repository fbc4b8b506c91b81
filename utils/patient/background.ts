// Background side of the patient context: per-tab latest patient context, the draft ↔ patient binding (locked
// when the host shows another patient), the Refer context-menu item and keyboard command, opening the
// side panel for a tab, and running the content script only on origins the user or policy enabled.
//
// Self-contained: call `registerPatientContext()` once from entrypoints/background.ts.
import { browser } from 'wxt/browser';
import { activeAdaptersItem, customAdaptersItem, panelRequestItem, tabStateItem } from '../storage';
import { HostAdapterSchema, parseAdapterJson, validateAdapters } from './adapter-schema';
import { BUILTIN_ADAPTERS } from './adapters/builtin';
import { compileAdapter, urlMatchesPattern } from './compile';
import { READ_NOW } from './content-runtime';
import { applyReportToDraft, bindDraft, type DraftBinding } from './draft-lock';
import { identityDifferences } from './identity';
import { type HandlerContext, ProtocolError, registerHandler, router } from '../messages';
import { parsePageRead } from './parse';
import { PatientContextReportSchema, type AdaptersView, type PatientReply } from './messages';
import type { HostAdapter, PatientContextReport } from './types';

/** storage.local: adapters an administrator added through the options page (raw, validated on use). */
export const CONTENT_SCRIPT_ID = 'ers-patient-context';
export const CONTENT_SCRIPT_FILE = 'patient-context.js';
export const MENU_ID = 'ers-refer-patient';
export const COMMAND_NAME = 'refer-patient';
/** Origins the manifest always covers (the local demo and simulator). */
export const BUILT_IN_ORIGINS = ['http://localhost/*', 'http://127.0.0.1/*'];

export interface TabPatientState {
  tabId: number;
  report: PatientContextReport;
  updatedAt: number;
  draft?: DraftBinding;
}

export interface PanelRequest {
  tabId: number;
  windowId?: number;
  at: number;
  via: 'refer-button' | 'context-menu' | 'command';
  nhsNumber?: string;
}

// ---------------------------------------------------------------- enabled origins

let grantedOrigins: string[] | undefined;

/** Run an extension API call that may be missing or throw synchronously (other browsers, test fakes). */
async function attempt<T>(fn: () => Promise<T> | T, fallback: T): Promise<T> {
  try {
    return await fn();
  } catch {
    return fallback;
  }
}
/** Register a listener on an API that may be missing or unimplemented (test fakes) without failing. */
function listen(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    console.warn('[patient-context] listener not registered', (e as Error)?.message);
  }
}

async function refreshGrantedOrigins(): Promise<string[]> {
  const all = await attempt(() => browser.permissions.getAll(), { origins: [] as string[] });
  grantedOrigins = (all.origins ?? []).filter((o) => !BUILT_IN_ORIGINS.includes(o));
  return grantedOrigins;
}

/** Synchronous when the granted origins are cached (keeps the user gesture for sidePanel.open). */
export function isOriginEnabledSync(url: string | undefined): boolean | undefined {
  if (!url) return false;
  if ([...BUILT_IN_ORIGINS].some((p) => urlMatchesPattern(p, url))) return true;
  if (!grantedOrigins) return undefined;
  return grantedOrigins.some((p) => urlMatchesPattern(p, url));
}

export async function isOriginEnabled(url: string | undefined): Promise<boolean> {
  const sync = isOriginEnabledSync(url);
  if (sync !== undefined) return sync;
  await refreshGrantedOrigins();
  return !!isOriginEnabledSync(url);
}

/** Register (or update, or remove) the content script for every granted origin. */
export async function syncContentScripts(): Promise<string[]> {
  const origins = await refreshGrantedOrigins();
  const scripting = browser.scripting;
  if (!scripting?.registerContentScripts) return origins;
  const existing = await attempt(() => scripting.getRegisteredContentScripts({ ids: [CONTENT_SCRIPT_ID] }), []);
  if (!origins.length) {
    if (existing.length) await scripting.unregisterContentScripts({ ids: [CONTENT_SCRIPT_ID] });
    return origins;
  }
  const script = { id: CONTENT_SCRIPT_ID, matches: origins, js: [CONTENT_SCRIPT_FILE], runAt: 'document_idle' as const, persistAcrossSessions: true };
  await (existing.length ? scripting.updateContentScripts([script]) : scripting.registerContentScripts([script]));
  return origins;
}

// ---------------------------------------------------------------- adapters

/** Validate (zod) and compile every adapter source, and publish them for content scripts. */
export async function publishAdapters(): Promise<HostAdapter[]> {
  const valid = (list: unknown[], source: string): HostAdapter[] =>
    list.flatMap((a) => {
      const r = HostAdapterSchema.safeParse(a);
      if (!r.success) console.warn(`[patient-context] ignoring invalid ${source} adapter`, r.error.issues[0]);
      return r.success ? [r.data as HostAdapter] : [];
    });
  let managed: unknown[] = [];
  try {
    // `hostAdapters` (array, public/managed_schema.json) or `hostAdaptersJson` (the same as a JSON string).
    const m = await browser.storage.managed.get(['hostAdapters', 'hostAdaptersJson']);
    const parsed = typeof m.hostAdaptersJson === 'string' ? JSON.parse(m.hostAdaptersJson) : [];
    managed = [...(Array.isArray(m.hostAdapters) ? m.hostAdapters : []), ...(Array.isArray(parsed) ? parsed : [parsed])];
  } catch {
    /* no policy, or storage.managed unavailable (Firefox without a policy, tests) */
  }
  const custom = await customAdaptersItem.get();
  const adapters = [...valid(managed, 'managed'), ...valid(Array.isArray(custom) ? custom : [], 'custom'), ...valid([...BUILTIN_ADAPTERS], 'built-in')];
  // First adapter with a given id wins: policy over options page over built-in.
  const unique = adapters.filter((a, i) => adapters.findIndex((b) => b.id === a.id) === i);
  await activeAdaptersItem.set(unique.map(compileAdapter));
  return unique;
}

/** Save administrator adapters from the options page (validated first). */
export async function saveCustomAdapters(json: unknown[]): Promise<PatientReply> {
  const r = validateAdapters(json);
  if (!r.ok) return r;
  await customAdaptersItem.set(r.adapters);
  return { ok: true };
}

/** What the options page shows: built-in adapters and the ones an administrator added. */
export async function adaptersView(): Promise<AdaptersView> {
  const custom = await customAdaptersItem.get();
  const names = (Array.isArray(custom) ? custom : []).flatMap((a) => (typeof a?.name === 'string' ? [a.name as string] : []));
  return { builtIn: BUILTIN_ADAPTERS.map((a) => a.name), custom: names };
}

/** `patient/save-adapters`: validate the administrator's JSON here, save it, or say what is wrong. */
export async function saveAdapterJson(json: string): Promise<AdaptersView> {
  const r = parseAdapterJson(json);
  if (!r.ok) throw new ProtocolError('invalid-settings', `Adapter not saved: ${r.error}`);
  await customAdaptersItem.set(r.adapters);
  return adaptersView();
}

// ---------------------------------------------------------------- per-tab state

const queues = new Map<number, Promise<unknown>>();
/** Serialise read-modify-write of one tab's state. */
function perTab<T>(tabId: number, fn: () => Promise<T>): Promise<T> {
  const next = (queues.get(tabId) ?? Promise.resolve()).then(fn, fn);
  queues.set(
    tabId,
    next.catch(() => undefined),
  );
  return next;
}

export async function getTabPatientState(tabId: number): Promise<TabPatientState | undefined> {
  return tabStateItem(tabId).get();
}

async function putTabState(state: TabPatientState) {
  await tabStateItem(state.tabId).set(state);
}

type BindingListener = (binding: DraftBinding) => Promise<void> | void;
const bindingListeners: BindingListener[] = [];

/**
 * Told when a tab's draft binding is made or its lock changes (the referral feature writes the
 * draft's `lockedReason` from it: the background is the only writer of the lock).
 */
export function onDraftBinding(listener: BindingListener): void {
  bindingListeners.push(listener);
}

async function tellBinding(prev: DraftBinding | undefined, next: DraftBinding | undefined): Promise<void> {
  if (!next || (prev && prev.locked === next.locked && prev.openedAt === next.openedAt && prev.warning === next.warning)) return;
  for (const listener of bindingListeners) await attempt(() => listener(next), undefined);
}

export function recordReport(tabId: number, report: PatientContextReport, now = Date.now()): Promise<TabPatientState> {
  return perTab(tabId, async () => {
    const prev = await getTabPatientState(tabId);
    const state: TabPatientState = { tabId, report, updatedAt: now };
    if (prev?.draft) state.draft = applyReportToDraft(prev.draft, report, now);
    await putTabState(state);
    await tellBinding(prev?.draft, state.draft);
    return state;
  });
}

/**
 * Ask the tab's content script (top frame) to read the page now, record what it says (the draft
 * binding follows it) and return it; undefined when the page cannot answer. The submit guard uses
 * this, never the cached report: the page may have changed since its last report.
 */
export async function readTabNow(tabId: number | undefined): Promise<PatientContextReport | undefined> {
  if (tabId === undefined) return undefined;
  const answer = await attempt(() => browser.tabs.sendMessage(tabId, { type: READ_NOW }, { frameId: 0 }) as Promise<unknown>, undefined);
  const parsed = PatientContextReportSchema.safeParse(answer);
  if (!parsed.success) return undefined;
  await recordReport(tabId, parsed.data);
  return parsed.data;
}

/** Bind a (new) draft to the patient the tab shows, unless an unlocked draft for them is open. */
export function bindDraftToTab(tabId: number, report?: PatientContextReport, now = Date.now()): Promise<TabPatientState | undefined> {
  return perTab(tabId, async () => {
    const prev = await getTabPatientState(tabId);
    const current = report ?? prev?.report;
    if (!current) return prev;
    // Refer binds to the page as it is now: an open binding is kept only if every identity field agrees.
    const keep = prev?.draft && !prev.draft.locked && !!current.patient && identityDifferences(prev.draft, current.patient).length === 0;
    const state: TabPatientState = { tabId, report: current, updatedAt: now };
    const draft = keep ? prev!.draft : bindDraft(current, now);
    if (draft) state.draft = draft;
    await putTabState(state);
    if (!keep) await tellBinding(undefined, draft);
    return state;
  });
}

// ---------------------------------------------------------------- opening the panel

/**
 * Open the side panel (Chrome/Edge) or sidebar (Firefox) for a tab. Must run synchronously inside
 * the user-action handler: no await before this call.
 */
export function openPanelNow(tab: { id?: number; windowId?: number }): Promise<void> {
  const b = browser as unknown as {
    sidePanel?: { open(o: { tabId?: number; windowId?: number }): Promise<void> };
    sidebarAction?: { open(): Promise<void> };
  };
  try {
    if (b.sidePanel?.open) return b.sidePanel.open(tab.id != null ? { tabId: tab.id } : { windowId: tab.windowId });
    // Firefox: sidebarAction.open only works inside a user input handler. The context menu and the
    // keyboard command are one; the Refer button's click, relayed by runtime.sendMessage from the
    // content script, is not ("sidebarAction.open may only be called from a user input handler").
    // Then open the same panel page for this tab in a small window of its own.
    if (b.sidebarAction?.open) {
      let opening: Promise<void>;
      try {
        opening = b.sidebarAction.open();
      } catch (e) {
        opening = Promise.reject(e);
      }
      return opening.catch(() => openPanelWindow(tab));
    }
  } catch (e) {
    return Promise.reject(e);
  }
  return Promise.reject(new Error('This browser has no side panel API'));
}

/** The panel page for one tab (`?tabId=`) in a popup window: Firefox when the sidebar is refused. */
export async function openPanelWindow(tab: { id?: number }): Promise<void> {
  const url = browser.runtime.getURL(`/sidepanel.html${tab.id != null ? `?tabId=${tab.id}` : ''}` as '/sidepanel.html');
  await browser.windows.create({ url, type: 'popup', width: 440, height: 900 });
}

async function afterOpen(tab: { id?: number; windowId?: number }, via: PanelRequest['via'], report?: PatientContextReport): Promise<void> {
  if (tab.id == null) return;
  const state = await bindDraftToTab(tab.id, report);
  const request: PanelRequest = { tabId: tab.id, windowId: tab.windowId, at: Date.now(), via };
  if (state?.draft && !state.draft.locked) request.nhsNumber = state.draft.nhsNumber;
  await panelRequestItem.set(request);
}

/** Context menu and keyboard command: open the panel on the tab's current patient in one action. */
export function referFromTab(tab: { id?: number; windowId?: number } | undefined, via: 'context-menu' | 'command'): Promise<void> {
  if (!tab) return Promise.resolve();
  const opened = openPanelNow(tab).catch((e) => console.warn('[patient-context] could not open the panel', e));
  return Promise.all([opened, afterOpen(tab, via)]).then(() => undefined);
}

// ---------------------------------------------------------------- messages from content scripts

const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid:';
  }
};

/** A report must describe the page that sent it (checked before the panel opens). */
function checkReportSource(context: Pick<PatientContextReport, 'source'>, ctx: HandlerContext): void {
  const url = ctx.sender.url;
  if (!url || originOf(context.source.url) !== originOf(url))
    throw new ProtocolError('forbidden-sender', 'The report does not describe the page that sent it.');
}

/**
 * `patient-context` and `open-panel` are ordinary catalogue messages: the router checks the sender
 * (this extension, a tab's top frame, an enabled origin, matching origin) and the schema. Opening the
 * panel is the synchronous step the router runs before any await, inside the Refer click.
 */
function registerPatientMessages(): void {
  router.configure({
    sender: {
      isOriginEnabledSync: (origin) => isOriginEnabledSync(`${origin}/`),
      isOriginEnabled: (origin) => isOriginEnabled(`${origin}/`),
    },
  });
  registerHandler('patient/adapters', () => adaptersView());
  registerHandler('patient/save-adapters', (m) => saveAdapterJson(m.json));
  // Parsing is pure and cheap; it answers the page's own read and records nothing.
  registerHandler(
    'patient/parse',
    (m) => parsePageRead(m.read),
    (m, ctx) => checkReportSource(m.read, ctx),
  );
  registerHandler(
    'patient-context',
    async (m, ctx) => {
      await recordReport(ctx.sender.tab!.id!, m.context);
      return {};
    },
    (m, ctx) => checkReportSource(m.context, ctx),
  );
  registerHandler(
    'open-panel',
    async (m, ctx) => {
      const tab = ctx.sender.tab!;
      await recordReport(tab.id!, m.context);
      await afterOpen(tab, 'refer-button', m.context);
      const failed = await (ctx.early as Promise<unknown>);
      if (failed) throw new ProtocolError('panel-unavailable', 'The side panel could not be opened.');
      return {};
    },
    (m, ctx) => {
      checkReportSource(m.context, ctx);
      // Synchronously, while the click's user gesture is still valid. Resolves to the failure, if any.
      return openPanelNow(ctx.sender.tab!).then(
        () => undefined,
        (e: unknown) => {
          console.warn('[patient-context] could not open the panel', (e as Error)?.message);
          return e ?? new Error('no panel');
        },
      );
    },
  );
}

// ---------------------------------------------------------------- registration

let registered = false;

export function registerPatientContext(): void {
  if (registered) return;
  registered = true;
  void refreshGrantedOrigins();
  void publishAdapters().catch((e) => console.warn('[patient-context] adapters', e));

  registerPatientMessages();

  const setup = () => {
    void publishAdapters().catch((e) => console.warn('[patient-context] adapters', e));
    void syncContentScripts().catch((e) => console.warn('[patient-context] content scripts', e));
  };
  listen(() =>
    browser.runtime.onInstalled.addListener(() => {
      setup();
      void attempt(async () => {
        await browser.contextMenus.removeAll();
        browser.contextMenus.create({ id: MENU_ID, title: 'Refer this patient with e-RS', contexts: ['page', 'selection', 'link'] });
      }, undefined);
    }),
  );
  listen(() => browser.runtime.onStartup.addListener(setup));
  listen(() =>
    browser.contextMenus.onClicked.addListener((info, tab) => {
      if (info.menuItemId === MENU_ID) void referFromTab(tab, 'context-menu');
    }),
  );
  listen(() =>
    browser.commands.onCommand.addListener((command: string, tab?: { id?: number; windowId?: number }) => {
      if (command === COMMAND_NAME) void referFromTab(tab, 'command');
    }),
  );
  listen(() => browser.permissions.onAdded.addListener(() => void syncContentScripts()));
  listen(() => browser.permissions.onRemoved.addListener(() => void syncContentScripts()));
  listen(() =>
    browser.storage.onChanged.addListener((changes, area) => {
      if ((area === 'local' && customAdaptersItem.key in changes) || area === 'managed') void publishAdapters();
    }),
  );
  listen(() => browser.tabs.onRemoved.addListener((tabId) => void tabStateItem(tabId).remove()));
}

/** For tests: allow registering again after fakeBrowser.reset(). */
export function resetPatientContextForTests(): void {
  registered = false;
  grantedOrigins = undefined;
  queues.clear();
}
