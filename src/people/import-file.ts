import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { fieldError } from '../http/errors.ts';

// A staff file as rows of text by column: CSV (UTF-8, a byte-order mark or not, comma or
// semicolon) or XLSX (its first sheet). The header row names the columns (IMPORT_COLUMNS, in any
// order and case); other columns are left out; empty rows are skipped.

export const IMPORT_COLUMNS = [
  'service_number',
  'full_name',
  'email',
  'gender',
  'rank',
  'institution',
  'language',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
export type ImportRow = Partial<Record<ImportColumn, string>>;

/** More rows than this are refused: split the file. */
export const MAX_IMPORT_ROWS = 5_000;
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

const XLSX_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]); // a ZIP

/** The file's rows; a field error on `file` when it cannot be read or breaks a limit. */
export async function readImportFile(content: Buffer): Promise<ImportRow[]> {
  const table = content.subarray(0, 4).equals(XLSX_SIGNATURE) ? await xlsxTable(content) : csvTable(content);
  const [header, ...rows] = table.filter((row) => row.some((cell) => cell.trim() !== ''));
  if (!header) throw fieldError('file', 'people:import.empty');
  const columns = header.map((name) =>
    name
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
  );
  const missing = ['service_number', 'full_name', 'institution'].filter((c) => !columns.includes(c));
  if (missing.length > 0) throw fieldError('file', 'people:import.missingColumns', { columns: missing.join(', ') });
  if (rows.length > MAX_IMPORT_ROWS) throw fieldError('file', 'people:import.tooMany', { max: MAX_IMPORT_ROWS });
  return rows.map((cells) => {
    const row: ImportRow = {};
    columns.forEach((column, i) => {
      if ((IMPORT_COLUMNS as readonly string[]).includes(column)) row[column as ImportColumn] = (cells[i] ?? '').trim();
    });
    return row;
  });
}

function csvTable(content: Buffer): string[][] {
  const text = content.toString('utf8');
  if (text.includes('\uFFFD')) throw fieldError('file', 'people:import.notUtf8');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  try {
    return parseCsv(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch {
    throw fieldError('file', 'people:import.unreadable');
  }
}

async function xlsxTable(content: Buffer): Promise<string[][]> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(content as unknown as ArrayBuffer);
  } catch {
    throw fieldError('file', 'people:import.unreadable');
  }
  const sheet = book.worksheets[0];
  if (!sheet) throw fieldError('file', 'people:import.empty');
  const table: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cell.text ?? '';
    });
    table.push(Array.from(cells, (cell) => cell ?? ''));
  });
  return table;
}
