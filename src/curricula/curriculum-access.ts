import { hasRole, type Actor } from '../access/actor.ts';
import { canEditModule, canSeeModule } from '../modules/module-access.ts';

// Who may do what with a curriculum: the very rules of modules (src/modules/module-access.ts),
// since both are owned the same way (an institution, or national) and published the same way.

/** Admins and coordinators may edit curricula at all; who edits which one is canEditCurriculum. */
export function isCurriculumEditor(actor: Actor): boolean {
  return hasRole(actor, 'admin', 'coordinator');
}

/** Admins edit every curriculum; coordinators the ones owned by an institution in their scope. */
export const canEditCurriculum = canEditModule;

/** Editors see their curricula in every status; everyone else published ones, national or of their country. */
export const canSeeCurriculum = canSeeModule;
