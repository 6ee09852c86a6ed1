import type { TFunction } from 'i18next';
import type { SheetTable } from '../exports/table-download.ts';
import type { Cell } from '../exports/xlsx-writer.ts';
import { GENDER_COLUMNS, type CoverageRow, type GainRow, type RateRow, type TrainedRow } from './donor-figures.ts';
import type { workplanWithProgress } from './workplans.service.ts';

// The donor report as a file. Its first table (the only one a CSV holds): a row per institution,
// module and rank, the people trained and their hours, each by gender and in total. In XLSX, a
// sheet each for the completion rate, the knowledge gain, the coverage (with a curriculum) and
// the progress of each workplan the report's period and country cover.

const COLUMNS = [...GENDER_COLUMNS, 'total'] as const;

async function* rowsOf<T>(items: readonly T[], row: (item: T) => Cell[]): AsyncGenerator<Cell[]> {
  for (const item of items) yield row(item);
}

export function donorTable(trained: readonly TrainedRow[], t: TFunction) {
  const header = [
    t('reports:donor.columns.institution'),
    t('reports:donor.columns.module'),
    t('reports:donor.columns.rank'),
    ...COLUMNS.map((c) => t('reports:donor.columns.peopleBy', { gender: t(`reports:donor.genders.${c}`) })),
    ...COLUMNS.map((c) => t('reports:donor.columns.hoursBy', { gender: t(`reports:donor.genders.${c}`) })),
  ];
  const rows = rowsOf(trained, (row) => [
    row.institution,
    row.module,
    row.rank,
    ...COLUMNS.map((c) => row.people[c]),
    ...COLUMNS.map((c) => row.hours[c]),
  ]);
  return { header, rows };
}

type Report = { rates: RateRow[]; gains: GainRow[]; coverage?: CoverageRow[] };
type WorkplanProgress = Awaited<ReturnType<typeof workplanWithProgress>>;

/** The XLSX's sheets after the first: rates, gains, coverage when asked, and each workplan's progress. */
export function donorSheets(report: Report, workplans: readonly WorkplanProgress[], t: TFunction): SheetTable[] {
  const gender = (c: (typeof COLUMNS)[number]) => t(`reports:donor.genders.${c}`);
  const placed = [t('reports:donor.columns.institution'), t('reports:donor.columns.module')];
  const sheets: SheetTable[] = [
    {
      name: t('reports:donor.rates'),
      header: [
        ...placed,
        ...COLUMNS.flatMap((c) => [
          t('reports:donor.columns.ratePercentBy', { gender: gender(c) }),
          t('reports:donor.columns.completedOfGivenBy', { gender: gender(c) }),
        ]),
      ],
      rows: rowsOf(report.rates, (r) => [
        r.institution,
        r.module,
        ...COLUMNS.flatMap((c) => [r.rate[c], `${r.completed[c]}/${r.given[c]}`]),
      ]),
    },
    {
      name: t('reports:donor.gains'),
      header: [
        ...placed,
        t('reports:donor.columns.tested'),
        t('reports:donor.columns.pre'),
        t('reports:donor.columns.post'),
        ...COLUMNS.map((c) => t('reports:donor.gainBy', { gender: gender(c) })),
      ],
      rows: rowsOf(report.gains, (g) => [
        g.institution,
        g.module,
        g.tested.total,
        g.pre,
        g.post,
        ...COLUMNS.map((c) => g.gain[c]),
      ]),
    },
  ];
  if (report.coverage) {
    sheets.push({
      name: t('reports:donor.coverage'),
      header: [
        t('reports:donor.columns.institution'),
        t('reports:donor.columns.sharePercent'),
        ...COLUMNS.flatMap((c) => [
          t('reports:donor.columns.coveredBy', { gender: gender(c) }),
          t('reports:donor.columns.staffBy', { gender: gender(c) }),
        ]),
      ],
      rows: rowsOf(report.coverage, (r) => [
        r.institution,
        r.share,
        ...COLUMNS.flatMap((c) => [r.covered[c], r.staff[c]]),
      ]),
    });
  }
  for (const { workplan, activities } of workplans) {
    sheets.push({ name: `${workplan.year} ${workplan.title}`, ...workplanTable(activities, t) });
  }
  return sheets;
}

/** A workplan's activities with their progress, by quarter: its own file, and a sheet of the donor report's. */
export function workplanTable(activities: WorkplanProgress['activities'], t: TFunction) {
  const columns = [
    'quarter',
    'activity',
    'kind',
    'count',
    'womenShare',
    'reached',
    'women',
    'reachedWomenShare',
    'gap',
  ];
  const rows = rowsOf(activities, ({ activity: a, progress: p }) => [
    a.quarter,
    a.title,
    a.kind ? t(`reports:workplans.kindNames.${a.kind}`) : '',
    a.count ?? null,
    a.womenShare ?? null,
    p?.reached ?? null,
    p?.women ?? null,
    p?.womenShare ?? null,
    p?.gap ?? null,
  ]);
  return { header: columns.map((c) => t(`reports:workplans.columns.${c}`)), rows };
}
