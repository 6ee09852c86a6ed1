import { parse as parseCsv } from 'csv-parse/sync';
import type { Actor } from '../access/actor.ts';
import { fieldError } from '../http/errors.ts';
import { institutionSummary } from '../institutions/institutions.service.ts';
import type { TrainingSessionDocument } from '../sessions/session-queries.service.ts';
import { peopleByServiceKeys, personSummaries } from '../people/people.service.ts';
import { loadManagedSession, mayAdd } from './enrolment-access.ts';
import { assertEnrollable, enrolInManaged, type CoordinatorOutcome } from './enrolments.service.ts';
import { MissingPrerequisitesError, type PrerequisiteCheck } from './prerequisite-check.ts';

// Enrolling many people at once: ticked in a list, or named by service number in a CSV.
// Rows go in file order, one enrolment each; a row that fails leaves nothing of its own
// behind (enrolInManaged removes what it created) and the next rows still go in.
// A person the coordinator may not add (enrolment.policy.ts, candidatePolicy: whoever could
// enrol themselves) reads exactly like one who does not exist: the row shows what was sent
// (the id, the service number), never a name, and says "not found". Someone who lacks the
// module's prerequisites is not enrolled from a list: the row says so, and adding them one at
// a time offers the override with a reason.

export const MAX_CSV_ROWS = 1000;
export const MAX_CSV_BYTES = 1024 * 1024;

export type BulkOutcome = CoordinatorOutcome | 'duplicate' | 'failed' | 'prerequisites';
export type BulkRow = { line: number; label: string; outcome: BulkOutcome };

async function runRows(
  actor: Actor,
  session: TrainingSessionDocument,
  rows: { line: number; label: string; personId?: string }[],
  source: 'coordinator' | 'csv',
  check: PrerequisiteCheck | undefined,
): Promise<BulkRow[]> {
  const seen = new Set<string>();
  const results: BulkRow[] = [];
  for (const row of rows) {
    const { line, label } = row;
    if (!row.personId) {
      results.push({ line, label, outcome: 'unknown' });
      continue;
    }
    if (seen.has(row.personId)) {
      results.push({ line, label, outcome: 'duplicate' });
      continue;
    }
    seen.add(row.personId);
    try {
      results.push({
        line,
        label,
        outcome: await enrolInManaged(actor, session, row.personId, source, undefined, { check }),
      });
    } catch (error) {
      results.push({ line, label, outcome: error instanceof MissingPrerequisitesError ? 'prerequisites' : 'failed' });
    }
  }
  return results;
}

/** Enrols the people ticked in the list. */
export async function enrolPeople(actor: Actor, sessionId: string, personIds: string[], check?: PrerequisiteCheck) {
  const session = await loadManagedSession(actor, sessionId);
  assertEnrollable(session);
  const people = await personSummaries(personIds);
  const names = new Map(
    people.filter((p) => p.active && mayAdd(actor, session, p)).map((p) => [p._id.toHexString(), p.fullName]),
  );
  const rows = personIds.map((id, i) => {
    const name = names.get(id);
    return name === undefined ? { line: i + 1, label: id } : { line: i + 1, label: name, personId: id };
  });
  return runRows(actor, session, rows, 'coordinator', check);
}

/** The service numbers of a CSV: the first column; a header row naming it is skipped. */
export function serviceNumbersOf(content: Buffer): string[] {
  if (content.includes(0)) throw fieldError('file', 'enrolments:bulk.notCsv');
  let records: string[][];
  try {
    records = parseCsv(content, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch {
    throw fieldError('file', 'enrolments:bulk.notCsv');
  }
  const values = records.map((r) => r[0] ?? '');
  if (values.length > 0 && /service/i.test(values[0] ?? '')) values.shift();
  if (values.length === 0) throw fieldError('file', 'enrolments:bulk.empty');
  if (values.length > MAX_CSV_ROWS) throw fieldError('file', 'enrolments:bulk.tooManyRows', { max: MAX_CSV_ROWS });
  return values;
}

/** Enrols the people a CSV names by service number (unique within the venue's country). */
export async function enrolServiceNumbers(
  actor: Actor,
  sessionId: string,
  numbers: string[],
  check?: PrerequisiteCheck,
) {
  const session = await loadManagedSession(actor, sessionId);
  assertEnrollable(session);
  const country = session.country ?? (await institutionSummary(session.institution))?.country ?? undefined;
  const keys = numbers.map((n) => `${country?.toHexString() ?? ''}:${n.toUpperCase()}`);
  const people = await peopleByServiceKeys(keys);
  const inScope = people.filter((p) => p.active && mayAdd(actor, session, p));
  const byKey = new Map(inScope.map((p) => [p.serviceKey, p._id.toHexString()]));
  const rows = numbers.map((n, i) => ({ line: i + 1, label: n, personId: byKey.get(keys[i] ?? '') }));
  return runRows(actor, session, rows, 'csv', check);
}
