import mongoose from 'mongoose';

const countrySchema = new mongoose.Schema(
  {
    /** ISO 3166-1 alpha-2, upper case */
    code: { type: String, required: true, unique: true, uppercase: true, trim: true },
    name: { type: String, required: true, trim: true },
    /** IANA zone used for new institutions of this country */
    timeZone: { type: String, required: true },
  },
  { timestamps: true },
);

export const Country = mongoose.model('Country', countrySchema);
