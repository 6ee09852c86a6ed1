import mongoose from 'mongoose';

// A password link is spent by inserting its hash here: the index is unique, so of two requests
// that send the same link at once exactly one sets a password, on MongoDB and on FerretDB alike
// (FerretDB's conditional updates are read-modify-write; see decision 0002).

const passwordLinkUseSchema = new mongoose.Schema(
  { tokenHash: { type: String, required: true } },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'password_link_uses' },
);
passwordLinkUseSchema.index({ tokenHash: 1 }, { unique: true });

export const PasswordLinkUse = mongoose.model('PasswordLinkUse', passwordLinkUseSchema);
