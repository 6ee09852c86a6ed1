import { canActIn, hasRole, type Actor } from '../access/actor.ts';

// Who may do what with a module; every feature that touches modules (catalogue,
// resources, curricula, sessions) asks here.

type ModuleOwnership = {
  institution?: { toHexString(): string } | null;
  country?: { toHexString(): string } | null;
  status: string;
};

/** Admins edit every module; coordinators the ones owned by an institution in their scope. */
export function canEditModule(actor: Actor, module: ModuleOwnership): boolean {
  if (hasRole(actor, 'admin')) return true;
  if (!hasRole(actor, 'coordinator')) return false;
  const institutionId = module.institution?.toHexString();
  return institutionId !== undefined && canActIn(actor, institutionId);
}

/** Who sees the module at all: editors always; everyone else when published, national or of their country. */
export function canSeeModule(actor: Actor, module: ModuleOwnership): boolean {
  if (canEditModule(actor, module)) return true;
  if (module.status !== 'published') return false;
  const countryId = module.country?.toHexString();
  return countryId === undefined || countryId === actor.countryId;
}

/** Trainers and editors see trainer-only materials; participants see the rest. */
export function canSeeTrainerMaterials(actor: Actor, module: ModuleOwnership): boolean {
  return canEditModule(actor, module) || hasRole(actor, 'trainer', 'admin');
}
