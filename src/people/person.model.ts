import mongoose, { type InferSchemaType } from 'mongoose';
import { stampOnWrite } from '../db/collection-stamps.ts';
import { CARD_FIELDS, cardChanged } from './person-cards.ts';
import { ROLES } from '../access/actor.ts';
import { LANGUAGES } from '../i18n/i18n.ts';

export const GENDERS = ['female', 'male', 'other', 'undisclosed'] as const;
export type Gender = (typeof GENDERS)[number];

// FerretDB 1.x has no sparse or partial indexes, and a unique index treats every missing
// value as the same null. So uniqueness of the optional e-mail and service number rests on
// key fields that always hold a value: the real key, or "none:<_id>" when there is none.
// See docs/decisions/0003-optional-unique-fields.md.

const personSchema = new mongoose.Schema(
  {
    email: { type: String, lowercase: true, trim: true },
    emailKey: { type: String, required: true, unique: true },
    passwordHash: { type: String },
    roles: { type: [{ type: String, enum: ROLES }], required: true, default: ['staff'] },
    fullName: { type: String, required: true, trim: true },
    serviceNumber: { type: String, trim: true },
    serviceKey: { type: String, required: true, unique: true },
    rank: { type: String, trim: true },
    gender: { type: String, required: true, enum: GENDERS, default: 'undisclosed' },
    institution: { type: mongoose.Schema.Types.ObjectId, ref: 'Institution' },
    /** copied from the institution: service numbers are unique within a country */
    country: { type: mongoose.Schema.Types.ObjectId, ref: 'Country' },
    scopeInstitutions: { type: [mongoose.Schema.Types.ObjectId], ref: 'Institution', default: [] },
    language: { type: String, enum: LANGUAGES, required: true, default: 'en' },
    active: { type: Boolean, required: true, default: true },
    /** raised when the password changes or the account is deactivated: older login sessions end */
    authVersion: { type: Number, required: true, default: 1 },
    mustChangePassword: { type: Boolean, required: true, default: false },
    passwordResetTokenHash: { type: String },
    passwordResetExpiresAt: { type: Date },
    lastSignInAt: { type: Date },
    /**
     * raised by each save of the people form, so an edit form opened before someone else's save
     * is refused (decision 0006); not __v with optimistic concurrency, since a person's own
     * saves (sign-in time, password) would then refuse an administrator's edit, or the sign-in
     */
    profileRevision: { type: Number, required: true, default: 0 },
  },
  { timestamps: true },
);

// every person by name: the people directory reads them all so (people-directory.ts)
personSchema.index({ fullName: 1, _id: 1 });
// is there an administrator yet (start-up), the trainers offered on a session form
personSchema.index({ roles: 1 });
// a password link is found by its token's hash
personSchema.index({ passwordResetTokenHash: 1 });
// an institution's people: how many are active, whether it has any
personSchema.index({ institution: 1, fullName: 1, _id: 1 });

type KeySource = {
  _id: mongoose.Types.ObjectId;
  email?: string | null;
  serviceNumber?: string | null;
  country?: mongoose.Types.ObjectId | null;
};

/** The always-present unique keys of a person; services use them to name the field that clashes. */
export function uniqueKeys(person: KeySource): { emailKey: string; serviceKey: string } {
  const none = `none:${person._id.toHexString()}`;
  return {
    emailKey: person.email ? person.email.toLowerCase() : none,
    serviceKey:
      person.serviceNumber && person.country
        ? `${person.country.toHexString()}:${person.serviceNumber.toUpperCase()}`
        : none,
  };
}

personSchema.pre('validate', function setUniqueKeys() {
  Object.assign(this, uniqueKeys(this));
});

export type PersonFields = InferSchemaType<typeof personSchema>;
// a change of the fields other records keep of a person (person-cards.ts, decision 0018) is
// passed on before the save's caller goes on; an update that sets them reads the people it
// changed and passes theirs on (none of the app's does: people are edited by save)
personSchema.pre('save', function () {
  this.$locals.cardChanged = !this.isNew && CARD_FIELDS.some((field) => this.isModified(field));
});
personSchema.post('save', async function () {
  if (this.$locals.cardChanged) await cardChanged(this);
});
personSchema.post(
  ['updateOne', 'updateMany', 'findOneAndUpdate'],
  async function (this: mongoose.Query<unknown, unknown>) {
    const update = (this.getUpdate() ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const touched = [update.$set, update.$unset].flatMap((fields) => Object.keys(fields ?? {}));
    if (!touched.some((field) => (CARD_FIELDS as readonly string[]).includes(field))) return;
    const people = await this.model.find(this.getFilter(), CARD_FIELDS.join(' ')).lean<PersonCardOwner[]>();
    for (const person of people) await cardChanged(person);
  },
);

/** What other features read of a person (people.service.ts), and all that is kept of them in memory. */
export const SUMMARY_FIELDS = [
  ...['fullName', 'email', 'language', 'active', 'roles', 'gender', 'rank'],
  ...['institution', 'country', 'scopeInstitutions', 'serviceNumber'],
] as const;

// what is kept in memory of people (the active trainers, an institution's people:
// people.service.ts) is read again after any change of anyone's summary (decision 0017); an
// update of other fields only (a sign-in's time, a password) leaves it current
stampOnWrite(personSchema, 'users', (update) => !fieldsSetBy(update).some((f) => SUMMARY_FIELDS.includes(f as never)));

/** The top-level fields an update writes: under each operator (a.b is a), and those of a replacement. */
function fieldsSetBy(update: Record<string, unknown>): string[] {
  return Object.entries(update)
    .flatMap(([key, value]) => (key.startsWith('$') ? Object.keys((value ?? {}) as object) : [key]))
    .map((path) => path.split('.')[0]!);
}

type PersonCardOwner = Parameters<typeof cardChanged>[0];

export const Person = mongoose.model('Person', personSchema, 'users');
