import type { TFunction } from 'i18next';
import type { Cell } from '../exports/xlsx-writer.ts';
import { GENDER_COLUMNS, type TrainedRow } from './donor-figures.ts';

// The donor report's main table as a file: a row per institution, module and rank; the people
// trained and their hours, each by gender and in total.

export function donorTable(trained: readonly TrainedRow[], t: TFunction) {
  const columns = [...GENDER_COLUMNS, 'total'] as const;
  const header = [
    t('reports:donor.columns.institution'),
    t('reports:donor.columns.module'),
    t('reports:donor.columns.rank'),
    ...columns.map((c) => t('reports:donor.columns.peopleBy', { gender: t(`reports:donor.genders.${c}`) })),
    ...columns.map((c) => t('reports:donor.columns.hoursBy', { gender: t(`reports:donor.genders.${c}`) })),
  ];
  async function* rows(): AsyncGenerator<Cell[]> {
    for (const row of trained) {
      yield [
        row.institution,
        row.module,
        row.rank,
        ...columns.map((c) => row.people[c]),
        ...columns.map((c) => row.hours[c]),
      ];
    }
  }
  return { header, rows: rows() };
}
