import mongoose, { type InferSchemaType } from 'mongoose';
import { DELIVERY_LANGUAGES } from '../i18n/i18n.ts';
import { stampOnWrite } from '../db/collection-stamps.ts';

// One delivery of a module. Named TrainingSession: "Session" is the login session's store.
// Days are kept as the venue's local date and times (what people typed and read) and as
// UTC instants (what queries, conflicts and calendars use).

export const SESSION_STATUSES = ['draft', 'open', 'in_progress', 'completed', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Not yet over: such a session may still be edited, cancelled and enrolled in. */
export const ACTIVE_STATUSES: readonly SessionStatus[] = ['draft', 'open', 'in_progress'];
export const isActive = (status: string) => (ACTIVE_STATUSES as readonly string[]).includes(status);

const sessionDaySchema = new mongoose.Schema(
  {
    /** YYYY-MM-DD in the venue's time zone */
    date: { type: String, required: true },
    /** HH:MM in the venue's time zone */
    start: { type: String, required: true },
    end: { type: String, required: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
  },
  { _id: false },
);

const sessionTrainerSchema = new mongoose.Schema(
  {
    person: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
    lead: { type: Boolean, required: true, default: false },
  },
  { _id: false },
);

const conflictOverrideSchema = new mongoose.Schema(
  {
    by: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
    at: { type: Date, required: true },
    reason: { type: String, required: true },
    clashes: { type: [mongoose.Schema.Types.ObjectId], ref: 'TrainingSession', default: [] },
  },
  { _id: false },
);

const trainingSessionSchema = new mongoose.Schema(
  {
    module: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingModule', required: true },
    /** the module's version when the session was scheduled: what its completions will point to */
    moduleVersion: { type: Number, required: true },
    /** the venue */
    institution: { type: mongoose.Schema.Types.ObjectId, ref: 'Institution', required: true },
    country: { type: mongoose.Schema.Types.ObjectId, ref: 'Country' },
    room: { type: String, trim: true, default: '' },
    /** IANA zone of the venue; every time of the session is shown in it, with its name */
    timeZone: { type: String, required: true },
    days: { type: [sessionDaySchema], default: [] },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    language: { type: String, required: true, enum: DELIVERY_LANGUAGES },
    capacity: { type: Number, required: true, min: 1 },
    trainers: { type: [sessionTrainerSchema], default: [] },
    enrolmentOpensAt: { type: Date },
    enrolmentClosesAt: { type: Date },
    requiresApproval: { type: Boolean, required: true, default: false },
    /** a participant may withdraw themselves until this many hours before the start */
    withdrawalCutoffHours: { type: Number, required: true, min: 0, default: 48 },
    notes: { type: String, trim: true, default: '' },
    status: { type: String, required: true, enum: SESSION_STATUSES, default: 'draft', index: true },
    cancellationReason: { type: String },
    cancelledAt: { type: Date },
    conflictOverrides: { type: [conflictOverrideSchema], default: [] },
    createdBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person' },
    /**
     * its enrolments counted by state, for the lists (src/enrolments/places-summary.ts); absent
     * until first counted. For display only: placing asks the seat claims (decision 0002).
     */
    places: {
      type: new mongoose.Schema(
        {
          seated: { type: Number, required: true },
          waiting: { type: Number, required: true },
          requested: { type: Number, required: true },
        },
        { _id: false },
      ),
      required: false,
    },
    /**
     * set when a coordinator confirms the participants' results (closing the session, after it
     * has ended); cleared when it is reopened. Once closed, only a coordinator changes attendance.
     */
    closedAt: { type: Date },
    closedBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person' },
    /** raised on each change that calendars must pick up (iCalendar SEQUENCE) */
    sequence: { type: Number, required: true, default: 0 },
  },
  // every save checks and raises __v: a save that lost a race is refused, and an edit form
  // opened before someone else's change is answered with a conflict (sessions.service)
  { timestamps: true, optimisticConcurrency: true },
);

// each list's equality first, then its sort with its tie-break (decisions 0005, 0010): a venue's
// sessions (the sessions list, one query per venue), a module's (the catalogue, a list filtered
// by module), a trainer's; every session in order (the rows kept in memory, the calendar)
trainingSessionSchema.index({ institution: 1, startsAt: 1, _id: 1 });
// a country's calendar and the sessions its staff may reach
trainingSessionSchema.index({ country: 1, startsAt: 1, _id: 1 });
trainingSessionSchema.index({ module: 1, startsAt: 1, _id: 1 });
trainingSessionSchema.index({ 'trainers.person': 1, startsAt: 1, _id: 1 });
trainingSessionSchema.index({ startsAt: 1, _id: 1 });

// the sessions' rows kept in memory (session-rows.ts) are read again after any change but a
// recount of a session's places (recordPlaces), which sets its venue's places stamp instead
const onlyPlacesSet = (update: Record<string, unknown>) =>
  Object.keys(update).length === 1 &&
  Object.keys((update.$set ?? {}) as object).length > 0 &&
  Object.keys((update.$set ?? {}) as object).every((field) => field === 'places');
stampOnWrite(trainingSessionSchema, 'training_sessions', onlyPlacesSet);

export type TrainingSessionFields = InferSchemaType<typeof trainingSessionSchema>;
export const TrainingSession = mongoose.model('TrainingSession', trainingSessionSchema, 'training_sessions');
export type TrainingSessionDocument = InstanceType<typeof TrainingSession>;
