import { parse as parseCsv } from 'csv-parse/sync';
import type { Actor } from '../access/actor.ts';
import { fieldError } from '../http/errors.ts';
import { institutionSummary } from '../institutions/institutions.service.ts';
import { peopleByServiceKeys } from '../people/people.service.ts';
import { readScore, type ScoreProblem } from './assessment-rules.ts';
import { scoreSheet, sessionForScores, writeScores, type ScoreChange } from './assessments.service.ts';

// Scores from a spreadsheet: a header row, then one row per participant with the service
// number, the pre-test and the post-test score. Commas or semicolons separate the columns (the
// header says which); with semicolons a score may have a decimal comma ("72,5"), as spreadsheets
// in French and Russian write it. An empty score leaves that score as it is. Every row is checked
// before anything is written, and if any row is refused nothing is: the rows come back with the
// reason for each (nothing half-applied).

export const MAX_SCORE_ROWS = 1000;
export const MAX_SCORE_BYTES = 256 * 1024;

export type ImportOutcome =
  | 'applied'
  /** valid, but not saved because another row was refused */
  | 'valid'
  | 'empty'
  | 'unknown'
  | 'notEnrolled'
  | 'repeated'
  | 'badScore'
  | 'noTest';
export type ImportRow = {
  line: number;
  serviceNumber: string;
  pre: string;
  post: string;
  outcome: ImportOutcome;
  /** for a bad score: which one and what is wrong with it */
  problem?: { test: 'pre' | 'post'; problem?: ScoreProblem };
};
export const REFUSALS: readonly ImportOutcome[] = ['unknown', 'notEnrolled', 'repeated', 'badScore', 'noTest'];

type Line = { line: number; cells: string[] };

/** The file's rows after the header, and whether its decimals may be written with a comma. */
export function scoreLines(content: Buffer): { lines: Line[]; decimalComma: boolean } {
  if (content.includes(0)) throw fieldError('file', 'assessments:import.notCsv');
  const text = content.toString('utf8').replace(/^\uFEFF/, '');
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = header.includes(';') ? ';' : ',';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      delimiter,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }) as unknown as typeof records;
  } catch {
    throw fieldError('file', 'assessments:import.notCsv');
  }
  const [first, ...rest] = records;
  // a first row of scores is data, not a header: refused rather than silently skipped
  if (!first || first.record.slice(1, 3).some((cell) => /\d/.test(cell))) {
    throw fieldError('file', 'assessments:import.noHeader');
  }
  if (rest.length === 0) throw fieldError('file', 'assessments:import.empty');
  if (rest.length > MAX_SCORE_ROWS) throw fieldError('file', 'assessments:import.tooManyRows', { max: MAX_SCORE_ROWS });
  return {
    lines: rest.map((r) => ({ line: r.info.lines, cells: r.record })),
    decimalComma: delimiter === ';',
  };
}

/** Imports a CSV of scores into the session: every row applied, or none. */
export async function importScores(actor: Actor, sessionId: string, content: Buffer) {
  await sessionForScores(actor, sessionId, 'enterScores');
  const sheet = await scoreSheet(actor, sessionId);
  const { lines, decimalComma } = scoreLines(content);
  const enrolled = new Map(sheet.rows.map((r) => [r.serviceNumber.toUpperCase(), r.personId]));
  // service numbers not among the participants: known in the venue's country, or not at all
  const others = lines.map((l) => (l.cells[0] ?? '').toUpperCase()).filter((n) => n && !enrolled.has(n));
  const country = sheet.session.country ?? (await institutionSummary(sheet.session.institution))?.country;
  const known = new Set(
    others.length === 0
      ? []
      : (await peopleByServiceKeys([...new Set(others)].map((n) => `${country?.toHexString() ?? ''}:${n}`))).map((p) =>
          p.serviceKey.slice(p.serviceKey.indexOf(':') + 1),
        ),
  );
  const seen = new Set<string>();
  const changes: ScoreChange[] = [];
  const rows = lines.map(({ line, cells }): ImportRow => {
    const [serviceNumber = '', pre = '', post = ''] = cells;
    const row = { line, serviceNumber, pre, post };
    const key = serviceNumber.toUpperCase();
    const personId = enrolled.get(key);
    if (!personId) return { ...row, outcome: known.has(key) ? 'notEnrolled' : 'unknown' };
    if (seen.has(key)) return { ...row, outcome: 'repeated' };
    seen.add(key);
    const change: ScoreChange = { personId };
    for (const [test, typed, offered] of [
      ['pre', pre, sheet.rules.hasPreTest],
      ['post', post, sheet.rules.hasPostTest],
    ] as const) {
      if (typed === '') continue;
      if (!offered) return { ...row, outcome: 'noTest', problem: { test } };
      const read = readScore(typed, decimalComma);
      if ('problem' in read) return { ...row, outcome: 'badScore', problem: { test, problem: read.problem } };
      change[test] = read.score;
    }
    if (Object.keys(change).length === 1) return { ...row, outcome: 'empty' };
    changes.push(change);
    return { ...row, outcome: 'valid' };
  });
  const refused = rows.some((r) => REFUSALS.includes(r.outcome));
  if (refused) return { applied: false, rows };
  await writeScores(actor, sheet.session, changes);
  return { applied: true, rows: rows.map((r) => (r.outcome === 'valid' ? { ...r, outcome: 'applied' as const } : r)) };
}
