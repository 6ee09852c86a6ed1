import mongoose from 'mongoose';
import { isObjectId } from './object-id.ts';

// sanitizeFilter (see connection.ts) neutralises every $-operator in a filter, so that one
// smuggled in through input can do nothing. Operators that our own code writes are marked
// trusted here, in one place.

/** Matches any of the values: a trusted { $in: values }. */
export function anyOf<T>(values: readonly T[]) {
  return mongoose.trusted({ $in: [...values] });
}

/** Matches ObjectIds given as hex strings. */
export function anyOfIds(ids: readonly string[]) {
  return anyOf(ids.map((id) => new mongoose.Types.ObjectId(id)));
}

/** Up to this many ids are read one by one; more are read with one $in. */
const LOOKUPS_BY_ID = 100;

/**
 * Documents by their ids (hex strings), in no particular order; missing ones are left out: one
 * findById each, side by side, for collections of thousands (sessions, people). Neither FerretDB
 * backend hands `_id: { $in }` to SQL: it decodes the whole collection, ~1–1.4 s over 2,000
 * sessions or 5,000 people on PostgreSQL, against ~0.1 s for 20 reads by id and ~0.7 s for 100
 * (docs/decisions/0005-reads-by-id.md). Filter the rows in code.
 */
export async function findByIds<Row>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any collection; the caller names its row type
  model: mongoose.Model<any>,
  ids: readonly string[],
  projection: string,
): Promise<Row[]> {
  const unique = [...new Set(ids)];
  if (unique.length > LOOKUPS_BY_ID) return model.find({ _id: anyOfIds(unique) }, projection).lean<Row[]>();
  const rows = await Promise.all(unique.map((id) => model.findById(id, projection).lean<Row>()));
  return rows.filter((row) => row !== null) as Row[];
}

/**
 * The same in one query (`_id: { $in }`), for collections of tens or hundreds (institutions,
 * modules), where decoding the collection once costs less than a read per id.
 */
export function findByIdsAtOnce<Row>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any collection; the caller names its row type
  model: mongoose.Model<any>,
  ids: readonly string[],
  projection: string,
): Promise<Row[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return Promise.resolve([]);
  return model
    .find({ _id: anyOfIds(unique) }, projection)
    .lean<Row[]>()
    .exec() as Promise<Row[]>;
}

/** A case-insensitive "contains" pattern from what a person typed, with regex syntax escaped. */
export function containsPattern(words: string): RegExp {
  return new RegExp(words.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
}

/** One document by its id (hex string), as plain data; null for a malformed or unknown id. */
export function findLeanById<Row>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any collection; the caller names its row type
  model: mongoose.Model<any>,
  id: unknown,
  projection: string,
): Promise<Row | null> {
  if (!isObjectId(String(id))) return Promise.resolve(null);
  return model.findById(String(id), projection).lean<Row>().exec() as Promise<Row | null>;
}
