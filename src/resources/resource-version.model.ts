import mongoose, { type InferSchemaType } from 'mongoose';

// One uploaded file of a resource. {resource, version} is unique: two people replacing the
// same file at once cannot both make version N (decision 0002). The version is inserted
// first and the resource then pointed at it, so a resource never names a missing version.

const resourceVersionSchema = new mongoose.Schema({
  resource: { type: mongoose.Schema.Types.ObjectId, ref: 'Resource', required: true },
  version: { type: Number, required: true, min: 1 },
  /** the key in the file storage: generated, never the person's file name */
  storageKey: { type: String, required: true, index: true },
  /** the file's own name, reduced to a base name, shown and offered in downloads only */
  originalName: { type: String, required: true },
  /** decided from the content, never from the browser's claim */
  mimeType: { type: String, required: true },
  size: { type: Number, required: true, min: 0 },
  sha256: { type: String, required: true },
  uploadedBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person' },
  uploadedAt: { type: Date, required: true, default: () => new Date() },
});

resourceVersionSchema.index({ resource: 1, version: 1 }, { unique: true });

export type ResourceVersionFields = InferSchemaType<typeof resourceVersionSchema>;
export const ResourceVersion = mongoose.model('ResourceVersion', resourceVersionSchema, 'resource_versions');
