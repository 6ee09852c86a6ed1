import { recordsOfPerson } from '../completions/completion-queries.service.ts';
import type { PrerequisiteCheck } from '../enrolments/prerequisite-check.ts';
import { prerequisitesOf } from '../modules/module-lookups.service.ts';
import { modulesLearned } from './learning-rules.ts';

/**
 * The prerequisites of a module that a person has not completed: what enrolment asks before a
 * person enrols themselves or is enrolled by a coordinator (handed to enrolments and scheduling
 * by app.ts: decision 0008). A prerequisite is knowledge, not a licence: a completed record
 * counts whether valid, expired or superseded; a revoked one does not (learning-rules.ts). A
 * module without prerequisites costs one read of the module; the person's records are read
 * only when there is something to check.
 */
export const missingPrerequisites: PrerequisiteCheck = async (personId, moduleId) => {
  const required = await prerequisitesOf(moduleId);
  if (required.length === 0) return [];
  const learned = modulesLearned(await recordsOfPerson(personId));
  return required.filter((module) => !learned.has(module._id.toHexString()));
};
