import { csvCell } from '../http/csv-cell.ts';
import type { Roster } from './enrolment-queries.service.ts';

// The roster written out for a spreadsheet: the same rows and order as the roster page.

/** The roster as CSV, with a byte-order mark so that Excel reads UTF-8. */
export function rosterCsv(data: Roster, header: string[], stateName: (state: string) => string): string {
  const lines = [header];
  const rows = [...data.enrolled, ...data.waitlist, ...data.requests, ...data.ended];
  for (const r of rows) {
    lines.push([
      stateName(r.state),
      r.seat === undefined ? '' : String(r.seat),
      r.position === undefined ? '' : String(r.position),
      r.person.fullName,
      r.person.serviceNumber ?? '',
      r.person.email ?? '',
      r.person.institution?.name ?? '',
    ]);
  }
  return '\uFEFF' + lines.map((l) => l.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
