import mongoose, { type InferSchemaType } from 'mongoose';
import { storedReasonSchema } from '../results/stored-reasons.ts';

// The durable record that a person completed (or did not complete) a module: what ministries,
// donors and the person rely on for years (decision 0015). Everything a certificate shows is
// kept here as it was at issue (name, module title and hours, issuer, signatories), so an issued
// certificate never changes when a profile or a module is edited later. A correction never
// overwrites: each change is a new revision (completion_revisions) and the record points at it.

export const RECORD_RESULTS = ['completed', 'not_completed'] as const;
export type RecordResult = (typeof RECORD_RESULTS)[number];

/** Stored statuses; "expired" is read from `expiresAt` (completion-rules.ts), never stored. */
export const STORED_STATUSES = ['valid', 'revoked', 'superseded', 'withdrawn'] as const;
export type StoredStatus = (typeof STORED_STATUSES)[number];

export const RECORD_SOURCES = ['session', 'manual'] as const;
export type RecordSource = (typeof RECORD_SOURCES)[number];

const titleSchema = new mongoose.Schema(
  { language: { type: String, required: true }, title: { type: String, required: true } },
  { _id: false },
);
const signatorySchema = new mongoose.Schema(
  { name: { type: String, required: true }, role: { type: String, default: '' } },
  { _id: false },
);
const evidenceSchema = new mongoose.Schema(
  {
    storedName: { type: String, required: true },
    originalName: { type: String, required: true },
    mimeType: { type: String, required: true },
    size: { type: Number, required: true },
    /** the file's SHA-256: its ETag when downloaded */
    sha256: { type: String },
  },
  { _id: false },
);

/** The fields a revision snapshots: what the record says, as opposed to where it came from. */
export const RECORD_CONTENT_FIELDS = [
  'nameAsIssued',
  'moduleVersion',
  'moduleCode',
  'moduleTitle',
  'moduleTitles',
  'hours',
  'startedOn',
  'endedOn',
  'attendancePercent',
  'pre',
  'post',
  'result',
  'resultReasons',
  'changeReason',
  'gender',
  'issuerName',
  'issuerCountryName',
  'issuerCountryCode',
  'issuerTimeZone',
  'signatories',
  'issuedAt',
  'expiresAt',
  'status',
  'statusReason',
] as const;

const completionRecordSchema = new mongoose.Schema(
  {
    person: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
    module: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingModule', required: true },
    moduleVersion: { type: Number, required: true },
    source: { type: String, required: true, enum: RECORD_SOURCES },
    /** the session delivered, for records made from a closing */
    session: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingSession' },
    /**
     * one record per person and session: `session:<session>:<person>`, or `manual:<_id>` for a
     * record entered by hand (decision 0003: a companion key that always holds a value)
     */
    sourceKey: { type: String, required: true },
    /** as issued */
    nameAsIssued: { type: String, required: true },
    /** as issued, for the agreement of a verb in a Russian certificate */
    gender: { type: String },
    moduleCode: { type: String, required: true },
    moduleTitle: { type: String, required: true },
    /** the module's title in other languages, as issued (certificates in the person's language) */
    moduleTitles: { type: [titleSchema], default: [] },
    hours: { type: Number, required: true, min: 0 },
    /** the first and last day of the training, YYYY-MM-DD in the venue's zone */
    startedOn: { type: String, required: true },
    endedOn: { type: String, required: true },
    attendancePercent: { type: Number, default: null },
    pre: { type: Number, default: null },
    post: { type: Number, default: null },
    result: { type: String, required: true, enum: RECORD_RESULTS },
    /** why not completed (results' reason codes), or the closer's reason for a changed result */
    resultReasons: { type: [storedReasonSchema], default: [] },
    changeReason: { type: String },
    /** the certificate's number, e.g. KZ-2026-000123; only completed records have one */
    certificateNumber: { type: String },
    /** what /verify/<code> looks the record up by: 128 random bits, base64url (verify-codes.ts) */
    verifyCode: { type: String, required: true },
    issuingInstitution: { type: mongoose.Schema.Types.ObjectId, ref: 'Institution', required: true },
    issuingCountry: { type: mongoose.Schema.Types.ObjectId, ref: 'Country', required: true },
    issuerName: { type: String, required: true },
    issuerCountryName: { type: String, default: '' },
    issuerCountryCode: { type: String, default: '' },
    /** the zone whose calendar the certificate's dates are in */
    issuerTimeZone: { type: String, default: 'UTC' },
    signatories: { type: [signatorySchema], default: [] },
    issuedAt: { type: Date, required: true },
    /** null: never expires (the module's validity is 0) */
    expiresAt: { type: Date, default: null },
    status: { type: String, required: true, enum: STORED_STATUSES, default: 'valid' },
    /** why revoked, withdrawn or superseded */
    statusReason: { type: String },
    revision: { type: Number, required: true, default: 1 },
    /** a record entered by hand: the evidence uploaded and why it was entered */
    evidence: { type: evidenceSchema },
    manualReason: { type: String },
    createdBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person' },
  },
  { timestamps: true },
);

completionRecordSchema.index({ sourceKey: 1 }, { unique: true });
completionRecordSchema.index({ verifyCode: 1 }, { unique: true });
// a person's records, newest first (transcripts, prerequisites, superseding)
completionRecordSchema.index({ person: 1, issuedAt: -1 });
// a session's records (certificates together, withdrawing on reopening), listed by name
completionRecordSchema.index({ session: 1, nameAsIssued: 1, _id: 1 });
// the records list (completions.service.ts) by issuing institution, by module and, for admins,
// by country: newest issue first, or soonest expiry first ("expiring within N days", reminders);
// _id last, in the direction of the first key, as the list sorts (findPage)
completionRecordSchema.index({ issuingInstitution: 1, issuedAt: -1, _id: -1 });
completionRecordSchema.index({ issuingInstitution: 1, expiresAt: 1, _id: 1 });
completionRecordSchema.index({ module: 1, issuedAt: -1, _id: -1 });
completionRecordSchema.index({ module: 1, expiresAt: 1, _id: 1 });
completionRecordSchema.index({ issuingCountry: 1, issuedAt: -1, _id: -1 });
completionRecordSchema.index({ issuingCountry: 1, expiresAt: 1, _id: 1 });
// the API's pages (record-export.service.ts, recordsAfter): the same three fields, in _id order
completionRecordSchema.index({ issuingInstitution: 1, _id: 1 });
completionRecordSchema.index({ module: 1, _id: 1 });
completionRecordSchema.index({ issuingCountry: 1, _id: 1 });
completionRecordSchema.index({ expiresAt: 1 });
completionRecordSchema.index({ certificateNumber: 1 });

export type CompletionRecordFields = InferSchemaType<typeof completionRecordSchema>;
export const CompletionRecord = mongoose.model('CompletionRecord', completionRecordSchema, 'completion_records');
export type CompletionRecordDocument = InstanceType<typeof CompletionRecord>;

// Every revision of a record, whole: who made it, when, why, and what the record then said.
// `{record, revision}` is unique, so of two people correcting the same revision one wins
// (decision 0002) and the other is told to reload.
export const REVISION_ACTIONS = [
  'issued',
  'corrected',
  'reissued',
  'revoked',
  'withdrawn',
  'restored',
  'superseded',
] as const;
export type RevisionAction = (typeof REVISION_ACTIONS)[number];

const completionRevisionSchema = new mongoose.Schema(
  {
    record: { type: mongoose.Schema.Types.ObjectId, ref: 'CompletionRecord', required: true },
    revision: { type: Number, required: true },
    action: { type: String, required: true, enum: REVISION_ACTIONS },
    at: { type: Date, required: true },
    /** absent for what the system did on its own (a recertification superseding) */
    by: { type: mongoose.Schema.Types.ObjectId, ref: 'Person' },
    reason: { type: String },
    content: { type: mongoose.Schema.Types.Mixed, required: true },
  },
  { versionKey: false },
);
completionRevisionSchema.index({ record: 1, revision: 1 }, { unique: true });

export const CompletionRevision = mongoose.model(
  'CompletionRevision',
  completionRevisionSchema,
  'completion_revisions',
);

// Certificate numbers: one claim per number, `{country, year, sequence}` unique and one claim
// per record, so two closings at the same moment can never share a number, and a number is only
// taken for a record that exists (no gaps). See certificate-numbers.ts.
const certificateNumberSchema = new mongoose.Schema(
  {
    country: { type: mongoose.Schema.Types.ObjectId, ref: 'Country', required: true },
    year: { type: Number, required: true },
    sequence: { type: Number, required: true },
    number: { type: String, required: true },
    record: { type: mongoose.Schema.Types.ObjectId, ref: 'CompletionRecord', required: true },
  },
  { versionKey: false },
);
certificateNumberSchema.index({ country: 1, year: 1, sequence: -1 }, { unique: true });
certificateNumberSchema.index({ record: 1 }, { unique: true });

export const CertificateNumber = mongoose.model('CertificateNumber', certificateNumberSchema, 'certificate_numbers');
