// A minimal PDF 1.4 writer: A4 pages of left-aligned Helvetica text, no dependency.
//
// Layout of the output: header, catalog, pages tree, one font, then per page a page object and a
// content stream; an xref table whose entries are the exact byte offsets of each object, and a
// trailer whose startxref is the byte offset of the xref keyword. Text uses WinAnsiEncoding, so
// Latin-1 characters (e.g. "Siobhán") are written as octal escapes; anything else becomes "?".

export interface PdfLine {
  text: string;
  size?: number;
  bold?: boolean;
  /** Extra space before the line, in points. */
  gapBefore?: number;
}

const PAGE_WIDTH = 595;
const PAGE_HEIGHT = 842;
const MARGIN = 56;

/** Escapes a string for a PDF literal string in WinAnsi (Latin-1 subset). */
export function pdfString(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '(' || ch === ')' || ch === '\\') out += `\\${ch}`;
    else if (code >= 32 && code < 127) out += ch;
    else if (code >= 160 && code <= 255) out += `\\${code.toString(8).padStart(3, '0')}`;
    else if (ch === '\u2019' || ch === '\u2018') out += "'";
    else if (ch === '\u2013' || ch === '\u2014') out += '-';
    else out += '?';
  }
  return `(${out})`;
}

/** Greedy word wrap by an approximate Helvetica average glyph width (0.5 em). */
export function wrap(text: string, size: number, width = PAGE_WIDTH - 2 * MARGIN): string[] {
  const maxChars = Math.max(10, Math.floor(width / (size * 0.5)));
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let current = '';
  for (const w of words) {
    if (!current) current = w;
    else if (current.length + 1 + w.length <= maxChars) current += ` ${w}`;
    else {
      lines.push(current);
      current = w;
    }
  }
  if (current || lines.length === 0) lines.push(current);
  return lines;
}

/** Lays the lines out on as many pages as needed and returns the PDF bytes. */
export function buildPdf(lines: PdfLine[], info: { title: string; creationDate: Date }): Buffer {
  // 1. Lay out: split into pages of positioned text runs.
  const pages: string[][] = [[]];
  let y = PAGE_HEIGHT - MARGIN;
  for (const line of lines) {
    const size = line.size ?? 11;
    const leading = size * 1.35;
    y -= line.gapBefore ?? 0;
    for (const part of wrap(line.text, size)) {
      if (y - leading < MARGIN) {
        pages.push([]);
        y = PAGE_HEIGHT - MARGIN;
      }
      y -= leading;
      pages[pages.length - 1].push(`BT /${line.bold ? 'F2' : 'F1'} ${size} Tf ${MARGIN} ${y.toFixed(2)} Td ${pdfString(part)} Tj ET`);
    }
  }

  // 2. Objects: 1 catalog, 2 pages, 3 regular font, 4 bold font, 5 info, then page/content pairs.
  const objects: (string | Buffer)[] = [];
  const pageIds = pages.map((_, i) => 6 + i * 2);
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`);
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  const d = info.creationDate;
  const pad = (n: number) => String(n).padStart(2, '0');
  const pdfDate = `D:${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
  objects.push(`<< /Title ${pdfString(info.title)} /Producer (e-RS simulator) /CreationDate (${pdfDate}) >>`);
  pages.forEach((runs, i) => {
    const contentId = pageIds[i] + 1;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${contentId} 0 R >>`,
    );
    const stream = Buffer.from(runs.join('\n'), 'latin1');
    objects.push(Buffer.concat([Buffer.from(`<< /Length ${stream.length} >>\nstream\n`, 'latin1'), stream, Buffer.from('\nendstream', 'latin1')]));
  });

  // 3. Serialise with exact byte offsets.
  const chunks: Buffer[] = [];
  let offset = 0;
  const push = (b: Buffer) => {
    chunks.push(b);
    offset += b.length;
  };
  // The binary comment line tells tools the file contains 8-bit data.
  push(Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1'));
  const offsets: number[] = [];
  objects.forEach((obj, i) => {
    offsets.push(offset);
    push(Buffer.from(`${i + 1} 0 obj\n`, 'latin1'));
    push(typeof obj === 'string' ? Buffer.from(obj, 'latin1') : obj);
    push(Buffer.from('\nendobj\n', 'latin1'));
  });
  const xrefOffset = offset;
  // Each xref entry is exactly 20 bytes: 10-digit offset, space, 5-digit generation, space, n/f, CR LF.
  let xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f\r\n`;
  for (const o of offsets) xref += `${String(o).padStart(10, '0')} 00000 n\r\n`;
  xref += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(chunks);
}
