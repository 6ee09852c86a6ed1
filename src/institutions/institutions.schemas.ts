import { z } from 'zod';
import { isTimeZone } from '../http/time-zones.ts';
import { objectId, optionalText, pageNumber, text } from '../http/validate.ts';
import { INSTITUTION_TYPES } from './institution.model.ts';

export const institutionSchema = z
  .object({
    name: text(200),
    code: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9-]{2,20}$/, 'institutions:code.format'),
    type: z.enum(INSTITUTION_TYPES),
    country: objectId(),
    city: optionalText(100),
    timeZone: z.string().refine(isTimeZone, 'validation.timeZone'),
  })
  .strict();
export type InstitutionInput = z.output<typeof institutionSchema>;

export const institutionFilterSchema = z.object({
  q: optionalText(100).catch(undefined),
  type: z.enum(INSTITUTION_TYPES).optional().catch(undefined),
  country: objectId().optional().catch(undefined),
  status: z.enum(['active', 'inactive', 'all']).default('active').catch('active'),
  page: pageNumber(),
});
export type InstitutionFilter = z.output<typeof institutionFilterSchema>;
