import mongoose from 'mongoose';

// How a result's reasons are stored (result-rules.ts's ResultReason): by the session's results,
// and by the completion records that keep them as issued (src/completions).

export const storedReasonSchema = new mongoose.Schema(
  {
    code: { type: String, required: true },
    percent: { type: Number },
    threshold: { type: Number },
    count: { type: Number },
    score: { type: Number },
    passMark: { type: Number },
  },
  { _id: false },
);
