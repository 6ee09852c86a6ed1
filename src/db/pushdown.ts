import mongoose from 'mongoose';

// Whether the database answers a top-level equality without decoding the whole collection
// (docs/decisions/0005-reads-by-id.md). MongoDB does (indexes), FerretDB over PostgreSQL does
// (its explain says `filterPushdown: true`); FerretDB over SQLite does only for `{ _id }`, and
// there one `$in` query costs one scan where one query per value costs one scan each. Lists
// that split a filter by value ask this first; asked once per database client.

// Whether the database decodes every document a query matches, whatever the projection, skip
// and limit (FerretDB, both backends): a paged list then reads its matches once, sorted, and
// keeps its page as they stream past (find-page.ts), rather than decoding them twice, to count
// and to page.

type Traits = { equalitiesPushedDown: boolean; decodesEveryMatch: boolean };

const MONGODB: Traits = { equalitiesPushedDown: true, decodesEveryMatch: false };
const answers = new WeakMap<object, Promise<Traits>>();

function traits(): Promise<Traits> {
  const db = mongoose.connection.db;
  if (!db) return Promise.resolve(MONGODB);
  const client = mongoose.connection.getClient();
  let answer = answers.get(client);
  if (!answer) {
    answer = probe(db);
    answers.set(client, answer);
    // a probe sent during an outage says nothing of the database: ask again next time
    answer.catch(() => answers.delete(client));
  }
  return answer.catch(() => MONGODB);
}

export async function equalitiesPushedDown(): Promise<boolean> {
  return (await traits()).equalitiesPushedDown;
}

export async function decodesEveryMatch(): Promise<boolean> {
  return (await traits()).decodesEveryMatch;
}

async function probe(db: NonNullable<typeof mongoose.connection.db>): Promise<Traits> {
  const plan = await db.command({ explain: { find: 'training_sessions', filter: { status: 'open' } } });
  // MongoDB has no such field: it reads from its indexes either way
  return { equalitiesPushedDown: plan.filterPushdown !== false, decodesEveryMatch: 'filterPushdown' in plan };
}
