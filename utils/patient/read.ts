// Entry point of the pure reading pipeline: pick the adapter for the URL, or fall back to the
// generic reader. Never throws: a hostile page or a broken adapter yields a "none" report.
import { adapterUrlKey } from './compile';
import { q, readWithAdapter, reportBase } from './extract';
import { readGeneric } from './generic';
import type { ActiveAdapter, PatientContextReport } from './types';

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

let lastBlock: Element | undefined;

/**
 * The identity block of the last read (the container the patient's identity was read from): the
 * watcher fingerprints it. Kept here, not in the report, because the report is sent as a message.
 */
export const lastIdentityBlock = (): Element | undefined => lastBlock;

export function readPatientContext(doc: Document, url: string, adapters: readonly ActiveAdapter[], now = Date.now()): PatientContextReport {
  lastBlock = undefined;
  try {
    const a = findActiveAdapter(adapters, url);
    if (a) {
      const r = readWithAdapter(a, doc, url, now);
      if (r.patient) lastBlock = q(doc, a.recordOpen.selector) ?? undefined;
      return r;
    }
    const { block, ...r } = readGeneric(doc, url, now);
    lastBlock = block;
    return r;
  } catch {
    return { status: 'none', confidence: 0, reason: 'Page unreadable', ...reportBase(doc, url, 'generic', now) };
  }
}

/** Identity of a report for change detection: everything but the time it was observed. */
export const reportKey = (r: PatientContextReport): string => JSON.stringify([r.status, r.patient, r.reason, r.source.adapterId]);
