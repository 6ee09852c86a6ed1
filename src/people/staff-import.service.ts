import mongoose from 'mongoose';
import { type Actor } from '../access/actor.ts';
import { isPeopleManager, personPolicy } from '../access/person.policy.ts';
import { can } from '../access/policy.ts';
import { findByIdOr404 } from '../db/object-id.ts';
import { FieldValidationError, forbidden, notFound, type FieldErrors } from '../http/errors.ts';
import { toFieldErrors } from '../http/validate.ts';
import { institutionSummaries, listInstitutionOptions } from '../institutions/institutions.service.ts';
import { readImportFile, type ImportRow } from './import-file.ts';
import { personSchema } from './people.schemas.ts';
import { peopleWhere } from './people-directory.ts';
import { checkAssignment, createPerson, updatePerson } from './people.service.ts';
import { Person } from './person.model.ts';
import { StaffImport } from './staff-import.model.ts';

// A staff import (issue 14, decision 0021): the file is read and every row checked into a plan
// (create, update, the same, or refused and why), which the preview shows; nothing is written
// before the confirmation. Confirming plans again from the same rows: a plan that changed in
// between (someone else's edit) is shown again instead of applied. Applying is rolled forward:
// a new person gets the id the plan gave them, so applying again after a failure finishes the
// rest and repeats nothing; the import says "applying" until every row is done.

export type Outcome = 'create' | 'update' | 'same' | 'refused';

export type PlannedRow = {
  /** the row's line in the file (the header is line 1) */
  line: number;
  outcome: Outcome;
  fullName: string;
  serviceNumber: string;
  institution: string;
  /** why refused, by column */
  problems: { field: string; key: string; params?: Record<string, string | number> }[];
  /** the person: the one found for an update, the id planned for a new one */
  person?: string;
  /** what is saved, as the person form sends it */
  input?: Record<string, unknown>;
  /** an update's changed fields */
  changes?: string[];
};

const COMPARED = ['fullName', 'email', 'serviceNumber', 'rank', 'gender', 'institution', 'language'] as const;

/** Reads the file and plans it; stores both for the preview. Returns the import's id. */
export async function previewImport(actor: Actor, file: { buffer: Buffer; originalname: string }) {
  if (!isPeopleManager(actor)) throw forbidden();
  const rows = await readImportFile(file.buffer);
  const plan = await planImport(actor, rows);
  const saved = await StaffImport.create({ by: actor.id, fileName: file.originalname, rows, plan });
  return saved.id as string;
}

/** An import its author may see; anyone else is told it does not exist. */
export async function getImport(actor: Actor, id: string) {
  const found = await findByIdOr404(StaffImport, id);
  if (found.by.toHexString() !== actor.id) throw notFound();
  return found;
}

/**
 * Applies a previewed import. Plans again first: when the plan changed since the preview, it is
 * stored and returned unapplied, to be shown again. Returns what was applied.
 */
export async function applyImport(actor: Actor, id: string) {
  const found = await getImport(actor, id);
  if (found.state === 'applied') return { applied: true as const, created: found.created, updated: found.updated };
  const previewed = found.plan as PlannedRow[];
  const plan = carryIds(await planImport(actor, found.rows as ImportRow[]), previewed);
  if (found.state === 'previewed' && !samePlan(plan, previewed)) {
    found.plan = plan;
    await found.save();
    return { applied: false as const, plan };
  }
  found.state = 'applying';
  await found.save();
  let [created, updated] = [0, 0];
  for (const row of previewed) {
    if (row.outcome === 'create') {
      const person = new mongoose.Types.ObjectId(row.person);
      if (!(await Person.exists({ _id: person }))) await createPerson(actor, parsed(row), person);
      created += 1;
    } else if (row.outcome === 'update') {
      await updatePerson(actor, row.person!, parsed(row));
      updated += 1;
    }
  }
  found.set({ state: 'applied', appliedAt: new Date(), created, updated });
  await found.save();
  return { applied: true as const, created, updated };
}

const parsed = (row: PlannedRow) => personSchema.parse({ ...row.input, revision: undefined });

/** A new person keeps the id the preview planned for them. */
function carryIds(plan: PlannedRow[], previewed: PlannedRow[]): PlannedRow[] {
  const before = new Map(previewed.map((row) => [row.line, row]));
  return plan.map((row) =>
    row.outcome === 'create' && before.get(row.line)?.outcome === 'create'
      ? { ...row, person: before.get(row.line)!.person }
      : row,
  );
}

const samePlan = (a: PlannedRow[], b: PlannedRow[]) => JSON.stringify(a) === JSON.stringify(b);

/** Every row checked: the institution (by code, in scope), the form's rules, unique keys, who may change whom. */
export async function planImport(actor: Actor, rows: readonly ImportRow[]): Promise<PlannedRow[]> {
  const options = await listInstitutionOptions(actor, { includeInactive: true });
  const summaries = new Map((await institutionSummaries(options.map((o) => o._id))).map((i) => [i.code, i]));
  const everyone = await peopleWhere({});
  const byService = new Map(
    everyone.flatMap((p) => (p.serviceNumber && p.country ? [[serviceKey(p.country, p.serviceNumber), p]] : [])),
  );
  const byEmail = new Map(everyone.flatMap((p) => (p.email ? [[p.email.toLowerCase(), p]] : [])));
  const seenService = new Set<string>();
  const seenEmail = new Set<string>();
  const plan: PlannedRow[] = [];
  for (const [i, row] of rows.entries()) {
    const problems: FieldErrors = {};
    const code = (row.institution ?? '').toUpperCase();
    const institution = summaries.get(code);
    if (!institution) problems.institution = { key: 'people:import.unknownInstitution', params: { code } };
    if (!row.service_number) problems.serviceNumber = { key: 'people:import.serviceNumberRequired' };
    const key = institution && row.service_number ? serviceKey(institution.country, row.service_number) : undefined;
    const existing = key ? byService.get(key) : undefined;
    const input = {
      fullName: row.full_name ?? '',
      // an empty cell leaves an existing person's value as it is
      email: row.email || existing?.email || '',
      serviceNumber: row.service_number ?? '',
      rank: row.rank || existing?.rank || '',
      gender: (row.gender || existing?.gender || 'undisclosed').toLowerCase(),
      institution: institution?._id.toHexString() ?? '',
      roles: existing ? [...existing.roles] : ['staff'],
      scopeInstitutions: existing ? existing.scopeInstitutions.map((s) => s.toHexString()) : [],
      language: (row.language || existing?.language || 'en').toLowerCase(),
    };
    const checked = personSchema.safeParse(input);
    if (!checked.success) Object.assign(problems, toFieldErrors(checked.error), problems);
    if (key && seenService.has(key)) problems.serviceNumber = { key: 'people:import.twiceInFile' };
    const email = input.email.toLowerCase();
    if (email && seenEmail.has(email)) problems.email = { key: 'people:import.twiceInFile' };
    const emailOwner = email ? byEmail.get(email) : undefined;
    if (emailOwner && !emailOwner._id.equals(existing?._id)) problems.email = { key: 'people:email.taken' };
    if (existing && !can(actor, personPolicy, 'update', existing)) {
      problems.serviceNumber = { key: 'people:import.notYours' };
    }
    if (checked.success && Object.keys(problems).length === 0) {
      await checkAssignment(actor, checked.data, existing).catch((error: unknown) => {
        if (!(error instanceof FieldValidationError)) throw error;
        Object.assign(problems, error.fieldErrors);
      });
    }
    if (key) seenService.add(key);
    if (email) seenEmail.add(email);
    const refused = Object.keys(problems).length > 0;
    const changes = existing ? COMPARED.filter((f) => String(valueOf(existing, f)) !== String(input[f])) : [];
    plan.push({
      line: i + 2,
      outcome: refused ? 'refused' : !existing ? 'create' : changes.length > 0 ? 'update' : 'same',
      fullName: input.fullName,
      serviceNumber: input.serviceNumber,
      institution: code,
      problems: Object.entries(problems).map(([field, problem]) => ({ field, ...problem })),
      ...(refused ? {} : { input }),
      ...(existing ? { person: existing._id.toHexString() } : refused ? {} : { person: newId() }),
      ...(existing && !refused ? { changes } : {}),
    });
  }
  return plan;
}

const newId = () => new mongoose.Types.ObjectId().toHexString();

function serviceKey(country: { toHexString(): string }, serviceNumber: string): string {
  return `${country.toHexString()}:${serviceNumber.toUpperCase()}`;
}

function valueOf(person: Record<string, unknown>, field: (typeof COMPARED)[number]): string {
  const value = person[field];
  if (value === undefined || value === null) return '';
  return typeof value === 'object' && 'toHexString' in value
    ? (value as { toHexString(): string }).toHexString()
    : String(value);
}
