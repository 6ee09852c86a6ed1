import type { Actor } from '../access/actor.ts';
import { conflict } from '../http/errors.ts';
import { moduleSummaries } from '../modules/module-lookups.service.ts';
import type { CurriculumDocument } from './curriculum.model.ts';
import { getEditableCurriculum, saveCurriculum } from './curricula.service.ts';

// draft → published → archived → published again. Pressing a button twice changes nothing the
// second time; a step that does not follow from the current status is refused (409).

/** Staff see published curricula: one needs a module, and none of its modules may be a draft. */
async function checkPublishable(curriculum: CurriculumDocument): Promise<void> {
  if (curriculum.items.length === 0) throw conflict('curricula:publish.empty');
  const modules = await moduleSummaries(curriculum.items.map((item) => item.module));
  const drafts = modules.filter((m) => m.status === 'draft');
  if (drafts.length > 0) {
    throw conflict('curricula:publish.draftModules', { codes: drafts.map((m) => m.code).join(', ') });
  }
}

export async function publishCurriculum(actor: Actor, id: string): Promise<CurriculumDocument> {
  const curriculum = await getEditableCurriculum(actor, id);
  if (curriculum.status === 'published') return curriculum;
  if (curriculum.status !== 'draft') throw conflict('curricula:publish.notDraft');
  await checkPublishable(curriculum);
  curriculum.set({ status: 'published', publishedAt: new Date() });
  await saveCurriculum(curriculum);
  return curriculum;
}

/** Archived curricula leave the lists of staff; what points to them stays readable. */
export async function archiveCurriculum(actor: Actor, id: string): Promise<CurriculumDocument> {
  const curriculum = await getEditableCurriculum(actor, id);
  if (curriculum.status === 'archived') return curriculum;
  if (curriculum.status !== 'published') throw conflict('curricula:archive.notPublished');
  curriculum.set({ status: 'archived', archivedAt: new Date() });
  await saveCurriculum(curriculum);
  return curriculum;
}

export async function reinstateCurriculum(actor: Actor, id: string): Promise<CurriculumDocument> {
  const curriculum = await getEditableCurriculum(actor, id);
  if (curriculum.status === 'published') return curriculum;
  if (curriculum.status !== 'archived') throw conflict('curricula:reinstate.notArchived');
  await checkPublishable(curriculum);
  curriculum.set({ status: 'published', archivedAt: undefined });
  await saveCurriculum(curriculum);
  return curriculum;
}
