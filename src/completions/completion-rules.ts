import { DateTime } from 'luxon';
import type { RecordResult, StoredStatus } from './completion-record.model.ts';

// The rules of completion records that need no database (decision 0015).

export type RecordStatus = StoredStatus | 'expired';

/** What a session's confirmed outcome makes: a record, or none for someone who never came. */
export function recordResultOf(outcome: string): RecordResult | null {
  if (outcome === 'completed') return 'completed';
  if (outcome === 'not_completed') return 'not_completed';
  return null;
}

/**
 * When a completion stops being valid: the module's validity counted from the last day of the
 * training, at the start of that day (UTC); null when the module's certificates never expire.
 */
export function expiryOf(endedOn: string, validityMonths: number): Date | null {
  if (!validityMonths || validityMonths <= 0) return null;
  return DateTime.fromISO(endedOn, { zone: 'utc' }).plus({ months: validityMonths }).toJSDate();
}

/** The status shown: a valid record whose expiry has come reads as expired. */
export function statusAt(record: { status: StoredStatus; expiresAt?: Date | null }, now: Date): RecordStatus {
  if (record.status === 'valid' && record.expiresAt && record.expiresAt.getTime() <= now.getTime()) return 'expired';
  return record.status;
}

/** The year a certificate number runs in: the year of issue, in UTC. */
export const numberingYear = (issuedAt: Date): number => issuedAt.getUTCFullYear();

/** Whether a record carries a certificate: completed ones do. */
export const hasCertificate = (record: { result: RecordResult }): boolean => record.result === 'completed';
