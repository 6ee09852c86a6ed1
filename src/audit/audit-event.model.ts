import mongoose, { type InferSchemaType } from 'mongoose';

// What happened, who did it, when and from where: one event a change, an export or a look at
// someone else's records, appended and never edited (decision 0019). The one field written
// after the insert is an export's row count, once its file has ended: the event is inserted
// before the first byte is sent, so an export cut short is still on record.

const changeSchema = new mongoose.Schema(
  { field: { type: String, required: true }, before: { type: String }, after: { type: String } },
  { _id: false },
);

const auditEventSchema = new mongoose.Schema(
  {
    at: { type: Date, required: true, default: () => new Date() },
    /** the month of `at` (YYYY-MM, UTC): the log is read a month at a time, an equality FerretDB hands to SQL */
    month: { type: String, required: true },
    /** who: null for the system (a job, a start-up step) */
    actor: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', default: null },
    /** their name then: the event reads the same after a rename */
    actorName: { type: String, default: '' },
    /** the address the request came from */
    address: { type: String, default: '' },
    /** what: `export.completions`, `person.update`, `transcript.view`… */
    action: { type: String, required: true },
    /** the record it is about: its collection and id, when there is one */
    subject: { type: String, default: null },
    subjectId: { type: mongoose.Schema.Types.ObjectId, default: null },
    /** the institutions the record belongs to: their coordinators see the event */
    institutions: { type: [mongoose.Schema.Types.ObjectId], default: [] },
    /** what changed: each field's value before and after, as text */
    changes: { type: [changeSchema], default: [] },
    /** an export's format and filters; anything else the action needs said */
    details: { type: mongoose.Schema.Types.Mixed, default: {} },
    /** an export's rows, set when its file has ended */
    rows: { type: Number, default: null },
  },
  { versionKey: false },
);

// the log's page, a month at a time, newest first (its other filters checked on the month's events)
auditEventSchema.index({ month: 1, at: -1, _id: -1 });
// a record's history and a person's actions, whatever the month
auditEventSchema.index({ subjectId: 1, at: -1, _id: -1 });
auditEventSchema.index({ actor: 1, at: -1, _id: -1 });

export type AuditEventFields = InferSchemaType<typeof auditEventSchema>;
export const AuditEvent = mongoose.model('AuditEvent', auditEventSchema, 'audit_events');
