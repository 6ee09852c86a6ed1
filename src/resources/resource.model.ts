import mongoose, { type InferSchemaType } from 'mongoose';

// A material attached to a module: a handout, slides, a video… Its bytes live in the file
// storage, one ResourceVersion per file uploaded; currentVersion names the one people get.

export const RESOURCE_KINDS = ['handout', 'slides', 'video', 'audio', 'assessment', 'other'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];
/** trainers: trainers and the module's editors only; participants: everyone who sees the module */
export const RESOURCE_AUDIENCES = ['trainers', 'participants'] as const;
export type ResourceAudience = (typeof RESOURCE_AUDIENCES)[number];

const resourceSchema = new mongoose.Schema(
  {
    module: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingModule', required: true },
    title: { type: String, required: true, trim: true },
    kind: { type: String, required: true, enum: RESOURCE_KINDS },
    /** a delivery language of modules (Kazakh included) */
    language: { type: String, required: true },
    audience: { type: String, required: true, enum: RESOURCE_AUDIENCES },
    currentVersion: { type: Number, required: true, min: 1 },
    createdBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person' },
  },
  { timestamps: true },
);

export type ResourceFields = InferSchemaType<typeof resourceSchema>;
// a module's materials, newest first (the module and session pages)
resourceSchema.index({ module: 1, updatedAt: -1, _id: -1 });

export const Resource = mongoose.model('Resource', resourceSchema, 'resources');
