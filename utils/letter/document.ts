// A letter as laid-out content, independent of PDF: what ./pdf.ts renders in the NHS letter layout.
// Both the referral letter (./model.ts) and the simulator's patient letter are built as one of these.

export type LetterBlock =
  | { kind: 'heading'; text: string }
  /** Blank lines in `text` start new paragraphs; single line breaks are kept. */
  | { kind: 'paragraph'; text: string; bold?: boolean }
  | { kind: 'list'; items: string[]; numbered?: boolean };

export interface LetterDocument {
  /** The letter's heading, also the PDF's title. */
  title: string;
  /** Sender lines, top right (organisation first). */
  from: string[];
  /** Recipient lines, top left. */
  to: string[];
  /** As printed, e.g. "1 December 2026". */
  date: string;
  /** The patient identification block (label, value), printed boxed under the addresses. */
  patient: [label: string, value: string][];
  blocks: LetterBlock[];
  /** Closing lines (e.g. "Yours sincerely", name, role). */
  signOff?: string[];
  /** Printed at the foot of every page with "Page n of m": the patient's name and NHS number, so a loose page is never anonymous. */
  footer: string;
  /** Small print after the sign-off. */
  note?: string;
}

/** "1 December 2026" (UTC), the NHS letter date style. */
export function letterDate(d: Date): string {
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}
