import { csvCell } from '../http/csv-cell.ts';
import type { MarkRow } from '../attendance/attendance-queries.service.ts';
import type { RosterRow } from '../enrolments/enrolment-queries.service.ts';
import type { Outcome } from './result-rules.ts';

// The roster of a delivered session for a spreadsheet (issue 12, item 7): each seated
// participant with their attendance per day (status, and minutes on a partial day), the
// attendance share, the pre- and post-test scores and the gain, and the result once confirmed.

export type DeliveryRow = {
  person: RosterRow['person'];
  marks: Map<string, MarkRow>;
  percent: number | null;
  pre: number | null;
  post: number | null;
  /** the confirmed result, or none while the session is not closed */
  outcome?: Outcome;
};

export type DeliveryWords = {
  header: (column: string) => string;
  status: (status: string) => string;
  outcome: (outcome: Outcome) => string;
};

const gain = (pre: number | null, post: number | null) =>
  pre === null || post === null ? '' : String(Math.round((post - pre) * 10) / 10);

/** The CSV, with a byte-order mark so that Excel reads UTF-8; a day's columns are named by its date. */
export function deliveryCsv(days: readonly string[], rows: readonly DeliveryRow[], words: DeliveryWords): string {
  const header = [
    words.header('name'),
    words.header('serviceNumber'),
    words.header('institution'),
    ...days.flatMap((date) => [date, `${date} ${words.header('minutes')}`]),
    words.header('attendance'),
    words.header('pre'),
    words.header('post'),
    words.header('gain'),
    words.header('result'),
  ];
  const lines = [header];
  for (const row of rows) {
    lines.push([
      row.person.fullName,
      row.person.serviceNumber ?? '',
      row.person.institution?.name ?? '',
      ...days.flatMap((date) => {
        const mark = row.marks.get(date);
        return [mark ? words.status(mark.status) : '', mark?.minutes == null ? '' : String(mark.minutes)];
      }),
      row.percent === null ? '' : String(row.percent),
      row.pre === null ? '' : String(row.pre),
      row.post === null ? '' : String(row.post),
      gain(row.pre, row.post),
      row.outcome ? words.outcome(row.outcome) : '',
    ]);
  }
  return '\uFEFF' + lines.map((line) => line.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
