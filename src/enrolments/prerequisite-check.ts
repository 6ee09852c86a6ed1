import mongoose from 'mongoose';
import { z } from 'zod';
import type { Actor } from '../access/actor.ts';
import { modulePolicy } from '../access/module.policy.ts';
import { can } from '../access/policy.ts';
import { FieldValidationError, type FieldErrors } from '../http/errors.ts';
import { optionalText, parse } from '../http/validate.ts';
import type { ModuleSummary } from '../modules/module-lookups.service.ts';

// A module's prerequisites are checked at enrolment against the person's completion records.
// Completions sit above enrolments (decision 0008), so the question is answered by the feature
// that reads them (transcripts' missingPrerequisites) and handed in by app.ts to the routers
// that enrol; this file only says what the question is and what a refusal carries.

export type MissingPrerequisite = Pick<ModuleSummary, '_id' | 'code' | 'title' | 'status' | 'institution' | 'country'>;

/** The prerequisites of the module that the person has not completed (none: they may enrol). */
export type PrerequisiteCheck = (personId: string, moduleId: string) => Promise<MissingPrerequisite[]>;

/** What an enrolment is checked with: the question, and a coordinator's override with its reason. */
export type PrerequisiteOptions = { check?: PrerequisiteCheck; override?: { given: boolean; reason?: string } };

type Id = mongoose.Types.ObjectId;

/** A coordinator's enrolment of someone without the module's prerequisites, as the enrolment keeps it. */
export type PrerequisiteOverride = { by: Id; at: Date; reason: string; missing: Id[] };

/** A coordinator's enrolment of someone who lacks prerequisites: the warning, or a message beside the reason. */
export class MissingPrerequisitesError extends FieldValidationError {
  constructor(
    readonly personId: string,
    readonly missing: MissingPrerequisite[],
    fieldErrors: FieldErrors = { _form: { key: 'enrolments:prerequisites.warning' } },
  ) {
    super(fieldErrors);
    this.name = 'MissingPrerequisitesError';
  }
}

/** The missing modules named in a sentence: "PCVE-01 Title, PCVE-02 Title". */
export const namesOf = (missing: readonly MissingPrerequisite[], separator = ', ') =>
  missing.map((m) => `${m.code} ${m.title}`).join(separator);

/** A missing module as a page shows it: linked to the catalogue when the reader may open it there. */
export function shownTo(actor: Actor, missing: readonly MissingPrerequisite[]) {
  return missing.map((m) => ({
    id: m._id.toHexString(),
    code: m.code,
    title: m.title,
    linked: m.status === 'published' && can(actor, modulePolicy, 'read', m),
  }));
}

const reasonSchema = z.object({ overrideReason: optionalText(500) });

/** Nothing missing: no override to keep; missing: refused, unless overridden with a reason. */
export async function checkPrerequisites(
  actor: Actor,
  module: Id,
  person: Id,
  options: PrerequisiteOptions | undefined,
): Promise<PrerequisiteOverride | undefined> {
  if (!options?.check) return undefined;
  const missing = await options.check(person.toHexString(), module.toHexString());
  if (missing.length === 0) return undefined;
  const id = person.toHexString();
  if (!options.override?.given) throw new MissingPrerequisitesError(id, missing);
  let reason: string | undefined;
  try {
    reason = parse(reasonSchema, { overrideReason: options.override.reason ?? '' }).overrideReason;
  } catch (error) {
    if (error instanceof FieldValidationError) throw new MissingPrerequisitesError(id, missing, error.fieldErrors);
    throw error;
  }
  if (!reason) {
    throw new MissingPrerequisitesError(id, missing, {
      overrideReason: { key: 'enrolments:prerequisites.reasonNeeded' },
    });
  }
  return { by: new mongoose.Types.ObjectId(actor.id), at: new Date(), reason, missing: missing.map((m) => m._id) };
}
