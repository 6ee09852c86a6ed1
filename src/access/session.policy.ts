import { canActIn, hasRole, type Actor } from './actor.ts';
import { idOf, refuse, type HexId, type Policy } from './policy.ts';

// Sessions.
// - Seeing a session: admins see all; coordinators the sessions held at an institution in their
//   scope; trainers the sessions they teach; everyone else a session that is no longer a draft
//   and is held in their own country. Anyone else is told it does not exist (404).
// - Changing it (edit, copy, open, start, complete, cancel) and managing its enrolments (the
//   roster with contact details; adding, removing, approving, declining): admins, and
//   coordinators with the venue in their scope.
// - The roster without contact details: also the session's trainers.
// - Closing it (confirming its results) and reopening it: admins, and coordinators with the
//   venue in their scope; its results are read by whoever reads its roster.
// - Enrolling oneself: people of the venue's country, and people whose scope holds the venue;
//   never the session's own trainers. When (open, within the enrolment window) is the enrolment
//   service's business, not access. Whom a coordinator may add is exactly who could enrol
//   themselves (enrolment.policy.ts, candidatePolicy, asks this rule as that person).

export type SessionRecord = {
  institution: HexId;
  country?: HexId | null;
  status: string;
  trainers: readonly { person: HexId }[];
};

/** Admins and coordinators may schedule sessions at all (the list, a new session). */
export function isSessionManager(actor: Actor): boolean {
  return hasRole(actor, 'admin', 'coordinator');
}

export function managesSession(actor: Actor, session: SessionRecord): boolean {
  if (hasRole(actor, 'admin')) return true;
  return hasRole(actor, 'coordinator') && canActIn(actor, session.institution.toHexString());
}

export function teaches(actor: Actor, session: SessionRecord): boolean {
  return session.trainers.some((t) => t.person.toHexString() === actor.id);
}

const inOwnCountry = (actor: Actor, session: SessionRecord) =>
  !!actor.countryId && idOf(session.country) === actor.countryId;

export const sessionPolicy = {
  read: (actor, session) =>
    managesSession(actor, session) ||
    teaches(actor, session) ||
    (session.status !== 'draft' && inOwnCountry(actor, session)),
  update: managesSession,
  cancel: managesSession,
  manageEnrolments: managesSession,
  /** confirming the participants' results and reopening them (src/results) */
  close: managesSession,
  readRoster: (actor, session) => managesSession(actor, session) || teaches(actor, session),
  enrolSelf: (actor, session) => {
    if (teaches(actor, session)) return refuse('enrolments:refused.teaches');
    return inOwnCountry(actor, session) || canActIn(actor, session.institution.toHexString())
      ? true
      : refuse('enrolments:refused.outOfScope');
  },
} satisfies Policy<SessionRecord>;
