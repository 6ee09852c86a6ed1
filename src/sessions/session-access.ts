import { canActIn, hasRole, type Actor } from '../access/actor.ts';

// Who may do what with a session. Coordinators manage the sessions of venues in their
// scope, admins all; trainers see the ones they teach; everyone sees the published
// (not draft) sessions of their own country.

type SessionLike = {
  institution: { toHexString(): string };
  country?: { toHexString(): string } | null;
  status: string;
  trainers: { person: { toHexString(): string } }[];
};

export function isSessionManager(actor: Actor): boolean {
  return hasRole(actor, 'admin', 'coordinator');
}

export function canManageSession(actor: Actor, session: SessionLike): boolean {
  if (hasRole(actor, 'admin')) return true;
  return hasRole(actor, 'coordinator') && canActIn(actor, session.institution.toHexString());
}

export function teaches(actor: Actor, session: SessionLike): boolean {
  return session.trainers.some((t) => t.person.toHexString() === actor.id);
}

export function canSeeSession(actor: Actor, session: SessionLike): boolean {
  if (canManageSession(actor, session) || teaches(actor, session)) return true;
  if (session.status === 'draft') return false;
  return !!actor.countryId && session.country?.toHexString() === actor.countryId;
}
