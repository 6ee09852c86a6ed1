import { z } from 'zod';
import { checkbox, manyOf, objectId, singleLine } from '../http/validate.ts';

// The forms of the roster page: adding one person, ticking several, filtering candidates.

export const addPersonSchema = z
  .object({
    person: z.string().min(1, 'validation.required').pipe(objectId()),
    /** enrol without the module's prerequisites: given from the warning's form, with a reason */
    override: checkbox(),
    // checked where the warning is known (checkPrerequisites), so its message shows in the warning
    overrideReason: z.string().optional(),
  })
  .strict();

export const addPeopleSchema = z
  .object({ people: manyOf(objectId()).pipe(z.array(z.string()).min(1).max(1000)) })
  .strict();

/** The roster page's filter of people to add. */
export const candidateFilterSchema = z.object({
  q: singleLine(100).optional().catch(undefined),
  institution: objectId().optional().catch(undefined),
});
export type CandidateFilter = z.output<typeof candidateFilterSchema>;
