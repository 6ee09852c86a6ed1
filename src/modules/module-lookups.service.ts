import mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { isObjectId } from '../db/object-id.ts';
import { anyOf, findByIdsAtOnce, findLeanById } from '../db/query.ts';
import { frozenRows, rowsWithIds, StampedCopy } from '../db/collection-stamps.ts';
import { modulePolicy } from '../access/module.policy.ts';
import { can } from '../access/policy.ts';
import { institutionSummary } from '../institutions/institutions.service.ts';
import { ModuleVersion } from './module-version.model.ts';
import { rulesOf, testsOf, type ModuleRules } from './module-rules.ts';
import { TrainingModule, type ModuleStatus, type TrainingModuleFields } from './training-module.model.ts';

// Modules as other features read them (decision 8): what a module is called, who owns it, its
// status, languages and version; never the model itself.

export { DELIVERY_MODES, MODULE_STATUSES, type DeliveryMode } from './training-module.model.ts';
export type { ModuleStatus };

export type ModuleSummary = Pick<
  TrainingModuleFields,
  | 'code'
  | 'title'
  | 'titleTranslations'
  | 'hours'
  | 'status'
  | 'institution'
  | 'country'
  | 'languages'
  | 'version'
  | 'prerequisites'
> & { _id: mongoose.Types.ObjectId };
const SUMMARY = 'code title titleTranslations hours status institution country languages version prerequisites';

/** A module's title in one interface language, as a module, a version's snapshot or a record keeps it. */
export type TitledModule = {
  title: string;
  titleTranslations?: readonly { language: string; title: string }[] | null;
};

/** The title in this language when the module has one, else its title. */
export function moduleTitleIn(module: TitledModule, language: string): string {
  return module.titleTranslations?.find((translation) => translation.language === language)?.title || module.title;
}

/**
 * Every module's summary, by title, kept in memory while no module changes (decision 0017):
 * pages name modules and offer them, and a site has tens to a few hundred.
 */
const everyModule = new StampedCopy('training_modules', async () =>
  frozenRows(await TrainingModule.find({}, SUMMARY).sort({ title: 1, _id: 1 }).lean<ModuleSummary[]>()),
);

/** One module's summary; null for a malformed or unknown id. */
export async function moduleSummary(id: unknown): Promise<ModuleSummary | null> {
  return rowsWithIds(await everyModule.get(), [id])[0] ?? null;
}

/** Several modules' summaries, by title; unknown ids are left out. */
export async function moduleSummaries(ids: readonly unknown[]): Promise<ModuleSummary[]> {
  return rowsWithIds(await everyModule.get(), ids);
}

/** Titles by module id (hex). */
export async function moduleTitles(ids: readonly unknown[]): Promise<Map<string, string>> {
  return new Map((await moduleSummaries(ids)).map((m) => [m._id.toHexString(), m.title]));
}

/** Published modules the actor may see, by title: what a session can be scheduled for. */
export async function schedulableModules(actor: Actor): Promise<ModuleSummary[]> {
  return (await everyModule.get()).filter((m) => m.status === 'published' && can(actor, modulePolicy, 'read', m));
}

export type ModuleChoice = {
  /** leave these out */
  excluding: readonly mongoose.Types.ObjectId[];
  statuses: readonly ModuleStatus[];
  /** national modules (null) and those of these countries */
  countries: readonly (mongoose.Types.ObjectId | null)[];
};

/** Modules the actor may see in these statuses and countries, by code (at most 1,000). */
export async function moduleChoices(actor: Actor, choice: ModuleChoice): Promise<ModuleSummary[]> {
  const modules = await TrainingModule.find(
    {
      _id: mongoose.trusted({ $nin: [...choice.excluding] }),
      status: anyOf(choice.statuses),
      country: anyOf(choice.countries),
    },
    SUMMARY,
  )
    .sort({ code: 1 })
    .limit(1000)
    .lean<ModuleSummary[]>();
  return modules.filter((m) => can(actor, modulePolicy, 'read', m));
}

/**
 * The zone a module's own times (its materials' uploads) are shown in, and whose it is: its
 * owner institution's; for a national module, the reader's institution's; UTC without either.
 */
export async function moduleTimeZone(
  module: { institution?: mongoose.Types.ObjectId | null },
  actor: Actor,
): Promise<{ zone: string; of: 'owner' | 'reader' | 'utc' }> {
  const owner = module.institution ? await institutionSummary(module.institution) : null;
  if (owner?.timeZone) return { zone: owner.timeZone, of: 'owner' };
  const own = actor.institutionId ? await institutionSummary(actor.institutionId) : null;
  return own?.timeZone ? { zone: own.timeZone, of: 'reader' } : { zone: 'UTC', of: 'utc' };
}

export type { ModuleRules };
export { testsOf };

/**
 * The rules a session of this module goes by: those of the version it was scheduled with
 * (sessions keep `moduleVersion`), which its snapshot holds (module-versioning.ts); the
 * module's current ones when there is no snapshot of that version (a session scheduled from a
 * draft, or data made before snapshots). `from` says which. Null for an unknown module.
 */
export async function moduleRulesAt(
  moduleId: unknown,
  version: number,
): Promise<(ModuleRules & { from: 'version' | 'module' }) | null> {
  if (!isObjectId(String(moduleId))) return null;
  const snapshot = await ModuleVersion.findOne({ module: String(moduleId), version }, { content: 1 }).lean<{
    content: Record<string, unknown>;
  }>();
  if (snapshot) return { ...rulesOf(snapshot.content), from: 'version' };
  const module = await findLeanById<Record<string, unknown>>(
    TrainingModule,
    moduleId,
    'passMark attendanceThreshold hasPreTest hasPostTest',
  );
  return module ? { ...rulesOf(module), from: 'module' } : null;
}

/** What a completion record keeps of the module it completes (completions, decision 0015). */
export type ModuleAsDelivered = {
  code: string;
  title: string;
  titleTranslations: { language: string; title: string }[];
  hours: number;
  certificateValidityMonths: number;
};

/**
 * The module as it was in the version a session delivered: its snapshot's title, hours and
 * validity (module-versioning.ts), or the module's current ones when there is no snapshot of that
 * version (as moduleRulesAt). Null for an unknown module.
 */
export async function moduleAsDelivered(moduleId: unknown, version: number): Promise<ModuleAsDelivered | null> {
  if (!isObjectId(String(moduleId))) return null;
  const module = await findLeanById<ModuleAsDelivered & Record<string, unknown>>(
    TrainingModule,
    moduleId,
    'code title titleTranslations hours certificateValidityMonths',
  );
  if (!module) return null;
  const snapshot = await ModuleVersion.findOne({ module: String(moduleId), version }, { content: 1 }).lean<{
    content: Partial<ModuleAsDelivered>;
  }>();
  const content = snapshot?.content ?? {};
  return {
    code: module.code,
    title: content.title ?? module.title,
    titleTranslations: (content.titleTranslations ?? module.titleTranslations ?? []).map(({ language, title }) => ({
      language,
      title,
    })),
    hours: content.hours ?? module.hours,
    certificateValidityMonths: content.certificateValidityMonths ?? module.certificateValidityMonths ?? 0,
  };
}

/** A module with the modules it qualifies its completers to deliver (a training of trainers, decision 0016). */
export type QualifyingModule = ModuleSummary & { qualifiesFor: mongoose.Types.ObjectId[] };

/** Several modules with what each qualifies for, in no particular order; unknown ids are left out. */
export function qualifyingModules(ids: readonly unknown[]): Promise<QualifyingModule[]> {
  return findByIdsAtOnce<QualifyingModule>(
    TrainingModule,
    ids.map(String).filter(isObjectId),
    `${SUMMARY} qualifiesFor`,
  );
}

/** The trainings of trainers that qualify for this module, by code. */
export async function trainingsQualifyingFor(moduleId: mongoose.Types.ObjectId): Promise<ModuleSummary[]> {
  const modules = await TrainingModule.find({ qualifiesFor: moduleId }, SUMMARY).lean<ModuleSummary[]>();
  return modules.sort((a, b) => a.code.localeCompare(b.code));
}

/** The modules a module requires to have been completed first (its prerequisites), by code. */
export async function prerequisitesOf(moduleId: unknown): Promise<ModuleSummary[]> {
  const module = await moduleSummary(moduleId);
  if (!module || module.prerequisites.length === 0) return [];
  return (await moduleSummaries(module.prerequisites)).sort((a, b) => a.code.localeCompare(b.code));
}
