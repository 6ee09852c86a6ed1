import mongoose from 'mongoose';
import { isObjectId } from '../db/object-id.ts';
import { CompletionRecord, type CompletionRecordFields } from './completion-record.model.ts';
import { statusAt, type RecordStatus } from './completion-rules.ts';

// Reads of completion records for other features (decision 0008): a person's records as a
// transcript, curriculum progress and prerequisites read them. Nothing here writes.

export type PersonRecord = Pick<
  CompletionRecordFields,
  | 'module'
  | 'moduleCode'
  | 'moduleTitle'
  | 'hours'
  | 'startedOn'
  | 'endedOn'
  | 'result'
  | 'certificateNumber'
  | 'issuerName'
  | 'issuedAt'
  | 'expiresAt'
> & {
  _id: mongoose.Types.ObjectId;
  moduleTitles: { language: string; title: string }[];
  /** as it reads now: a valid record past its expiry is expired (statusAt) */
  status: RecordStatus;
};

const FIELDS =
  'module moduleCode moduleTitle moduleTitles hours startedOn endedOn result certificateNumber issuerName issuedAt expiresAt status';

/**
 * A person's records, newest first, with the status they have now. Withdrawn ones (a session
 * reopened) are left out: until the session is closed again they say nothing. One query by
 * the person, served by `{person, issuedAt}` (FerretDB hands the equality to SQL).
 */
export async function recordsOfPerson(personId: unknown, now = new Date()): Promise<PersonRecord[]> {
  if (!isObjectId(String(personId))) return [];
  const rows = await CompletionRecord.find({ person: new mongoose.Types.ObjectId(String(personId)) }, FIELDS)
    .sort({ issuedAt: -1 })
    .lean<(Omit<PersonRecord, 'status'> & { status: CompletionRecordFields['status'] })[]>();
  return rows
    .filter((row) => row.status !== 'withdrawn')
    .map((row) => ({ ...row, moduleTitles: row.moduleTitles ?? [], status: statusAt(row, now) }));
}
