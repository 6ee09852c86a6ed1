import type mongoose from 'mongoose';
import { PAGE_SIZE, pageWindow, type Page, type PageWindow } from './pagination.ts';
import { anyOf } from './query.ts';
import { decodesEveryMatch, equalitiesPushedDown } from './pushdown.ts';

// Every paged list reads its rows here (docs/decisions/0005-reads-by-id.md): each query carries
// a top-level equality on the list's narrowest field (FerretDB over PostgreSQL hands only those
// to SQL and decodes what they match), the rest of the filter and the sort run on those rows.

type Sort = Record<string, 1 | -1>;

/**
 * The list's sort with its ties broken by _id, in the direction of its first key: the order is
 * stable, and one index ending in _id serves the list both ways (decision 0010).
 */
export function withTieBreak(sort: Sort): Sort {
  return { ...sort, _id: Object.values(sort)[0] ?? 1 };
}

type PageOptions = {
  sort: Sort;
  projection?: string;
  /** [path, fields] pairs to populate on each row (off hot paths only: populate reads with $in) */
  populate?: [string, string][];
};

/**
 * One page of a list: counts, clamps the page, and reads its rows in a stable order (_id last).
 * Where the database decodes every match whatever is asked (FerretDB), the matches are read
 * once, sorted, and the page kept as they stream past (pageOfEveryMatch); elsewhere counted,
 * then read with skip and limit.
 */
export async function findPage<Row>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any collection; the caller names its row type
  model: mongoose.Model<any>,
  query: object,
  requestedPage: number,
  options: PageOptions,
): Promise<Page<Row>> {
  const sort = withTieBreak(options.sort);
  if (await decodesEveryMatch()) return pageOfEveryMatch<Row>(model, query, sort, requestedPage, options);
  const total = await model.countDocuments(query);
  const window = pageWindow(total, requestedPage);
  const items = await readWindow<Row>(model, query, sort, window, options);
  return { items, page: window.page, pageCount: window.pageCount, total };
}

/** The rows of a page window, read with skip and limit. */
function readWindow<Row>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any collection; the caller names its row type
  model: mongoose.Model<any>,
  query: object,
  sort: Sort,
  window: PageWindow,
  options: PageOptions,
): Promise<Row[]> {
  let rows = model.find(query, options.projection).sort(sort).skip(window.skip).limit(window.limit);
  for (const [path, fields] of options.populate ?? []) rows = rows.populate(path, fields);
  return rows.lean<Row[]>().exec() as Promise<Row[]>;
}

/**
 * A page from one sorted read of every match, counted as the rows stream past; only the
 * requested page and the latest page are kept (the last one stands in for a page beyond the
 * end), so memory stays at two pages. FerretDB decodes every match for a count or a skip
 * anyway; sending each match's row costs it little more than its keys, and saves reading the
 * page again by id (decision 0005).
 */
async function pageOfEveryMatch<Row>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any collection; the caller names its row type
  model: mongoose.Model<any>,
  query: object,
  sort: Sort,
  requestedPage: number,
  options: PageOptions,
): Promise<Page<Row>> {
  const wanted = pageWindow(Number.MAX_SAFE_INTEGER, requestedPage).page;
  let total = 0;
  let requested: Row[] = [];
  let latest: Row[] = [];
  const cursor = model.find(query, options.projection).sort(sort).lean<Row>().cursor({ batchSize: 1000 });
  for await (const row of cursor) {
    if (total % PAGE_SIZE === 0) latest = [];
    latest.push(row as Row);
    total += 1;
    if (Math.ceil(total / PAGE_SIZE) === wanted) requested = latest;
  }
  const window = pageWindow(total, requestedPage);
  let items = window.page === wanted ? requested : latest;
  for (const [path, select] of options.populate ?? []) items = (await model.populate(items, { path, select })) as Row[];
  return { items, page: window.page, pageCount: window.pageCount, total };
}

/**
 * One page of a list over several values of one field (a coordinator's institutions): one
 * query per value, each with `{ [field]: value }` at its top, counted and read sorted up to the
 * end of the page (where the database decodes every match anyway, FerretDB: read whole, once),
 * then merged in the same order one query would give (`sort`, then _id).
 * The field must hold one value per document (a document matched by two values would be
 * counted twice). Same page, order and counts as findPage over `{ [field]: { $in: values } }`,
 * which is what it runs where equalities are not pushed down (FerretDB over SQLite: one scan
 * instead of two per value); `perValue` decides instead of the database (tests).
 */
export async function findPageAcross<Row extends { _id: unknown }>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any collection; the caller names its row type
  model: mongoose.Model<any>,
  field: string,
  values: readonly unknown[],
  filter: object,
  requestedPage: number,
  options: { sort: Sort; projection?: string; perValue?: boolean },
): Promise<Page<Row>> {
  const distinct = uniqueValues(values);
  if (!(options.perValue ?? (await equalitiesPushedDown()))) {
    const query = { ...filter, [field]: anyOf(distinct) };
    return findPage<Row>(model, query, requestedPage, { sort: options.sort, projection: options.projection });
  }
  const queries = distinct.map((value) => ({ ...filter, [field]: value }));
  const sort = withTieBreak(options.sort);
  if (await decodesEveryMatch()) {
    // each value matches few (a venue's sessions, an institution's people): read them whole, once
    const rows = (
      await Promise.all(queries.map((query) => model.find(query, options.projection).sort(sort).lean<Row[]>()))
    ).flat();
    const window = pageWindow(rows.length, requestedPage);
    const items = rows.sort(compareBy(sort)).slice(window.skip, window.skip + window.limit);
    return { items, page: window.page, pageCount: window.pageCount, total: rows.length };
  }
  const counts = await Promise.all(queries.map((query) => model.countDocuments(query)));
  const total = counts.reduce((sum, count) => sum + count, 0);
  const window = pageWindow(total, requestedPage);
  const end = window.skip + window.limit;
  const parts = await Promise.all(
    queries.map((query, i) =>
      counts[i] === 0
        ? []
        : model.find(query, options.projection).sort(sort).limit(Math.min(end, counts[i]!)).lean<Row[]>(),
    ),
  );
  const items = parts.flat().sort(compareBy(sort)).slice(window.skip, end);
  return { items, page: window.page, pageCount: window.pageCount, total };
}

/**
 * Every row matching the filter for any of the values, one query per value with `{ [field]:
 * value }` at its top, merged in `sort` order (then _id); at most `limit` rows when given. One
 * `$in` query where equalities are not pushed down, as findPageAcross.
 */
export async function findAcross<Row extends { _id: unknown }>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any collection; the caller names its row type
  model: mongoose.Model<any>,
  field: string,
  values: readonly unknown[],
  filter: object,
  options: { sort: Sort; projection?: string; limit?: number; perValue?: boolean },
): Promise<Row[]> {
  const sort = withTieBreak(options.sort);
  const read = (query: object) => {
    const rows = model.find(query, options.projection).sort(sort);
    return (options.limit === undefined ? rows : rows.limit(options.limit)).lean<Row[]>();
  };
  if (!(options.perValue ?? (await equalitiesPushedDown()))) {
    return read({ ...filter, [field]: anyOf(uniqueValues(values)) });
  }
  const parts = await Promise.all(uniqueValues(values).map((value) => read({ ...filter, [field]: value })));
  const rows = parts.flat().sort(compareBy(sort));
  return options.limit === undefined ? rows : rows.slice(0, options.limit);
}

/** Values without repeats (ObjectIds and strings alike, by their text). */
function uniqueValues(values: readonly unknown[]): unknown[] {
  const seen = new Map<string, unknown>();
  for (const value of values) seen.set(String(value), value);
  return [...seen.values()];
}

/** Orders rows as MongoDB sorts them on these fields (missing and null first, ascending). */
export function compareBy(sort: Sort) {
  const fields = Object.entries(sort);
  return (a: object, b: object): number => {
    for (const [path, direction] of fields) {
      const order = compareValues(valueAt(a, path), valueAt(b, path));
      if (order !== 0) return order * direction;
    }
    return 0;
  };
}

function valueAt(row: object, path: string): unknown {
  let value: unknown = row;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | null | undefined)?.[key];
  return value;
}

/** One sort key against another: null/missing < numbers < strings < ObjectIds < booleans < dates. */
function compareValues(a: unknown, b: unknown): number {
  const rank = (value: unknown) => {
    if (value === null || value === undefined) return 0;
    if (typeof value === 'number') return 1;
    if (typeof value === 'string') return 2;
    if (typeof value === 'boolean') return 4;
    if (value instanceof Date) return 5;
    return 3; // ObjectId
  };
  const [ra, rb] = [rank(a), rank(b)];
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  const [ka, kb] =
    ra === 5 ? [(a as Date).getTime(), (b as Date).getTime()] : ra === 3 ? [String(a), String(b)] : [a, b];
  return ka! < kb! ? -1 : ka! > kb! ? 1 : 0;
}
