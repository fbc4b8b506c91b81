// Entry point of the reading pipeline in the page: pick the adapter for the URL, or fall back to
// the generic reader, and read what the page shows (a PageRead) for the background to parse
// (parse.ts, in the background). Never throws: a hostile page or a broken adapter yields a "none" verdict.
import { adapterUrlKey } from './compile';
import { q, readAdapterPage } from './adapter-page';
import { cleanText } from './page-text';
import { collectLines, readPageLines } from './generic-page';
import type { ActiveAdapter, PageRead, PatientContextReport } from './types';

export function findActiveAdapter(adapters: readonly ActiveAdapter[], url: string): ActiveAdapter | undefined {
  const key = adapterUrlKey(url);
  return adapters.find((a) => {
    try {
      return new RegExp(a.urlRe).test(key);
    } catch {
      return false;
    }
  });
}

export const reportBase = (doc: Document, url: string, adapterId: string, observedAt: number) => ({
  source: { adapterId, url: url.slice(0, 2048), title: cleanText(doc.title).slice(0, 200) },
  observedAt,
});

/**
 * One read of the page: what it shows, and the chain of containers the identity block can be
 * (level 0 first; the parse says which level it was). The watcher fingerprints that element.
 */
export interface PageReading {
  read: PageRead;
  chain: Element[];
}

export function readPage(doc: Document, url: string, adapters: readonly ActiveAdapter[], now = Date.now()): PageReading {
  try {
    const a = findActiveAdapter(adapters, url);
    if (a) {
      const r = readAdapterPage(a, doc);
      const open = r.kind === 'adapter' && q(doc, a.recordOpen.selector);
      return { read: { ...r, ...reportBase(doc, url, a.id, now) }, chain: open ? [open] : [] };
    }
    const { read, chain } = readPageLines(collectLines(doc, true));
    return { read: { ...read, ...reportBase(doc, url, 'generic', now) }, chain };
  } catch {
    return { read: { kind: 'verdict', status: 'none', confidence: 0, reason: 'Page unreadable', ...reportBase(doc, url, 'generic', now) }, chain: [] };
  }
}

/** Identity of a report for change detection: everything but the time it was observed. */
export const reportKey = (r: PatientContextReport): string => JSON.stringify([r.status, r.patient, r.reason, r.source.adapterId]);
