// Cells of a CSV that people open in a spreadsheet. A cell that starts like a formula (= + - @)
// would be run by Excel or LibreOffice (CSV injection, OWASP), so it gets a leading apostrophe,
// which makes the spreadsheet read it as text. Spreadsheets also see past what the eye does not:
// a full-width ＝ or ＋ (read as = and + after NFKC), and invisible characters in front (a
// zero-width space, a byte-order mark, a no-break space, a tab or a line break).

// format characters (Cf: zero-width space, BOM, bidi marks), spaces (Zs), line and paragraph
// separators, and control characters (tab, CR, LF and the rest) that the spreadsheet skips or splits on
const INVISIBLE_LEAD = /^[\p{Cf}\p{Zs}\p{Zl}\p{Zp}\p{Cc}]+/u;
const FORMULA_START = /^[=+\-@]/;

/** Whether a spreadsheet could take the value for a formula, whatever invisible characters or width it starts with. */
export function startsLikeFormula(value: string): boolean {
  if (/^[\t\r\n]/.test(value)) return true;
  return FORMULA_START.test(value.normalize('NFKC').replace(INVISIBLE_LEAD, ''));
}

/**
 * A CSV cell that a spreadsheet will not run as a formula, quoted when it must be. The value is
 * kept as it was, with an apostrophe in front when it starts like a formula.
 */
export function csvCell(value: unknown): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (startsLikeFormula(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
