import mongoose from 'mongoose';
import { canActIn, hasRole, type Actor } from '../access/actor.ts';
import { forbidden, notFound } from '../http/errors.ts';
import { canManageSession, canSeeSession, isSessionManager } from '../sessions/session-access.ts';
import { loadSession as loadAnySession, type TrainingSessionDocument } from '../sessions/session-queries.service.ts';

// Who may do what with a session's enrolments. One rule each, used by every page:
// - first of all, seeing the session (canSeeSession, the rule of GET /sessions/:id): a session
//   the actor cannot see is 404 on every enrolment route, whatever the verb, so that no answer
//   tells it exists or what state it is in; only then is what they may do decided (403);
// - self-enrolment: a signed-in person may enrol in an open session whose venue is in the
//   same country as their own institution, or in an institution of their own scope
//   (a coordinator's or trainer's scope institutions, their own institution included);
// - managing (roster, adding, removing, approving, contact details): admins, and
//   coordinators whose scope holds the session's venue; the people they add must be in
//   their scope too, and anyone else reads as unknown;
// - reading the roster without contact details: the session's trainers;
// - when: self-enrolment within the session's enrolment window (selfEnrolmentRefusal), leaving
//   a seat oneself up to the withdrawal cut-off (withdrawalDeadline).
// Managing and teaching a session are decided by session-access.ts (canManageSession, teaches).

/** A session by id, whoever asks: for the service's own steps, never for an actor's request. */
export async function loadSession(id: string): Promise<TrainingSessionDocument> {
  return loadAnySession(id);
}

/** A session the actor may see; anything else is 404, exactly as GET /sessions/:id answers. */
export async function loadVisibleSession(actor: Actor, id: string): Promise<TrainingSessionDocument> {
  const session = await loadSession(id);
  if (!canSeeSession(actor, session)) throw notFound();
  return session;
}

/** A session whose enrolments the actor manages: unseen 404, seen but not managed 403. */
export async function loadManagedSession(actor: Actor, id: string): Promise<TrainingSessionDocument> {
  const session = await loadVisibleSession(actor, id);
  if (!canManageSession(actor, session)) throw forbidden();
  return session;
}

/**
 * The session of an enrolment that the actor manages: unseen 404; seen by someone who manages
 * no sessions (staff, trainers) 403; a coordinator of other venues never learns of the
 * enrolment (404).
 */
export function assertManagesEnrolmentsOf(actor: Actor, session: TrainingSessionDocument) {
  if (!canSeeSession(actor, session)) throw notFound();
  if (!isSessionManager(actor)) throw forbidden();
  if (!canManageSession(actor, session)) throw notFound();
}

type SessionPlace = { institution: mongoose.Types.ObjectId; country?: mongoose.Types.ObjectId | null };

export function inSelfEnrolmentScope(actor: Actor, session: SessionPlace): boolean {
  const sameCountry = !!actor.countryId && session.country?.toHexString() === actor.countryId;
  return sameCountry || canActIn(actor, session.institution.toHexString());
}

/** Why a person cannot enrol themselves now, as a message key; undefined when they can. */
export function selfEnrolmentRefusal(actor: Actor, session: TrainingSessionDocument, now = new Date()) {
  if (session.status !== 'open') return 'enrolments:refused.notOpen';
  if (!inSelfEnrolmentScope(actor, session)) return 'enrolments:refused.outOfScope';
  if (session.enrolmentOpensAt && session.enrolmentOpensAt > now) return 'enrolments:refused.notYetOpen';
  if ((session.enrolmentClosesAt && session.enrolmentClosesAt < now) || session.startsAt <= now) {
    return 'enrolments:refused.closed';
  }
  return undefined;
}

/** The latest moment a participant may withdraw themselves from a seat. */
export function withdrawalDeadline(session: { startsAt: Date; withdrawalCutoffHours: number }) {
  return new Date(session.startsAt.getTime() - session.withdrawalCutoffHours * 3_600_000);
}

/** Whether the actor may act on this person's enrolment as a coordinator. */
export function canManagePerson(actor: Actor, person: { institution?: mongoose.Types.ObjectId | null }): boolean {
  return (
    hasRole(actor, 'admin') || (hasRole(actor, 'coordinator') && canActIn(actor, person.institution?.toHexString()))
  );
}
