import type { Actor } from './actor.ts';
import { editsModule, modulePolicy, seesModule, type ModuleRecord } from './module.policy.ts';
import type { Policy } from './policy.ts';

// Materials (resources) of a module.
// - Seeing and downloading one: whoever sees the module (module policy) sees its materials for
//   participants; trainer-only material also needs the module's "see trainer materials". A
//   module that leaves the catalogue (archived) stays open to whoever taught a session of it
//   (all its materials) or took one (the participants' materials): their records stay readable.
//   Anyone else is told the material does not exist (404).
// - Changing one (details, a new version of the file, deleting it) and fetching its older
//   versions: whoever may change the module.

export type ResourceRecord = {
  audience: 'participants' | 'trainers';
  module: ModuleRecord;
  /**
   * Whether the actor taught ('trainer') or took ('participant') a session of the module, as the
   * caller read it from the database; only asked when the actor cannot see the module.
   */
  keptBy?: 'trainer' | 'participant';
};

export type MaterialsAccess = 'all' | 'participants' | 'none';

/** Which of a module's materials the actor may see: all, the participants' only, or none. */
export function materialsAccess(
  actor: Actor,
  module: ModuleRecord,
  keptBy?: ResourceRecord['keptBy'],
): MaterialsAccess {
  if (seesModule(actor, module)) return modulePolicy.seeTrainerMaterials(actor, module) ? 'all' : 'participants';
  if (keptBy === 'trainer') return 'all';
  return keptBy === 'participant' ? 'participants' : 'none';
}

function seesResource(actor: Actor, resource: ResourceRecord): boolean {
  const access = materialsAccess(actor, resource.module, resource.keptBy);
  return access === 'all' || (access === 'participants' && resource.audience === 'participants');
}

const editsItsModule = (actor: Actor, resource: ResourceRecord) => editsModule(actor, resource.module);

export const resourcePolicy = {
  read: seesResource,
  download: seesResource,
  update: editsItsModule,
  delete: editsItsModule,
  seeOldVersions: editsItsModule,
} satisfies Policy<ResourceRecord>;
