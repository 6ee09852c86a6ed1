import mongoose from 'mongoose';
import { isObjectId } from '../db/object-id.ts';
import { equalitiesPushedDown } from '../db/pushdown.ts';
import { anyOf, findLeanById } from '../db/query.ts';
import { CompletionRecord, type RecordResult, type StoredStatus } from './completion-record.model.ts';
import { statusAt } from './completion-rules.ts';

// Completion records as the trainer chain reads them (src/trainer-chain, decision 0016): read
// only, whoever asks (the caller has asked its own policy), each query on an indexed equality.

type Id = mongoose.Types.ObjectId;

export type ChainRecord = {
  _id: Id;
  person: Id;
  module: Id;
  moduleVersion: number;
  session?: Id | null;
  result: RecordResult;
  status: StoredStatus;
  moduleCode: string;
  moduleTitle: string;
  startedOn: string;
  endedOn: string;
  expiresAt?: Date | null;
  issuingCountry: Id;
  issuingInstitution: Id;
};
const CHAIN =
  'person module moduleVersion session result status moduleCode moduleTitle startedOn endedOn expiresAt issuingCountry issuingInstitution';

/** One record; null for a malformed or unknown id. */
export function chainRecord(id: unknown): Promise<ChainRecord | null> {
  return findLeanById<ChainRecord>(CompletionRecord, id, CHAIN);
}

/** Whether a record is a completion that stands now: completed, and neither revoked, withdrawn, superseded nor expired. */
export const standsNow = (record: ChainRecord, now: Date) =>
  record.result === 'completed' && statusAt(record, now) === 'valid';

/**
 * Whether a record says its person was trained: completed, and valid or since superseded by a
 * recertification, expired or not. A revoked or withdrawn record trained nobody.
 */
export const trainedSomeone = (record: ChainRecord) =>
  record.result === 'completed' && (record.status === 'valid' || record.status === 'superseded');

/** A person's completions that stand now, newest first (their index: `{person, issuedAt}`). */
export async function standingCompletionsOf(personId: Id | string, now: Date): Promise<ChainRecord[]> {
  if (!isObjectId(String(personId))) return [];
  const records = await CompletionRecord.find({ person: String(personId) }, CHAIN)
    .sort({ issuedAt: -1 })
    .lean<ChainRecord[]>();
  return records.filter((record) => standsNow(record, now));
}

/** Side by side at most this many: a trainer of hundreds of sessions does not take the whole pool. */
const AT_ONCE = 20;

/**
 * The records of these sessions: one query per session (`{session}`, pushed down and indexed,
 * decision 0005), a few at a time; one `$in` where equalities are not pushed down (FerretDB over
 * SQLite: one scan rather than one per session).
 */
export async function recordsOfSessions(sessionIds: readonly Id[]): Promise<ChainRecord[]> {
  if (sessionIds.length === 0) return [];
  if (!(await equalitiesPushedDown())) {
    return CompletionRecord.find({ session: anyOf(sessionIds) }, CHAIN).lean<ChainRecord[]>();
  }
  const records: ChainRecord[] = [];
  for (let i = 0; i < sessionIds.length; i += AT_ONCE) {
    const batch = sessionIds.slice(i, i + AT_ONCE);
    const parts = await Promise.all(
      batch.map((session) => CompletionRecord.find({ session }, CHAIN).lean<ChainRecord[]>()),
    );
    records.push(...parts.flat());
  }
  return records;
}

/** A module's records, at most `limit` (its cascade: one query, the module its equality). */
export function recordsOfModule(moduleId: Id, limit: number): Promise<ChainRecord[]> {
  return CompletionRecord.find({ module: moduleId }, CHAIN).limit(limit).lean<ChainRecord[]>().exec();
}
