import { LARGE_FORM_FIELD_LIMIT } from '../http/form-limits.ts';
import { FieldValidationError, type FieldErrors } from '../http/errors.ts';
import { readScore, type Scores } from './assessment-rules.ts';
import type { AssessmentRules, ScoreChange, SheetRow } from './assessments.service.ts';

// The grid of scores as the browser sends it: a box per participant and test, named
// `pre-<person id>` and `post-<person id>`, and `loaded`, the scores the page showed
// ("<id>:<pre>:<post>" separated by spaces). Only the participants of the sheet are read (a
// name for anyone else changes nothing), and only the boxes whose value differs from what the
// page showed are written: a box left as it was keeps a score someone else entered meanwhile.

export const TESTS = ['pre', 'post'] as const;
export type Test = (typeof TESTS)[number];

/**
 * How many boxes one form may carry: the app reads at most LARGE_FORM_FIELD_LIMIT fields of a form,
 * a few of which are the token and `loaded`. A bigger session's scores are imported from a CSV.
 */
export const MAX_BOXES = LARGE_FORM_FIELD_LIMIT - 10;

export const boxName = (test: Test, personId: string) => `${test}-${personId}`;
export const testsOf = (rules: AssessmentRules): Test[] =>
  TESTS.filter((test) => (test === 'pre' ? rules.hasPreTest : rules.hasPostTest));

const shown = (score: number | null) => (score === null ? '' : String(score));

/** The `loaded` field for the rows shown. */
export const loadedValue = (rows: readonly SheetRow[]) =>
  rows.map((r) => `${r.personId}:${shown(r.scores.pre)}:${shown(r.scores.post)}`).join(' ');

function readLoaded(value: unknown): Map<string, Scores> {
  const loaded = new Map<string, Scores>();
  if (typeof value !== 'string') return loaded;
  for (const entry of value.split(' ').slice(0, 1000)) {
    const [id, pre, post] = entry.split(':');
    const score = (text: string | undefined) => {
      const read = readScore(text ?? '', false);
      return 'score' in read ? read.score : null;
    };
    if (id) loaded.set(id, { pre: score(pre), post: score(post) });
  }
  return loaded;
}

/**
 * The changes the grid asks for; a FieldValidationError with a message beside each bad box
 * (not a number, outside 0–100, more than one decimal, or sent twice) when any is bad.
 */
export function readScoreSheet(body: Record<string, unknown>, rows: readonly SheetRow[], rules: AssessmentRules) {
  const tests = testsOf(rules);
  const loaded = readLoaded(body.loaded);
  const errors: FieldErrors = {};
  const changes: ScoreChange[] = [];
  for (const row of rows) {
    const before = loaded.get(row.personId) ?? row.scores;
    const change: ScoreChange = { personId: row.personId };
    for (const test of tests) {
      const name = boxName(test, row.personId);
      const typed = body[name];
      if (typed === undefined) continue;
      if (typeof typed !== 'string') {
        errors[name] = { key: 'assessments:problems.notNumber' };
        continue;
      }
      const read = readScore(typed);
      if ('problem' in read) errors[name] = { key: `assessments:problems.${read.problem}` };
      else if (read.score !== before[test]) change[test] = read.score;
    }
    if (Object.keys(change).length > 1) changes.push(change);
  }
  if (Object.keys(errors).length > 0) throw new FieldValidationError(errors);
  return changes;
}
