import mongoose from 'mongoose';

// Seats 1..capacity and waitlist places 1..n of a session, each claimed by inserting a
// document whose {session, number} is unique. Of any number of simultaneous claimants,
// exactly one gets each number, on MongoDB and on FerretDB alike (decision 0002).

const claimSchema = (collection: string) => {
  const schema = new mongoose.Schema(
    {
      session: { type: mongoose.Schema.Types.ObjectId, ref: 'TrainingSession', required: true },
      number: { type: Number, required: true, min: 1 },
      enrolment: { type: mongoose.Schema.Types.ObjectId, ref: 'Enrolment', required: true, index: true },
    },
    { timestamps: { createdAt: true, updatedAt: false }, collection },
  );
  schema.index({ session: 1, number: 1 }, { unique: true });
  // one seat (one waitlist place) per enrolment at most: two promotions or a double click
  // racing for the same person cannot give them two
  schema.index({ enrolment: 1, session: 1 }, { unique: true });
  return schema;
};

export const SeatClaim = mongoose.model('SeatClaim', claimSchema('seat_claims'));
export const WaitlistClaim = mongoose.model('WaitlistClaim', claimSchema('waitlist_claims'));
