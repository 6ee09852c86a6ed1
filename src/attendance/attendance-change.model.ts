import mongoose, { type InferSchemaType } from 'mongoose';
import { ATTENDANCE_STATUSES } from './attendance-rules.ts';

// The history of a mark: each change of an existing mark, with who, when, the value before and
// after, and the reason when one was needed (or given). Only ever inserted.

const markValueSchema = new mongoose.Schema(
  {
    status: { type: String, required: true, enum: ATTENDANCE_STATUSES },
    minutes: { type: Number, default: null },
    note: { type: String, default: '' },
  },
  { _id: false },
);

const attendanceChangeSchema = new mongoose.Schema({
  session: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingSession', required: true },
  date: { type: String, required: true },
  person: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
  by: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
  at: { type: Date, required: true },
  before: { type: markValueSchema, required: true },
  after: { type: markValueSchema, required: true },
  reason: { type: String, default: '' },
});

// a day's history (the grid shows it per participant), oldest first
attendanceChangeSchema.index({ session: 1, date: 1, at: 1 });

export type AttendanceChangeFields = InferSchemaType<typeof attendanceChangeSchema>;
export const AttendanceChange = mongoose.model('AttendanceChange', attendanceChangeSchema, 'attendance_changes');
