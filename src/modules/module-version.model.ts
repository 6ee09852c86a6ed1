import mongoose, { type InferSchemaType } from 'mongoose';

// The content of a module as it was at each published version. {module, version} is
// unique, so two editors saving at once cannot both create version N (decision 0002).

const moduleVersionSchema = new mongoose.Schema(
  {
    module: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingModule', required: true },
    version: { type: Number, required: true },
    /** the VERSIONED_FIELDS of the module at this version */
    content: { type: mongoose.Schema.Types.Mixed, required: true },
    createdBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person' },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

moduleVersionSchema.index({ module: 1, version: 1 }, { unique: true });

export type ModuleVersionFields = InferSchemaType<typeof moduleVersionSchema>;
export const ModuleVersion = mongoose.model('ModuleVersion', moduleVersionSchema, 'training_module_versions');
