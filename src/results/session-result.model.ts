import mongoose, { type InferSchemaType } from 'mongoose';
import { OUTCOMES } from './result-rules.ts';
import { storedReasonSchema } from './stored-reasons.ts';

// One participant's result in one session: what the rules proposed, what the closer confirmed
// (and why, when the two differ), and the attendance and scores it rests on, as they were when
// it was confirmed. Confirmed results are what completion records are made from (decision
// 0013); reopening the session unconfirms them, keeping their history.

const historySchema = new mongoose.Schema(
  {
    at: { type: Date, required: true },
    by: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
    action: { type: String, required: true, enum: ['confirmed', 'reopened'] },
    outcome: { type: String, enum: OUTCOMES },
    reason: { type: String },
  },
  { _id: false },
);

const sessionResultSchema = new mongoose.Schema(
  {
    session: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingSession', required: true },
    person: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
    module: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingModule', required: true },
    moduleVersion: { type: Number, required: true },
    outcome: { type: String, required: true, enum: OUTCOMES },
    proposed: {
      outcome: { type: String, required: true, enum: OUTCOMES },
      reasons: { type: [storedReasonSchema], default: [] },
    },
    /** why the closer changed the proposed outcome; absent when they kept it */
    changeReason: { type: String },
    attendance: {
      attendedMinutes: { type: Number, required: true },
      countedMinutes: { type: Number, required: true },
      percent: { type: Number, default: null },
      days: { type: Number, required: true },
      daysAttended: { type: Number, required: true },
    },
    pre: { type: Number, default: null },
    post: { type: Number, default: null },
    /** set while the result stands; unset when the session is reopened */
    confirmedAt: { type: Date },
    confirmedBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person' },
    history: { type: [historySchema], default: [] },
  },
  { timestamps: true },
);

sessionResultSchema.index({ session: 1, person: 1 }, { unique: true });
// a person's results, newest first (transcripts and completion records, issue 13)
sessionResultSchema.index({ person: 1, confirmedAt: -1 });

export type SessionResultFields = InferSchemaType<typeof sessionResultSchema>;
export const SessionResult = mongoose.model('SessionResult', sessionResultSchema, 'session_results');

// Each closing and reopening of a session: who, when, and (reopening) why.
const sessionClosingSchema = new mongoose.Schema(
  {
    session: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingSession', required: true },
    action: { type: String, required: true, enum: ['closed', 'reopened'] },
    by: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
    at: { type: Date, required: true },
    reason: { type: String },
  },
  { versionKey: false },
);
sessionClosingSchema.index({ session: 1, at: 1 });

export const SessionClosing = mongoose.model('SessionClosing', sessionClosingSchema, 'session_closings');
