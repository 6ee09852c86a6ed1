import { AsyncLocalStorage } from 'node:async_hooks';
import { ObjectId } from 'mongodb';
import mongoose from 'mongoose';
import { upsertRacing } from './duplicate-key.ts';

// A process may keep a copy of what it read from a collection (an index of its keys: decision
// 0017) only as long as nobody has written to that collection since. Every write through the
// model sets a new stamp for the collection (stampOnWrite), and a copy is used only while the
// collection's stamp is the one read before the copy was made (StampedCopy): one read by _id a
// use, in any process. A stamp missing (a database just made or emptied) is made anew. Within a
// request (withStampsReadOnce), the stamps are read once, all together, at the first use: what
// the request sees of every copy is then as of that moment, or newer, and its own writes show.

type Stamp = { _id: string; stamp: ObjectId };

const stamps = () => mongoose.connection.db!.collection<Stamp>('collection_stamps');

/** The stamps one request has read (all at once, at its first use) and set. */
type RequestStamps = { read?: Promise<Map<string, string>>; set: Map<string, string> };

const requestStamps = new AsyncLocalStorage<RequestStamps>();

/** Runs `work` (a request's handling) reading the stamps once, at their first use. */
export function withStampsReadOnce<T>(work: () => T): T {
  return requestStamps.run({ set: new Map() }, work);
}

/** The collection's current stamp (or the request's: withStampsReadOnce), made when it has none. */
export async function readStamp(collection: string): Promise<string> {
  const request = requestStamps.getStore();
  const found = request
    ? (request.set.get(collection) ?? (await (request.read ??= everyStamp())).get(collection))
    : (await stamps().findOne({ _id: collection }))?.stamp.toHexString();
  return found ?? newStamp(collection);
}

async function everyStamp(): Promise<Map<string, string>> {
  // one document a collection with copies: a handful
  const all = await stamps().find({}).toArray();
  return new Map(all.map((s) => [s._id, s.stamp.toHexString()]));
}

/** Sets a new stamp: every copy made before it is stale. */
export async function newStamp(collection: string): Promise<string> {
  const stamp = new ObjectId();
  await upsertRacing(() => stamps().updateOne({ _id: collection }, { $set: { stamp } }, { upsert: true }));
  for (const copy of copies.get(collection) ?? []) copy.forget();
  requestStamps.getStore()?.set.set(collection, stamp.toHexString());
  return stamp.toHexString();
}

const copies = new Map<string, Set<StampedCopy<unknown>>>();

/**
 * A copy of something read from a collection, read again when the collection's stamp has moved
 * (or one of several stamps: a copy that rests on more than one). Requests that find it stale
 * at the same time share one read.
 */
export class StampedCopy<T> {
  private copy: { stamp: string; value: Promise<T> } | undefined;
  private readonly collections: readonly string[];

  constructor(
    collections: string | readonly string[],
    private readonly read: () => Promise<T>,
  ) {
    this.collections = typeof collections === 'string' ? [collections] : collections;
    for (const collection of this.collections) {
      copies.set(collection, (copies.get(collection) ?? new Set()).add(this as StampedCopy<unknown>));
    }
  }

  async get(): Promise<T> {
    // the stamps before the read: a write after it sets another stamp, and the next use reads again
    const stamp = (await Promise.all(this.collections.map(readStamp))).join(' ');
    if (this.copy?.stamp === stamp) return this.copy.value;
    const value = this.read();
    this.copy = { stamp, value };
    value.catch(() => {
      if (this.copy?.value === value) this.copy = undefined;
    });
    return value;
  }

  forget(): void {
    this.copy = undefined;
  }
}

/**
 * Rows read for a copy, frozen: every request shares them, and a caller that changed one would
 * change it for all (in strict code, which ours is, such a change throws instead).
 */
export function frozenRows<Row extends object>(rows: Row[]): readonly Readonly<Row>[] {
  for (const row of rows) Object.freeze(row);
  return Object.freeze(rows);
}

/** The rows with these ids (hex strings or ObjectIds), in the copy's order. */
export function rowsWithIds<Row extends { _id: { toHexString(): string } }>(
  rows: readonly Row[],
  ids: readonly unknown[],
): Row[] {
  const wanted = new Set(ids.map(String));
  return rows.filter((row) => wanted.has(row._id.toHexString()));
}

const WRITES: mongoose.MongooseQueryMiddleware[] = [
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'replaceOne',
  'deleteMany',
  'findOneAndDelete',
];

/**
 * Sets a new stamp for the collection after every write through the model, unless `unless`
 * says of an update that no copy can hold what it changed (a field no copy reads).
 */
export function stampOnWrite(
  schema: mongoose.Schema,
  collection: string,
  unless: (update: Record<string, unknown>) => boolean = () => false,
): void {
  const stamp = async () => void (await newStamp(collection));
  schema.post('save', stamp);
  schema.post('insertMany', stamp);
  schema.post('bulkWrite', stamp);
  schema.post('deleteOne', { document: true, query: true }, stamp);
  schema.post(WRITES, async function (this: mongoose.Query<unknown, unknown>) {
    const update = this.getUpdate() as Record<string, unknown> | null;
    if (!update || !unless(update)) await stamp();
  });
}
