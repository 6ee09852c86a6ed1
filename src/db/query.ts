import mongoose from 'mongoose';

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
