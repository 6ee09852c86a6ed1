import mongoose from 'mongoose';
import { canActIn, hasRole, type Actor } from '../auth/actor.ts';
import { notFound } from '../http/errors.ts';
import { TrainingSession, type TrainingSessionDocument } from '../sessions/training-session.model.ts';

// Who may do what with a session's enrolments. One rule each, used by every page:
// - self-enrolment: a signed-in person may enrol in an open session whose venue is in the
//   same country as their own institution, or in an institution of their own scope
//   (a coordinator's or trainer's scope institutions, their own institution included);
// - managing (roster, adding, removing, approving, contact details): admins, and
//   coordinators whose scope holds the session's venue; the people they add must be in
//   their scope too;
// - reading the roster without contact details: the session's trainers.
// Managing and teaching a session are decided by session-access.ts (canManageSession, teaches).

export const isValidId = (id: string) => /^[0-9a-f]{24}$/i.test(id);

export async function loadSession(id: string): Promise<TrainingSessionDocument> {
  if (!isValidId(id)) throw notFound();
  const session = await TrainingSession.findById(id);
  if (!session) throw notFound();
  return session;
}

type SessionPlace = { institution: mongoose.Types.ObjectId; country?: mongoose.Types.ObjectId | null };

export function inSelfEnrolmentScope(actor: Actor, session: SessionPlace): boolean {
  const sameCountry = !!actor.countryId && session.country?.toHexString() === actor.countryId;
  return sameCountry || canActIn(actor, session.institution.toHexString());
}

/** Whether the actor may act on this person's enrolment as a coordinator. */
export function canManagePerson(actor: Actor, person: { institution?: mongoose.Types.ObjectId | null }): boolean {
  return (
    hasRole(actor, 'admin') || (hasRole(actor, 'coordinator') && canActIn(actor, person.institution?.toHexString()))
  );
}
