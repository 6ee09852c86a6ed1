import { chosenWithin, hasRole, type Actor } from '../access/actor.ts';
import { recordsForExport, type ExportedRecord, type RecordExportQuery } from '../completions/record-export.service.ts';
import { getCurriculum } from '../curricula/curricula.service.ts';
import { inBatches } from '../exports/audited-export.ts';
import { institutionSummaries } from '../institutions/institutions.service.ts';
import { activeStaff, personSummaries, type PersonSummary } from '../people/people.service.ts';
import { moduleStates, progressThrough } from '../transcripts/learning-rules.ts';
import { coverageOf, DonorFigures, type CoverageRow } from './donor-figures.ts';
import { InstitutionNames } from './institution-names.ts';
import type { DonorFilter } from './reports.schemas.ts';

// The donor report (issue 14): for a period, the staff trained by institution, module and rank
// with their hours, the completion rate and the knowledge gain by institution and module, each
// by gender (donor-figures.ts); with a curriculum, its modules only, and the coverage of each
// institution's active staff by its required modules. The institution and rank are the
// person's now; the records are those of the actor's scope (recordsForExport), read once.

const BATCH = 500;

export async function donorReport(actor: Actor, filter: DonorFilter) {
  const curriculum = filter.curriculum ? await getCurriculum(actor, filter.curriculum) : undefined;
  const items = curriculum?.items.map((item) => ({ module: item.module.toHexString(), required: item.required }));
  const names = new InstitutionNames();
  const query: RecordExportQuery = {
    endedFrom: filter.from,
    endedTo: filter.to,
    country: filter.country,
    institution: filter.institution,
    modules: items?.map((item) => item.module),
  };
  const figures = new DonorFigures();
  for await (const batch of inBatches(recordsForExport(actor, query), BATCH)) {
    const people = await peopleById(batch.map((r) => r.person));
    await names.load([...people.values()]);
    for (const record of batch) {
      const person = people.get(record.person.toHexString());
      figures.add({
        person: record.person.toHexString(),
        gender: record.gender ?? person?.gender,
        rank: person?.rank ?? '',
        institution: names.of(person),
        module: `${record.moduleCode} · ${record.moduleTitle}`,
        hours: record.hours,
        result: record.result,
        status: record.shownStatus,
        pre: record.pre,
        post: record.post,
      });
    }
  }
  const coverage = items ? await coverageFor(actor, filter, items, names) : undefined;
  return {
    curriculum: curriculum && { code: curriculum.code, title: curriculum.title },
    ...figures.tables(),
    coverage,
  };
}

/**
 * A curriculum's coverage now (the dashboard's): each institution's active staff in the actor's
 * scope (the institution chosen, when one is), and those who have its required modules done.
 */
export async function curriculumCoverage(
  actor: Actor,
  filter: Pick<DonorFilter, 'country' | 'institution'>,
  curriculumId: string,
): Promise<CoverageRow[]> {
  const curriculum = await getCurriculum(actor, curriculumId);
  const items = curriculum.items.map((item) => ({ module: item.module.toHexString(), required: item.required }));
  return coverageFor(actor, filter, items, new InstitutionNames());
}

/**
 * Each institution's active staff, and those who have every required module of the curriculum
 * done now (a valid completion: transcripts' rule), whenever they completed it.
 */
async function coverageFor(
  actor: Actor,
  filter: Pick<DonorFilter, 'country' | 'institution'>,
  items: { module: string; required: boolean }[],
  names: InstitutionNames,
): Promise<CoverageRow[]> {
  const required = items.filter((item) => item.required);
  const done = new Map<
    string,
    (Pick<ExportedRecord, 'module' | 'result'> & { status: ExportedRecord['shownStatus'] })[]
  >();
  const records = recordsForExport(actor, {
    country: filter.country,
    institution: filter.institution,
    modules: required.map((item) => item.module),
  });
  for await (const record of records) {
    const person = record.person.toHexString();
    const list = done.get(person) ?? [];
    list.push({ module: record.module, result: record.result, status: record.shownStatus });
    done.set(person, list);
  }
  const covered = new Set(
    [...done].filter(([, records]) => progressThrough(required, moduleStates(records)).complete).map(([id]) => id),
  );
  const scope = hasRole(actor, 'admin') ? undefined : actor.scopeInstitutionIds;
  const institutions = chosenWithin(scope, filter.institution);
  let staff = await activeStaff(institutions);
  if (filter.country) {
    const ofCountry = new Set(
      (await institutionSummaries(staff.flatMap((p) => p.institution ?? [])))
        .filter((i) => i.country.toHexString() === filter.country)
        .map((i) => i._id.toHexString()),
    );
    staff = staff.filter((p) => p.institution && ofCountry.has(p.institution.toHexString()));
  }
  await names.load(staff);
  return coverageOf(
    staff.map((p) => ({ id: p._id.toHexString(), gender: p.gender, institution: names.of(p) })),
    covered,
  );
}

async function peopleById(ids: readonly unknown[]): Promise<Map<string, PersonSummary>> {
  return new Map((await personSummaries(ids)).map((p) => [p._id.toHexString(), p]));
}
