import mongoose from 'mongoose';

// Indexes the models no longer declare. Mongoose makes a model's new indexes at start-up but
// never drops old ones, and each index left costs every write (on FerretDB over PostgreSQL, a
// btree and its GIN twin, decision 0005). Each entry names the index that replaced it.
export const SUPERSEDED_INDEXES: readonly { collection: string; name: string; replacedBy: string }[] = [
  // lists break ties by _id, in the direction of their first key (decision 0010)
  { collection: 'training_sessions', name: 'startsAt_1', replacedBy: 'startsAt_1__id_1' },
  { collection: 'training_sessions', name: 'institution_1_startsAt_1', replacedBy: 'institution_1_startsAt_1__id_1' },
  { collection: 'training_sessions', name: 'country_1_startsAt_1', replacedBy: 'country_1_startsAt_1__id_1' },
  { collection: 'training_sessions', name: 'module_1_startsAt_1', replacedBy: 'module_1_startsAt_1__id_1' },
  {
    collection: 'training_sessions',
    name: 'trainers.person_1_startsAt_1',
    replacedBy: 'trainers.person_1_startsAt_1__id_1',
  },
  { collection: 'enrolments', name: 'session_1_requestedAt_1', replacedBy: 'session_1_requestedAt_1__id_1' },
  { collection: 'notices', name: 'person_1_createdAt_-1', replacedBy: 'person_1_createdAt_-1__id_-1' },
  { collection: 'resources', name: 'module_1_updatedAt_-1', replacedBy: 'module_1_updatedAt_-1__id_-1' },
  { collection: 'users', name: 'fullName_1', replacedBy: 'fullName_1__id_1' },
  { collection: 'users', name: 'institution_1_fullName_1', replacedBy: 'institution_1_fullName_1__id_1' },
  {
    collection: 'completion_records',
    name: 'issuingInstitution_1_issuedAt_-1__id_1',
    replacedBy: 'issuingInstitution_1_issuedAt_-1__id_-1',
  },
  {
    collection: 'completion_records',
    name: 'module_1_issuedAt_-1__id_1',
    replacedBy: 'module_1_issuedAt_-1__id_-1',
  },
  {
    collection: 'completion_records',
    name: 'issuingCountry_1_issuedAt_-1__id_1',
    replacedBy: 'issuingCountry_1_issuedAt_-1__id_-1',
  },
  // searches and the people list are cut from the people directory in memory (decision 0017)
  { collection: 'users', name: 'searchTokens_1_fullName_1__id_1', replacedBy: 'fullName_1__id_1' },
  { collection: 'users', name: 'active_1_fullName_1__id_1', replacedBy: 'fullName_1__id_1' },
  // the audit log is read a month at a time (decision 0019)
  { collection: 'audit_events', name: 'at_-1__id_-1', replacedBy: 'month_1_at_-1__id_-1' },
  { collection: 'audit_events', name: 'action_1_at_-1__id_-1', replacedBy: 'month_1_at_-1__id_-1' },
  { collection: 'audit_events', name: 'institutions_1_at_-1__id_-1', replacedBy: 'month_1_at_-1__id_-1' },
];

/** Drops the superseded indexes a database still has; the names of those dropped. */
export async function dropSupersededIndexes(): Promise<string[]> {
  const db = mongoose.connection.db!;
  const dropped: string[] = [];
  for (const { collection, name } of SUPERSEDED_INDEXES) {
    const existing = await db
      .collection(collection)
      .indexes()
      .catch(() => []); // no such collection yet: nothing to drop
    if (!existing.some((index) => index.name === name)) continue;
    await db.collection(collection).dropIndex(name);
    dropped.push(`${collection}.${name}`);
  }
  return dropped;
}
