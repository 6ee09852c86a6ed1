import type { Language } from '../i18n/i18n.ts';

// The signed-in person as every service sees them: plain data, no request.

export const ROLES = ['admin', 'coordinator', 'trainer', 'staff'] as const;
export type Role = (typeof ROLES)[number];

export type Actor = {
  id: string;
  email: string;
  fullName: string;
  roles: Role[];
  institutionId: string | undefined;
  /** the country of their institution: the catalogue offers its modules and the national ones */
  countryId: string | undefined;
  /** institutions a coordinator or trainer acts in (their own included) */
  scopeInstitutionIds: string[];
  language: Language;
  mustChangePassword: boolean;
};

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return roles.some((role) => actor.roles.includes(role));
}

/** The institutions an actor may see and change; undefined means every institution (admins). */
export function institutionScope(actor: Actor): string[] | undefined {
  if (hasRole(actor, 'admin')) return undefined;
  if (hasRole(actor, 'coordinator', 'trainer')) return actor.scopeInstitutionIds;
  return actor.institutionId ? [actor.institutionId] : [];
}

/**
 * The institutions a list filtered by institution shows: the one chosen when it is in the scope
 * (none when it is not), else the whole scope (undefined: every institution).
 */
export function chosenWithin(scope: readonly string[] | undefined, chosen: string | undefined): string[] | undefined {
  return chosen ? [chosen].filter((id) => !scope || scope.includes(id)) : scope && [...scope];
}

export function canActIn(actor: Actor, institutionId: string | undefined): boolean {
  const scope = institutionScope(actor);
  if (scope === undefined) return true;
  return institutionId !== undefined && scope.includes(institutionId);
}
