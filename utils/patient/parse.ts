// The background's half of reading the patient: turns what the content script read on the page
// (a PageRead: utils/patient/read.ts) into the report. Parsing names, dates, sex and postcodes
// lives here, not in the content script, so the script that runs inside the clinical system stays
// tiny (docs/decisions/reader-split.md). Pure.
import { parseAdapterFields } from './adapter-parse';
import { parseGenericLines } from './generic';
import { readPage } from './read';
import type { ActiveAdapter, PageRead, ParsedRead, PatientContextReport } from './types';

/** Never throws: text that breaks a parser yields a "none" report. */
export function parsePageRead(read: PageRead): ParsedRead {
  const { source, observedAt } = read;
  try {
    if (read.kind === 'verdict') return { report: { status: read.status, reason: read.reason, confidence: read.confidence, source, observedAt } };
    if (read.kind === 'adapter') return { report: parseAdapterFields(read) };
    const { level, ...r } = parseGenericLines(read);
    return { report: { ...r, source, observedAt }, level };
  } catch {
    return { report: { status: 'none', reason: 'Page unreadable', confidence: 0, source, observedAt } };
  }
}

/** Read the page and parse it in one process (tests, the bench and the reader corpus). */
export function readPatientContext(doc: Document, url: string, adapters: readonly ActiveAdapter[], now = Date.now()): PatientContextReport {
  return parsePageRead(readPage(doc, url, adapters, now).read).report;
}
