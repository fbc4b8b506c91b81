// Change detector for single-page apps: URL changes and DOM mutations, throttled, with bounded
// work per mutation burst. It only reads the DOM; nothing the page sends (postMessage, custom
// events) is listened to, so the page cannot spoof a patient except by what it renders.
//
// Stable reads only: a new reading is published only once it has read the same across a settle
// window (SETTLE_MS; SWITCH_SETTLE_MS when the NHS number changed, so a banner that fills in its
// details a second later is never published half-updated). Until then the patient shown before is
// withdrawn at once ("still changing"), so neither the Refer button nor the background holds it.
//
// A read has two halves: the page side (sync, here) and the parse (async, in the background). Reads
// run one at a time, in order; the settle rules apply to the parsed reports.
import { reportKey, type PageReading } from './read';
import type { ParsedRead, PatientContextReport } from './types';

export const WATCH_DELAY_MS = 200;
/** A reading must stay the same this long before it is published. */
export const SETTLE_MS = 150;
/** …and this long when it shows another NHS number than the last patient published. */
export const SWITCH_SETTLE_MS = 1500;
/** How often the identity block's text is fingerprinted (backstop for changes no observer sees, e.g. in frames). */
export const FINGERPRINT_MS = 1000;

export const UNSETTLED = 'The record is still changing';
/** What is reported while the page is changing: no patient. */
export const unsettled = (r: PatientContextReport): PatientContextReport => ({
  status: 'none',
  confidence: 0,
  reason: UNSETTLED,
  source: r.source,
  observedAt: r.observedAt,
});

/** Cheap fingerprint of an element's text and classes (FNV-1a over at most 4,000 characters). */
export function fingerprint(el: Element | undefined): number {
  if (!el?.isConnected) return 0;
  const s = `${el.className}|${(el.textContent ?? '').slice(0, 4000)}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0 || 1;
}
/** Most mutation records inspected per burst; beyond this we simply re-read once. */
export const MAX_RECORDS_PER_BURST = 200;

export interface PatientWatcherOptions {
  win: Window;
  read: () => PageReading;
  /** The background's parse of a read (undefined when it did not answer). */
  parse: (read: PageReading['read']) => Promise<ParsedRead | undefined>;
  onChange: (report: PatientContextReport) => void;
  /** A read found the report already published (the page rendered it again): e.g. put the Refer button back. */
  onSame?: (report: PatientContextReport) => void;
  /** CSS selectors whose subtree can change the patient (adapter `watch`); undefined = anywhere. */
  watch?: () => readonly string[] | undefined;
  /** Nodes we own (the Refer button host): their mutations never trigger a read. */
  ignore?: (node: Node) => boolean;
  delayMs?: number;
}

export interface PatientWatcher {
  current(): PatientContextReport;
  /**
   * What the page shows now, synchronously (the Refer click must not wait): the current report
   * when nothing has changed since it was read, otherwise "still changing" (and a read is due).
   */
  now(): PatientContextReport;
  /** Read now (skipping the delay) and return the current report. */
  flush(): Promise<PatientContextReport>;
  stop(): void;
  /** Reads done so far (tests and the churn benchmark). */
  readonly reads: number;
}

/** A read's identity for reusing its parse: everything but the time it was taken. */
const readKeyOf = (read: PageReading['read']) => JSON.stringify({ ...read, observedAt: 0 });

/** Why there is no report when the background did not answer a parse. */
export const NO_ANSWER = 'The extension did not answer';
/** How long after an unanswered parse the page is read again. */
export const RETRY_MS = 1000;

export function watchPatientContext(opts: PatientWatcherOptions): PatientWatcher {
  const { win, ignore = () => false } = opts;
  // Nothing is published before the first reading has settled: until then "still changing".
  let current: PatientContextReport = {
    status: 'none',
    confidence: 0,
    reason: UNSETTLED,
    source: { adapterId: 'generic', url: win.location.href.slice(0, 2048), title: '' },
    observedAt: Date.now(),
  };
  let key = reportKey(current);
  // The reading waiting to settle (its key) and since when it has read the same.
  let candidate: string | undefined;
  let since = Date.now();
  let lastNhs: string | undefined;
  let block: Element | undefined;
  let print = 0;
  let href = win.location.href;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let confirm: ReturnType<typeof setTimeout> | undefined;
  let busy = 0; // reads started and not yet parsed
  let queue: Promise<PatientContextReport> = Promise.resolve(current);
  let reads = 0;
  let idle = 0; // reads in a row that found no change: back off (200, 400, 800, 1600 ms) under churn
  let lastRead: string | undefined; // the last read parsed (its time left out), and its parse
  let lastParsed: ParsedRead | undefined;

  /** The identity block the current report was read from, and its fingerprint for the Refer click's check. */
  const holdBlock = (b: Element | undefined) => {
    block = b;
    print = fingerprint(b);
  };
  const settleFor = (r: PatientContextReport) => (r.status === 'single' && lastNhs && r.patient!.nhsNumber !== lastNhs ? SWITCH_SETTLE_MS : SETTLE_MS);
  const later = (ms: number) => {
    clearTimeout(confirm);
    confirm = setTimeout(flush, ms);
  };
  const publish = (r: PatientContextReport) => {
    current = r;
    key = reportKey(r);
    opts.onChange(r);
  };
  const step = async (): Promise<PatientContextReport> => {
    clearTimeout(timer);
    clearTimeout(confirm);
    timer = confirm = undefined;
    href = win.location.href;
    reads++;
    const { read, chain } = opts.read();
    observe();
    // The parse is a pure function of the read (utils/patient/parse.ts): a read the same as the last
    // one but for its time is not sent again, so a page re-rendering the same record sends nothing.
    const readKey = readKeyOf(read);
    const parsed =
      readKey === lastRead && lastParsed
        ? { ...lastParsed, report: { ...lastParsed.report, observedAt: read.observedAt } }
        : await opts.parse(read).catch(() => undefined);
    if (parsed) (lastRead = readKey), (lastParsed = parsed);
    if (stopped) return current;
    if (!parsed) {
      // No answer (the worker restarting): withdraw the patient and read again shortly.
      const r: PatientContextReport = { status: 'none', confidence: 0, reason: NO_ANSWER, source: read.source, observedAt: read.observedAt };
      if (current.status === 'single') publish(unsettled(r));
      later(RETRY_MS);
      return unsettled(r);
    }
    const r = parsed.report;
    const b = r.status === 'single' ? chain[parsed.level ?? 0] : undefined;
    const k = reportKey(r);
    if (k === key) {
      idle++;
      candidate = undefined;
      // The same patient, perhaps in new elements (an app that renders the banner again): the
      // Refer click's check (now()) fingerprints the block as it is now, not the one replaced.
      if (r.status === 'single') holdBlock(b);
      opts.onSame?.(current);
      return current;
    }
    idle = 0;
    const now = Date.now();
    if (candidate !== k) (candidate = k), (since = now);
    const wait = settleFor(r) - (now - since);
    if (wait > 0) {
      // Changing: withdraw the patient shown so far at once, and look again when the window ends.
      if (current.status === 'single') publish(unsettled(r));
      later(wait);
      return unsettled(r);
    }
    candidate = undefined;
    if (r.status === 'single') lastNhs = r.patient!.nhsNumber;
    holdBlock(b);
    publish(r);
    return r;
  };
  const flush = (): Promise<PatientContextReport> => {
    busy++;
    const next = queue.then(step, step).finally(() => busy--);
    queue = next;
    return next;
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
      // Any attribute (class, hidden, aria-…, data-…) on the identity block, inside it or around it:
      // a tab switch may only toggle a class on a container.
      if (r.type === 'attributes') {
        const t = r.target as Element;
        if (sels ? touches(t, sels, true) : !block || t.contains(block) || block.contains(t)) return true;
        continue;
      }
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
    if (!stopped)
      observer.observe(win.document.documentElement, {
        childList: true,
        subtree: true,
        characterData: true,
        attributes: true,
      });
  };
  const observer = new (win as unknown as typeof globalThis).MutationObserver((records) => {
    if (timer === undefined && relevant(records)) {
      schedule();
      observer.disconnect();
    }
  });
  observe();
  // Backstop: the block's text and classes changed without a mutation we saw (a frame, a missed burst).
  const poll = setInterval(() => {
    if (timer === undefined && confirm === undefined && current.status === 'single' && fingerprint(block) !== print) schedule();
  }, FINGERPRINT_MS);
  void flush();
  const nav = (win as unknown as { navigation?: EventTarget }).navigation;
  const listen = (how: 'addEventListener' | 'removeEventListener') => {
    for (const [t, type] of [
      [win, 'hashchange'],
      [win, 'popstate'],
      [nav, 'currententrychange'],
    ] as const)
      t?.[how](type, schedule);
  };
  listen('addEventListener');

  return {
    current: () => current,
    now: () => {
      if (timer === undefined && confirm === undefined && !busy && (current.status !== 'single' || fingerprint(block) === print)) return current;
      // Changed since the last read, or a read is due: read the page now (sync). The same read as
      // the one behind the current report (the app rendered the same record again) keeps it.
      if (current.status === 'single' && !busy && candidate === undefined && lastParsed && reportKey(lastParsed.report) === key) {
        const { read, chain } = opts.read();
        if (readKeyOf(read) === lastRead) {
          holdBlock(chain[lastParsed.level ?? 0]);
          return current;
        }
      }
      schedule();
      return unsettled(current);
    },
    flush,
    stop: () => {
      stopped = true;
      observer.disconnect();
      clearTimeout(timer);
      clearTimeout(confirm);
      clearInterval(poll);
      timer = 0 as never; // never schedule again
      listen('removeEventListener');
    },
    get reads() {
      return reads;
    },
  };
}
