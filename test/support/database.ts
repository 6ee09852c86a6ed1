import mongoose from 'mongoose';

/**
 * Every collection's documents, except the login sessions that any request may touch, sessions'
 * counted places and the collections' stamps (a write that changed nothing may still set one): to
 * compare before and after.
 */
/** The audit log's actions that record a read (decision 0019): a view, an export, a certificate printed, a list read through the API. */
const READS = /\.view$|^export\.|^certificate\.print$|^api\.list$/;

export async function databaseSnapshot(): Promise<Record<string, string>> {
  const db = mongoose.connection.db!;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  const snapshot: Record<string, string> = {};
  // login sessions, the log of certificates printed (a download is a read that is recorded), stamps
  const skipped = ['login_sessions', 'certificate_prints', 'collection_stamps'];
  for (const name of names.filter((n) => !skipped.includes(n))) {
    // a session's counted places are derived, and a read may record them (places-summary.ts)
    const projection = name === 'training_sessions' ? { places: 0 } : {};
    let documents = await db.collection(name).find({}, { projection }).sort({ _id: 1 }).toArray();
    // a read of someone's records or an export is recorded in the audit log; changes are kept
    if (name === 'audit_events') documents = documents.filter((e) => !READS.test(String(e.action)));
    snapshot[name] = JSON.stringify(documents);
  }
  return snapshot;
}
