import mongoose, { type InferSchemaType } from 'mongoose';

// An ordered set of training modules, each required or elective. The order and the items live
// in one document and every change is one save with optimistic concurrency: two editors at
// once cannot interleave their changes (decision 0002: single-document writes). The second
// save fails with a VersionError that the service turns into a 409.

export const CURRICULUM_STATUSES = ['draft', 'published', 'archived'] as const;
export type CurriculumStatus = (typeof CURRICULUM_STATUSES)[number];

const curriculumItemSchema = new mongoose.Schema(
  {
    module: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingModule', required: true },
    required: { type: Boolean, required: true, default: true },
  },
  { _id: false },
);

const curriculumSchema = new mongoose.Schema(
  {
    /** unique across the deployment; stored in upper case so the check ignores case */
    code: { type: String, required: true, unique: true, uppercase: true, trim: true },
    title: { type: String, required: true, trim: true },
    description: { type: String, trim: true, default: '' },
    status: { type: String, required: true, enum: CURRICULUM_STATUSES, default: 'draft', index: true },
    /** owning institution; none = a national curriculum that only admins edit */
    institution: { type: mongoose.Schema.Types.ObjectId, ref: 'Institution', index: true },
    /** copied from the owning institution; none = offered in every country */
    country: { type: mongoose.Schema.Types.ObjectId, ref: 'Country' },
    /** in the order a person follows them; a module appears once */
    items: { type: [curriculumItemSchema], default: [] },
    publishedAt: { type: Date },
    archivedAt: { type: Date },
  },
  { timestamps: true, optimisticConcurrency: true },
);

curriculumSchema.index({ title: 1 });

// the last line of defence for the list: whatever a service did, a module is never there twice
curriculumSchema.pre('validate', function refuseRepeatedModules() {
  const ids = this.items.map((item) => item.module.toHexString());
  if (new Set(ids).size !== ids.length) this.invalidate('items', 'a module appears more than once');
});

export type CurriculumFields = InferSchemaType<typeof curriculumSchema>;
export const Curriculum = mongoose.model('Curriculum', curriculumSchema, 'curricula');
export type CurriculumDocument = InstanceType<typeof Curriculum>;
