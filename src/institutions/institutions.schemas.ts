import { z } from 'zod';
import { isTimeZone } from '../i18n/time-zones.ts';
import { formRevision, objectId, optionalText, pageNumber, singleLine, text } from '../http/validate.ts';
import { INSTITUTION_TYPES } from './institution.model.ts';

export const institutionSchema = z
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
    /** the institution's __v when the edit form was opened (hidden); absent on a new one */
    revision: formRevision(),
  })
  .strict();
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
