import mongoose, { type InferSchemaType } from 'mongoose';

// A session day "confirmed from paper": a coordinator looked at the signed sheet and vouches for
// it. One per day, guarded by a unique index (decision 0002): confirming is an insert (a second
// one at the same moment changes nothing), undoing it a delete.

const paperConfirmationSchema = new mongoose.Schema({
  session: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingSession', required: true },
  date: { type: String, required: true },
  confirmedBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
  confirmedAt: { type: Date, required: true, default: () => new Date() },
});

paperConfirmationSchema.index({ session: 1, date: 1 }, { unique: true });

export type PaperConfirmationFields = InferSchemaType<typeof paperConfirmationSchema>;
export const PaperConfirmation = mongoose.model('PaperConfirmation', paperConfirmationSchema, 'paper_confirmations');
