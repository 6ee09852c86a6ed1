import mongoose, { type InferSchemaType } from 'mongoose';
import { API_SCOPES } from './api-scopes.ts';

// A personal access token for the read-only API (decision 0022). Only the SHA-256 of the
// secret is kept: the secret is shown once, when made. Revoking sets revokedAt (the token
// stays listed, as its owner's record of it); it is never deleted by the app.

const apiTokenSchema = new mongoose.Schema(
  {
    person: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
    name: { type: String, required: true, trim: true },
    scopes: { type: [String], enum: API_SCOPES, required: true },
    tokenHash: { type: String, required: true },
    /** the secret's last four characters, so its owner can tell two tokens apart */
    hint: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date },
    lastUsedAt: { type: Date },
    lastUsedFrom: { type: String },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

// every request's lookup: the hash of the secret it carries
apiTokenSchema.index({ tokenHash: 1 }, { unique: true });
// a person's tokens, newest first (their tokens page)
apiTokenSchema.index({ person: 1, createdAt: -1, _id: -1 });

export type ApiTokenFields = InferSchemaType<typeof apiTokenSchema>;
export const ApiToken = mongoose.model('ApiToken', apiTokenSchema, 'api_tokens');
