import type { Request, Response } from 'express';
import type { Page } from '../db/pagination.ts';
import { exportStarted, type AuditAction } from '../audit/audit.ts';
import { EXPORT_FORMATS, sendTable, type ExportFormat, type SheetTable, type Table } from './table-download.ts';
import type { Cell } from './xlsx-writer.ts';

// One way to send an export (decision 0019): the event goes to the audit log before the first
// row (who, when, from where, what, which filters), its row count when the file has ended; the
// table is written in the reader's layout (right to left in Arabic).

export type AuditedExport = {
  /** the audit log's action: `export.completions`, `export.sessions`… */
  action: AuditAction & `export.${string}`;
  /** the file's name, without its date and extension */
  name: string;
  header: readonly string[];
  rows: AsyncIterable<readonly Cell[]>;
  /** tables after the first: sheets of their own in XLSX, left out of a CSV */
  more?: readonly SheetTable[];
  /** the filters the export was asked with, as given */
  filters: Record<string, unknown>;
  /**
   * the institutions it reads, whose coordinators see the event: by default the one its filters
   * chose, else the actor's scope
   */
  institutions?: readonly unknown[];
};

/** The format asked for in the query string (?format=xlsx); CSV unless XLSX is asked. */
export function formatAsked(req: Request): ExportFormat {
  return EXPORT_FORMATS.find((format) => format === req.query.format) ?? 'csv';
}

export async function sendAuditedExport(req: Request, res: Response, ask: AuditedExport): Promise<number> {
  const format = formatAsked(req);
  const finished = await exportStarted(req.user ?? null, {
    action: ask.action,
    institutions: ask.institutions ?? institutionsRead(req, ask.filters),
    details: { format, filters: definedOnly(ask.filters) },
  });
  const table: Table = {
    name: `${ask.name}-${new Date().toISOString().slice(0, 10)}`,
    header: ask.header,
    rows: ask.rows,
    more: ask.more,
    rightToLeft: req.language === 'ar',
  };
  const rows = await sendTable(res, format, table, finished);
  req.log.info({ userId: req.user?.id, action: ask.action, rows, format }, 'exported');
  return rows;
}

function institutionsRead(req: Request, filters: Record<string, unknown>): readonly unknown[] {
  return typeof filters.institution === 'string' ? [filters.institution] : (req.user?.scopeInstitutionIds ?? []);
}

/** The filters given, without those left empty or the paging: what the audit log shows of an export. */
function definedOnly(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(([key, value]) => value !== undefined && key !== 'format' && key !== 'page'),
  );
}

/** Every item of a paged list, a page at a time: an export of what a list shows, in its order. */
export async function* everyItem<T>(pageOf: (page: number) => Promise<Page<T>>): AsyncGenerator<T> {
  for (let page = 1, pageCount = 1; page <= pageCount; page++) {
    const found = await pageOf(page);
    pageCount = found.pageCount;
    yield* found.items;
  }
}

/** The items in arrays of `size` (the last one shorter): a batch's related records read together. */
export async function* inBatches<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
