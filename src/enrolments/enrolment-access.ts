import type { Actor } from '../access/actor.ts';
import { can } from '../access/policy.ts';
import { sessionPolicy } from '../access/session.policy.ts';
import { candidatePolicy } from '../access/enrolment.policy.ts';
import { toActor, type PersonSummary } from '../people/people.service.ts';
import { loadSession, type TrainingSessionDocument } from '../sessions/session-queries.service.ts';
import { getSession } from '../sessions/sessions.service.ts';

// Loading a session for an enrolment route: what the actor may do is the session and
// enrolment policies' (src/access/session.policy.ts, enrolment.policy.ts): a session the actor
// cannot see is 404 on every enrolment route, whatever the verb, so that no answer tells it
// exists or what state it is in; only then is what they may do decided (403). When is this
// file's: self-enrolment within the session's enrolment window (selfEnrolmentRefusal), leaving a
// seat oneself up to the withdrawal cut-off (withdrawalDeadline).

/** A session by id, whoever asks: for the service's own steps, never for an actor's request. */
export { loadSession };

export const loadVisibleSession = (actor: Actor, id: string) => getSession(actor, id, 'read');

/** A session whose enrolments the actor manages. */
export const loadManagedSession = (actor: Actor, id: string) => getSession(actor, id, 'manageEnrolments');

/** Whether the actor may add this person to the session: whoever could enrol themselves in it (candidatePolicy). */
export function mayAdd(actor: Actor, session: TrainingSessionDocument, person: PersonSummary): boolean {
  return can(actor, candidatePolicy, 'enrol', { person: toActor(person), session });
}

/** Refusals of self-enrolment that are about who asks (403), not about when (409). */
export const REFUSED_TO_WHO = ['enrolments:refused.outOfScope', 'enrolments:refused.teaches'];

/** Why a person cannot enrol themselves now, as a message key; undefined when they can. */
export function selfEnrolmentRefusal(actor: Actor, session: TrainingSessionDocument, now = new Date()) {
  const verdict = sessionPolicy.enrolSelf(actor, session);
  if (verdict !== true && verdict.refused === 'enrolments:refused.teaches') return verdict.refused;
  if (session.status !== 'open') return 'enrolments:refused.notOpen';
  if (verdict !== true) return verdict.refused;
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

/** The last moment someone may enrol themselves again: the enrolment window's end, or the start. */
export function comebackDeadline(session: { startsAt: Date; enrolmentClosesAt?: Date | null }): Date {
  const closes = session.enrolmentClosesAt;
  return closes && closes < session.startsAt ? closes : session.startsAt;
}
