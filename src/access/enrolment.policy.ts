import type { Actor } from './actor.ts';
import { can, type HexId, type Policy } from './policy.ts';
import { managesSession, sessionPolicy, teaches, type SessionRecord } from './session.policy.ts';

// Enrolments: one person's place (or request, or waitlist place) in one session.
// - Seeing an enrolment: whoever may see its session and is the enrolled person, manages the
//   session, or teaches it (trainers read the roster). Anyone else, staff of the same country
//   and coordinators of other venues included, is told it does not exist (404).
// - Withdrawing: the enrolled person themself (until the cut-off: the enrolment service's rule).
// - Approving, declining, removing: admins, and coordinators with the session's venue in their
//   scope.
// - Adding a person (one, ticked, or by CSV; candidatePolicy): whoever manages the session may add
//   exactly the people who could enrol themselves in it (the session policy's enrolSelf, asked as
//   that person), themself left out (they enrol through the session page like anyone). To them,
//   anyone else does not exist: the roster does not offer them, and a row naming them says "not
//   found", whatever they are.

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

/** A person who might be added to a session, as the rules see them: the actor they are when signed in. */
export type CandidateRecord = { person: Actor; session: SessionRecord };

/** Whether the person could enrol themselves in the session, whatever the date. */
export const couldEnrolThemselves = (person: Actor, session: SessionRecord) =>
  can(person, sessionPolicy, 'enrolSelf', session);

const addable = (actor: Actor, candidate: CandidateRecord) =>
  managesSession(actor, candidate.session) &&
  candidate.person.id !== actor.id &&
  couldEnrolThemselves(candidate.person, candidate.session);

export const candidatePolicy = {
  read: addable,
  enrol: addable,
} satisfies Policy<CandidateRecord>;
