import type { TFunction } from 'i18next';
import type { Actor } from '../access/actor.ts';
import type { Cell } from '../exports/xlsx-writer.ts';
import { attendanceOverview } from './attendance-pages.ts';

// A session's roster with its attendance as a file (decision 0019): the overview's rows (the
// participants, by seat), a column a day with that day's status (and minutes, when partial),
// then the days attended and the share of the scheduled time. Tens of rows: read at once.

export async function attendanceExport(actor: Actor, sessionId: string, language: string, t: TFunction) {
  const page = await attendanceOverview(actor, sessionId, language);
  const header = [
    t('attendance:columns.name'),
    t('attendance:export.serviceNumber'),
    t('attendance:export.institution'),
    ...page.days.map((d) => d.date),
    t('attendance:export.daysAttended'),
    t('attendance:export.share'),
  ];
  async function* rows(): AsyncGenerator<Cell[]> {
    for (const row of page.rows) {
      yield [
        row.person.fullName,
        row.person.serviceNumber ?? '',
        row.person.institution?.name ?? '',
        ...row.marks.map((mark) =>
          mark
            ? `${t(`attendance:statuses.${mark.status}`)}${mark.minutes === null ? '' : ` (${t('attendance:minutesShort', { minutes: mark.minutes })})`}`
            : t('attendance:statuses.unmarked'),
        ),
        row.share.daysAttended,
        Math.round(row.share.share * 1000) / 10,
      ];
    }
  }
  return { session: page.session, header, rows: rows() };
}
