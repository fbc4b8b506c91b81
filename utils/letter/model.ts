// The referral letter being written: which template, what the clinician typed, and the record items
// offered from the page, each with where it came from. Pure functions: the panel keeps a LetterDraft
// with the referral draft, and builds the LetterDocument that ./pdf.ts renders.
import { formatNhsNumber } from 'ers-contract/nhs-number';
import type { PatientContextReport } from '../patient/types';
import { type LetterBlock, type LetterDocument, letterDate } from './document';
import { type LetterTemplate, type PlaceholderValues, RECORD_FIELDS, type RecordField, fill } from './template';

/** One problem, medication or allergy offered from the record. */
export interface RecordItem {
  id: string;
  field: RecordField;
  /** What goes in the letter (the clinician may edit it). */
  text: string;
  /** As read from the page, so an edit is shown as one. */
  original: string;
  /** Where it came from, in words: page, reader and list. */
  source: string;
  /** The clinician can take an item out; it stays listed so that is visible. */
  included: boolean;
}

/** The patient as the letter names them, with what the record was read for. */
export interface LetterPatient {
  nhsNumber: string;
  /** "JONES, Sarah (Mrs)". */
  name: string;
  birthDate?: string;
  gender?: string;
  address?: string;
  postcode?: string;
}

/** Saved with the referral draft (same owner and lifetime). */
export interface LetterDraft {
  templateId: string;
  /** Typed text by the template's text-section id. */
  sections: Record<string, string>;
  items: RecordItem[];
  /** The NHS number the record items were read for; items for any other patient are never used. */
  recordNhsNumber?: string;
  /** The PDF last added to the referral's files from this letter. */
  added?: { fileId: string; name: string; at: number };
  updatedAt: number;
}

export interface LetterContext {
  patient: LetterPatient;
  /** The name only when the session has one (see referrerFrom). */
  referrer: { name?: string; role?: string; organisation?: string };
  date: Date;
  priority?: string;
  service?: string;
}

export const PRIORITY_LABELS: Record<string, string> = { ROUTINE: 'Routine', URGENT: 'Urgent', TWO_WEEK_WAIT: 'Two week wait' };

const FIELD_LABEL: Record<RecordField, string> = { problems: 'problems', medications: 'medication', allergies: 'allergies' };

/**
 * The record items of a page reading. Only a reading of one patient whose NHS number is the
 * draft's, from a host adapter (its lists are parts of that record page), gives items; the generic
 * reader proves only the identity block, so nothing else on such a page is taken.
 */
export function recordItemsFrom(report: PatientContextReport | undefined, nhsNumber: string): RecordItem[] {
  if (report?.status !== 'single' || report.patient?.nhsNumber !== nhsNumber) return [];
  if (report.source.adapterId === 'generic') return [];
  const page = report.source.title || report.source.url;
  const items: RecordItem[] = [];
  for (const field of RECORD_FIELDS) {
    (report.patient[field] ?? []).forEach((raw, i) => {
      const text = raw.trim();
      if (!text) return;
      items.push({
        id: `${field}-${i}`,
        field,
        text,
        original: text,
        source: `${FIELD_LABEL[field]} list on “${page}”, read by the ${report.source.adapterId} reader`,
        included: true,
      });
    });
  }
  return items;
}

export function letterPatientFrom(report: PatientContextReport | undefined, fallback: LetterPatient): LetterPatient {
  const p = report?.status === 'single' ? report.patient : undefined;
  if (!p || p.nhsNumber !== fallback.nhsNumber) return fallback;
  return { ...fallback, address: fallback.address ?? p.address, postcode: fallback.postcode ?? p.postcode };
}

/** A new letter on `template` with the record items read for this patient. */
export function newLetterDraft(template: LetterTemplate, values: PlaceholderValues, items: RecordItem[], nhsNumber: string, now: number): LetterDraft {
  const sections: Record<string, string> = {};
  for (const s of template.sections) if (s.kind === 'text') sections[s.id] = s.initial ? fill(s.initial, values) : '';
  return { templateId: template.id, sections, items, recordNhsNumber: nhsNumber, updatedAt: now };
}

/** Switching template keeps what was typed under the same section ids and the record items. */
export function switchTemplate(draft: LetterDraft, template: LetterTemplate, values: PlaceholderValues, now: number): LetterDraft {
  const next = newLetterDraft(template, values, draft.items, draft.recordNhsNumber ?? '', now);
  for (const id of Object.keys(next.sections)) if (draft.sections[id]?.trim()) next.sections[id] = draft.sections[id];
  return { ...next, recordNhsNumber: draft.recordNhsNumber };
}

/** The clinician edits an item's text or takes it out (it stays listed, marked, so that is visible). */
export function editItem(draft: LetterDraft, id: string, patch: Partial<Pick<RecordItem, 'text' | 'included'>>, now: number): LetterDraft {
  return { ...draft, items: draft.items.map((i) => (i.id === id ? { ...i, ...patch } : i)), updatedAt: now };
}

export function writeSection(draft: LetterDraft, id: string, text: string, now: number): LetterDraft {
  return { ...draft, sections: { ...draft.sections, [id]: text }, updatedAt: now };
}

/**
 * Who is writing, as the session knows them. A sign-in may give only the SDS user id (the token
 * relay passes no id token on, so a platform session has no name): an id is never printed as if it
 * were a name, and the letter then names the role and the organisation (name and ODS code) only.
 */
export function referrerFrom(s: { userName?: string; userId?: string; roleLabel?: string; orgName?: string; ods?: string }): LetterContext['referrer'] {
  const name = s.userName?.trim();
  const org = s.orgName && s.ods ? `${s.orgName} (${s.ods})` : (s.orgName ?? s.ods);
  return { name: name && name !== s.userId && !/^\d+$/.test(name) ? name : undefined, role: s.roleLabel, organisation: org };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function longBirthDate(iso: string | undefined): string | undefined {
  const m = iso && /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}` : iso;
}

export function placeholderValues(ctx: LetterContext): PlaceholderValues {
  const p = ctx.patient;
  return {
    'patient.name': p.name,
    'patient.nhsNumber': formatNhsNumber(p.nhsNumber),
    'patient.birthDate': longBirthDate(p.birthDate),
    'patient.gender': p.gender,
    'patient.address': p.address,
    'patient.postcode': p.postcode,
    'referrer.name': ctx.referrer.name,
    'referrer.role': ctx.referrer.role,
    'referrer.organisation': ctx.referrer.organisation,
    date: letterDate(ctx.date),
    priority: ctx.priority,
    service: ctx.service,
  };
}

/** What stops this letter being rendered, in plain words (empty when it can be). */
export function letterProblems(template: LetterTemplate, draft: LetterDraft, patientNhsNumber: string): string[] {
  const problems: string[] = [];
  if (draft.templateId !== template.id) problems.push('The letter was written on another template; choose it again.');
  if (draft.items.length && draft.recordNhsNumber !== patientNhsNumber) {
    problems.push('The record items were read for a different patient from this referral’s; remove them or read the record again.');
  }
  for (const s of template.sections) {
    if (s.kind === 'text' && s.required && !draft.sections[s.id]?.trim()) problems.push(`Write the “${s.heading}” section.`);
  }
  return problems;
}

/** The letter as laid-out content. Call only when letterProblems() is empty. */
export function buildLetterDocument(template: LetterTemplate, draft: LetterDraft, ctx: LetterContext): LetterDocument {
  const values = placeholderValues(ctx);
  const p = ctx.patient;
  const blocks: LetterBlock[] = [];
  const sameRecord = draft.recordNhsNumber === p.nhsNumber;
  for (const s of template.sections) {
    if (s.kind === 'fixed') {
      if (s.heading) blocks.push({ kind: 'heading', text: s.heading });
      blocks.push({ kind: 'paragraph', text: fill(s.text, values) });
    } else if (s.kind === 'text') {
      const text = draft.sections[s.id]?.trim();
      if (!text) continue; // an optional section left empty is left out, not printed blank
      blocks.push({ kind: 'heading', text: s.heading }, { kind: 'paragraph', text });
    } else {
      const items = sameRecord ? draft.items.filter((i) => i.field === s.field && i.included && i.text.trim()).map((i) => i.text.trim()) : [];
      blocks.push({ kind: 'heading', text: s.heading });
      blocks.push(items.length ? { kind: 'list', items } : { kind: 'paragraph', text: 'Nothing was taken from the record for this section.' });
    }
  }
  const patient: [string, string][] = [
    ['Patient', p.name],
    ['NHS number', formatNhsNumber(p.nhsNumber)],
  ];
  if (p.birthDate) patient.push(['Date of birth', values['patient.birthDate']!]);
  if (p.gender) patient.push(['Gender', p.gender]);
  const address = [p.address, p.postcode].filter(Boolean).join(', ');
  if (address) patient.push(['Address', address]);
  if (ctx.priority) patient.push(['Priority', ctx.priority]);
  const referrer = ctx.referrer;
  return {
    title: fill(template.title, values),
    from: [referrer.organisation, referrer.name, referrer.role].filter((l): l is string => Boolean(l?.trim())),
    to: ctx.service ? [ctx.service] : [],
    date: values.date!,
    patient,
    blocks,
    signOff: ['Yours sincerely,', referrer.name, referrer.role, referrer.organisation].filter((l): l is string => Boolean(l?.trim())),
    footer: `${p.name} - NHS number ${formatNhsNumber(p.nhsNumber)} - Confidential`,
  };
}

/** `Referral_letter_2026-12-01.pdf`: ASCII, as e-RS wants. */
export function letterFileName(date: Date): string {
  return `Referral_letter_${date.toISOString().slice(0, 10)}.pdf`;
}
