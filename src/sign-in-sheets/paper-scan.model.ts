import mongoose, { type InferSchemaType } from 'mongoose';

// One signed sign-in sheet (or one page of it) uploaded as evidence of a session day.
// {session, date, number} is unique: two uploads at the same moment cannot both take number N
// (decision 0002); the later one takes the next number. The file lives in the storage under a
// generated key, never under the person's file name.

const paperScanSchema = new mongoose.Schema({
  session: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingSession', required: true },
  /** the session day, YYYY-MM-DD in the venue's zone */
  date: { type: String, required: true },
  /** 1, 2, 3… per day, in the order they arrived */
  number: { type: Number, required: true, min: 1 },
  storageKey: { type: String, required: true },
  originalName: { type: String, required: true },
  /** decided from the content: application/pdf, image/jpeg or image/png */
  mimeType: { type: String, required: true },
  size: { type: Number, required: true, min: 0 },
  sha256: { type: String, required: true },
  uploadedBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
  uploadedAt: { type: Date, required: true, default: () => new Date() },
});

// a session's scans (paperOfSession: the session is the equality), a day's, one by its number
paperScanSchema.index({ session: 1, date: 1, number: 1 }, { unique: true });

export type PaperScanFields = InferSchemaType<typeof paperScanSchema>;
export const PaperScan = mongoose.model('PaperScan', paperScanSchema, 'paper_scans');
