import { canActIn, hasRole, type Actor } from './actor.ts';
import type { HexId, Policy } from './policy.ts';

// Institutions and countries, set up by admins.
// - Seeing an institution: admins all; coordinators and trainers the institutions of their
//   scope; staff their own. Anyone else is told it does not exist (404). (The institution
//   pages themselves are for admins, coordinators and trainers.)
// - Creating, changing, deactivating or reactivating an institution: admins only.
// - Countries: everyone may see them (every form that names an institution shows its country);
//   only admins create, change or delete one.

export type InstitutionRecord = { _id: HexId };
export type CountryRecord = { _id: HexId };

const isAdmin = (actor: Actor) => hasRole(actor, 'admin');

export const institutionPolicy = {
  read: (actor, institution) => canActIn(actor, institution._id.toHexString()),
  update: isAdmin,
} satisfies Policy<InstitutionRecord>;

export const countryPolicy = {
  read: () => true,
  update: isAdmin,
} satisfies Policy<CountryRecord>;

/** Only admins create institutions and countries (there is no record to ask about yet). */
export const isInstitutionAdmin = isAdmin;
