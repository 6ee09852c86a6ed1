import mongoose from 'mongoose';

// Keyset pages (the API's, decision 0022): the documents after a given one in the order of their
// ids, which is stable while records come and go, so a reader walking the pages meets each
// document once. Like every list (decision 0005), each query carries one top-level equality that
// FerretDB hands to SQL (a coordinator's institution, a module, a country); the rest of the
// filter, the range on _id and the sort run on the rows that equality matches.

type Id = mongoose.Types.ObjectId;

/**
 * The first `limit` documents after `after` (all from the first, when none) in _id order, over
 * several top-level equalities: one query for each, read sorted up to `limit`, merged. The
 * equalities must not overlap (a document matched by two would come twice).
 * MongoDB serves each query with an index on the equality's field then _id (decision 0010).
 */
export async function findAfterAcross<Row extends { _id: Id }>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any collection; the caller names its row type
  model: mongoose.Model<any>,
  equalities: readonly Record<string, unknown>[],
  filter: Record<string, unknown>,
  after: Id | undefined,
  limit: number,
  projection?: string,
): Promise<Row[]> {
  const later = after ? { _id: mongoose.trusted({ $gt: after }) } : {};
  const batches = await Promise.all(
    equalities.map((equality) =>
      model
        .find({ ...filter, ...later, ...equality }, projection)
        .sort({ _id: 1 })
        .limit(limit)
        .lean<Row[]>()
        .exec(),
    ),
  );
  return batches
    .flat()
    .sort((a, b) => a._id.toHexString().localeCompare(b._id.toHexString()))
    .slice(0, limit);
}
