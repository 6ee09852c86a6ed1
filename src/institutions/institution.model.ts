import mongoose, { type InferSchemaType } from 'mongoose';
import { stampOnWrite } from '../db/collection-stamps.ts';

export const INSTITUTION_TYPES = ['academy', 'training_centre', 'prison', 'headquarters'] as const;
export type InstitutionType = (typeof INSTITUTION_TYPES)[number];

/** Most certificates carry one to three signatures. */
export const MAX_SIGNATORIES = 3;

/** A person whose name and position are printed under a signature line on the certificates. */
const signatorySchema = new mongoose.Schema(
  {
    name: { type: String, required: true, trim: true },
    role: { type: String, required: true, trim: true },
  },
  { _id: false },
);

const institutionSchema = new mongoose.Schema(
  {
    name: { type: String, required: true, trim: true },
    /** short code shown in lists and exports, unique across the deployment */
    code: { type: String, required: true, unique: true, uppercase: true, trim: true },
    type: { type: String, required: true, enum: INSTITUTION_TYPES },
    country: { type: mongoose.Schema.Types.ObjectId, ref: 'Country', required: true, index: true },
    city: { type: String, trim: true },
    /** IANA time zone of the venue: session times are shown in it */
    timeZone: { type: String, required: true },
    active: { type: Boolean, required: true, default: true },
    /** who signs the certificates it issues, in the order printed (at most MAX_SIGNATORIES) */
    signatories: { type: [signatorySchema], default: [] },
  },
  // every save checks and raises __v: an edit form opened before someone else's save is refused
  { timestamps: true, optimisticConcurrency: true },
);

export type InstitutionFields = InferSchemaType<typeof institutionSchema>;
// summaries kept in memory are read again after any change (institutions.service.ts, decision 0017)
stampOnWrite(institutionSchema, 'institutions');

export const Institution = mongoose.model('Institution', institutionSchema);
