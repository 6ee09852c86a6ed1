import mongoose, { type InferSchemaType } from 'mongoose';
import { ATTENDANCE_STATUSES } from './attendance-rules.ts';

// One participant's mark for one day of a session. {session, date, person} is unique: a first
// mark is an insert, so two people marking the same row at once cannot make two (decision 0002);
// the loser's row is then treated as a change of the winner's mark.

const attendanceMarkSchema = new mongoose.Schema(
  {
    session: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingSession', required: true },
    /** the day, YYYY-MM-DD in the venue's zone, as in session.days */
    date: { type: String, required: true },
    person: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
    enrolment: { type: mongoose.Schema.Types.ObjectId, ref: 'Enrolment', required: true },
    status: { type: String, required: true, enum: ATTENDANCE_STATUSES },
    /** minutes attended on a partial day (late, left early); null when not given */
    minutes: { type: Number, min: 0, default: null },
    note: { type: String, default: '' },
    markedBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
    markedAt: { type: Date, required: true },
    changedBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person' },
    changedAt: { type: Date },
  },
  { timestamps: false },
);

// a session's marks (the overview, the shares) and one day's (the grid); one row by its key
attendanceMarkSchema.index({ session: 1, date: 1, person: 1 }, { unique: true });

export type AttendanceMarkFields = InferSchemaType<typeof attendanceMarkSchema>;
export const AttendanceMark = mongoose.model('AttendanceMark', attendanceMarkSchema, 'attendance_marks');
