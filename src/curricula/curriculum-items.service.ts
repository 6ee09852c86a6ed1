import type { Actor } from '../access/actor.ts';
import { conflict, fieldError } from '../http/errors.ts';
import { curriculumPolicy } from '../access/curriculum.policy.ts';
import { modulePolicy } from '../access/module.policy.ts';
import { can } from '../access/policy.ts';
import {
  moduleChoices as moduleChoicesFor,
  moduleSummaries,
  moduleSummary,
  type ModuleStatus,
  type ModuleSummary,
} from '../modules/module-lookups.service.ts';
import type { CurriculumDocument } from './curriculum.model.ts';
import {
  addItem,
  moveItem,
  removeItem,
  requiredHours,
  setRequired,
  type Direction,
  type PlainItem,
} from './curriculum-rules.ts';
import type { AddItemInput } from './curricula.schemas.ts';
import {
  fitsCountry,
  getEditableCurriculum,
  requireChangeable,
  requireVersion,
  saveCurriculum,
} from './curricula.service.ts';

// Adding, moving, marking and removing the modules of a curriculum. Each change is made on
// the version of the curriculum the editor's page showed and written in one save, so two
// editors at once get "changed by someone else" instead of a mixed-up list.

function plainItems(curriculum: CurriculumDocument): PlainItem[] {
  return curriculum.items.map((item) => ({ module: item.module.toHexString(), required: item.required }));
}

async function editableAt(actor: Actor, id: string, version: number): Promise<CurriculumDocument> {
  const curriculum = await getEditableCurriculum(actor, id);
  requireChangeable(curriculum);
  requireVersion(curriculum, version);
  return curriculum;
}

async function saveItems(curriculum: CurriculumDocument, items: PlainItem[]): Promise<CurriculumDocument> {
  curriculum.set('items', items);
  await saveCurriculum(curriculum);
  return curriculum;
}

/**
 * Adds a module at the end. It must be one the actor can see, not archived, national or of the
 * curriculum's country (so that whoever sees the curriculum can take it), and published once
 * the curriculum is.
 */
export async function addCurriculumItem(actor: Actor, id: string, input: AddItemInput) {
  const curriculum = await editableAt(actor, id, input.version);
  const module = await moduleSummary(input.module);
  if (!module || !can(actor, modulePolicy, 'read', module)) throw fieldError('module', 'curricula:items.unknownModule');
  if (module.status === 'archived') throw fieldError('module', 'curricula:items.archivedModule');
  if (curriculum.status === 'published' && module.status !== 'published') {
    throw fieldError('module', 'curricula:items.draftModule');
  }
  if (!fitsCountry(module.country, curriculum.country)) throw fieldError('module', 'curricula:items.otherCountry');
  await saveItems(curriculum, addItem(plainItems(curriculum), input.module, input.kind === 'required'));
  return { curriculum, module };
}

export async function moveCurriculumItem(
  actor: Actor,
  id: string,
  moduleId: string,
  direction: Direction,
  version: number,
) {
  const curriculum = await editableAt(actor, id, version);
  return saveItems(curriculum, moveItem(plainItems(curriculum), moduleId, direction));
}

export async function setCurriculumItemRequired(
  actor: Actor,
  id: string,
  moduleId: string,
  required: boolean,
  version: number,
) {
  const curriculum = await editableAt(actor, id, version);
  return saveItems(curriculum, setRequired(plainItems(curriculum), moduleId, required));
}

/** A published curriculum keeps at least one module: archive it instead of emptying it. */
export async function removeCurriculumItem(actor: Actor, id: string, moduleId: string, version: number) {
  const curriculum = await editableAt(actor, id, version);
  const items = removeItem(plainItems(curriculum), moduleId);
  if (items.length === 0 && curriculum.status === 'published') throw conflict('curricula:items.keepOne');
  return saveItems(curriculum, items);
}

export type CurriculumRow = {
  moduleId: string;
  required: boolean;
  /** undefined when the module is gone, or is a draft this person may not see */
  module?: Pick<ModuleSummary, 'code' | 'title' | 'hours' | 'status'>;
  /** a draft module this person may not see: listed without its name */
  inPreparation: boolean;
  /** published and visible: links to its catalogue page */
  linked: boolean;
};

/** The modules of a curriculum in order, as this person may see them, and the hours of the required ones. */
export async function describeItems(actor: Actor, curriculum: CurriculumDocument) {
  const ids = curriculum.items.map((item) => item.module);
  const modules = await moduleSummaries(ids);
  const byId = new Map(modules.map((m) => [m._id.toHexString(), m]));
  const rows: CurriculumRow[] = plainItems(curriculum).map((item) => {
    const module = byId.get(item.module);
    const visible = module !== undefined && can(actor, modulePolicy, 'read', module);
    // a published or archived module is no secret; a draft is, to those who may not see it
    const shown = module && (visible || module.status !== 'draft');
    return {
      moduleId: item.module,
      required: item.required,
      module: shown
        ? { code: module.code, title: module.title, hours: module.hours, status: module.status }
        : undefined,
      inPreparation: module !== undefined && !shown,
      linked: visible && module.status === 'published',
    };
  });
  const hours = requiredHours(plainItems(curriculum), (moduleId) => byId.get(moduleId)?.hours);
  return { rows, requiredHours: hours };
}

/**
 * What an editor may add: modules they can see, not archived, not already in it, national or of
 * its country; published ones only once the curriculum is published.
 */
export async function moduleChoices(actor: Actor, curriculum: CurriculumDocument) {
  if (!can(actor, curriculumPolicy, 'update', curriculum) || curriculum.status === 'archived') return [];
  const statuses: ModuleStatus[] = curriculum.status === 'published' ? ['published'] : ['draft', 'published'];
  return moduleChoicesFor(actor, {
    excluding: curriculum.items.map((item) => item.module),
    statuses,
    countries: curriculum.country ? [curriculum.country, null] : [null],
  });
}
