import mongoose, { type InferSchemaType } from 'mongoose';

// A staff import between its preview and its end (decision 0021): the rows as read from the
// file, the plan the preview showed, and how far applying it got. Applying is rolled forward:
// each planned person is created under the id the plan gave it, so applying again after a
// failure finishes what was left and repeats nothing.

export const IMPORT_STATES = ['previewed', 'applying', 'applied'] as const;

const staffImportSchema = new mongoose.Schema(
  {
    by: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
    fileName: { type: String, required: true },
    /** the file's rows, each column by its header */
    rows: { type: [mongoose.Schema.Types.Mixed], default: [] },
    /** the plan shown in the preview (plan.ts's PlannedRow[]) */
    plan: { type: [mongoose.Schema.Types.Mixed], default: [] },
    state: { type: String, required: true, enum: IMPORT_STATES, default: 'previewed' },
    appliedAt: { type: Date },
    created: { type: Number, default: 0 },
    updated: { type: Number, default: 0 },
  },
  { timestamps: true },
);

// imports are read by id; a person's recent imports by them
staffImportSchema.index({ by: 1, createdAt: -1 });

export type StaffImportFields = InferSchemaType<typeof staffImportSchema>;
export const StaffImport = mongoose.model('StaffImport', staffImportSchema, 'staff_imports');
