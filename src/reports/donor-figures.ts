import { countsAsLearning } from '../transcripts/learning-rules.ts';

// The donor report's figures, on plain data (no database here): people trained by institution,
// module and rank with their training hours; the completion rate and the knowledge gain by
// institution and module; every count split by gender, "undisclosed" a column of its own.
// - Trained: a person with learning done (transcripts' rule: a completed record that is valid,
//   expired or superseded) of the module in the period, counted once however many times; the
//   hours are those of every such record.
// - Completion rate: learning done over the results given (completed or not), revoked and
//   withdrawn records left out.
// - Knowledge gain: the mean post-test score less the mean pre-test score, over the records that
//   have both.

export const GENDER_COLUMNS = ['female', 'male', 'other', 'undisclosed'] as const;
export type GenderColumn = (typeof GENDER_COLUMNS)[number];
export type ByGender = Record<GenderColumn | 'total', number>;

/** One record as the report reads it: the record's facts, and the person's institution and rank now. */
export type ReportedRecord = {
  person: string;
  gender: string | null | undefined;
  rank: string;
  institution: string;
  module: string;
  hours: number;
  result: 'completed' | 'not_completed';
  status: 'valid' | 'expired' | 'revoked' | 'superseded' | 'withdrawn';
  pre: number | null | undefined;
  post: number | null | undefined;
};

export type TrainedRow = { institution: string; module: string; rank: string; people: ByGender; hours: ByGender };
export type RateRow = {
  institution: string;
  module: string;
  completed: ByGender;
  given: ByGender;
  /** completed / given, by gender: null where nothing was given */
  rate: Record<GenderColumn | 'total', number | null>;
};
export type GainRow = {
  institution: string;
  module: string;
  tested: ByGender;
  pre: number | null;
  post: number | null;
  /** post less pre, overall and by gender: null where nobody has both scores */
  gain: Record<GenderColumn | 'total', number | null>;
};

export const noOne = (): ByGender => ({ female: 0, male: 0, other: 0, undisclosed: 0, total: 0 });

export const genderColumnOf = (gender: string | null | undefined): GenderColumn =>
  GENDER_COLUMNS.includes(gender as GenderColumn) ? (gender as GenderColumn) : 'undisclosed';

function add(counts: ByGender, gender: GenderColumn, amount = 1) {
  counts[gender] += amount;
  counts.total += amount;
}

const byGender = <T>(value: (column: GenderColumn | 'total') => T) =>
  Object.fromEntries([...GENDER_COLUMNS, 'total'].map((c) => [c, value(c as GenderColumn | 'total')])) as Record<
    GenderColumn | 'total',
    T
  >;

/** A tenth of a point (or of an hour): 0.1 + 0.2 reads 0.3. */
const tenth = (value: number) => Math.round(value * 10) / 10;

/** Folds the records into the report's three tables, each sorted by institution, module (and rank). */
export class DonorFigures {
  private readonly trained = new Map<string, TrainedRow & { seen: Set<string> }>();
  private readonly rates = new Map<
    string,
    { institution: string; module: string; completed: ByGender; given: ByGender }
  >();
  private readonly gains = new Map<
    string,
    { institution: string; module: string; tested: ByGender; pre: ByGender; post: ByGender }
  >();

  add(record: ReportedRecord): void {
    if (record.status === 'revoked' || record.status === 'withdrawn') return;
    const gender = genderColumnOf(record.gender);
    const pair = `${record.institution}\u0000${record.module}`;
    const rate = this.rates.get(pair) ?? { ...this.named(record), completed: noOne(), given: noOne() };
    this.rates.set(pair, rate);
    add(rate.given, gender);
    if (typeof record.pre === 'number' && typeof record.post === 'number') {
      const gain = this.gains.get(pair) ?? { ...this.named(record), tested: noOne(), pre: noOne(), post: noOne() };
      this.gains.set(pair, gain);
      add(gain.tested, gender);
      add(gain.pre, gender, record.pre);
      add(gain.post, gender, record.post);
    }
    if (!countsAsLearning(record)) return;
    add(rate.completed, gender);
    const key = `${pair}\u0000${record.rank}`;
    const row = this.trained.get(key) ?? {
      ...this.named(record),
      rank: record.rank,
      people: noOne(),
      hours: noOne(),
      seen: new Set<string>(),
    };
    this.trained.set(key, row);
    if (!row.seen.has(record.person)) add(row.people, gender);
    row.seen.add(record.person);
    add(row.hours, gender, record.hours);
  }

  tables(): { trained: TrainedRow[]; rates: RateRow[]; gains: GainRow[] } {
    const order = (a: { institution: string; module: string }, b: { institution: string; module: string }) =>
      a.institution.localeCompare(b.institution) || a.module.localeCompare(b.module);
    return {
      trained: [...this.trained.values()]
        .sort((a, b) => order(a, b) || a.rank.localeCompare(b.rank))
        .map(({ institution, module, rank, people, hours }) => ({
          institution,
          module,
          rank,
          people,
          hours: byGender((c) => tenth(hours[c])),
        })),
      rates: [...this.rates.values()].sort(order).map((r) => ({
        ...r,
        rate: byGender((c) => (r.given[c] === 0 ? null : tenth((r.completed[c] / r.given[c]) * 100))),
      })),
      gains: [...this.gains.values()].sort(order).map((g) => ({
        institution: g.institution,
        module: g.module,
        tested: g.tested,
        pre: g.tested.total === 0 ? null : tenth(g.pre.total / g.tested.total),
        post: g.tested.total === 0 ? null : tenth(g.post.total / g.tested.total),
        gain: byGender((c) => (g.tested[c] === 0 ? null : tenth((g.post[c] - g.pre[c]) / g.tested[c]))),
      })),
    };
  }

  private named(record: ReportedRecord) {
    return { institution: record.institution, module: record.module };
  }
}

/** Coverage of one institution: its active staff, and those who completed the curriculum's required modules. */
export type CoverageRow = { institution: string; staff: ByGender; covered: ByGender; share: number | null };

/** Counts the active staff and the covered among them, by institution and gender. */
export function coverageOf(
  staff: readonly { id: string; gender: string | null | undefined; institution: string }[],
  covered: ReadonlySet<string>,
): CoverageRow[] {
  const rows = new Map<string, { staff: ByGender; covered: ByGender }>();
  for (const person of staff) {
    const row = rows.get(person.institution) ?? { staff: noOne(), covered: noOne() };
    rows.set(person.institution, row);
    const gender = genderColumnOf(person.gender);
    add(row.staff, gender);
    if (covered.has(person.id)) add(row.covered, gender);
  }
  return [...rows.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([institution, row]) => ({
      institution,
      ...row,
      share: coveredShare(row.staff.total, row.covered.total),
    }));
}

/** The share of the staff who are covered, in %, a tenth; null without staff. */
const coveredShare = (staff: number, covered: number) => (staff === 0 ? null : tenth((covered / staff) * 100));

/** The share of every institution's active staff together who are covered (the dashboard's total). */
export function totalCoverage(rows: readonly CoverageRow[]): number | null {
  const sum = (of: (row: CoverageRow) => number) => rows.reduce((total, row) => total + of(row), 0);
  return coveredShare(
    sum((row) => row.staff.total),
    sum((row) => row.covered.total),
  );
}
