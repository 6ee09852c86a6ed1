import type { TFunction } from 'i18next';
import type { Actor } from '../access/actor.ts';
import { everyItem } from '../exports/audited-export.ts';
import { labelsOnce } from '../exports/labels.ts';
import type { Cell } from '../exports/xlsx-writer.ts';
import type { PeopleFilter } from './people.schemas.ts';
import { listPeople } from './people.service.ts';

// The people list as a file (decision 0019): everyone the list shows with these filters, in its
// order (by name), a page at a time.

const COLUMNS = ['name', 'serviceNumber', 'email', 'rank', 'gender', 'roles', 'institution', 'status'] as const;

export function peopleExport(actor: Actor, filter: PeopleFilter, t: TFunction) {
  const label = labelsOnce(t);
  async function* rows(): AsyncGenerator<Cell[]> {
    for await (const p of everyItem((page) => listPeople(actor, { ...filter, page }))) {
      yield [
        p.fullName,
        p.serviceNumber ?? '',
        p.email ?? '',
        p.rank ?? '',
        label(`people:genders.${p.gender}`),
        p.roles.map((role) => label(`people:roles.${role}`)).join('; '),
        p.institution?.name ?? '',
        label(p.active ? 'filters.statuses.active' : 'filters.statuses.inactive'),
      ];
    }
  }
  return { header: COLUMNS.map((key) => t(`people:export.columns.${key}`)), rows: rows() };
}
