import mongoose, { type InferSchemaType } from 'mongoose';

// A country programme's workplan for a year (issue 14): its activities, each planned for a
// quarter, and the targets some of them carry. What a target has reached is never typed in: it
// is computed from the completion records, the sessions and the trainers' qualifications
// (workplan-progress.ts).

export const TARGET_KINDS = [
  'curriculumCompleted',
  'moduleCompleted',
  'trainersCertified',
  'sessionsDelivered',
] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];
export const QUARTERS = ['Q1', 'Q2', 'Q3', 'Q4'] as const;

const activitySchema = new mongoose.Schema({
  title: { type: String, required: true, trim: true },
  quarter: { type: String, required: true, enum: QUARTERS },
  /** what the target counts; none for an activity without a target */
  kind: { type: String, enum: TARGET_KINDS },
  /** the curriculum whose required modules count (curriculumCompleted) */
  curriculum: { type: mongoose.Schema.Types.ObjectId, ref: 'Curriculum' },
  /** the module (moduleCompleted; optional for trainersCertified and sessionsDelivered) */
  module: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingModule' },
  /** how many, by the end of the quarter */
  count: { type: Number, min: 1 },
  /** the share of women among them, at least (per cent) */
  womenShare: { type: Number, min: 0, max: 100 },
});

const workplanSchema = new mongoose.Schema(
  {
    title: { type: String, required: true, trim: true },
    country: { type: mongoose.Schema.Types.ObjectId, ref: 'Country', required: true },
    year: { type: Number, required: true, min: 2000, max: 2100 },
    activities: { type: [activitySchema], default: [] },
    createdBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person' },
  },
  { timestamps: true },
);

// a country's workplans, newest year first
workplanSchema.index({ country: 1, year: -1, _id: -1 });

export type WorkplanFields = InferSchemaType<typeof workplanSchema>;
export const Workplan = mongoose.model('Workplan', workplanSchema, 'workplans');
export type WorkplanDocument = InstanceType<typeof Workplan>;
