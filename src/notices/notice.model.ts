import mongoose, { type InferSchemaType } from 'mongoose';

// What Cadre told a person: shown in their notice list, and e-mailed when they have an
// address and SMTP is configured. The text is rendered at display time in the reader's
// language from kind + params, so a notice reads right after a language change too.

export const NOTICE_KINDS = [
  'enrolment.requested',
  'enrolment.enrolled',
  'enrolment.waitlisted',
  'enrolment.promoted',
  'enrolment.approved',
  'enrolment.declined',
  'enrolment.withdrawn',
  'session.changed',
  'session.cancelled',
  'session.reminder',
  'result.completed',
  'result.notCompleted',
  'result.noShow',
  'completion.expiring',
  'completion.expired',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

const noticeSchema = new mongoose.Schema(
  {
    person: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
    kind: { type: String, required: true, enum: NOTICE_KINDS },
    /** values for the message: module title, dates in the venue's zone, reason… (strings only) */
    params: { type: Map, of: String, default: {} },
    session: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingSession' },
    readAt: { type: Date },
    emailedAt: { type: Date },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

// a person's notices, newest first (ties by _id, as the list breaks them)
noticeSchema.index({ person: 1, createdAt: -1, _id: -1 });

export type NoticeFields = InferSchemaType<typeof noticeSchema>;
export const Notice = mongoose.model('Notice', noticeSchema, 'notices');
