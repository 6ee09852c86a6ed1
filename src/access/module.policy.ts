import { canActIn, hasRole, type Actor } from './actor.ts';
import { idOf, type HexId, type Policy } from './policy.ts';

// Training modules.
// - Changing a module (edit, publish, archive, reinstate, add materials): admins every module;
//   coordinators the modules owned by an institution in their scope. National modules (no
//   owner) are the admins' alone.
// - Seeing it: whoever may change it, in every status; everyone else once it is published, when
//   it is national or of their own country. Anyone else is told it does not exist (404).
// - Trainer-only materials: trainers, admins, and whoever may change the module.
// - Its cascade (its trainers and the people they trained, src/trainer-chain): admins and
//   coordinators who see it.
// Curricula are owned and published the same way and follow the same rules (curriculum.policy.ts).

export type ModuleRecord = {
  institution?: HexId | null;
  country?: HexId | null;
  status: string;
};

/** Admins and coordinators may manage modules at all (the list, a new module). */
export function isModuleEditor(actor: Actor): boolean {
  return hasRole(actor, 'admin', 'coordinator');
}

export function editsModule(actor: Actor, module: ModuleRecord): boolean {
  if (hasRole(actor, 'admin')) return true;
  const owner = idOf(module.institution);
  return hasRole(actor, 'coordinator') && owner !== undefined && canActIn(actor, owner);
}

export function seesModule(actor: Actor, module: ModuleRecord): boolean {
  if (editsModule(actor, module)) return true;
  if (module.status !== 'published') return false;
  const country = idOf(module.country);
  return country === undefined || country === actor.countryId;
}

export const modulePolicy = {
  read: seesModule,
  update: editsModule,
  publish: editsModule,
  archive: editsModule,
  reinstate: editsModule,
  addMaterials: editsModule,
  seeTrainerMaterials: (actor, module) => editsModule(actor, module) || hasRole(actor, 'trainer', 'admin'),
  readCascade: (actor) => isModuleEditor(actor),
} satisfies Policy<ModuleRecord>;
