import PDFDocument from 'pdfkit';
import { drawLine, registerFonts, twoLinesAtMost, type Direction } from '../pdf/pdf-text.ts';
import { pdfBuffer } from '../pdf/pdf-output.ts';
import { drawQr } from '../pdf/qr-code.ts';
import { columnBoxes } from '../pdf/pdf-columns.ts';

// The sign-in sheet of one session day, drawn with pdfkit: on every page the header (module,
// session, venue, day, trainers and the QR code of the sheet), one row per participant with a
// box to sign in, then empty rows for walk-ins, and "page n of m". A right-to-left sheet is the
// mirror image: the columns run from the right, the QR code sits on the left. Every string is
// given here already translated, in the session's language.

export const PAPER_SIZES = { a4: [595.28, 841.89], letter: [612, 792] } as const;
export type PaperSize = keyof typeof PAPER_SIZES;

export type SheetRow = { name: string; serviceNumber: string; institution: string };

export type SheetContent = {
  paper: PaperSize;
  rtl: boolean;
  /** the sheet's own words: title, the labelled header lines, column heads, the QR caption, "page n of m" */
  title: string;
  headerLines: string[];
  columns: { number: string; name: string; serviceNumber: string; institution: string; signature: string };
  qrCaption: string;
  pageOf: (page: number, pages: number) => string;
  /** what the QR code opens: the absolute address of the day's upload page */
  url: string;
  participants: SheetRow[];
  /** PDF metadata */
  documentTitle: string;
  language: string;
};

const MARGIN = 36;
const QR_SIZE = 84;
const LINE = 14;
const ROW = 24;
const TABLE_HEAD = 20;
const FOOTER = 22;
/** at least this many empty rows for people who come without being enrolled */
export const WALK_IN_ROWS = 5;
/** the columns' shares of the width, from the start of the line */
const COLUMN_SHARES = { number: 0.06, name: 0.3, serviceNumber: 0.17, institution: 0.21, signature: 0.26 };
type Column = keyof typeof COLUMN_SHARES;
const COLUMNS = Object.keys(COLUMN_SHARES) as Column[];

function geometry(paper: PaperSize, headerLines: number) {
  const [width, height] = PAPER_SIZES[paper];
  const headerHeight = Math.max(24 + headerLines * LINE, QR_SIZE + 14) + 10;
  const tableTop = MARGIN + headerHeight;
  const rowsTop = tableTop + TABLE_HEAD;
  const rowsPerPage = Math.floor((height - MARGIN - FOOTER - rowsTop) / ROW);
  return { width, height, inner: width - 2 * MARGIN, tableTop, rowsTop, rowsPerPage };
}

/** How many pages a sheet takes, and how many rows in all (the participants, then walk-ins). */
export function pagination(participants: number, paper: PaperSize, headerLines: number) {
  const { rowsPerPage } = geometry(paper, headerLines);
  const pages = Math.max(1, Math.ceil((participants + WALK_IN_ROWS) / rowsPerPage));
  return { pages, rowsPerPage, rows: pages * rowsPerPage };
}

/** The sign-in sheet as a PDF. */
export async function renderSheet(content: SheetContent, fontsDir: string): Promise<Buffer> {
  const g = geometry(content.paper, content.headerLines.length);
  const { pages, rows } = pagination(content.participants.length, content.paper, content.headerLines.length);
  const doc = new PDFDocument({
    size: [g.width, g.height],
    margin: 0,
    autoFirstPage: false,
    lang: content.language,
    displayTitle: true,
    info: { Title: content.documentTitle, Creator: 'Cadre' },
  });
  registerFonts(doc, fontsDir);
  const done = pdfBuffer(doc);

  const direction: Direction = content.rtl ? 'rtl' : 'ltr';
  const start = content.rtl ? 'right' : 'left';
  /** x of a box measured from the start of the line: mirrored on a right-to-left sheet */
  const placed = (offset: number, width: number) => (content.rtl ? g.width - MARGIN - offset - width : MARGIN + offset);
  const columns = columnBoxes(COLUMN_SHARES, g.inner);

  for (let page = 1; page <= pages; page++) {
    doc.addPage({ size: [g.width, g.height], margin: 0 });
    // header: the QR code at the end of the line, the text before it
    const textWidth = g.inner - QR_SIZE - 16;
    drawLine(doc, content.title, {
      x: placed(0, textWidth),
      y: MARGIN + 14,
      width: textWidth,
      size: 15,
      bold: true,
      align: start,
      direction,
      minSize: 10,
    });
    content.headerLines.forEach((line, i) => {
      const y = MARGIN + 24 + (i + 1) * LINE;
      drawLine(doc, line, {
        x: placed(0, textWidth),
        y,
        width: textWidth,
        size: 9.5,
        align: start,
        direction,
        minSize: 6.5,
      });
    });
    const qrX = placed(g.inner - QR_SIZE, QR_SIZE);
    drawQr(doc, content.url, qrX, MARGIN, QR_SIZE);
    twoLinesAtMost(doc, content.qrCaption, QR_SIZE + 16, 6.5).forEach((line, i) => {
      drawLine(doc, line, {
        x: qrX - 8,
        y: MARGIN + QR_SIZE + 8 + i * 8,
        width: QR_SIZE + 16,
        size: 6.5,
        align: 'center',
        direction,
        minSize: 5,
      });
    });

    // the table's head
    doc.lineWidth(0.8).strokeColor('#000');
    doc.rect(MARGIN, g.tableTop, g.inner, TABLE_HEAD).fillAndStroke('#e6e6e6', '#000');
    doc.fillColor('#000');
    for (const column of COLUMNS) {
      const box = columns[column];
      drawLine(doc, content.columns[column], {
        x: placed(box.offset, box.width) + 3,
        y: g.tableTop + 13.5,
        width: box.width - 6,
        size: 8.5,
        bold: true,
        align: start,
        direction,
        minSize: 6,
      });
    }
    // the rows of this page
    const first = (page - 1) * g.rowsPerPage;
    const last = Math.min(rows, first + g.rowsPerPage);
    for (let r = first; r < last; r++) {
      const top = g.rowsTop + (r - first) * ROW;
      doc.rect(MARGIN, top, g.inner, ROW).stroke();
      for (const column of COLUMNS.slice(1)) {
        const x = placed(columns[column].offset, columns[column].width);
        doc
          .moveTo(content.rtl ? x + columns[column].width : x, top)
          .lineTo(content.rtl ? x + columns[column].width : x, top + ROW)
          .stroke();
      }
      const person = content.participants[r];
      const cell = (column: Column, text: string, cellDirection: Direction, size = 9) => {
        const box = columns[column];
        drawLine(doc, text, {
          x: placed(box.offset, box.width) + 3,
          y: top + 15.5,
          width: box.width - 6,
          size,
          align: start,
          direction: cellDirection,
          minSize: 6,
        });
      };
      cell('number', String(r + 1), 'ltr', 8);
      if (person) {
        cell('name', person.name, 'auto');
        cell('serviceNumber', person.serviceNumber, 'ltr');
        cell('institution', person.institution, 'auto', 8);
      }
    }
    drawLine(doc, content.pageOf(page, pages), {
      x: MARGIN,
      y: g.height - MARGIN,
      width: g.inner,
      size: 8.5,
      align: 'center',
      direction,
    });
  }
  doc.end();
  return done;
}
