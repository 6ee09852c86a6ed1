import type mongoose from 'mongoose';
import { CompletionRecord, type CompletionRecordFields } from './completion-record.model.ts';

// A session's completion records, for the features above (a session's certificates printed
// together): one query by the session (index {session: 1}); the caller has checked access.

export type { CompletionRecordFields };

/** The session's records that carry a certificate one may print: completed, not revoked or withdrawn. */
export async function printableRecordsOfSession(sessionId: mongoose.Types.ObjectId) {
  const records = await CompletionRecord.find({ session: sessionId }).lean();
  return records.filter((r) => isPrintable(r)).sort((a, b) => a.nameAsIssued.localeCompare(b.nameAsIssued));
}

/** Whether a record's certificate may be printed: it has a number, and was not revoked or withdrawn. */
export function isPrintable(record: Pick<CompletionRecordFields, 'result' | 'certificateNumber' | 'status'>): boolean {
  return (
    record.result === 'completed' &&
    !!record.certificateNumber &&
    record.status !== 'revoked' &&
    record.status !== 'withdrawn'
  );
}
