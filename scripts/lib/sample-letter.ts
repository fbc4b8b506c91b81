// A small referral letter PDF for the demo and benchmarks to attach, rendered by the extension's
// own letter renderer (utils/letter/pdf.ts).
import { letterDate } from '../../utils/letter/document';
import { renderLetterPdf } from '../../utils/letter/pdf';

export async function sampleLetterPdf(text: string): Promise<Uint8Array> {
  return renderLetterPdf({
    title: 'Referral letter',
    from: ['Demo practice'],
    to: [],
    date: letterDate(new Date()),
    patient: [],
    blocks: [{ kind: 'paragraph', text }],
    footer: 'Demo letter produced by the e-RS Referral Assistant scripts',
  });
}
