import mongoose from 'mongoose';
import { audit, fieldChanges } from '../audit/audit.ts';
import { canActIn, hasRole, type Actor } from '../access/actor.ts';
import { isModuleEditor, modulePolicy } from '../access/module.policy.ts';
import { authorize, can, type ActionOf } from '../access/policy.ts';
import { anyOf, anyOfIds, containsPattern } from '../db/query.ts';
import {
  conflict,
  fieldError,
  type FieldErrors,
  FieldValidationError,
  forbidden,
  StaleFormError,
} from '../http/errors.ts';
import type { Page } from '../db/pagination.ts';
import { institutionSummary } from '../institutions/institutions.service.ts';
import { findCycle } from './module-prerequisites.ts';
import { contentOf, editConflict, insertSnapshot, saveEdit } from './module-versioning.ts';
import type { ModuleFilter, ModuleInput } from './modules.schemas.ts';
import { TrainingModule, type ModuleStatus, type TrainingModuleFields } from './training-module.model.ts';
import { findPage } from '../db/find-page.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import { findByIdOr404 } from '../db/object-id.ts';

// Modules as coordinators and admins manage them. Who may do what to a module is the module
// policy's (src/access/module.policy.ts): a module the actor cannot see answers 404, as if it did
// not exist; one they see but may not change, 403.

export type ModuleRecord = TrainingModuleFields & { _id: mongoose.Types.ObjectId };
export type ModuleDocument = InstanceType<typeof TrainingModule>;
type Filter = mongoose.QueryFilter<ModuleRecord>;

const CURRENT: ModuleStatus[] = ['draft', 'published'];

function requireEditor(actor: Actor): void {
  if (!isModuleEditor(actor)) throw forbidden();
}

/** The modules the actor manages: every one for admins, those owned in scope for coordinators. */
function managedFilter(actor: Actor): Filter {
  return hasRole(actor, 'admin') ? {} : { institution: anyOfIds(actor.scopeInstitutionIds) };
}

export async function listModules(actor: Actor, filter: ModuleFilter): Promise<Page<ModuleRecord>> {
  requireEditor(actor);
  const query: Filter = managedFilter(actor);
  if (filter.status === 'current') query.status = anyOf(CURRENT);
  else if (filter.status !== 'all') query.status = filter.status;
  if (filter.tag) query.tags = filter.tag;
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query.$or = [{ code: pattern }, { title: pattern }];
  }
  return findPage<ModuleRecord>(TrainingModule, query, filter.page, {
    sort: { code: 1 },
    populate: [['institution', 'name code']],
  });
}

/** The tags used by the modules the actor manages, for the filter. */
export async function listModuleTags(actor: Actor): Promise<string[]> {
  requireEditor(actor);
  const tags = (await TrainingModule.distinct('tags', managedFilter(actor))) as string[];
  return tags.sort((a, b) => a.localeCompare(b));
}

export type ModuleAction = ActionOf<typeof modulePolicy>;

/**
 * A module the actor may do this to (change it, unless another action is named): missing,
 * malformed or unseen is 404; seen but not allowed is 403.
 */
export async function getModule(actor: Actor, id: string, action: ModuleAction = 'update'): Promise<ModuleDocument> {
  const module = await findByIdOr404(TrainingModule, id);
  authorize(actor, modulePolicy, action, module);
  return module;
}

/**
 * Modules the actor may choose as prerequisites: those they manage and the published ones they
 * see in the catalogue, archived ones left out, and those already chosen kept.
 */
function prerequisiteFilter(actor: Actor, keep: readonly string[]): Filter {
  const choosable: Filter[] = hasRole(actor, 'admin')
    ? [{ status: anyOf(CURRENT) }]
    : [
        { ...managedFilter(actor), status: anyOf(CURRENT) },
        { status: 'published' as const, country: null },
        ...(actor.countryId
          ? [{ status: 'published' as const, country: new mongoose.Types.ObjectId(actor.countryId) }]
          : []),
      ];
  return { $or: [...choosable, ...(keep.length > 0 ? [{ _id: anyOfIds(keep) }] : [])] };
}

export async function listPrerequisiteOptions(actor: Actor, module?: ModuleDocument) {
  requireEditor(actor);
  const keep = module?.prerequisites.map((id) => id.toHexString()) ?? [];
  const query: Filter = prerequisiteFilter(actor, keep);
  if (module) query._id = mongoose.trusted({ $ne: module._id });
  return TrainingModule.find(query, { code: 1, title: 1, status: 1 })
    .sort({ code: 1 })
    .lean<Pick<ModuleRecord, '_id' | 'code' | 'title' | 'status'>[]>();
}

type ModuleOption = Pick<ModuleRecord, '_id' | 'code' | 'title' | 'status' | 'institution' | 'country'>;
const OPTION = { code: 1, title: 1, status: 1, institution: 1, country: 1 };

/**
 * Modules a training of trainers may qualify its completers to deliver (decision 0016): the
 * published ones the actor sees, by code, the module itself left out, and those already chosen
 * kept whatever became of them.
 */
export async function listQualifyingOptions(actor: Actor, module?: ModuleDocument): Promise<ModuleOption[]> {
  requireEditor(actor);
  const published = await TrainingModule.find({ status: 'published' }, OPTION)
    .sort({ title: 1 })
    .lean<ModuleOption[]>();
  const options = published.filter((m) => !module?._id.equals(m._id) && can(actor, modulePolicy, 'read', m));
  const listed = new Set(options.map((m) => m._id.toHexString()));
  const kept = (module?.qualifiesFor ?? []).filter((id) => !listed.has(id.toHexString()));
  if (kept.length > 0)
    options.push(...(await TrainingModule.find({ _id: anyOf(kept) }, OPTION).lean<ModuleOption[]>()));
  return options.sort((a, b) => a.code.localeCompare(b.code));
}

/** What a module qualifies for: none of itself, and each one added published and in the actor's sight. */
async function checkQualifiesFor(actor: Actor, input: ModuleInput, module?: ModuleDocument) {
  const chosen = input.qualifiesFor;
  if (module && chosen.includes(module._id.toHexString()))
    throw fieldError('qualifiesFor', 'modules:qualifiesFor.self');
  const current = new Set(module?.qualifiesFor.map((id) => id.toHexString()));
  const added = chosen.filter((id) => !current.has(id));
  if (added.length === 0) return;
  const found = await TrainingModule.find({ _id: anyOfIds(added) }, OPTION).lean<ModuleOption[]>();
  const usable = found.filter((m) => m.status === 'published' && can(actor, modulePolicy, 'read', m));
  if (usable.length !== added.length) throw fieldError('qualifiesFor', 'modules:qualifiesFor.unknown');
}

/** The owner and its country. Admins may leave it empty (a national module); coordinators pick in scope. */
async function checkOwner(actor: Actor, input: ModuleInput, module?: ModuleDocument) {
  if (!input.institution) {
    if (!hasRole(actor, 'admin')) throw fieldError('institution', 'validation.required');
    return { institution: undefined, country: undefined };
  }
  if (!canActIn(actor, input.institution)) throw fieldError('institution', 'modules:institution.outOfScope');
  const institution = await institutionSummary(input.institution);
  if (!institution) throw fieldError('institution', 'modules:institution.unknown');
  const stays = module?.institution?.toHexString() === input.institution;
  if (!institution.active && !stays) throw fieldError('institution', 'modules:institution.inactive');
  return { institution: institution._id, country: institution.country };
}

async function checkPrerequisites(actor: Actor, input: ModuleInput, module?: ModuleDocument) {
  const chosen = input.prerequisites;
  const moduleId = module?._id.toHexString();
  if (moduleId && chosen.includes(moduleId)) throw fieldError('prerequisites', 'modules:prerequisites.self');
  const current = new Set(module?.prerequisites.map((id) => id.toHexString()));
  const added = chosen.filter((id) => !current.has(id));
  if (added.length > 0) {
    const query = { ...prerequisiteFilter(actor, []), _id: anyOfIds(added) };
    if ((await TrainingModule.countDocuments(query)) !== added.length) {
      throw fieldError('prerequisites', 'modules:prerequisites.unknown');
    }
  }
  if (!moduleId) return; // nothing can require a module that does not exist yet
  const culprit = await findCycle(moduleId, chosen);
  if (culprit) {
    const other = await TrainingModule.findById(culprit, { code: 1 }).lean();
    throw fieldError('prerequisites', 'modules:prerequisites.cycle', { code: other?.code ?? '' });
  }
}

/** What a published module must have; a draft may be saved without it. */
export function publishProblems(module: { objectives: string[]; languages: string[] }): FieldErrors {
  const errors: FieldErrors = {};
  if (module.objectives.length === 0) errors.objectives = { key: 'modules:publish.needsObjectives' };
  if (module.languages.length === 0) errors.languages = { key: 'modules:publish.needsLanguages' };
  return errors;
}

/**
 * Saves with the code checked first, so the message names it; the unique index still decides
 * when two saves race (it is the module's only unique index besides _id).
 */
async function saveWithUniqueCode(module: ModuleDocument): Promise<void> {
  const others = { _id: mongoose.trusted({ $ne: module._id }) };
  if (await TrainingModule.exists({ ...others, code: module.code })) throw fieldError('code', 'modules:code.taken');
  try {
    await module.save();
  } catch (error) {
    if (isDuplicateKey(error)) throw fieldError('code', 'modules:code.taken');
    throw error;
  }
}

function applyInput(module: ModuleDocument, input: ModuleInput, owner: Awaited<ReturnType<typeof checkOwner>>) {
  // revision is the form's record revision, checked by updateModule: not a field of the module
  const { revision, ...fields } = input;
  module.set({ ...fields, institution: owner.institution, country: owner.country });
}

const staleModule = () => new StaleFormError('modules:edit.changedMeanwhile');

/** What the audit log keeps of a change of a module (decision 0019). */
const AUDITED_FIELDS = [
  'code',
  'title',
  'hours',
  'status',
  'version',
  'institution',
  'deliveryMode',
  'passMark',
] as const;
const auditedValues = (module: ModuleDocument) =>
  Object.fromEntries(AUDITED_FIELDS.map((f) => [f, module.get(f) as unknown]));

async function moduleAudited(
  actor: Actor,
  action: 'module.create' | 'module.update' | 'module.publish' | 'module.archive' | 'module.reinstate',
  module: ModuleDocument,
  before: Record<string, unknown>,
) {
  await audit(actor, {
    action,
    subject: { collection: 'training_modules', id: module._id },
    institutions: module.institution ? [module.institution] : [],
    changes: fieldChanges(before, auditedValues(module)),
  });
}

export async function createModule(actor: Actor, input: ModuleInput): Promise<ModuleDocument> {
  requireEditor(actor);
  const owner = await checkOwner(actor, input);
  await checkPrerequisites(actor, input);
  await checkQualifiesFor(actor, input);
  const module = new TrainingModule({ status: 'draft', version: 1 });
  applyInput(module, input, owner);
  await saveWithUniqueCode(module);
  await moduleAudited(actor, 'module.create', module, {});
  return module;
}

/**
 * Edits a module. A draft changes in place; a published one whose content changed gets a new
 * version with its snapshot (module-versioning.ts). Archived modules are read-only.
 */
export async function updateModule(actor: Actor, id: string, input: ModuleInput) {
  const module = await getModule(actor, id);
  if (module.status === 'archived') throw conflict('modules:edit.archived');
  if (input.revision !== undefined && input.revision !== module.__v) throw staleModule();
  const owner = await checkOwner(actor, input, module);
  await checkPrerequisites(actor, input, module);
  await checkQualifiesFor(actor, input, module);
  if (module.status === 'published') {
    const problems = publishProblems(input);
    if (Object.keys(problems).length > 0) throw new FieldValidationError(problems);
  }
  const before = contentOf(module);
  const audited = auditedValues(module);
  applyInput(module, input, owner);
  try {
    const versionRaised = await saveEdit(module, before, actor, saveWithUniqueCode);
    await moduleAudited(actor, 'module.update', module, audited);
    return { module, versionRaised };
  } catch (error) {
    if (error instanceof mongoose.Error.VersionError) throw staleModule();
    throw error;
  }
}

/** Draft → published: the content at publication becomes version 1. Publishing twice changes nothing. */
export async function publishModule(actor: Actor, id: string): Promise<ModuleDocument> {
  const module = await getModule(actor, id, 'publish');
  if (module.status === 'published') return module;
  if (module.status !== 'draft') throw conflict('modules:status.notDraft');
  if (Object.keys(publishProblems(module)).length > 0) throw conflict('modules:publish.incomplete');
  try {
    await insertSnapshot(module, actor);
  } catch (error) {
    if (isDuplicateKey(error)) throw editConflict();
    throw error;
  }
  const before = auditedValues(module);
  module.set({ status: 'published', publishedAt: new Date() });
  await module.save();
  await moduleAudited(actor, 'module.publish', module, before);
  return module;
}

/** Published → archived: gone from the catalogue, still readable by editors and by records. */
export async function archiveModule(actor: Actor, id: string): Promise<ModuleDocument> {
  const module = await getModule(actor, id, 'archive');
  if (module.status === 'archived') return module;
  if (module.status !== 'published') throw conflict('modules:status.notPublished');
  const before = auditedValues(module);
  module.set({ status: 'archived', archivedAt: new Date() });
  await module.save();
  await moduleAudited(actor, 'module.archive', module, before);
  return module;
}

/** Archived → published again, at the version it had: archived modules cannot change. */
export async function reinstateModule(actor: Actor, id: string): Promise<ModuleDocument> {
  const module = await getModule(actor, id, 'reinstate');
  if (module.status === 'published') return module;
  if (module.status !== 'archived') throw conflict('modules:status.notArchived');
  const before = auditedValues(module);
  module.set({ status: 'published', archivedAt: undefined });
  await module.save();
  await moduleAudited(actor, 'module.reinstate', module, before);
  return module;
}

/** The prerequisites of a module with their code, title and status, for its page. */
export function listPrerequisites(module: ModuleDocument) {
  return TrainingModule.find({ _id: anyOf(module.prerequisites) }, { code: 1, title: 1, status: 1 })
    .sort({ code: 1 })
    .lean<Pick<ModuleRecord, '_id' | 'code' | 'title' | 'status'>[]>();
}

/** The modules a training of trainers qualifies for, with their code, title and status, for its page. */
export function listQualifiesFor(module: ModuleDocument) {
  if (module.qualifiesFor.length === 0) return Promise.resolve([]);
  return TrainingModule.find({ _id: anyOf(module.qualifiesFor) }, { code: 1, title: 1, status: 1 })
    .sort({ code: 1 })
    .lean<Pick<ModuleRecord, '_id' | 'code' | 'title' | 'status'>[]>();
}
