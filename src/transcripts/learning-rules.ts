// What a person's completion records count for, on plain data (decision 0015, "What counts as
// done"): the transcript's totals, a curriculum's progress and a module's prerequisites.
// - Learning done: a completed record that is valid, expired or superseded. Expiry ends a
//   certificate, not the hours spent; a superseded record is an earlier completion of a module
//   taken again, and both trainings were attended. Revoked records count for nothing;
//   withdrawn ones are not shown at all.
// - A curriculum's module is done when a completed record of it is valid now; one whose
//   completions have all expired (or were superseded by one that has) is done but expired:
//   shown as such, and still to be renewed.
// - A prerequisite is knowledge, not a licence: any learning done counts, expired included.

export type RecordFacts = {
  module: { toHexString(): string };
  result: 'completed' | 'not_completed';
  status: 'valid' | 'expired' | 'revoked' | 'superseded' | 'withdrawn';
  hours: number;
  endedOn: string;
  issuedAt: Date;
};

/** Where a record stands on a transcript: its status for a completion, else not completed or revoked. */
export const STANDINGS = ['valid', 'expired', 'superseded', 'revoked', 'not_completed'] as const;
export type Standing = (typeof STANDINGS)[number];

export function standingOf(record: Pick<RecordFacts, 'result' | 'status'>): Standing {
  if (record.status === 'revoked') return 'revoked';
  if (record.result === 'not_completed') return 'not_completed';
  return record.status === 'withdrawn' ? 'revoked' : record.status; // withdrawn ones never get here
}

/** Learning done: completed, and valid, expired or superseded. */
export function countsAsLearning(record: Pick<RecordFacts, 'result' | 'status'>): boolean {
  const standing = standingOf(record);
  return standing === 'valid' || standing === 'expired' || standing === 'superseded';
}

export type Totals = { records: number; completed: number; hours: number };

/** How many records, how many of them learning done, and the hours of those. */
export function totalsOf(records: readonly Pick<RecordFacts, 'result' | 'status' | 'hours'>[]): Totals {
  const done = records.filter(countsAsLearning);
  return {
    records: records.length,
    completed: done.length,
    // hours are kept as issued and may have a fraction: rounded to a tenth so 0.1 + 0.2 reads 0.3
    hours: Math.round(done.reduce((sum, r) => sum + r.hours, 0) * 10) / 10,
  };
}

/** Newest training first: by its last day, then by when the record was issued. */
export function newestFirst<R extends Pick<RecordFacts, 'endedOn' | 'issuedAt'>>(records: readonly R[]): R[] {
  return [...records].sort((a, b) => b.endedOn.localeCompare(a.endedOn) || b.issuedAt.getTime() - a.issuedAt.getTime());
}

/** The year a record is filed under: the year its training ended. */
export const yearOf = (record: Pick<RecordFacts, 'endedOn'>): number => Number(record.endedOn.slice(0, 4));

/** The years the records run over, newest first. */
export function yearsOf(records: readonly Pick<RecordFacts, 'endedOn'>[]): number[] {
  return [...new Set(records.map(yearOf))].sort((a, b) => b - a);
}

export type RecordFilter = { standing?: Standing; year?: number };

export function filterRecords<R extends Pick<RecordFacts, 'result' | 'status' | 'endedOn'>>(
  records: readonly R[],
  filter: RecordFilter,
): R[] {
  return records.filter(
    (r) =>
      (filter.standing === undefined || standingOf(r) === filter.standing) &&
      (filter.year === undefined || yearOf(r) === filter.year),
  );
}

/** Where a person stands with a module: done (valid now), done but expired, or not done. */
export type ModuleState = 'done' | 'expired' | 'remaining';

/** Each module the records show learning done of, done or expired (done wins). */
export function moduleStates(records: readonly Pick<RecordFacts, 'module' | 'result' | 'status'>[]) {
  const states = new Map<string, Exclude<ModuleState, 'remaining'>>();
  for (const record of records) {
    if (!countsAsLearning(record)) continue;
    const id = record.module.toHexString();
    if (standingOf(record) === 'valid') states.set(id, 'done');
    else if (!states.has(id)) states.set(id, 'expired');
  }
  return states;
}

/** The modules a prerequisite check accepts: any learning done, expired or superseded included. */
export function modulesLearned(records: readonly Pick<RecordFacts, 'module' | 'result' | 'status'>[]): Set<string> {
  return new Set(records.filter(countsAsLearning).map((r) => r.module.toHexString()));
}

export type ProgressItem = { module: string; required: boolean; state: ModuleState };
export type Progress = {
  items: ProgressItem[];
  required: { total: number; done: number; expired: number; remaining: number };
  electives: { total: number; done: number; expired: number };
  /** every required module done (valid now); a curriculum without required modules never is */
  complete: boolean;
  /** at least one module done or expired */
  started: boolean;
};

/** A person's progress through a curriculum's items (in order), from their module states. */
export function progressThrough(
  items: readonly { module: string; required: boolean }[],
  states: ReadonlyMap<string, ModuleState>,
): Progress {
  const rows = items.map((item) => ({ ...item, state: states.get(item.module) ?? ('remaining' as const) }));
  const required = rows.filter((r) => r.required);
  const electives = rows.filter((r) => !r.required);
  const count = (list: ProgressItem[], state: ModuleState) => list.filter((r) => r.state === state).length;
  const done = count(required, 'done');
  return {
    items: rows,
    required: {
      total: required.length,
      done,
      expired: count(required, 'expired'),
      remaining: count(required, 'remaining'),
    },
    electives: { total: electives.length, done: count(electives, 'done'), expired: count(electives, 'expired') },
    complete: required.length > 0 && done === required.length,
    started: rows.some((r) => r.state !== 'remaining'),
  };
}
