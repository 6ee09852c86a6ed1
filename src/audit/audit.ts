import mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { AuditEvent } from './audit-event.model.ts';

// Appending to the audit log (decision 0019). Every feature records here what it changed,
// exported or showed of someone else; the log's page reads the events back.

/** Who acts, and from where: from the request (`auditContext` in http/), or the system's. */
export type AuditContext = { actor: Pick<Actor, 'id' | 'fullName'> | null; address: string };

export const SYSTEM: AuditContext = { actor: null, address: '' };

export type AuditedEvent = {
  action: string;
  subject?: { collection: string; id: unknown };
  /** the institutions the record belongs to (their coordinators see the event) */
  institutions?: readonly unknown[];
  changes?: readonly { field: string; before?: string; after?: string }[];
  details?: Record<string, unknown>;
};

const toId = (id: unknown) => new mongoose.Types.ObjectId(String(id));

/** Appends one event; returns its id. */
export async function recordEvent(context: AuditContext, event: AuditedEvent): Promise<mongoose.Types.ObjectId> {
  const [saved] = await AuditEvent.insertMany([
    {
      actor: context.actor ? toId(context.actor.id) : null,
      actorName: context.actor?.fullName ?? '',
      address: context.address,
      action: event.action,
      subject: event.subject?.collection ?? null,
      subjectId: event.subject ? toId(event.subject.id) : null,
      institutions: [...new Set((event.institutions ?? []).map(String))].map(toId),
      changes: event.changes ?? [],
      details: event.details ?? {},
    },
  ]);
  return saved!._id;
}

/**
 * Records an export before its first row is sent; the function returned sets its row count when
 * the file has ended (or was cut short: the rows sent by then).
 */
export async function exportStarted(
  context: AuditContext,
  event: AuditedEvent,
): Promise<(rows: number) => Promise<void>> {
  const id = await recordEvent(context, event);
  return async (rows) => {
    await AuditEvent.updateOne({ _id: id }, { $set: { rows } });
  };
}
