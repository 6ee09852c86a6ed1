import mongoose, { type InferSchemaType } from 'mongoose';

// One participant's test scores in one session: the pre-test and the post-test, each a percent
// with at most one decimal, null when not taken. {session, person} is unique: of two people
// entering the first score of a participant at once, one inserts and the other updates
// (decision 0002). A session's scores are read by the session, the index's first key.

const score = { type: Number, min: 0, max: 100, default: null };

const assessmentScoreSchema = new mongoose.Schema(
  {
    session: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingSession', required: true },
    person: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
    pre: score,
    post: score,
    /** who last changed a score, and when */
    enteredBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
    enteredAt: { type: Date, required: true },
  },
  { timestamps: true },
);

assessmentScoreSchema.index({ session: 1, person: 1 }, { unique: true });

export type AssessmentScoreFields = InferSchemaType<typeof assessmentScoreSchema>;
export const AssessmentScore = mongoose.model('AssessmentScore', assessmentScoreSchema, 'assessment_scores');
