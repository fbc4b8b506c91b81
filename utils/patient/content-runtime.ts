// Content-script runtime: wires the pure reader, the change detector and the Refer button to the
// extension. Dependencies are injected (window, messaging, adapter source) so it runs under
// happy-dom. Must stay tiny: no zod, no preact, no WXT content-script context.
import type { Reply } from '../messaging/errors';
import type { PatientContentMessage } from './messages';
import { q } from './adapter-page';
import { findActiveAdapter, readPage } from './read';
import { createReferButton, REFER_HOST_TAG, type ReferButton } from './refer-button';
import type { ActiveAdapter, PageRead, ParsedRead, PatientContextReport } from './types';
import { watchPatientContext, type PatientWatcher } from './watcher';

/** Background → content script (top frame): read the page now and answer with the report. */
export const READ_NOW = 'patient/read-now';

export interface ContentRuntimeDeps {
  win: Window;
  /** The router's one reply shape: `{ ok: true, data } | { ok: false, error: { code, message } }`. */
  send(msg: PatientContentMessage): Promise<Reply<unknown> | undefined>;
  /** The background's parse of what the page shows (the `patient/parse` message). */
  parse(read: PageRead): Promise<ParsedRead | undefined>;
  loadAdapters(): Promise<unknown>;
  onAdaptersChanged?(cb: () => void): void;
  /** Register the answer to the background's "read the page now" (before a submit). */
  onReadRequest?(read: () => Promise<PatientContextReport>): void;
  delayMs?: number;
}

export interface ContentRuntime {
  watcher: PatientWatcher;
  button: ReferButton;
  stop(): void;
}

/** Plain English for the Refer button when the panel did not open (the background sends codes only). */
export function openFailure(code: string | undefined): string {
  return `Could not open the panel${
    code === 'panel-unavailable'
      ? '. Open it from the toolbar button or the right-click menu.'
      : `: the extension ${code === 'forbidden-sender' ? 'is not enabled on this page.' : 'did not answer. Reload the page and try again.'}`
  }`;
}

export async function startContentRuntime(deps: ContentRuntimeDeps): Promise<ContentRuntime> {
  const { win } = deps;
  const doc = win.document;
  let adapters: ActiveAdapter[] = [];
  const load = async () => {
    const got = await deps.loadAdapters().catch(() => []);
    adapters = Array.isArray(got) ? got : [];
  };
  await load();

  const adapter = () => findActiveAdapter(adapters, win.location.href);
  // No answer (the extension reloaded, the worker failed) reads as a failure without a code.
  const send = (msg: PatientContentMessage): Promise<Reply<unknown> | undefined> => deps.send(msg).catch(() => undefined);
  const button = createReferButton(doc, () => {
    // Synchronous, inside the click (the panel opens on the user's gesture): the page as last read
    // when nothing has changed since, otherwise "still changing".
    const context = watcher.now();
    void send({ type: 'open-panel', context }).then((r) => button.setMessage(r?.ok ? '' : openFailure(r?.error.code)));
  });
  const publish = (report: PatientContextReport) => {
    button.update(report, q(doc, adapter()?.buttonAnchor));
    void send({ type: 'patient-context', context: report });
  };
  const watcher = watchPatientContext({
    win,
    read: () => readPage(doc, win.location.href, adapters),
    parse: deps.parse,
    onChange: publish,
    // The app rendered the record again and took the button with it (it was inside the anchor).
    onSame: (report) => report.patient && !button.host.isConnected && button.update(report, q(doc, adapter()?.buttonAnchor)),
    watch: () => adapter()?.watch,
    ignore: (n) => (n as Element).localName === REFER_HOST_TAG,
    delayMs: deps.delayMs,
  });
  // The first reading is published by the watcher once it has settled (nothing is shown before).
  deps.onAdaptersChanged?.(() => void load().then(() => watcher.flush()));
  // A fresh read (not the last report): still-changing pages answer "no patient".
  deps.onReadRequest?.(() => watcher.flush());
  return { watcher, button, stop: () => (watcher.stop(), button.remove()) };
}
