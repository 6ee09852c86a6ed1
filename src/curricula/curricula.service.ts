import mongoose from 'mongoose';
import { canActIn, hasRole, type Actor } from '../access/actor.ts';
import { anyOf, anyOfIds, containsPattern } from '../db/query.ts';
import { conflict, fieldError, forbidden, HttpError, StaleFormError } from '../http/errors.ts';
import type { Page } from '../db/pagination.ts';
import { institutionSummary } from '../institutions/institutions.service.ts';
import { listInstitutionOptions } from '../institutions/institutions.service.ts';
import { moduleSummaries } from '../modules/module-lookups.service.ts';
import { curriculumPolicy, isCurriculumEditor } from '../access/curriculum.policy.ts';
import { authorize } from '../access/policy.ts';
import {
  Curriculum,
  type CurriculumDocument,
  type CurriculumFields,
  type CurriculumStatus,
} from './curriculum.model.ts';
import type { CurriculumFilter, CurriculumInput, CurriculumUpdateInput } from './curricula.schemas.ts';
import { CurriculumRevision } from './curriculum-revision.model.ts';
import { findPage } from '../db/find-page.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import { findByIdOr404 } from '../db/object-id.ts';

export type CurriculumRecord = CurriculumFields & { _id: mongoose.Types.ObjectId };
type Filter = mongoose.QueryFilter<CurriculumRecord>;
type Id = mongoose.Types.ObjectId | null | undefined;

/** A module fits a curriculum when it is national or of the curriculum's country. */
export function fitsCountry(moduleCountry: Id, curriculumCountry: Id): boolean {
  return !moduleCountry || (!!curriculumCountry && moduleCountry.equals(curriculumCountry));
}

/** National, or of the given country: what a person of that country is offered. */
export function nationalOr(countryId: string | undefined) {
  return anyOf(countryId ? [new mongoose.Types.ObjectId(countryId), null] : [null]);
}

function visibleTo(actor: Actor): Filter {
  if (hasRole(actor, 'admin')) return {};
  const published: Filter = { status: 'published', country: nationalOr(actor.countryId) };
  if (!hasRole(actor, 'coordinator')) return published;
  return { $or: [{ institution: anyOfIds(actor.scopeInstitutionIds) }, published] };
}

const STATUSES_SHOWN: Record<CurriculumFilter['status'], CurriculumStatus[] | undefined> = {
  current: ['draft', 'published'],
  draft: ['draft'],
  published: ['published'],
  archived: ['archived'],
  all: undefined,
};

/** The curricula the actor may see, by title; people who do not edit see published ones only. */
export async function listCurricula(actor: Actor, filter: CurriculumFilter): Promise<Page<CurriculumRecord>> {
  const conditions: Filter[] = [visibleTo(actor)];
  const statuses = STATUSES_SHOWN[filter.status];
  if (statuses) conditions.push({ status: anyOf(statuses) });
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    conditions.push({ $or: [{ title: pattern }, { code: pattern }, { description: pattern }] });
  }
  const query: Filter = { $and: conditions };
  return findPage<CurriculumRecord>(Curriculum, query, filter.page, {
    sort: { title: 1 },
    populate: [['institution', 'name code']],
  });
}

/** Every curriculum the actor may see (drafts and archived ones too, for editors), by title: a filter's choices. */
export async function curriculumChoices(actor: Actor): Promise<{ id: string; code: string; title: string }[]> {
  // curricula are a few a country, allowed whole (test/support/allowed-scans.ts)
  const found = await Curriculum.find(visibleTo(actor), 'code title').sort({ title: 1, _id: 1 }).lean();
  return found.map((c) => ({ id: c._id.toHexString(), code: c.code, title: c.title }));
}

/** A curriculum the actor may see; anything else is 404, as if it did not exist. */
export async function getCurriculum(actor: Actor, id: string): Promise<CurriculumDocument> {
  const curriculum = await findByIdOr404(Curriculum, id);
  authorize(actor, curriculumPolicy, 'read', curriculum);
  return curriculum;
}

/** A curriculum the actor may change (the curriculum policy): 404 when unseen, 403 when only seen. */
export async function getEditableCurriculum(actor: Actor, id: string): Promise<CurriculumDocument> {
  const curriculum = await findByIdOr404(Curriculum, id);
  authorize(actor, curriculumPolicy, 'update', curriculum);
  return curriculum;
}

/** Archived curricula stay readable as they were; reinstate one to change it. */
export function requireChangeable(curriculum: CurriculumDocument): void {
  if (curriculum.status === 'archived') throw conflict('curricula:archivedReadOnly');
}

/** A change made from a page that no longer shows the curriculum as it is now (409). */
const changedMeanwhile = () => conflict('curricula:conflict');
const isChangedMeanwhile = (error: unknown) => error instanceof HttpError && error.messageKey === 'curricula:conflict';

/** The page the change was made from must show the curriculum as it is now. */
export function requireVersion(curriculum: CurriculumDocument, version: number): void {
  if (curriculum.__v !== version) throw changedMeanwhile();
}

/** One save per change; a save that lost a race with another one is refused, not merged. */
export async function saveCurriculum(curriculum: CurriculumDocument): Promise<void> {
  const claim = await claimRevision(curriculum);
  try {
    await curriculum.save();
  } catch (error) {
    if (claim) await CurriculumRevision.deleteOne({ _id: claim }).catch(() => undefined);
    if (error instanceof mongoose.Error.VersionError) throw changedMeanwhile();
    // code is the only unique field (FerretDB does not say which index refused)
    if (isDuplicateKey(error)) throw fieldError('code', 'curricula:code.taken');
    throw error;
  }
}

/** Claims the next revision of a changed curriculum by an insert; a second claimant gets the 409. */
async function claimRevision(curriculum: CurriculumDocument): Promise<mongoose.Types.ObjectId | undefined> {
  if (curriculum.isNew || !curriculum.isModified()) return undefined;
  try {
    const claim = await CurriculumRevision.create({ curriculum: curriculum._id, revision: (curriculum.__v ?? 0) + 1 });
    return claim._id;
  } catch (error) {
    if (isDuplicateKey(error)) throw changedMeanwhile();
    throw error;
  }
}

/** Institutions the actor may make owner: active ones in scope, and the current owner. */
export function listOwnerOptions(actor: Actor, current?: CurriculumDocument) {
  return listInstitutionOptions(actor, { keep: [current?.institution?.toHexString()] });
}

/** Checks the owner and returns its country, which the curriculum carries (none when national). */
async function ownerCountry(actor: Actor, input: CurriculumInput, current?: CurriculumDocument) {
  if (!input.institution) {
    if (!hasRole(actor, 'admin')) throw fieldError('institution', 'curricula:institution.required');
    return undefined;
  }
  if (!canActIn(actor, input.institution)) throw fieldError('institution', 'curricula:institution.outOfScope');
  const institution = await institutionSummary(input.institution);
  if (!institution) throw fieldError('institution', 'curricula:institution.unknown');
  const stays = current?.institution?.toHexString() === input.institution;
  if (!institution.active && !stays) throw fieldError('institution', 'curricula:institution.inactive');
  return institution.country;
}

async function saveDetails(actor: Actor, curriculum: CurriculumDocument, input: CurriculumInput) {
  const country = await ownerCountry(actor, input, curriculum.isNew ? undefined : curriculum);
  if (curriculum.items.length > 0) {
    const modules = await moduleSummaries(curriculum.items.map((i) => i.module));
    if (modules.some((m) => !fitsCountry(m.country, country))) {
      throw fieldError('institution', 'curricula:institution.modulesElsewhere');
    }
  }
  // the check names the clash; the unique index still decides when two saves race
  const others = { _id: mongoose.trusted({ $ne: curriculum._id }) };
  if (await Curriculum.exists({ ...others, code: input.code })) throw fieldError('code', 'curricula:code.taken');
  curriculum.set({
    title: input.title,
    code: input.code,
    description: input.description ?? '',
    institution: input.institution,
    country,
  });
  await saveCurriculum(curriculum);
}

export async function createCurriculum(actor: Actor, input: CurriculumInput): Promise<CurriculumDocument> {
  if (!isCurriculumEditor(actor)) throw forbidden();
  const curriculum = new Curriculum();
  await saveDetails(actor, curriculum, input);
  return curriculum;
}

/**
 * Saves the edit form. When someone else saved in between, the form is stale (decision 0006):
 * it comes back with what this person typed, and saving again replaces the other change knowingly.
 */
export async function updateCurriculum(actor: Actor, id: string, input: CurriculumUpdateInput) {
  const curriculum = await getEditableCurriculum(actor, id);
  requireChangeable(curriculum);
  try {
    requireVersion(curriculum, input.version);
    await saveDetails(actor, curriculum, input);
  } catch (error) {
    if (isChangedMeanwhile(error)) throw new StaleFormError('curricula:conflictForm');
    throw error;
  }
  return curriculum;
}

export type OfferedCurriculum = Pick<CurriculumRecord, '_id' | 'code' | 'title' | 'items'>;

/**
 * The published curricula that apply to people of a country: its own and the national ones, by
 * title (for other features: a person's progress). Curricula are tens per site: the status is
 * the query's equality, the country is checked on those.
 */
export async function curriculaOffered(countryId: string | undefined): Promise<OfferedCurriculum[]> {
  const rows = await Curriculum.find({ status: 'published', country: nationalOr(countryId) }, 'code title items').lean<
    OfferedCurriculum[]
  >();
  return rows.sort((a, b) => a.title.localeCompare(b.title));
}
