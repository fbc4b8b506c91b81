// The side panel's PanelApi over the extension: protocol messages to the background, patient
// context from storage.session (written by the background for each tab), and change events.
import { browser } from 'wxt/browser';
import type { TabPatientState } from '../patient/background';
import { panelRequestItem, tabStateItem } from '../storage';
import type { SessionView } from '../session/state';
import type { PatientContextReport } from '../patient/types';
import { onBackgroundEvent, sendMessage } from '../messaging/client';
import type { PanelApi, PanelSession } from './panel-api';

function toPanelSession(view: SessionView): PanelSession {
  return {
    state: view.status,
    flavour: view.flavour,
    environment: view.environment,
    userName: view.user?.name,
    userId: view.user?.id,
    businessFunction: view.role?.businessFunction,
    ods: view.role?.ods,
    orgName: view.role?.orgName,
    roles: view.roles,
    notice: view.notice,
    smartcardSource: view.smartcardSource,
  };
}

/** Which clinical tab this panel serves: `?tabId=` when opened as a page, else the window's active tab. */
async function resolveTabId(): Promise<number | undefined> {
  const param = new URL(location.href).searchParams.get('tabId');
  if (param && /^\d+$/.test(param)) return Number(param);
  const [active] = await browser.tabs.query({ active: true, currentWindow: true });
  if (active?.id !== undefined && !active.url?.startsWith(browser.runtime.getURL('/'))) return active.id;
  const request = await panelRequestItem.get();
  return request?.tabId;
}

export function browserPanelApi(): PanelApi {
  let tabId: number | undefined;
  const tab = async () => (tabId ??= await resolveTabId());
  return {
    session: async () => toPanelSession(await sendMessage('session/get')),
    async patientContext() {
      const id = await tab();
      if (id === undefined) return {};
      const state = await tabStateItem(id).get();
      return { report: state?.report, tabId: id };
    },
    onPatientContext(listener) {
      const onChange = (changes: Record<string, { newValue?: unknown }>, area: string) => {
        if (area !== 'session' || tabId === undefined) return;
        const change = changes[tabStateItem(tabId).key];
        if (change) listener((change.newValue as TabPatientState | undefined)?.report as PatientContextReport | undefined);
      };
      browser.storage.onChanged.addListener(onChange);
      return () => browser.storage.onChanged.removeListener(onChange);
    },
    onSessionChanged(listener) {
      return onBackgroundEvent('session/changed', () => listener());
    },
    referenceData: () => sendMessage('ers/reference'),
    search: (input) => sendMessage('ers/search', { input: input as never }),
    async submit(draftId, forTab) {
      await sendMessage('referral/submit', { draftId, tabId: forTab ?? (await tab()) });
    },
    async resume(draftId, forTab) {
      await sendMessage('referral/resume', { draftId, tabId: forTab ?? (await tab()) });
    },
    async reconcile(draftId, action) {
      await sendMessage('referral/reconcile', { draftId, action, tabId: await tab() });
    },
    async completeLetter(draftId) {
      await sendMessage('referral/complete-letter', { draftId });
    },
    onDraftChanged(listener) {
      return onBackgroundEvent('referral/changed', (e) => listener(e.draftId));
    },
    preferences: () => sendMessage('referral/preferences'),
    async rememberSearch(prefs) {
      await sendMessage('referral/remember-search', prefs as never);
    },
    async signIn(card) {
      await sendMessage('session/sign-in', card ? { smartcard: { card } } : undefined);
    },
    async selectRole(role) {
      await sendMessage('session/select-role', { role });
    },
  };
}
