import mongoose, { type InferSchemaType } from 'mongoose';
import { stampOnWrite } from '../db/collection-stamps.ts';
import { DELIVERY_LANGUAGES, LANGUAGES, type DeliveryLanguage } from '../i18n/i18n.ts';

export type { DeliveryLanguage };

// A unit of the curriculum. Named TrainingModule: "Module" would read as an ES module.

export const DELIVERY_MODES = ['classroom', 'blended', 'self_paced'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];
export const MODULE_STATUSES = ['draft', 'published', 'archived'] as const;
export type ModuleStatus = (typeof MODULE_STATUSES)[number];

/** The fields whose change, once published, makes a new version (what completions point to). */
export const VERSIONED_FIELDS = [
  'title',
  'titleTranslations',
  'summary',
  'objectives',
  'hours',
  'deliveryMode',
  'audience',
  'prerequisites',
  'passMark',
  'hasPreTest',
  'hasPostTest',
  'attendanceThreshold',
  'certificateValidityMonths',
  'languages',
] as const;

/**
 * The title in one interface language, for what is printed for a person in theirs (the
 * certificate). A list rather than an object keyed by language: FerretDB 1.x refuses some keys,
 * and a list keeps the shape the same whatever languages come later.
 */
const titleTranslationSchema = new mongoose.Schema(
  {
    language: { type: String, required: true, enum: LANGUAGES },
    title: { type: String, required: true, trim: true },
  },
  { _id: false },
);

const trainingModuleSchema = new mongoose.Schema(
  {
    code: { type: String, required: true, unique: true, uppercase: true, trim: true },
    title: { type: String, required: true, trim: true },
    /** at most one per interface language; a language without one reads the title */
    titleTranslations: { type: [titleTranslationSchema], default: [] },
    summary: { type: String, trim: true, default: '' },
    objectives: { type: [String], default: [] },
    hours: { type: Number, required: true, min: 0 },
    deliveryMode: { type: String, required: true, enum: DELIVERY_MODES, default: 'classroom' },
    audience: { type: String, trim: true, default: '' },
    prerequisites: { type: [mongoose.Schema.Types.ObjectId], ref: 'TrainingModule', default: [] },
    /**
     * a training of trainers: whoever completes it may be granted the qualification to deliver
     * these modules (src/trainer-chain, decision 0016). Not versioned: it says what the service
     * recognises the training as qualifying for, not what was taught, and a change never touches
     * a qualification already granted.
     */
    qualifiesFor: { type: [mongoose.Schema.Types.ObjectId], ref: 'TrainingModule', default: [] },
    /** percent needed in the post-test; null when passing does not depend on a score */
    passMark: { type: Number, min: 0, max: 100, default: null },
    /**
     * whether participants sit a test before and after (assessments); absent on modules saved
     * before these existed, read then as module-rules.ts says (a post-test exactly when a pass mark)
     */
    hasPreTest: { type: Boolean },
    hasPostTest: { type: Boolean },
    attendanceThreshold: { type: Number, required: true, min: 0, max: 100, default: 80 },
    /** 0 = the certificate never expires */
    certificateValidityMonths: { type: Number, required: true, min: 0, default: 0 },
    tags: { type: [String], default: [], index: true },
    languages: { type: [{ type: String, enum: DELIVERY_LANGUAGES }], default: [] },
    status: { type: String, required: true, enum: MODULE_STATUSES, default: 'draft', index: true },
    version: { type: Number, required: true, default: 1 },
    /** owning institution; none = a national module that only admins edit */
    institution: { type: mongoose.Schema.Types.ObjectId, ref: 'Institution', index: true },
    /** copied from the owning institution; none = offered in every country */
    country: { type: mongoose.Schema.Types.ObjectId, ref: 'Country' },
    publishedAt: { type: Date },
    archivedAt: { type: Date },
  },
  // every save checks and raises __v (the record's revision, not the content `version`): an edit
  // form opened before someone else's save is answered with a conflict (modules.service)
  { timestamps: true, optimisticConcurrency: true },
);

trainingModuleSchema.index({ title: 1 });
// the catalogue: published modules by title
trainingModuleSchema.index({ status: 1, title: 1 });
// the trainings of trainers that qualify for a module (its cascade page)
trainingModuleSchema.index({ qualifiesFor: 1 });

export type TrainingModuleFields = InferSchemaType<typeof trainingModuleSchema>;
// summaries kept in memory are read again after any change (module-lookups.service.ts, decision 0017)
stampOnWrite(trainingModuleSchema, 'training_modules');

export const TrainingModule = mongoose.model('TrainingModule', trainingModuleSchema, 'training_modules');
