import { hasRole, type Actor } from './actor.ts';
import { editsModule, seesModule, type ModuleRecord } from './module.policy.ts';
import type { Policy } from './policy.ts';

// Curricula: the very rules of modules, since both are owned the same way (an institution, or
// national) and published the same way.
// - Changing a curriculum (details, its modules, publish, archive, reinstate): admins every
//   curriculum; coordinators those owned by an institution in their scope.
// - Seeing it: whoever may change it, in every status; everyone else once it is published, when
//   it is national or of their own country. Anyone else is told it does not exist (404).
// - Following the progress of people through it (its progress page): admins and coordinators
//   who see it; which people each of them finds there is their scope (the people list's).

export type CurriculumRecord = ModuleRecord;

/** Admins and coordinators may create curricula; which one each may change is the policy's update. */
export function isCurriculumEditor(actor: Actor): boolean {
  return hasRole(actor, 'admin', 'coordinator');
}

export const curriculumPolicy = {
  read: seesModule,
  update: editsModule,
  followProgress: (actor) => hasRole(actor, 'admin', 'coordinator'),
} satisfies Policy<CurriculumRecord>;
