import PDFDocument from 'pdfkit';
import { drawLine, lineWidth, registerFonts, type Direction, type LineOptions } from '../pdf/pdf-text.ts';
import { pdfBuffer } from '../pdf/pdf-output.ts';
import { drawQr } from '../pdf/qr-code.ts';

// Certificates drawn with pdfkit, one A4 landscape page each: a double border; the issuer, the
// title, the person's name (largest), the module and its details centred; the signature lines;
// the number in one bottom corner and the QR code of the verification page in the other (the
// mirror image on a right-to-left page). Every string comes already translated; long names and
// titles shrink, then wrap onto a second line, and never leave their box. Nothing random goes
// in: the same pages give the same bytes (the file's date is the issue date, decision 0014).

export type CertificatePage = {
  language: string;
  rtl: boolean;
  /** "Certificate of completion" */
  title: string;
  /** "This is to certify that" */
  certifies: string;
  nameAsIssued: string;
  /** "has completed the training module" */
  completed: string;
  moduleTitle: string;
  moduleCode: string;
  /** duration, dates, issue and expiry, one a line */
  lines: string[];
  /** the issuing institution and its country */
  issuer: string;
  signatories: { name: string; role: string }[];
  numberLabel: string;
  number: string;
  verifyCaption: string;
  verifyUrl: string;
  /** "Reprint — 12 May 2031", on a copy printed after issue */
  reprintMark?: string;
  /** the PDF's creation date: the same record always makes the same file */
  issuedAt: Date;
};

export type CertificatePdfOptions = { fontsDir: string; documentTitle?: string };

/** A4 landscape, in points. */
export const PAGE = { width: 841.89, height: 595.28 } as const;
/** The box every line of text stays in (inside the inner border). */
export const CONTENT = { left: 64, right: PAGE.width - 64, top: 48, bottom: PAGE.height - 40 } as const;
const CONTENT_WIDTH = CONTENT.right - CONTENT.left;
const QR_SIZE = 66;
const COLOURS = { navy: '#1d3557', gold: '#a67c2e', ink: '#222222', muted: '#555555', reprint: '#9b1c1c' };

type Block = { size: number; lines: string[] };
type Fit = { width: number; size: number; minSize: number; bold?: boolean; direction: Direction };

/**
 * A text's size and lines in a box: one line at the largest size from `size` down to
 * `minSize`; if even that is too long, two lines as even as the words allow, at the largest
 * size that fits; at worst two lines at minSize, which drawLine shrinks or cuts to the width.
 */
export function fitBlock(doc: PDFKit.PDFDocument, text: string, fit: Fit): Block {
  const measure = (line: string, size: number) =>
    lineWidth(doc, line, { size, bold: fit.bold, direction: fit.direction });
  for (let size = fit.size; size >= fit.minSize; size -= 0.5) {
    if (measure(text, size) <= fit.width) return { size, lines: [text] };
  }
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length < 2) return { size: fit.minSize, lines: [text] };
  // the cut that makes the longer of the two lines shortest
  let best = { cut: 1, width: Infinity };
  for (let cut = 1; cut < words.length; cut++) {
    const width = Math.max(
      measure(words.slice(0, cut).join(' '), fit.minSize),
      measure(words.slice(cut).join(' '), fit.minSize),
    );
    if (width < best.width) best = { cut, width };
  }
  const lines = [words.slice(0, best.cut).join(' '), words.slice(best.cut).join(' ')];
  const size = Math.max(fit.minSize, Math.min(fit.size, Math.floor(((fit.minSize * fit.width) / best.width) * 2) / 2));
  return { size, lines };
}

/** The certificates as one PDF, a page each. */
export async function certificatePdf(pages: CertificatePage[], options: CertificatePdfOptions): Promise<Buffer> {
  if (pages.length === 0) throw new Error('a certificate PDF needs at least one page');
  const languages = new Set(pages.map((page) => page.language));
  const first = pages[0]!;
  const issued = new Date(Math.max(...pages.map((page) => page.issuedAt.getTime())));
  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height],
    margin: 0,
    autoFirstPage: false,
    ...(languages.size === 1 ? { lang: first.language } : {}),
    displayTitle: true,
    info: {
      Title: options.documentTitle ?? `${first.title} – ${first.nameAsIssued}`,
      Creator: 'Cadre',
      Producer: 'Cadre',
      CreationDate: issued,
    },
  });
  registerFonts(doc, options.fontsDir);
  const done = pdfBuffer(doc);
  for (const page of pages) {
    doc.addPage({ size: [PAGE.width, PAGE.height], margin: 0 });
    drawPage(doc, page);
  }
  doc.end();
  return done;
}

function drawPage(doc: PDFKit.PDFDocument, page: CertificatePage) {
  const direction: Direction = page.rtl ? 'rtl' : 'ltr';
  type Style = Partial<Pick<LineOptions, 'bold' | 'direction' | 'minSize'>>;
  const centred = (text: string, y: number, size: number, colour: string, more: Style = {}) => {
    doc.fillColor(colour);
    drawLine(doc, text, {
      x: CONTENT.left,
      y,
      width: CONTENT_WIDTH,
      size,
      align: 'center',
      direction,
      minSize: Math.min(size, 8),
      ...more,
    });
  };
  /** one or two centred lines (fitBlock), centred from top to bottom in their box */
  const block = (text: string, top: number, height: number, fit: Omit<Fit, 'width'>, colour: string) => {
    const { size, lines } = fitBlock(doc, text, { width: CONTENT_WIDTH, ...fit });
    const leading = size * 1.2;
    const baseline = top + (height - leading * lines.length) / 2 + size * 0.95;
    lines.forEach((line, i) =>
      centred(line, baseline + i * leading, size, colour, { bold: fit.bold, direction: fit.direction, minSize: 6 }),
    );
  };

  drawBorder(doc);
  centred(page.issuer, 70, 12, COLOURS.muted, { bold: true, minSize: 8 });
  centred(page.title, 112, 28, COLOURS.navy, { bold: true, minSize: 16 });
  centred(page.certifies, 144, 13, COLOURS.ink);
  // the person's name in its own script and direction, whatever the page's
  block(page.nameAsIssued, 152, 66, { size: 30, minSize: 19, bold: true, direction: 'auto' }, COLOURS.ink);
  rule(doc, 226, 300, COLOURS.gold);
  centred(page.completed, 248, 13, COLOURS.ink);
  block(page.moduleTitle, 256, 44, { size: 19, minSize: 14, bold: true, direction: 'auto' }, COLOURS.navy);
  centred(page.moduleCode, 314, 10.5, COLOURS.muted, { direction: 'auto' });
  page.lines.forEach((line, i) => centred(line, 336 + i * 14, 10.5, COLOURS.ink));
  drawSignatories(doc, page.signatories, page.rtl);
  drawFooter(doc, page, direction);
}

function drawBorder(doc: PDFKit.PDFDocument) {
  doc
    .lineWidth(2.5)
    .strokeColor(COLOURS.navy)
    .rect(20, 20, PAGE.width - 40, PAGE.height - 40)
    .stroke();
  doc
    .lineWidth(0.8)
    .strokeColor(COLOURS.gold)
    .rect(27, 27, PAGE.width - 54, PAGE.height - 54)
    .stroke();
}

/** A short centred rule. */
function rule(doc: PDFKit.PDFDocument, y: number, width: number, colour: string) {
  const x = (PAGE.width - width) / 2;
  doc
    .lineWidth(0.8)
    .strokeColor(colour)
    .moveTo(x, y)
    .lineTo(x + width, y)
    .stroke();
}

/**
 * Up to three signature lines side by side, centred on the page, each with the name and the
 * position under it; the first signatory at the start of the line (the right on an RTL page).
 */
function drawSignatories(doc: PDFKit.PDFDocument, signatories: CertificatePage['signatories'], rtl: boolean) {
  const count = Math.min(signatories.length, 3);
  if (count === 0) return;
  const column = 210;
  const gap = 40;
  const total = count * column + (count - 1) * gap;
  const left = (PAGE.width - total) / 2;
  const lineY = 414;
  signatories.slice(0, count).forEach((signatory, i) => {
    const slot = rtl ? count - 1 - i : i;
    const x = left + slot * (column + gap);
    doc
      .lineWidth(0.6)
      .strokeColor(COLOURS.muted)
      .moveTo(x + 15, lineY)
      .lineTo(x + column - 15, lineY)
      .stroke();
    doc.fillColor(COLOURS.ink);
    drawLine(doc, signatory.name, {
      x,
      y: lineY + 14,
      width: column,
      size: 10.5,
      bold: true,
      align: 'center',
      direction: 'auto',
      minSize: 7.5,
    });
    doc.fillColor(COLOURS.muted);
    const role = fitBlock(doc, signatory.role, { width: column, size: 8.5, minSize: 8, direction: 'auto' });
    role.lines.forEach((line, n) =>
      drawLine(doc, line, {
        x,
        y: lineY + 27 + n * (role.size + 2),
        width: column,
        size: role.size,
        align: 'center',
        direction: 'auto',
        minSize: 6,
      }),
    );
  });
}

/**
 * The bottom band: the number at the start corner, the QR code with its caption and address at
 * the end corner, the reprint mark between them.
 */
function drawFooter(doc: PDFKit.PDFDocument, page: CertificatePage, direction: Direction) {
  const band = 250; // the width of each corner's text
  const start = page.rtl ? 'right' : 'left';
  const end = page.rtl ? 'left' : 'right';
  const startX = page.rtl ? CONTENT.right - band : CONTENT.left;
  const endX = page.rtl ? CONTENT.left : CONTENT.right - band;
  const bottom = CONTENT.bottom;

  doc.fillColor(COLOURS.muted);
  drawLine(doc, page.numberLabel, { x: startX, y: bottom - 14, width: band, size: 8.5, align: start, direction });
  doc.fillColor(COLOURS.ink);
  drawLine(doc, page.number, {
    x: startX,
    y: bottom,
    width: band,
    size: 11,
    bold: true,
    align: start,
    direction,
    minSize: 7,
  });

  const qrX = page.rtl ? CONTENT.left : CONTENT.right - QR_SIZE;
  drawQr(doc, page.verifyUrl, qrX, bottom - 22 - QR_SIZE, QR_SIZE);
  doc.fillColor(COLOURS.muted);
  drawLine(doc, page.verifyCaption, {
    x: endX,
    y: bottom - 11,
    width: band,
    size: 7.5,
    align: end,
    direction,
    minSize: 6,
  });
  // the address as it is typed: left to right on every page
  drawLine(doc, page.verifyUrl, {
    x: endX,
    y: bottom,
    width: band,
    size: 7.5,
    align: end,
    direction: 'ltr',
    minSize: 5,
  });

  if (page.reprintMark) {
    doc.fillColor(COLOURS.reprint);
    drawLine(doc, page.reprintMark, {
      x: CONTENT.left + band,
      y: bottom,
      width: CONTENT_WIDTH - 2 * band,
      size: 10,
      bold: true,
      align: 'center',
      direction,
      minSize: 7,
    });
  }
  doc.fillColor('#000');
}
