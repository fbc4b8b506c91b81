// Referral letter figures: rendering a two-page letter to PDF (utils/letter/pdf.ts, pdf-lib), the
// first render in this process (font metrics loaded) and the median of later ones, and its size.
import { performance } from 'node:perf_hooks';
import { PDFDocument } from 'pdf-lib';
import { BUILT_IN_TEMPLATES } from '../utils/letter/builtin-templates';
import { type LetterContext, buildLetterDocument, newLetterDraft, placeholderValues } from '../utils/letter/model';
import { renderLetterPdf } from '../utils/letter/pdf';
import { type BenchLine, median } from './bench-content';

const round = (n: number) => Number(n.toFixed(1));

/** A general letter with every section written and a full record, long enough for two pages. */
function twoPageLetter() {
  const template = BUILT_IN_TEMPLATES.find((t) => t.id === 'general')!;
  const ctx: LetterContext = {
    patient: {
      nhsNumber: '9434765919',
      name: 'JONES, Sarah (Mrs)',
      birthDate: '1958-03-14',
      gender: 'Female',
      address: '1 High Street, Leeds',
      postcode: 'LS1 4AP',
    },
    referrer: { name: 'Dr Kate ADAMS', role: 'Referring clinician', organisation: 'Demo Surgery (B86001)' },
    date: new Date('2026-12-01T10:00:00Z'),
    priority: 'Urgent',
    service: 'Good Cardiology Business Service',
  };
  const items = ['Essential hypertension', 'Exertional chest pain', 'Type 2 diabetes', 'Hyperlipidaemia'].map((text, i) => ({
    id: `p${i}`,
    field: 'problems' as const,
    text,
    original: text,
    source: 'bench',
    included: true,
  }));
  const draft = newLetterDraft(template, placeholderValues(ctx), items, ctx.patient.nhsNumber, 0);
  const para = 'Six weeks of central chest tightness on exertion, relieved by rest within minutes, no symptoms at rest. ';
  draft.sections = {
    reason: para.repeat(3),
    history: Array.from({ length: 6 }, () => para.repeat(4)).join('\n\n'),
    examination: 'BP 152/94, pulse 78 regular, heart sounds normal, chest clear, no oedema. '.repeat(3),
    ask: 'Assessment in the rapid access chest pain clinic and advice on further investigation.',
  };
  return buildLetterDocument(template, draft, ctx);
}

export async function benchLetter(runs = 21): Promise<BenchLine[]> {
  const doc = twoPageLetter();
  let t = performance.now();
  const bytes = await renderLetterPdf(doc);
  const first = performance.now() - t;
  const pages = (await PDFDocument.load(bytes)).getPageCount();
  if (pages !== 2) throw new Error(`the benchmark letter has ${pages} pages, not 2: adjust its text`);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    await renderLetterPdf(doc);
    times.push(performance.now() - t);
  }
  return [
    { name: 'letter_pdf_render_ms', value: round(median(times)), unit: 'ms' },
    { name: 'letter_pdf_first_render_ms', value: round(first), unit: 'ms' },
    { name: 'letter_pdf_bytes', value: bytes.length, unit: 'bytes' },
  ];
}
