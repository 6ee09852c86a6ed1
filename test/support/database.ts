import mongoose from 'mongoose';

/** Every collection's documents, except the login sessions that any request may touch: to compare before and after. */
export async function databaseSnapshot(): Promise<Record<string, string>> {
  const db = mongoose.connection.db!;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  const snapshot: Record<string, string> = {};
  for (const name of names.filter((n) => n !== 'login_sessions')) {
    snapshot[name] = JSON.stringify(await db.collection(name).find().sort({ _id: 1 }).toArray());
  }
  return snapshot;
}
