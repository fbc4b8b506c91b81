// Content script: reads the patient shown by the host clinical page, reports it to the background
// and shows the Refer button. Listed in the manifest for the local demo (wxt.config.ts) and
// registered at runtime for origins the user or policy enables (utils/patient/background.ts).
//
// An *unlisted* script on purpose: WXT's content-script wrapper (ContentScriptContext) adds ~3.6 KB,
// a 1 s location poll, and listens for a page-dispatchable `wxt:content-script-started` event (a page
// could invalidate it). This script uses none of that and has a byte budget (README: 16 KB) with a
// page-proof surface.
import { browser } from 'wxt/browser';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { READ_NOW, startContentRuntime } from '../utils/patient/content-runtime';
import { ACTIVE_ADAPTERS_KEY } from '../utils/storage';
import type { Reply } from '../utils/messaging/errors';
import type { ParsedRead } from '../utils/patient/types';

export default defineUnlistedScript(() => {
  // Injected twice (manifest + scripting.executeScript right after a grant)? Run once per frame.
  const w = window as unknown as { __ersPatientContext?: boolean };
  if (w.__ersPatientContext || !browser.runtime?.id) return;
  w.__ersPatientContext = true;
  void startContentRuntime({
    win: window,
    send: (msg) => browser.runtime.sendMessage(msg) as Promise<Reply<unknown> | undefined>,
    parse: async (read) => {
      const r = (await browser.runtime.sendMessage({ type: 'patient/parse', read })) as Reply<ParsedRead> | undefined;
      return r?.ok ? r.data : undefined;
    },
    loadAdapters: async () => (await browser.storage.local.get(ACTIVE_ADAPTERS_KEY))[ACTIVE_ADAPTERS_KEY],
    onAdaptersChanged: (cb) => browser.storage.onChanged.addListener((c, area) => area === 'local' && ACTIVE_ADAPTERS_KEY in c && cb()),
    // Only the extension can send runtime messages to a content script; pages cannot.
    onReadRequest: (read) =>
      browser.runtime.onMessage.addListener((m: unknown, _s: unknown, reply: (r: unknown) => void) => {
        if ((m as { type?: string })?.type !== READ_NOW) return undefined;
        void read().then(reply);
        return true; // the answer comes after the background's parse
      }),
  });
});
