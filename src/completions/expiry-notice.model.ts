import mongoose from 'mongoose';
import { EXPIRY_STAGES } from './expiry-stages.ts';

// One claim per record, expiry and stage (90, 30, 0 days): inserted before the notices go out,
// and its unique index lets only one of two overlapping runs, or two processes, go on (decision
// 0002). A stage passed over (the record was first seen later) is claimed too, unsent, so it is
// never sent afterwards. The expiry is part of the key: a record whose expiry a correction moves
// is reminded again for the new date. If sending fails after the claim, that notice is lost, not
// repeated.

const expiryNoticeSchema = new mongoose.Schema(
  {
    record: { type: mongoose.Schema.Types.ObjectId, ref: 'CompletionRecord', required: true },
    expiresAt: { type: Date, required: true },
    stage: { type: Number, required: true, enum: EXPIRY_STAGES },
    /** false: passed over because a more urgent stage was reached first */
    sent: { type: Boolean, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

expiryNoticeSchema.index({ record: 1, expiresAt: 1, stage: 1 }, { unique: true });

export const ExpiryNotice = mongoose.model('ExpiryNotice', expiryNoticeSchema, 'completion_expiry_notices');
