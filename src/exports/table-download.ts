import type { Response } from 'express';
import { create as contentDisposition } from 'content-disposition';
import { csvCell } from '../http/csv-cell.ts';
import { XlsxWriter, type Cell } from './xlsx-writer.ts';

// Every export is a table sent as a download while its rows are read (decision 0019): CSV
// (UTF-8 with a byte-order mark for Excel, RFC 4180, cells that could run as formulas made inert:
// csv-cell.ts) or XLSX (xlsx-writer.ts). Rows are written as they come from the database cursor,
// waiting whenever the connection is behind, so memory stays flat however many there are; the
// browser's download shows the bytes arriving. A connection closed midway stops the reading.

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A table of a file: in XLSX, a sheet of this name (or several, past Excel's rows a sheet). */
export type SheetTable = { name: string; header: readonly string[]; rows: AsyncIterable<readonly Cell[]> };

/** The file: its first table, whose name (without extension) names the file too, and any more. */
export type Table = SheetTable & {
  /** for a reader of Arabic: the XLSX's columns right to left */
  rightToLeft?: boolean;
  /** tables after the first, each on sheets of its own in XLSX; a CSV holds the first table only */
  more?: readonly SheetTable[];
};

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Text gathered before a write: fewer, larger writes. */
const CHUNK = 65_536;

/**
 * Sends the table as a download and says how many rows it held (the header not counted). A
 * connection closed before the end stops it: the rows sent so far are counted. `beforeEnd` is
 * given the count before the last bytes go (or the reading fails): what it records is there
 * when the reader has the whole file.
 */
export async function sendTable(
  res: Response,
  format: ExportFormat,
  table: Table,
  beforeEnd: (rows: number) => Promise<void> = async () => {},
): Promise<number> {
  res.set('Content-Type', CONTENT_TYPES[format]);
  res.set('Content-Disposition', contentDisposition(`${table.name}.${format}`));
  res.set('Cache-Control', 'no-store'); // personal data: no copy kept on the way
  let behind = false;
  const write = (chunk: string | Uint8Array) => {
    if (!res.write(chunk)) behind = true;
  };
  const sink = format === 'csv' ? csvSink(write, table.header) : xlsxSink(write, table);
  let rows = 0;
  const copy = async (from: AsyncIterable<readonly Cell[]>) => {
    for await (const row of from) {
      if (res.destroyed) break; // the reader went away: the loop's end closes the cursor
      sink.add(row);
      rows += 1;
      if (behind && !res.destroyed) {
        await drainedOrClosed(res);
        behind = false;
      }
    }
  };
  try {
    await copy(table.rows);
    for (const more of format === 'xlsx' ? (table.more ?? []) : []) {
      sink.startTable(more);
      await copy(more.rows);
    }
  } finally {
    await beforeEnd(rows);
  }
  sink.end();
  res.end();
  return rows;
}

/** Waits until the response takes more, or is closed; leaves no listener behind. */
function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

type Sink = { add(row: readonly Cell[]): void; startTable(table: SheetTable): void; end(): void };

function csvSink(write: (chunk: string) => void, header: readonly string[]): Sink {
  let text = '\uFEFF' + csvLine(header);
  return {
    startTable() {
      throw new Error('a CSV file holds one table');
    },
    add(row) {
      text += csvLine(row);
      if (text.length >= CHUNK) {
        write(text);
        text = '';
      }
    },
    end() {
      if (text) write(text);
    },
  };
}

const csvLine = (cells: readonly Cell[]) => `${cells.map(csvCell).join(',')}\r\n`;

function xlsxSink(write: (chunk: Uint8Array) => void, table: Table): Sink {
  const writer = new XlsxWriter(write, { sheetName: table.name, header: table.header, rightToLeft: table.rightToLeft });
  return {
    add: (row) => writer.addRow(row),
    startTable: (next) => writer.startTable(next.name, next.header),
    end: () => writer.end(),
  };
}
