import { z } from 'zod';
import { isTimeZone } from '../i18n/time-zones.ts';
import {
  formRevision,
  isSingleLine,
  manyOf,
  objectId,
  optionalText,
  pageNumber,
  singleLine,
  text,
} from '../http/validate.ts';
import { INSTITUTION_TYPES, MAX_SIGNATORIES } from './institution.model.ts';

export { MAX_SIGNATORIES };
const LIMITS = { name: 100, role: 150 } as const;

/**
 * The signatory rows (a name box and a position box, repeated) as one field. A row left empty
 * is dropped; a row needs both; each fault is reported on its own box (`signatories.1.role`).
 */
const signatories = z.object({ name: manyOf(z.string()), role: manyOf(z.string()) }).transform((boxes, ctx) => {
  const people: { name: string; role: string }[] = [];
  let faults = 0;
  const at = (row: number, box: 'name' | 'role', message: string, params?: Record<string, number>) => {
    faults += 1;
    ctx.addIssue({ code: 'custom', path: [row, box], message, ...(params ? { params } : {}) });
  };
  const rows = Math.max(boxes.name.length, boxes.role.length);
  if (rows > MAX_SIGNATORIES) {
    ctx.addIssue({ code: 'custom', path: [], message: 'institutions:signatories.tooMany' });
    return people;
  }
  for (let row = 0; row < rows; row++) {
    const person = { name: (boxes.name[row] ?? '').trim(), role: (boxes.role[row] ?? '').trim() };
    if (!person.name && !person.role) continue;
    const faultsBefore = faults;
    for (const box of ['name', 'role'] as const) {
      if (!person[box]) at(row, box, `institutions:signatories.${box}Needed`);
      else if (!isSingleLine(person[box])) at(row, box, 'validation.singleLine');
      else if (person[box].length > LIMITS[box]) at(row, box, 'validation.tooLong', { max: LIMITS[box] });
    }
    if (faults === faultsBefore) people.push(person);
  }
  return people;
});

/** The form's signatory boxes (repeated names) gathered into the one signatories field. */
function gatherSignatories(body: unknown) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const { signatoryName, signatoryRole, ...rest } = body as Record<string, unknown>;
  return { ...rest, signatories: { name: signatoryName, role: signatoryRole } };
}

const institutionFields = z
  .object({
    name: text(200),
    code: singleLine(100)
      .toUpperCase()
      .regex(/^[A-Z0-9-]{2,20}$/, 'institutions:code.format'),
    type: z.enum(INSTITUTION_TYPES),
    // lower case, as MongoDB prints ids: the country-change check compares strings
    country: z
      .string()
      .min(1, 'validation.required')
      .pipe(objectId())
      .transform((v) => v.toLowerCase()),
    city: optionalText(100),
    /** empty: the country's usual time zone */
    timeZone: z
      .literal('')
      .transform(() => undefined)
      .or(z.string().refine(isTimeZone, 'validation.timeZone')),
    signatories,
    /** the institution's __v when the edit form was opened (hidden); absent on a new one */
    revision: formRevision(),
  })
  .strict();

export const institutionSchema = z.preprocess(gatherSignatories, institutionFields);
export type InstitutionInput = z.output<typeof institutionSchema>;

export const institutionFilterSchema = z.object({
  q: optionalText(100).catch(undefined),
  type: z.enum(INSTITUTION_TYPES).optional().catch(undefined),
  country: objectId()
    .transform((v) => v.toLowerCase())
    .optional()
    .catch(undefined),
  status: z.enum(['active', 'inactive', 'all']).default('active').catch('active'),
  page: pageNumber(),
});
export type InstitutionFilter = z.output<typeof institutionFilterSchema>;
