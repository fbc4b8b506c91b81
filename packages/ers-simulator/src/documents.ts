// The simulator's own documents (provider responses, the A007 summary, the A043 overview) as real
// PDFs in the same layout as the patient letter, rendered by the extension's letter renderer
// (utils/letter/pdf.ts, pdf-lib), so the simulator carries no PDF writer of its own.

import { type LetterBlock, letterDate } from '../../../utils/letter/document';
import { renderLetterPdf } from '../../../utils/letter/pdf';

export async function simulatorPdf(title: string, identifiers: [label: string, value: string][], now: Date, blocks: LetterBlock[]): Promise<Buffer> {
  const pdf = await renderLetterPdf(
    {
      title,
      from: ['NHS e-Referral Service'],
      to: [],
      date: letterDate(now),
      patient: identifiers,
      blocks,
      footer: identifiers.map(([label, value]) => `${label} ${value}`).join(' - '),
      note: 'This document was produced by the e-RS simulator for testing. It is not a real NHS document.',
    },
    { creationDate: now, producer: 'e-RS simulator' },
  );
  return Buffer.from(pdf);
}
