import { canActIn, hasRole, ROLES, type Actor, type Role } from './actor.ts';
import { idOf, refuse, type HexId, type Policy } from './policy.ts';

// People.
// - Seeing a person: oneself; admins everyone; coordinators and trainers the people of the
//   institutions in their scope; staff the people of their own institution. Anyone else is
//   told the person does not exist (404). (The people pages themselves are for admins and
//   coordinators.)
// - Changing a person (details, roles, activating, deactivating, a password link): admins
//   anyone; coordinators staff and trainers of institutions in their scope. Nobody deactivates
//   themself; a password link is for an active person with an email address.
// - Recording a trainer's qualifications: admins anyone; coordinators the people of
//   institutions in their scope, whatever their roles. (Whom a coordinator may enrol in a
//   session depends on the session: enrolment.policy.ts, candidatePolicy.)
// - A trainer's record (sessions delivered, hours, people trained, whom they certified:
//   src/trainer-chain): whoever records their qualifications, and the trainer themself.
// - Reading a person's transcript and curriculum progress (their completion records): the
//   person themself, admins, and coordinators of institutions in their scope. Trainers and
//   staff who see the person do not see their records (403).
// - Roles a coordinator may give: staff and trainer; admins give any role.

export type PersonRecord = {
  _id: HexId;
  institution?: HexId | null;
  roles: readonly string[];
  active?: boolean;
  email?: string | null;
};

const COORDINATOR_ROLES: readonly Role[] = ['staff', 'trainer'];

/** Admins and coordinators may manage people at all (the list, a new person). */
export function isPeopleManager(actor: Actor): boolean {
  return hasRole(actor, 'admin', 'coordinator');
}

/** The roles the actor may give: coordinators give staff and trainer only. */
export function assignableRoles(actor: Actor): readonly Role[] {
  return hasRole(actor, 'admin') ? ROLES : COORDINATOR_ROLES;
}

const isSelf = (actor: Actor, person: PersonRecord) => person._id.toHexString() === actor.id;

/** Admins anyone; coordinators the people of institutions in their scope. */
function coordinates(actor: Actor, person: PersonRecord): boolean {
  if (hasRole(actor, 'admin')) return true;
  return hasRole(actor, 'coordinator') && canActIn(actor, idOf(person.institution));
}

/** Whom the actor may change: admins anyone, coordinators staff and trainers in their scope. */
export function managesPerson(actor: Actor, person: PersonRecord): boolean {
  if (hasRole(actor, 'admin')) return true;
  const giveable = assignableRoles(actor);
  return coordinates(actor, person) && person.roles.every((role) => giveable.includes(role as Role));
}

export const personPolicy = {
  read: (actor, person) => isSelf(actor, person) || canActIn(actor, idOf(person.institution)),
  update: managesPerson,
  activate: managesPerson,
  deactivate: (actor, person) => {
    if (!managesPerson(actor, person)) return false;
    return isSelf(actor, person) ? refuse('people:deactivate.self') : true;
  },
  issuePasswordLink: (actor, person) => {
    if (!managesPerson(actor, person)) return false;
    if (!person.active) return refuse('people:reset.inactive');
    return person.email ? true : refuse('people:reset.noEmail');
  },
  /** Asked of the person as they would be: `roles` the roles to give. */
  assignRoles: managesPerson,
  recordQualifications: coordinates,
  readTrainerRecord: (actor, person) => isSelf(actor, person) || coordinates(actor, person),
  readTranscript: (actor, person) => isSelf(actor, person) || coordinates(actor, person),
} satisfies Policy<PersonRecord>;
