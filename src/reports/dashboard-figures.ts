import { countsAsLearning } from '../transcripts/learning-rules.ts';
import type { ReportedRecord } from './donor-figures.ts';

// A dashboard's figures, on plain data (no database here): by month, by institution and by
// module, the sessions delivered and their fill rate (seats taken over seats offered), the
// completion rate (learning done over the results given) and the knowledge gain (mean post less
// mean pre, over the records with both). The same rules as the donor report (donor-figures.ts).

type Tally = {
  delivered: number;
  seated: number;
  capacity: number;
  completed: number;
  given: number;
  tested: number;
  pre: number;
  post: number;
};

export type FigureRow = {
  key: string;
  delivered: number;
  /** per cent, one decimal; null where nothing was counted */
  fillRate: number | null;
  completionRate: number | null;
  gain: number | null;
};

export type HeldSessionFacts = { month: string; institution: string; module: string; seated: number; capacity: number };
export type RecordFacts = Pick<ReportedRecord, 'institution' | 'module' | 'result' | 'status' | 'pre' | 'post'> & {
  month: string;
};

const empty = (): Tally => ({
  delivered: 0,
  seated: 0,
  capacity: 0,
  completed: 0,
  given: 0,
  tested: 0,
  pre: 0,
  post: 0,
});
const tenth = (value: number) => Math.round(value * 10) / 10;
const share = (part: number, whole: number) => (whole === 0 ? null : tenth((part / whole) * 100));

export class DashboardFigures {
  private readonly byMonth = new Map<string, Tally>();
  private readonly byInstitution = new Map<string, Tally>();
  private readonly byModule = new Map<string, Tally>();

  /** The months shown, oldest first, each present even when nothing happened in it. */
  constructor(private readonly months: readonly string[]) {
    for (const month of months) this.byMonth.set(month, empty());
  }

  addSession(session: HeldSessionFacts): void {
    for (const tally of this.tallies(session)) {
      tally.delivered += 1;
      tally.seated += session.seated;
      tally.capacity += session.capacity;
    }
  }

  addRecord(record: RecordFacts): void {
    if (record.status === 'revoked' || record.status === 'withdrawn') return;
    for (const tally of this.tallies(record)) {
      tally.given += 1;
      if (countsAsLearning(record)) tally.completed += 1;
      if (typeof record.pre === 'number' && typeof record.post === 'number') {
        tally.tested += 1;
        tally.pre += record.pre;
        tally.post += record.post;
      }
    }
  }

  result() {
    const rows = (tallies: Map<string, Tally>, keys: readonly string[]) =>
      keys.map((key): FigureRow => {
        const t = tallies.get(key) ?? empty();
        return {
          key,
          delivered: t.delivered,
          fillRate: share(t.seated, t.capacity),
          completionRate: share(t.completed, t.given),
          gain: t.tested === 0 ? null : tenth((t.post - t.pre) / t.tested),
        };
      });
    const sorted = (tallies: Map<string, Tally>) => [...tallies.keys()].sort((a, b) => a.localeCompare(b));
    const total = empty();
    for (const t of this.byMonth.values()) for (const k of Object.keys(total) as (keyof Tally)[]) total[k] += t[k];
    return {
      months: rows(this.byMonth, this.months),
      institutions: rows(this.byInstitution, sorted(this.byInstitution)),
      modules: rows(this.byModule, sorted(this.byModule)),
      total: rows(new Map([['total', total]]), ['total'])[0]!,
    };
  }

  private tallies(facts: { month: string; institution: string; module: string }): Tally[] {
    const month = this.byMonth.get(facts.month);
    if (!month) return []; // outside the months shown
    const of = (map: Map<string, Tally>, key: string) => {
      const tally = map.get(key) ?? empty();
      map.set(key, tally);
      return tally;
    };
    return [month, of(this.byInstitution, facts.institution), of(this.byModule, facts.module)];
  }
}

/** The months from `from` to `to` (YYYY-MM, both included), oldest first. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.split('-').map(Number) as [number, number];
  const [lastYear, lastMonth] = to.split('-').map(Number) as [number, number];
  while (year < lastYear || (year === lastYear && month <= lastMonth)) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
  return months;
}
