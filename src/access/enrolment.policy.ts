import type { Actor } from './actor.ts';
import type { HexId, Policy } from './policy.ts';
import { managesSession, sessionPolicy, teaches, type SessionRecord } from './session.policy.ts';

// Enrolments: one person's place (or request, or waitlist place) in one session.
// - Seeing an enrolment: whoever may see its session and is the enrolled person, manages the
//   session, or teaches it (trainers read the roster). Anyone else, staff of the same country
//   and coordinators of other venues included, is told it does not exist (404).
// - Withdrawing: the enrolled person themself (until the cut-off: the enrolment service's rule).
// - Approving, declining, removing: admins, and coordinators with the session's venue in their
//   scope. The people a coordinator adds must be theirs too (person policy, action "enrol").

export type EnrolmentRecord = { person: HexId; session: SessionRecord };

const own = (actor: Actor, enrolment: EnrolmentRecord) => enrolment.person.toHexString() === actor.id;
const managesItsSession = (actor: Actor, enrolment: EnrolmentRecord) => managesSession(actor, enrolment.session);

export const enrolmentPolicy = {
  read: (actor, enrolment) =>
    sessionPolicy.read(actor, enrolment.session) &&
    (own(actor, enrolment) || managesItsSession(actor, enrolment) || teaches(actor, enrolment.session)),
  withdraw: own,
  approve: managesItsSession,
  decline: managesItsSession,
  remove: managesItsSession,
} satisfies Policy<EnrolmentRecord>;
