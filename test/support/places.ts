import type { Types } from 'mongoose';
import { Enrolment } from '../../src/enrolments/enrolment.model.ts';
import { SeatClaim, WaitlistClaim } from '../../src/enrolments/seat-claim.model.ts';

/** Everything about a session's places, for checks: seats and waitlist, as stored. */
export async function placesOf(session: Types.ObjectId) {
  const enrolments = await Enrolment.find({ session }).lean();
  const seats = await SeatClaim.find({ session }).sort({ number: 1 }).lean();
  const waits = await WaitlistClaim.find({ session }).sort({ number: 1 }).lean();
  const byState = (state: string) => enrolments.filter((e) => e.state === state);
  return { enrolments, seats, waits, byState };
}
