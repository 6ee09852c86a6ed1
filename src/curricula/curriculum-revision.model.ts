import mongoose from 'mongoose';

// One document per saved change of a curriculum, {curriculum, revision} unique. On FerretDB
// the version check inside a save is not atomic, so the revision is claimed by an insert
// first: of two editors racing from the same version, exactly one gets it (decision 0002).

const curriculumRevisionSchema = new mongoose.Schema(
  {
    curriculum: { type: mongoose.Schema.Types.ObjectId, ref: 'Curriculum', required: true },
    revision: { type: Number, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

curriculumRevisionSchema.index({ curriculum: 1, revision: 1 }, { unique: true });

export const CurriculumRevision = mongoose.model(
  'CurriculumRevision',
  curriculumRevisionSchema,
  'curriculum_revisions',
);
