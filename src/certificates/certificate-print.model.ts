import mongoose from 'mongoose';

// Each time a certificate is printed (downloaded): who, when, in which language. The first print
// of a record is the original; every later one is marked as a reprint with its date (decision
// 0014), and this log says who printed which copy.

const certificatePrintSchema = new mongoose.Schema(
  {
    record: { type: mongoose.Schema.Types.ObjectId, ref: 'CompletionRecord', required: true },
    at: { type: Date, required: true },
    by: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
    language: { type: String, required: true },
  },
  { versionKey: false },
);
certificatePrintSchema.index({ record: 1, at: 1 });

export const CertificatePrint = mongoose.model('CertificatePrint', certificatePrintSchema, 'certificate_prints');
