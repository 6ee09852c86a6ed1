import mongoose, { type InferSchemaType } from 'mongoose';

// A person in a session as participant. {session, person} is unique: nobody is in a
// session twice. Seats and waitlist places are separate claim documents (seat-claim.model.ts)
// so that capacity and order rest on unique inserts (decision 0002), not on counters.

export const ENROLMENT_STATES = ['requested', 'enrolled', 'waitlisted', 'withdrawn', 'declined', 'cancelled'] as const;
export type EnrolmentState = (typeof ENROLMENT_STATES)[number];
/** States in which a person holds or waits for a place: whom a session's changes concern. */
export const LIVE_STATES = ['requested', 'enrolled', 'waitlisted'] as const satisfies readonly EnrolmentState[];
export type LiveState = (typeof LIVE_STATES)[number];
export const isLive = (state: string): state is LiveState => (LIVE_STATES as readonly string[]).includes(state);
/**
 * What became of an enrolled participant once the session's results were confirmed, or
 * `attended` while a reopened session's results wait to be confirmed again (decision 0013).
 * Kept beside the state, which stays `enrolled`: the seat was held, and what was held stays so.
 */
export const ENROLMENT_OUTCOMES = ['attended', 'completed', 'not_completed', 'no_show'] as const;
export type EnrolmentOutcome = (typeof ENROLMENT_OUTCOMES)[number];
export const ENROLMENT_SOURCES = ['self', 'coordinator', 'csv'] as const;

const enrolmentSchema = new mongoose.Schema(
  {
    session: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingSession', required: true },
    person: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true, index: true },
    state: { type: String, required: true, enum: ENROLMENT_STATES },
    /** the seat number held while enrolled */
    seat: { type: Number },
    /** the waitlist place claimed while waitlisted (first come, first served) */
    waitlistPosition: { type: Number },
    source: { type: String, required: true, enum: ENROLMENT_SOURCES, default: 'self' },
    enrolledBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person' },
    requestedAt: { type: Date, required: true, default: () => new Date() },
    decidedAt: { type: Date },
    withdrawnAt: { type: Date },
    /** who ended the place when it was not the person themself (a coordinator's removal) */
    removedBy: { type: mongoose.Schema.Types.ObjectId, ref: 'Person' },
    /**
     * what the roster shows of the person, kept so that it reads no person (decision 0018):
     * written with the enrolment, brought up to date on every change of the person's card
     * (enrolment-cards.ts); an enrolment without one shows the person read by id
     */
    personCard: {
      type: new mongoose.Schema(
        {
          fullName: { type: String, required: true },
          email: { type: String },
          serviceNumber: { type: String },
          institution: { type: mongoose.Schema.Types.ObjectId, ref: 'Institution' },
        },
        { _id: false },
      ),
    },
    /** the participant's result, set by closing the session (src/results) */
    outcome: { type: String, enum: ENROLMENT_OUTCOMES },
    /**
     * a coordinator enrolled the person without the module's prerequisites: who, when, why, and
     * which modules were missing then (the person's records may change later; this does not)
     */
    prerequisiteOverride: {
      type: new mongoose.Schema(
        {
          by: { type: mongoose.Schema.Types.ObjectId, ref: 'Person', required: true },
          at: { type: Date, required: true },
          reason: { type: String, required: true },
          missing: { type: [mongoose.Schema.Types.ObjectId], ref: 'TrainingModule', default: [] },
        },
        { _id: false },
      ),
    },
  },
  { timestamps: true },
);

enrolmentSchema.index({ session: 1, person: 1 }, { unique: true });
enrolmentSchema.index({ session: 1, state: 1 });
// a session's roster in order of request; requests waiting for a decision, oldest first
enrolmentSchema.index({ session: 1, requestedAt: 1, _id: 1 });
enrolmentSchema.index({ state: 1, requestedAt: 1 });

export type EnrolmentFields = InferSchemaType<typeof enrolmentSchema>;
export const Enrolment = mongoose.model('Enrolment', enrolmentSchema, 'enrolments');
export type EnrolmentDocument = InstanceType<typeof Enrolment>;
