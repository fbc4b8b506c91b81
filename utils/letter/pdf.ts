// Renders a LetterDocument to PDF with pdf-lib (a maintained PDF library, used by the extension and
// by the simulator's patient letter alike), in an NHS letter layout: sender top right, recipient
// and date, a boxed patient identification block, headed sections, sign-off, and the patient's
// name, NHS number and "Page n of m" at the foot of every page. A4, Helvetica.
//
// The side panel imports this module only when a letter is written (a dynamic import), so pdf-lib
// is never part of the panel's first load.
import { PDFDocument, type PDFFont, type PDFPage, StandardFonts, rgb } from 'pdf-lib';
import type { LetterDocument } from './document';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const FOOT = 40;
const BODY = 10.5;
const LEADING = 1.4;
const NHS_BLUE = rgb(0, 0.369, 0.722); // #005EB8
const GREY = rgb(0.3, 0.3, 0.3);
const BLACK = rgb(0, 0, 0);

/** Standard PDF fonts speak WinAnsi only: anything else becomes a close ASCII form or "?". */
export function toWinAnsi(text: string, charset: ReadonlySet<number>): string {
  let out = '';
  for (const ch of text.normalize('NFC').replace(/\t/g, '    ')) {
    const code = ch.codePointAt(0)!;
    if (code === 10 || charset.has(code)) out += ch;
    else if (code < 32) continue;
    else {
      const base = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += base && [...base].every((c) => charset.has(c.codePointAt(0)!)) ? base : '?';
    }
  }
  return out;
}

/** Greedy word wrap by the font's real glyph widths; a word wider than the line is broken. */
export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let current = '';
    for (const word of para.split(/ +/).filter(Boolean)) {
      const candidate = current ? `${current} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width) {
        current = candidate;
        continue;
      }
      if (current) lines.push(current);
      current = word;
      while (font.widthOfTextAtSize(current, size) > width) {
        let cut = current.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(current.slice(0, cut), size) > width) cut--;
        lines.push(current.slice(0, cut));
        current = current.slice(cut);
      }
    }
    lines.push(current);
  }
  return lines;
}

class Writer {
  page!: PDFPage;
  y = 0;
  readonly pages: PDFPage[] = [];
  constructor(
    private readonly pdf: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
    private readonly charset: ReadonlySet<number>,
  ) {
    this.newPage();
  }
  get width(): number {
    return A4[0] - 2 * MARGIN;
  }
  newPage(): void {
    this.page = this.pdf.addPage(A4);
    this.pages.push(this.page);
    this.y = A4[1] - MARGIN;
  }
  clean(text: string): string {
    return toWinAnsi(text, this.charset);
  }
  /** Room for `height` more points on this page, or a new page. */
  need(height: number): void {
    if (this.y - height < MARGIN + FOOT) this.newPage();
  }
  text(text: string, opts: { size?: number; bold?: boolean; indent?: number; color?: ReturnType<typeof rgb>; right?: boolean; width?: number } = {}): void {
    const size = opts.size ?? BODY;
    const font = opts.bold ? this.bold : this.regular;
    const indent = opts.indent ?? 0;
    const width = opts.width ?? this.width - indent;
    for (const line of wrapText(this.clean(text), font, size, width)) {
      this.need(size * LEADING);
      this.y -= size * LEADING;
      const x = opts.right ? A4[0] - MARGIN - font.widthOfTextAtSize(line, size) : MARGIN + indent;
      if (line) this.page.drawText(line, { x, y: this.y, size, font, color: opts.color ?? BLACK });
    }
  }
  gap(points: number): void {
    this.y -= points;
  }
}

export async function renderLetterPdf(doc: LetterDocument, opts: { creationDate?: Date; producer?: string } = {}): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const charset = new Set([...regular.getCharacterSet()].filter((c) => bold.getCharacterSet().includes(c)));
  const w = new Writer(pdf, regular, bold, charset);

  // Header: an NHS-blue rule, the sender top right.
  w.page.drawRectangle({ x: MARGIN, y: A4[1] - MARGIN + 8, width: w.width, height: 3, color: NHS_BLUE });
  for (const [i, line] of doc.from.entries()) w.text(line, { right: true, bold: i === 0, color: i === 0 ? NHS_BLUE : GREY });
  w.gap(12);
  for (const line of doc.to) w.text(line);
  w.gap(6);
  w.text(doc.date, { right: true });
  w.gap(10);

  // The patient identification block, boxed: label column and value column.
  if (doc.patient.length) {
    const labelWidth = Math.max(...doc.patient.map(([l]) => bold.widthOfTextAtSize(w.clean(l), BODY))) + 12;
    const rows = doc.patient.map(([l, v]) => [w.clean(l), wrapText(w.clean(v), regular, BODY, w.width - labelWidth - 16)] as const);
    const height = rows.reduce((h, [, v]) => h + v.length * BODY * LEADING, 0) + 12;
    w.need(height);
    const top = w.y;
    w.page.drawRectangle({ x: MARGIN, y: top - height, width: w.width, height, borderColor: NHS_BLUE, borderWidth: 1 });
    w.y -= 6;
    for (const [label, values] of rows) {
      w.y -= BODY * LEADING;
      w.page.drawText(label, { x: MARGIN + 8, y: w.y, size: BODY, font: bold });
      values.forEach((v, i) => {
        if (i) w.y -= BODY * LEADING;
        if (v) w.page.drawText(v, { x: MARGIN + 8 + labelWidth, y: w.y, size: BODY, font: regular });
      });
    }
    w.y = top - height;
    w.gap(10);
  }

  w.text(doc.title, { size: 13, bold: true });
  for (const block of doc.blocks) {
    if (block.kind === 'heading') {
      w.gap(8);
      w.need(BODY * LEADING * 3); // keep a heading with its first lines
      w.text(block.text, { bold: true, size: 11.5, color: NHS_BLUE });
    } else if (block.kind === 'paragraph') {
      for (const para of block.text.split(/\n\s*\n/)) {
        w.gap(4);
        w.text(para.trim(), { bold: block.bold });
      }
    } else {
      w.gap(2);
      block.items.forEach((item, i) => {
        const mark = block.numbered ? `${i + 1}.` : '-';
        // The mark goes beside the item's first line, which is kept on this page.
        w.need(BODY * LEADING);
        const page = w.page;
        const firstLineY = w.y - BODY * LEADING;
        w.text(item, { indent: 14 });
        page.drawText(mark, { x: MARGIN + 2, y: firstLineY, size: BODY, font: regular });
      });
    }
  }
  if (doc.signOff?.length) {
    w.gap(14);
    w.need(doc.signOff.length * BODY * LEADING + 18); // the sign-off is never split across pages
    doc.signOff.forEach((line, i) => {
      if (i === 1) w.gap(18);
      w.text(line, { bold: i === 1 });
    });
  }
  if (doc.note) {
    w.gap(14);
    w.text(doc.note, { size: 8, color: GREY });
  }

  // Every page: the patient's identifiers and its number, so a page on its own is never anonymous.
  const footer = w.clean(doc.footer);
  w.pages.forEach((page, i) => {
    page.drawLine({ start: { x: MARGIN, y: MARGIN + 14 }, end: { x: A4[0] - MARGIN, y: MARGIN + 14 }, thickness: 0.5, color: GREY });
    page.drawText(footer, { x: MARGIN, y: MARGIN, size: 8, font: regular, color: GREY });
    const num = `Page ${i + 1} of ${w.pages.length}`;
    page.drawText(num, { x: A4[0] - MARGIN - regular.widthOfTextAtSize(num, 8), y: MARGIN, size: 8, font: regular, color: GREY });
  });

  pdf.setTitle(w.clean(doc.title));
  pdf.setProducer(opts.producer ?? 'e-RS Referral Assistant');
  pdf.setCreator(opts.producer ?? 'e-RS Referral Assistant');
  if (opts.creationDate) {
    pdf.setCreationDate(opts.creationDate);
    pdf.setModificationDate(opts.creationDate);
  }
  return pdf.save();
}
