// Change detector for single-page apps: URL changes and DOM mutations, throttled, with bounded
// work per mutation burst. It only reads the DOM; nothing the page sends (postMessage, custom
// events) is listened to, so the page cannot spoof a patient except by what it renders.
import { reportKey } from './read';
import type { PatientContextReport } from './types';

export const WATCH_DELAY_MS = 200;
/** Most mutation records inspected per burst; beyond this we simply re-read once. */
export const MAX_RECORDS_PER_BURST = 200;

export interface PatientWatcherOptions {
  win: Window;
  read: () => PatientContextReport;
  onChange: (report: PatientContextReport) => void;
  /** CSS selectors whose subtree can change the patient (adapter `watch`); undefined = anywhere. */
  watch?: () => readonly string[] | undefined;
  /** Nodes we own (the Refer button host): their mutations never trigger a read. */
  ignore?: (node: Node) => boolean;
  delayMs?: number;
}

export interface PatientWatcher {
  current(): PatientContextReport;
  /** Read now (skipping the delay) and return the current report. */
  flush(): PatientContextReport;
  stop(): void;
  /** Reads done so far (tests and the churn benchmark). */
  readonly reads: number;
}

export function watchPatientContext(opts: PatientWatcherOptions): PatientWatcher {
  const { win, ignore = () => false } = opts;
  let current = opts.read();
  let key = reportKey(current);
  let href = win.location.href;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let reads = 1;
  let idle = 0; // reads in a row that found no change: back off (200, 400, 800, 1600 ms) under churn

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    href = win.location.href;
    reads++;
    current = opts.read();
    observe();
    const k = reportKey(current);
    if (k === key) idle++;
    else {
      idle = 0;
      key = k;
      opts.onChange(current);
    }
    return current;
  };
  const schedule = (e?: Event) => {
    if (e) idle = 0; // navigation events: read promptly
    timer ??= setTimeout(flush, (opts.delayMs ?? WATCH_DELAY_MS) << Math.min(idle, 3));
  };
  /** Is this node inside a watched container (`deep`: or does it contain one)? Bad selectors count as yes. */
  const touches = (node: Node, sels: string, deep?: boolean): boolean => {
    const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
    try {
      return !!el && (!!el.closest(sels) || (!!deep && el === node && !!el.querySelector(sels)));
    } catch {
      return true;
    }
  };
  const relevant = (records: MutationRecord[]): boolean => {
    if (win.location.href !== href) return !(idle = 0);
    if (records.length > MAX_RECORDS_PER_BURST) return true;
    const sels = opts.watch?.()?.join(',');
    for (const r of records) {
      const nodes = [r.target, ...r.addedNodes, ...r.removedNodes];
      if (nodes.some(ignore)) continue;
      if (!sels || touches(r.target, sels) || [...r.addedNodes].some((n) => touches(n, sels, true))) return true;
      // The watched container itself went away (removed with an ancestor).
      if (r.removedNodes.length && current.status !== 'none' && !touches(win.document.documentElement, sels, true)) return true;
    }
    return false;
  };

  // While a read is due the observer is disconnected: that read sees every change made meanwhile,
  // and a page changing 1,000 times a second makes the browser build no mutation records for us.
  let stopped = false;
  const observe = () => {
    if (!stopped) observer.observe(win.document.documentElement, {
      childList: true, subtree: true, characterData: true, attributes: true,
      attributeFilter: ['data-nhs', 'data-record', 'data-patient-banner', 'hidden'],
    });
  };
  const observer = new (win as unknown as typeof globalThis).MutationObserver((records) => {
    if (timer === undefined && relevant(records)) {
      schedule();
      observer.disconnect();
    }
  });
  observe();
  const nav = (win as unknown as { navigation?: EventTarget }).navigation;
  const targets: [EventTarget | undefined, string][] = [[win, 'hashchange'], [win, 'popstate'], [nav, 'currententrychange']];
  for (const [t, type] of targets) t?.addEventListener(type, schedule);

  return {
    current: () => current,
    flush,
    stop: () => {
      stopped = true;
      observer.disconnect();
      clearTimeout(timer);
      timer = 0 as never; // never schedule again
      for (const [t, type] of targets) t?.removeEventListener(type, schedule);
    },
    get reads() {
      return reads;
    },
  };
}
