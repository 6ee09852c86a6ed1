import type mongoose from 'mongoose';
import { anyOf } from '../db/query.ts';
import { Enrolment, LIVE_STATES, type EnrolmentState } from './enrolment.model.ts';

// A person's places across sessions, as other features ask for them (decision 8): the calendar
// feed shows their sessions, materials stay readable for whoever took a module.

export type PersonPlace = { session: mongoose.Types.ObjectId; state: EnrolmentState };

/** The person's live places, and those a session's cancellation released (state "cancelled"). */
export function placesOf(personId: mongoose.Types.ObjectId | string): Promise<PersonPlace[]> {
  return Enrolment.find(
    { person: personId, state: anyOf([...LIVE_STATES, 'cancelled']) },
    { session: 1, state: 1 },
  ).lean<PersonPlace[]>();
}

/** The sessions in which the person holds (or held, the session being over) a seat. */
export async function seatedSessionIds(personId: string): Promise<mongoose.Types.ObjectId[]> {
  const seats = await Enrolment.find({ person: personId, state: 'enrolled' }, { session: 1 }).lean();
  return seats.map((s) => s.session);
}
