import { canActIn, hasRole, type Actor } from '../auth/actor.ts';

// Who may do what with a curriculum: the same rules as for modules (src/modules/module-access.ts).

type CurriculumOwnership = {
  institution?: { toHexString(): string } | null;
  country?: { toHexString(): string } | null;
  status: string;
};

/** Admins and coordinators may edit curricula at all; who edits which one is canEditCurriculum. */
export function isCurriculumEditor(actor: Actor): boolean {
  return hasRole(actor, 'admin', 'coordinator');
}

/** Admins edit every curriculum; coordinators the ones owned by an institution in their scope. */
export function canEditCurriculum(actor: Actor, curriculum: CurriculumOwnership): boolean {
  if (hasRole(actor, 'admin')) return true;
  if (!hasRole(actor, 'coordinator')) return false;
  const institutionId = curriculum.institution?.toHexString();
  return institutionId !== undefined && canActIn(actor, institutionId);
}

/** Editors see their curricula in every status; everyone else published ones, national or of their country. */
export function canSeeCurriculum(actor: Actor, curriculum: CurriculumOwnership): boolean {
  if (canEditCurriculum(actor, curriculum)) return true;
  if (curriculum.status !== 'published') return false;
  const countryId = curriculum.country?.toHexString();
  return countryId === undefined || countryId === actor.countryId;
}
