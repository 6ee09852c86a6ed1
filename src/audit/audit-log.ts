import mongoose from 'mongoose';
import { findPage } from '../db/find-page.ts';
import type { Page } from '../db/pagination.ts';
import { AuditEvent, type AuditEventFields } from './audit-event.model.ts';

// Reading the audit log back (decision 0019): a month at a time, newest first, narrowed by
// action, actor or record; a coordinator's reading keeps the events of their institutions.

export type AuditEventRow = AuditEventFields & { _id: mongoose.Types.ObjectId };

export type AuditQuery = {
  /** YYYY-MM */
  month: string;
  action?: string;
  actor?: string;
  subject?: string;
  /** only events about these institutions (a coordinator's scope); every event when absent */
  institutions?: readonly string[];
  page: number;
};

const oid = (id: string) => new mongoose.Types.ObjectId(id);

export function auditPage(query: AuditQuery): Promise<Page<AuditEventRow>> {
  const filter: Record<string, unknown> = { month: query.month };
  if (query.action) filter.action = query.action;
  if (query.actor) filter.actor = oid(query.actor);
  if (query.subject) filter.subjectId = oid(query.subject);
  if (query.institutions) filter.institutions = mongoose.trusted({ $in: query.institutions.map(oid) });
  return findPage<AuditEventRow>(AuditEvent, filter, query.page, { sort: { at: -1 } });
}

/** The months the log's page offers: this one and the 23 before it, newest first. */
export function recentMonths(now = new Date(), count = 24): string[] {
  return Array.from({ length: count }, (_, i) =>
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7),
  );
}
