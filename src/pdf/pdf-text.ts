import path from 'node:path';
import bidiModule, { type Bidi } from 'bidi-js';

// One line of text in a PDF, in any of the scripts Cadre's names come in. pdfkit shapes Arabic
// through fontkit (joined letters, each word's glyphs right to left) but lays words out left to
// right and never applies the bidirectional algorithm (pdfkit#219, #905). So each line is put in
// visual order here: bidi-js resolves the levels (isolates included) and the reorderings, mirrors
// brackets in right-to-left runs, and the line is cut into pieces of one font and one direction,
// drawn side by side from the left. An Arabic piece is one word, handed to fontkit in logical
// order so that it is shaped and reversed as a whole; spaces are pieces of their own, which is
// what keeps pdfkit from reordering words. The text stays extractable: every glyph maps back to
// its characters (pdfkit's ToUnicode), and a reader puts the Arabic words in reading order.

// bidi-js is CommonJS: its default import is the factory itself (its types say `default`)
const bidi = (bidiModule as unknown as () => Bidi)();

export type FontSet = { regular: string; bold: string; arabic: string; arabicBold: string };
export const FONT_NAMES: FontSet = { regular: 'sans', bold: 'sans-bold', arabic: 'arabic', arabicBold: 'arabic-bold' };

/** Registers the bundled fonts (assets/fonts) under FONT_NAMES. */
export function registerFonts(doc: PDFKit.PDFDocument, fontsDir: string) {
  doc.registerFont(FONT_NAMES.regular, path.join(fontsDir, 'DejaVuSans.ttf'));
  doc.registerFont(FONT_NAMES.bold, path.join(fontsDir, 'DejaVuSans-Bold.ttf'));
  doc.registerFont(FONT_NAMES.arabic, path.join(fontsDir, 'NotoSansArabic-Regular.ttf'));
  doc.registerFont(FONT_NAMES.arabicBold, path.join(fontsDir, 'NotoSansArabic-Bold.ttf'));
}

/** Arabic script and its presentation forms: drawn with the Arabic font. */
const ARABIC = /[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]/;
/** What fontkit takes for Arabic text (Script=Arabic), and lays out right to left. */
const ARABIC_SCRIPT = /\p{Script=Arabic}/u;
/** Marks that steer the algorithm and are not drawn. */
const CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export type Direction = 'ltr' | 'rtl' | 'auto';
export type Piece = { text: string; arabic: boolean };

/** The line as pieces in visual order, left to right. */
export function visualPieces(text: string, direction: Direction): Piece[] {
  const levels = bidi.getEmbeddingLevels(text, direction === 'auto' ? undefined : direction);
  const mirrored = bidi.getMirroredCharactersMap(text, levels.levels);
  const order = [...text].length === text.length ? [...Array(text.length).keys()] : undefined;
  if (!order) return [{ text: text.replace(CONTROLS, ''), arabic: false }]; // beyond the BMP: left as it is
  for (const [start, end] of bidi.getReorderSegments(text, levels) as [number, number][]) {
    const flipped = order.slice(start, end + 1).reverse();
    order.splice(start, flipped.length, ...flipped);
  }
  type Open = { indices: number[]; kind: string; odd: boolean };
  const groups: Open[] = [];
  for (const i of order) {
    const char = text[i]!;
    if (CONTROLS.test(char)) continue;
    const kind = char === ' ' ? 'space' : ARABIC.test(char) ? 'arabic' : 'other';
    const odd = levels.levels[i]! % 2 === 1;
    const last = groups.at(-1);
    const next = last && last.indices.at(-1)! + (odd ? -1 : 1);
    // a piece is one kind and one direction, and continues only with the neighbouring character
    if (last && last.kind === kind && last.odd === odd && kind !== 'space' && next === i) last.indices.push(i);
    else groups.push({ indices: [i], kind, odd });
  }
  return groups.map(({ indices, kind }) => {
    const visual = indices.map((i) => mirrored.get(i) ?? text[i]!);
    // fontkit lays out any text with a letter or digit of the Arabic script right to left, and
    // reverses it itself: it is handed such a piece in reading order (which it needs to join the
    // letters), so that it comes out in visual order; Arabic-Indic digits too (٢٠٢٦)
    const reversedByFontkit = kind === 'arabic' && ARABIC_SCRIPT.test(visual.join(''));
    return { text: (reversedByFontkit ? visual.reverse() : visual).join(''), arabic: kind === 'arabic' };
  });
}

export type LineOptions = {
  x: number;
  /** the baseline */
  y: number;
  width: number;
  size: number;
  bold?: boolean;
  align?: 'left' | 'right' | 'center';
  direction?: Direction;
  /** the smallest size a long line may shrink to before it is cut */
  minSize?: number;
};

const fontOf = (piece: Piece, bold: boolean) =>
  piece.arabic ? (bold ? FONT_NAMES.arabicBold : FONT_NAMES.arabic) : bold ? FONT_NAMES.bold : FONT_NAMES.regular;

function widthOf(doc: PDFKit.PDFDocument, pieces: Piece[], size: number, bold: boolean) {
  return pieces.reduce((sum, p) => sum + doc.font(fontOf(p, bold)).fontSize(size).widthOfString(p.text), 0);
}

/** How wide a line is drawn at this size (what drawLine measures before it shrinks or cuts). */
export function lineWidth(
  doc: PDFKit.PDFDocument,
  text: string,
  options: { size: number; bold?: boolean; direction?: Direction },
): number {
  const pieces = visualPieces(text.replace(/\s+/g, ' ').trim(), options.direction ?? 'auto');
  return widthOf(doc, pieces, options.size, options.bold ?? false);
}

/**
 * Draws one line inside [x, x + width]: smaller (down to minSize) when it is too long, and then
 * cut with an ellipsis at its end (the left end of a right-to-left line), never overflowing.
 */
export function drawLine(doc: PDFKit.PDFDocument, text: string, options: LineOptions): void {
  const { x, y, width, bold = false, direction = 'auto' } = options;
  let size = options.size;
  let pieces = visualPieces(text.replace(/\s+/g, ' ').trim(), direction);
  if (pieces.length === 0) return;
  const minSize = options.minSize ?? size;
  while (size > minSize && widthOf(doc, pieces, size, bold) > width) size = Math.max(minSize, size - 0.5);
  const rtl = direction === 'rtl' || (direction === 'auto' && pieces.some((p) => p.arabic));
  while (pieces.length > 1 && widthOf(doc, pieces, size, bold) > width) {
    pieces = rtl
      ? [{ text: '…', arabic: false }, ...pieces.slice(2)]
      : [...pieces.slice(0, -2), { text: '…', arabic: false }];
  }
  const total = widthOf(doc, pieces, size, bold);
  const align = options.align ?? 'left';
  let at = align === 'left' ? x : align === 'right' ? x + width - total : x + (width - total) / 2;
  for (const piece of pieces) {
    doc.font(fontOf(piece, bold)).fontSize(size);
    doc.text(piece.text, at, y, { lineBreak: false, baseline: 'alphabetic' });
    at += doc.widthOfString(piece.text);
  }
}

/**
 * A short text (a caption, a note) in at most two lines of this width, cut between words; each
 * line is then ordered by drawLine. Measured in the regular font at this size.
 */
export function twoLinesAtMost(doc: PDFKit.PDFDocument, text: string, width: number, size: number): string[] {
  doc.font(FONT_NAMES.regular).fontSize(size);
  const words = text.split(' ');
  for (let cut = words.length; cut > 1; cut--) {
    const first = words.slice(0, cut).join(' ');
    if (doc.widthOfString(first) <= width) return cut === words.length ? [first] : [first, words.slice(cut).join(' ')];
  }
  return [text];
}
