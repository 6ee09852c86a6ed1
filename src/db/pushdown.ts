import mongoose from 'mongoose';

// Whether the database answers a top-level equality without decoding the whole collection
// (docs/decisions/0005-reads-by-id.md). MongoDB does (indexes), FerretDB over PostgreSQL does
// (its explain says `filterPushdown: true`); FerretDB over SQLite does only for `{ _id }`, and
// there one `$in` query costs one scan where one query per value costs one scan each. Lists
// that split a filter by value ask this first; asked once per database client.

const answers = new WeakMap<object, Promise<boolean>>();

export function equalitiesPushedDown(): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db) return Promise.resolve(true);
  const client = mongoose.connection.getClient();
  let answer = answers.get(client);
  if (!answer) {
    answer = probe(db);
    answers.set(client, answer);
    // a probe sent during an outage says nothing of the database: ask again next time
    answer.catch(() => answers.delete(client));
  }
  return answer.catch(() => true);
}

async function probe(db: NonNullable<typeof mongoose.connection.db>): Promise<boolean> {
  const plan = await db.command({ explain: { find: 'training_sessions', filter: { status: 'open' } } });
  // MongoDB has no such field: it reads from its indexes either way
  return plan.filterPushdown !== false;
}
