import PDFDocument from 'pdfkit';
import { drawLine, registerFonts, twoLinesAtMost, type Direction } from '../pdf/pdf-text.ts';
import { columnBoxes } from '../pdf/pdf-columns.ts';

// A transcript as a PDF (A4 portrait), drawn with pdfkit and the project's line drawing
// (pdf-text.ts: bidi order, Arabic joined, names in their own script): on the first page the
// title, the person, their details and the totals; on every page the table's head, the records
// (two lines each), and at the foot what the totals count and "page n of m". A right-to-left
// transcript is the mirror image: the columns run from the right. Every string is given here
// already translated, in the transcript's language.

const [WIDTH, HEIGHT] = [595.28, 841.89];
const MARGIN = 40;
const INNER = WIDTH - 2 * MARGIN;
const LINE = 14;
const ROW = 30;
const TABLE_HEAD = 20;
const FOOTER = 40;
/** the columns' shares of the width, from the start of the line */
const COLUMN_SHARES = { module: 0.37, dates: 0.16, hours: 0.07, result: 0.23, certificate: 0.17 };
type Column = keyof typeof COLUMN_SHARES;
const COLUMNS = Object.keys(COLUMN_SHARES) as Column[];

export type TranscriptPdfRow = {
  /** the module's title, and under it its code and issuer */
  title: string;
  subtitle: string;
  from: string;
  /** the last day, when not the first */
  to?: string;
  hours: string;
  result: string;
  status: string;
  certificate: string;
};

export type TranscriptPdfContent = {
  rtl: boolean;
  language: string;
  documentTitle: string;
  title: string;
  name: string;
  /** service number, institution, date printed */
  details: string[];
  totals: string;
  columns: Record<Column, string>;
  rows: TranscriptPdfRow[];
  empty: string;
  /** what the totals count, at the foot of each page */
  note: string;
  /** the heading of the following pages: title and name */
  continued: string;
  pageOf: (page: number, pages: number) => string;
};

const FIRST_TABLE_TOP = (details: number) => MARGIN + 50 + details * LINE + 24;
const NEXT_TABLE_TOP = MARGIN + 22;
const rowsFrom = (top: number) => Math.floor((HEIGHT - MARGIN - FOOTER - top - TABLE_HEAD) / ROW);

/** How the rows fall on pages: the first page holds fewer, under the header. */
export function transcriptPages(rows: number, details: number): number {
  const first = rowsFrom(FIRST_TABLE_TOP(details));
  return rows <= first ? 1 : 1 + Math.ceil((rows - first) / rowsFrom(NEXT_TABLE_TOP));
}

export async function renderTranscriptPdf(content: TranscriptPdfContent, fontsDir: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: [WIDTH, HEIGHT],
    margin: 0,
    autoFirstPage: false,
    lang: content.language,
    displayTitle: true,
    info: { Title: content.documentTitle, Creator: 'Cadre' },
  });
  registerFonts(doc, fontsDir);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const direction: Direction = content.rtl ? 'rtl' : 'ltr';
  const start = content.rtl ? 'right' : 'left';
  /** x of a box measured from the start of the line: mirrored on a right-to-left page */
  const placed = (offset: number, width: number) => (content.rtl ? WIDTH - MARGIN - offset - width : MARGIN + offset);
  const line = (text: string, y: number, size: number, more: { bold?: boolean; minSize?: number } = {}) =>
    drawLine(doc, text, { x: MARGIN, y, width: INNER, size, align: start, direction, minSize: size - 3, ...more });
  const boxes = columnBoxes(COLUMN_SHARES, INNER);
  const pages = transcriptPages(Math.max(1, content.rows.length), content.details.length);
  let next = 0;

  for (let page = 1; page <= pages; page++) {
    doc.addPage({ size: [WIDTH, HEIGHT], margin: 0 });
    let top: number;
    if (page === 1) {
      line(content.title, MARGIN + 14, 16, { bold: true });
      line(content.name, MARGIN + 38, 14, { bold: true });
      content.details.forEach((detail, i) => line(detail, MARGIN + 56 + i * LINE, 9.5));
      line(content.totals, MARGIN + 62 + content.details.length * LINE, 10, { bold: true, minSize: 7 });
      top = FIRST_TABLE_TOP(content.details.length);
    } else {
      line(content.continued, MARGIN + 10, 10, { bold: true });
      top = NEXT_TABLE_TOP;
    }
    doc.lineWidth(0.6).strokeColor('#000');
    doc.rect(MARGIN, top, INNER, TABLE_HEAD).fillAndStroke('#e6e6e6', '#000');
    doc.fillColor('#000');
    for (const column of COLUMNS) {
      const box = boxes[column];
      drawLine(doc, content.columns[column], {
        x: placed(box.offset, box.width) + 3,
        y: top + 13.5,
        width: box.width - 6,
        size: 8.5,
        bold: true,
        align: start,
        direction,
        minSize: 6,
      });
    }
    const rowsTop = top + TABLE_HEAD;
    const count = page === 1 ? rowsFrom(FIRST_TABLE_TOP(content.details.length)) : rowsFrom(NEXT_TABLE_TOP);
    if (content.rows.length === 0) line(content.empty, rowsTop + 18, 9.5);
    for (let r = 0; r < count && next < content.rows.length; r++, next++) {
      drawRow(content.rows[next]!, rowsTop + r * ROW);
    }
    drawFooter(page);
  }
  doc.end();
  return done;

  function drawRow(row: TranscriptPdfRow, y: number) {
    const cell = (column: Column, text: string, lineNo: 1 | 2, size: number, grey = false) => {
      const box = boxes[column];
      doc.fillColor(grey ? '#444' : '#000');
      drawLine(doc, text, {
        x: placed(box.offset, box.width) + 3,
        y: y + (lineNo === 1 ? 12 : 24),
        width: box.width - 6,
        size,
        align: start,
        direction,
        minSize: Math.min(size, 5.5),
      });
    };
    cell('module', row.title, 1, 8.5);
    cell('module', row.subtitle, 2, 7, true);
    cell('dates', row.from, 1, 8);
    if (row.to) cell('dates', `– ${row.to}`, 2, 8);
    cell('hours', row.hours, 1, 8.5);
    cell('result', row.result, 1, 8.5);
    cell('result', row.status, 2, 7, true);
    cell('certificate', row.certificate, 1, 8);
    doc.fillColor('#000');
    doc
      .lineWidth(0.4)
      .strokeColor('#999')
      .moveTo(MARGIN, y + ROW)
      .lineTo(MARGIN + INNER, y + ROW)
      .stroke();
  }

  function drawFooter(page: number) {
    doc.fillColor('#444');
    twoLinesAtMost(doc, content.note, INNER, 7).forEach((text, i) => {
      drawLine(doc, text, {
        x: MARGIN,
        y: HEIGHT - MARGIN - 22 + i * 9,
        width: INNER,
        size: 7,
        align: start,
        direction,
        minSize: 5.5,
      });
    });
    doc.fillColor('#000');
    drawLine(doc, content.pageOf(page, pages), {
      x: MARGIN,
      y: HEIGHT - MARGIN + 8,
      width: INNER,
      size: 8,
      align: 'center',
      direction,
    });
  }
}
