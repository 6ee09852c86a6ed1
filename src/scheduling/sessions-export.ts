import type { TFunction } from 'i18next';
import { DateTime } from 'luxon';
import type { Actor } from '../access/actor.ts';
import type { Cell } from '../exports/xlsx-writer.ts';
import { personNames } from '../people/people.service.ts';
import type { SessionFilter } from '../sessions/sessions.schemas.ts';
import { listSessionsWithPlaces } from './scheduling.service.ts';

// The sessions list as a file (decision 0019): every session the list shows with these filters,
// in its order, a page at a time, with its places and trainers. Times are the venue's.

const COLUMNS = [
  'moduleCode',
  'module',
  'venue',
  'room',
  'starts',
  'ends',
  'timeZone',
  'days',
  'status',
  'capacity',
  'seated',
  'waiting',
  'trainers',
] as const;

const local = (instant: Date, zone: string) => DateTime.fromJSDate(instant, { zone }).toFormat('yyyy-MM-dd HH:mm');

export function sessionsExport(actor: Actor, filter: SessionFilter, t: TFunction) {
  async function* rows(): AsyncGenerator<Cell[]> {
    for (let page = 1, pageCount = 1; page <= pageCount; page++) {
      const { page: found, fill } = await listSessionsWithPlaces(actor, { ...filter, page });
      pageCount = found.pageCount;
      const trainers = await personNames(found.items.flatMap((s) => s.trainers.map((trainer) => trainer.person)));
      for (const s of found.items) {
        const places = fill.get(s._id.toHexString());
        yield [
          s.module?.code ?? '',
          s.module?.title ?? '',
          s.institution?.name ?? '',
          s.room ?? '',
          local(s.startsAt, s.timeZone),
          local(s.endsAt, s.timeZone),
          s.timeZone,
          s.days.length,
          t(`sessions:statuses.${s.status}`),
          s.capacity,
          places?.seated ?? 0,
          places?.waiting ?? 0,
          s.trainers.map((trainer) => trainers.get(trainer.person.toHexString()) ?? '').join('; '),
        ];
      }
    }
  }
  return { header: COLUMNS.map((key) => t(`sessions:export.columns.${key}`)), rows: rows() };
}
