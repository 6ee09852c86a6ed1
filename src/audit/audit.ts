import { AsyncLocalStorage } from 'node:async_hooks';
import mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { AuditEvent } from './audit-event.model.ts';

// Appending to the audit log (decision 0019). Every feature records here what it changed,
// exported or showed of someone else; the log's page reads the events back.

/** What the log records, as its page offers them to filter by. */
export const AUDIT_ACTIONS = [
  'module.create',
  'module.update',
  'module.publish',
  'module.archive',
  'module.reinstate',
  'session.create',
  'session.update',
  'session.status',
  'session.cancel',
  'session.close',
  'session.reopen',
  'enrolment.create',
  'enrolment.approve',
  'enrolment.decline',
  'enrolment.withdraw',
  'enrolment.remove',
  'attendance.mark',
  'completion.correct',
  'completion.reissue',
  'completion.revoke',
  'completion.enter',
  'certificate.print',
  'workplan.create',
  'workplan.update',
  'person.create',
  'person.update',
  'person.activate',
  'person.deactivate',
  'person.view',
  'transcript.view',
  'export.completions',
  'export.donorReport',
  'export.workplan',
  'export.sessions',
  'export.people',
  'export.attendance',
  'export.trainers',
  'token.create',
  'token.revoke',
  'api.list',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditedEvent = {
  action: AuditAction;
  subject?: { collection: string; id: unknown };
  /** the institutions the record belongs to (their coordinators see the event) */
  institutions?: readonly unknown[];
  changes?: readonly { field: string; before?: string; after?: string }[];
  details?: Record<string, unknown>;
};

const toId = (id: unknown) => new mongoose.Types.ObjectId(String(id));

/** The month an instant falls in, as the log files it: YYYY-MM, UTC. */
const monthOf = (at: Date) => at.toISOString().slice(0, 7);

/** The address the request being answered came from (set for each request by app.ts). */
const requestAddress = new AsyncLocalStorage<string>();

/** Runs `work` (a request's handling) with the address it came from: `audit` records it. */
export function withRequestAddress<T>(address: string, work: () => T): T {
  return requestAddress.run(address, work);
}

type Who = Pick<Actor, 'id' | 'fullName'> | null;

/** The stored event: who (with the address of the request being answered, none outside one), when, what. */
function documentOf(actor: Who, event: AuditedEvent, at: Date) {
  return {
    at,
    month: monthOf(at),
    actor: actor ? toId(actor.id) : null,
    actorName: actor?.fullName ?? '',
    address: requestAddress.getStore() ?? '',
    action: event.action,
    subject: event.subject?.collection ?? null,
    subjectId: event.subject ? toId(event.subject.id) : null,
    institutions: [...new Set((event.institutions ?? []).map(String))].map(toId),
    changes: event.changes ?? [],
    details: event.details ?? {},
  };
}

/** Appends an event about what the actor did (none: the system); returns its id. */
export async function audit(actor: Who, event: AuditedEvent): Promise<mongoose.Types.ObjectId> {
  const [saved] = await AuditEvent.insertMany([documentOf(actor, event, new Date())]);
  return saved!._id;
}

/** Appends several events at once (a session's certificates printed together). */
export async function auditEach(actor: Who, events: readonly AuditedEvent[]): Promise<void> {
  const at = new Date();
  if (events.length > 0) await AuditEvent.insertMany(events.map((event) => documentOf(actor, event, at)));
}

/**
 * Records an export before its first row is sent; the function returned sets its row count when
 * the file has ended (or was cut short: the rows sent by then).
 */
export async function exportStarted(actor: Who, event: AuditedEvent): Promise<(rows: number) => Promise<void>> {
  const id = await audit(actor, event);
  return async (rows) => {
    await AuditEvent.updateOne({ _id: id }, { $set: { rows } });
  };
}

/** A value as the log shows it: ids as hex, lists joined, nothing as absent. */
function asText(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return value.length ? value.map((v) => asText(v) ?? '').join(', ') : undefined;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** The fields whose value differs between before and after, each with both as text. */
export function fieldChanges(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { field: string; before?: string; after?: string }[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].flatMap((field) => {
    const [was, is] = [asText(before[field]), asText(after[field])];
    return was === is
      ? []
      : [{ field, ...(was === undefined ? {} : { before: was }), ...(is === undefined ? {} : { after: is }) }];
  });
}
