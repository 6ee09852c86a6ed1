import mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { curriculumPolicy } from '../access/curriculum.policy.ts';
import { authorize } from '../access/policy.ts';
import { recordsOfPerson, type PersonRecord } from '../completions/completion-queries.service.ts';
import { curriculaOffered, getCurriculum } from '../curricula/curricula.service.ts';
import type { Page } from '../db/pagination.ts';
import { institutionSummaries, listInstitutionOptions } from '../institutions/institutions.service.ts';
import { moduleSummaries } from '../modules/module-lookups.service.ts';
import { listPeople, type PersonListRow } from '../people/people.service.ts';
import { moduleStates, progressThrough, type ModuleState, type Progress } from './learning-rules.ts';
import type { ProgressFilter } from './transcripts.schemas.ts';

// Curriculum progress (issue 13, item 7): where a person stands in a curriculum, from their
// completion records (learning-rules.ts says what counts as done). Shown on the person's page
// and transcript for every curriculum of their country, on a curriculum's page for its reader,
// and for the people of a coordinator's institutions on the curriculum's progress page.

type Items = readonly { module: mongoose.Types.ObjectId; required: boolean }[];
type ModuleName = { code: string; title: string };

export type ProgressRow = { module: string; required: boolean; state: ModuleState; name?: ModuleName };
export type CurriculumProgress = { id: string; code: string; title: string; progress: Omit<Progress, 'items'> } & {
  items: ProgressRow[];
};

const plain = (items: Items) => items.map((i) => ({ module: i.module.toHexString(), required: i.required }));

/** A person's progress through each published curriculum of their country (and the national ones). */
export async function progressInCurricula(
  countryId: string | undefined,
  records: readonly PersonRecord[],
): Promise<CurriculumProgress[]> {
  const curricula = await curriculaOffered(countryId);
  if (curricula.length === 0) return [];
  const modules = await moduleSummaries(curricula.flatMap((c) => c.items.map((i) => i.module)));
  const names = new Map(modules.map((m) => [m._id.toHexString(), { code: m.code, title: m.title }]));
  const states = moduleStates(records);
  return curricula.map((curriculum) => {
    const progress = progressThrough(plain(curriculum.items), states);
    return {
      id: curriculum._id.toHexString(),
      code: curriculum.code,
      title: curriculum.title,
      progress,
      items: progress.items.map((item) => ({ ...item, name: names.get(item.module) })),
    };
  });
}

/**
 * The reader's own progress through a curriculum, for its page: only once they have completed
 * one of its modules (an untouched curriculum's page says nothing of progress).
 */
export async function ownProgress(actor: Actor, items: Items): Promise<Progress | undefined> {
  const progress = progressThrough(plain(items), moduleStates(await recordsOfPerson(actor.id)));
  return progress.started ? progress : undefined;
}

export type PeopleProgress = {
  curriculum: { id: string; code: string; title: string; required: number; electives: number };
  /** the institutions whose people the actor may follow here: in scope, of the curriculum's country */
  institutions: { id: string; name: string }[];
  institution?: string;
  page: Page<{ person: PersonListRow; progress: Progress }>;
};

const NOBODY: Page<never> = { items: [], page: 1, pageCount: 1, total: 0 };

/**
 * The progress of the staff of one institution through a curriculum, a page of 25 by name (the
 * people list's query: one institution, its index). Each person's records are one query by the
 * person, side by side. Admins and coordinators who see the curriculum (its policy's
 * followProgress); the institutions offered are those in their scope that the curriculum applies
 * to, their own first chosen.
 */
export async function peopleProgress(actor: Actor, curriculumId: string, filter: ProgressFilter) {
  const curriculum = await getCurriculum(actor, curriculumId);
  authorize(actor, curriculumPolicy, 'followProgress', curriculum);
  const options = await listInstitutionOptions(actor);
  const countries = await institutionSummaries(options.map((o) => o._id));
  const fits = new Set(
    countries
      .filter((i) => !curriculum.country || i.country.equals(curriculum.country))
      .map((i) => i._id.toHexString()),
  );
  const institutions = options
    .filter((o) => fits.has(o._id.toHexString()))
    .map((o) => ({ id: o._id.toHexString(), name: o.name }));
  const offered = (id: string | undefined) => (id && fits.has(id) ? id : undefined);
  const institution = offered(filter.institution) ?? offered(actor.institutionId) ?? institutions[0]?.id;
  const items = plain(curriculum.items);
  const result: PeopleProgress = {
    curriculum: {
      id: curriculum.id as string,
      code: curriculum.code,
      title: curriculum.title,
      required: items.filter((i) => i.required).length,
      electives: items.filter((i) => !i.required).length,
    },
    institutions,
    institution,
    page: NOBODY,
  };
  if (!institution) return result;
  const people = await listPeople(actor, {
    q: filter.q,
    role: 'staff',
    institution,
    status: 'active',
    page: filter.page,
  });
  const rows = await Promise.all(
    people.items.map(async (person) => ({
      person,
      progress: progressThrough(items, moduleStates(await recordsOfPerson(person._id))),
    })),
  );
  return { ...result, page: { ...people, items: rows } };
}
