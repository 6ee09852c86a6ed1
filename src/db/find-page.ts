import type mongoose from 'mongoose';
import { pageWindow, type Page } from './pagination.ts';

type PageOptions = {
  sort: Record<string, 1 | -1>;
  /** [path, fields] pairs to populate on each row */
  populate?: [string, string][];
};

/** One page of a list: counts, clamps the page, and reads its rows in a stable order (_id last). */
export async function findPage<Row>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any collection; the caller names its row type
  model: mongoose.Model<any>,
  query: object,
  requestedPage: number,
  options: PageOptions,
): Promise<Page<Row>> {
  const total = await model.countDocuments(query);
  const window = pageWindow(total, requestedPage);
  let rows = model
    .find(query)
    .sort({ ...options.sort, _id: 1 })
    .skip(window.skip)
    .limit(window.limit);
  for (const [path, fields] of options.populate ?? []) rows = rows.populate(path, fields);
  return { items: await rows.lean<Row[]>(), page: window.page, pageCount: window.pageCount, total };
}
