import mongoose from 'mongoose';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import { conflict } from '../http/errors.ts';
import {
  CompletionRecord,
  CompletionRevision,
  RECORD_CONTENT_FIELDS,
  type CompletionRecordDocument,
  type CompletionRecordFields,
  type RevisionAction,
} from './completion-record.model.ts';

// Every change to a completion record is a revision: the whole of what the record then says is
// inserted into completion_revisions under the next number, and only then is the record set to
// it. `{record, revision}` is unique, so two changes made from the same revision cannot both land
// (decision 0002): the second is told the record changed meanwhile.

type Id = mongoose.Types.ObjectId;
/** Arrays as plain arrays: what a change gives, as opposed to what a document holds. */
type Plain<T> = { [K in keyof T]: T[K] extends mongoose.Types.DocumentArray<infer U> ? U[] : T[K] };
export type RecordContent = Plain<Pick<CompletionRecordFields, (typeof RECORD_CONTENT_FIELDS)[number]>>;
export type Revision = { action: RevisionAction; at: Date; by?: Id | string; reason?: string };

/** What a record says, as a revision keeps it. */
export function contentOf(record: object): Partial<RecordContent> {
  const content: Record<string, unknown> = {};
  for (const field of RECORD_CONTENT_FIELDS) {
    const value = (record as Record<string, unknown>)[field];
    if (value !== undefined) content[field] = value;
  }
  return JSON.parse(JSON.stringify(content)) as Partial<RecordContent>;
}

const idOf = (by: Id | string | undefined) => (by === undefined ? undefined : new mongoose.Types.ObjectId(by));

/**
 * Inserts a new record with its first revision. The revision goes in first, under an id chosen
 * here, so a record never exists without its history; a record already there under the same
 * source key (a closing run twice at once) is returned instead.
 */
export async function createRecord(
  /** `_id` when the caller needs it first (a record entered by hand is keyed `manual:<_id>`) */
  fields: Partial<Plain<CompletionRecordFields>> & { sourceKey: string; _id?: Id },
  revision: Revision,
): Promise<CompletionRecordDocument> {
  const record = new CompletionRecord({ ...fields, revision: 1 });
  await record.validate();
  await CompletionRevision.create({
    record: record._id,
    revision: 1,
    action: revision.action,
    at: revision.at,
    by: idOf(revision.by),
    reason: revision.reason,
    content: contentOf(record.toObject()),
  });
  try {
    await record.save();
    return record;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const existing = await CompletionRecord.findOne({ sourceKey: fields.sourceKey });
    if (!existing) throw error;
    return existing;
  }
}

/**
 * Changes a record by a new revision: the revision is claimed first; when another change
 * claimed it already, nothing is written and the caller is refused with 409.
 */
export async function reviseRecord(
  record: CompletionRecordDocument,
  change: Partial<RecordContent>,
  revision: Revision,
): Promise<CompletionRecordDocument> {
  const next = record.revision + 1;
  const content = { ...contentOf(record.toObject()), ...contentOf(change) };
  try {
    await CompletionRevision.create({
      record: record._id,
      revision: next,
      action: revision.action,
      at: revision.at,
      by: idOf(revision.by),
      reason: revision.reason,
      content,
    });
  } catch (error) {
    if (isDuplicateKey(error)) throw conflict('completions:errors.stale');
    throw error;
  }
  record.set({ ...change, revision: next });
  for (const [field, value] of Object.entries(change)) if (value === undefined) record.set(field, undefined);
  await record.save();
  return record;
}

/** A record's revisions, oldest first. */
export function revisionsOf(recordId: Id) {
  return CompletionRevision.find({ record: recordId }).sort({ revision: 1 }).lean();
}
