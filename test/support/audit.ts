import { AuditEvent } from '../../src/audit/audit-event.model.ts';

/** This month's audit events (of this action, when given), oldest first: a test's whole log. */
export function auditEvents(action?: string) {
  const month = new Date().toISOString().slice(0, 7);
  return AuditEvent.find({ month, ...(action ? { action } : {}) })
    .sort({ at: 1, _id: 1 })
    .lean();
}
