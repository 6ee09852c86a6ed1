import type { TFunction } from 'i18next';
import type { Actor } from '../access/actor.ts';
import { recordsForExport, type ExportedRecord, type RecordExportQuery } from '../completions/record-export.service.ts';
import { getCurriculum } from '../curricula/curricula.service.ts';
import { inBatches } from '../exports/audited-export.ts';
import { labelsOnce } from '../exports/labels.ts';
import type { Cell } from '../exports/xlsx-writer.ts';
import { InstitutionNames } from './institution-names.ts';
import { personSummaries, type PersonSummary } from '../people/people.service.ts';
import type { CompletionExportFilter } from './reports.schemas.ts';

// The completion records' export: one row a record, in the columns below, which the export page
// documents (each column's name and what it holds, from the same list). What the record says is
// as issued; the person's service number, rank and institution are as they are now.

type Row = { record: ExportedRecord; person: PersonSummary | undefined; institution: string };

type Column = {
  /** under reports:completions.columns.<key>: its name (.name) and what it holds (.about) */
  key: string;
  value: (row: Row, t: (key: string) => string) => Cell;
};

/** A date as YYYY-MM-DD (UTC), or nothing. */
const day = (date: Date | null | undefined) => (date ? date.toISOString().slice(0, 10) : '');

export const COMPLETION_COLUMNS: readonly Column[] = [
  { key: 'certificateNumber', value: ({ record }) => record.certificateNumber ?? '' },
  { key: 'name', value: ({ record }) => record.nameAsIssued },
  { key: 'serviceNumber', value: ({ person }) => person?.serviceNumber ?? '' },
  {
    key: 'gender',
    value: ({ record, person }, t) => t(`people:genders.${record.gender ?? person?.gender ?? 'undisclosed'}`),
  },
  { key: 'rank', value: ({ person }) => person?.rank ?? '' },
  { key: 'institution', value: ({ institution }) => institution },
  { key: 'moduleCode', value: ({ record }) => record.moduleCode },
  { key: 'moduleTitle', value: ({ record }) => record.moduleTitle },
  { key: 'hours', value: ({ record }) => record.hours },
  { key: 'startedOn', value: ({ record }) => record.startedOn },
  { key: 'endedOn', value: ({ record }) => record.endedOn },
  { key: 'attendance', value: ({ record }) => record.attendancePercent },
  { key: 'pre', value: ({ record }) => record.pre },
  { key: 'post', value: ({ record }) => record.post },
  { key: 'result', value: ({ record }, t) => t(`completions:results.${record.result}`) },
  { key: 'status', value: ({ record }, t) => t(`completions:statuses.${record.shownStatus}`) },
  { key: 'issuedOn', value: ({ record }) => day(record.issuedAt) },
  { key: 'expiresOn', value: ({ record }) => day(record.expiresAt) },
  { key: 'issuer', value: ({ record }) => record.issuerName },
  { key: 'issuerCountry', value: ({ record }) => record.issuerCountryCode },
  { key: 'source', value: ({ record }, t) => t(`completions:sources.${record.source}`) },
];

/** Records are read in batches, and each batch's people and institutions looked up together. */
const BATCH = 500;

/**
 * The export's rows for the actor: their scope (recordsForExport) and the filter; the header
 * in their language. A curriculum the actor may not see is refused (404) like a missing one.
 */
export async function completionExport(actor: Actor, filter: CompletionExportFilter, t: TFunction) {
  const query: RecordExportQuery = {
    endedFrom: filter.from,
    endedTo: filter.to,
    country: filter.country,
    institution: filter.institution,
    result: filter.result,
    status: filter.status,
    gender: filter.gender,
    modules: await modulesAsked(actor, filter),
  };
  const rank = filter.rank?.toLocaleLowerCase();
  const names = new InstitutionNames();
  const label = labelsOnce(t);

  async function* rows(): AsyncGenerator<Cell[]> {
    for await (const batch of inBatches(recordsForExport(actor, query), BATCH)) {
      const people = new Map((await personSummaries(batch.map((r) => r.person))).map((p) => [p._id.toHexString(), p]));
      await names.load([...people.values()]);
      for (const record of batch) {
        const person = people.get(record.person.toHexString());
        if (rank !== undefined && person?.rank?.toLocaleLowerCase() !== rank) continue;
        const institution = names.of(person, '');
        yield COMPLETION_COLUMNS.map((column) => column.value({ record, person, institution }, label));
      }
    }
  }

  return {
    header: COMPLETION_COLUMNS.map((column) => t(`reports:completions.columns.${column.key}.name`)),
    rows: rows(),
  };
}

/** The modules the filter narrows to: one, a curriculum's (all of them, or the one chosen if it is one of them). */
async function modulesAsked(actor: Actor, filter: CompletionExportFilter): Promise<string[] | undefined> {
  if (!filter.curriculum) return filter.module ? [filter.module] : undefined;
  const curriculum = await getCurriculum(actor, filter.curriculum);
  const modules = curriculum.items.map((item) => item.module.toHexString());
  return filter.module ? modules.filter((id) => id === filter.module) : modules;
}
