import { DateTime } from 'luxon';
import { z } from 'zod';
import { ROLES } from '../access/actor.ts';
import { RECORD_RESULTS, STATUS_FILTERS } from '../completions/completions.service.ts';
import { objectId, optionalText, toFieldErrors } from '../http/validate.ts';
import { GENDERS } from '../people/people.service.ts';
import { SESSION_STATUS_FILTERS } from '../sessions/sessions.schemas.ts';
import { idOfCursor } from './cursor.ts';
import { ApiProblem } from './problem.ts';

// The API's query parameters, checked strictly: a parameter it does not know, a repeated one or
// a value out of its range is refused with a 400 naming it, never dropped, since a reader who
// misspells a filter would otherwise get more records than asked and not know it.

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 100;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const day = () =>
  z.string().refine((v) => DAY.test(v) && DateTime.fromISO(v, { zone: 'utc' }).isValid, 'api:parameters.day');

const paging = {
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'api:parameters.limit')
    .transform(Number)
    .pipe(z.number().int().min(1, 'api:parameters.limit').max(PAGE_LIMIT_MAX, 'api:parameters.limit'))
    .default(PAGE_LIMIT_DEFAULT),
  cursor: z
    .string()
    .refine((v) => idOfCursor(v) !== undefined, 'api:parameters.cursor')
    .transform((v) => idOfCursor(v))
    .optional(),
};

export const peopleQuery = z
  .object({
    ...paging,
    q: optionalText(100),
    role: z.enum(ROLES).optional(),
    institution: objectId().optional(),
    gender: z.enum(GENDERS).optional(),
    status: z.enum(['active', 'inactive', 'all']).default('all'),
  })
  .strict();

export const sessionsQuery = z
  .object({
    ...paging,
    status: z.enum(SESSION_STATUS_FILTERS).default('all'),
    institution: objectId().optional(),
    module: objectId().optional(),
    trainer: objectId().optional(),
    from: day().optional(),
    to: day().optional(),
  })
  .strict();

export const completionsQuery = z
  .object({
    ...paging,
    institution: objectId().optional(),
    country: objectId().optional(),
    module: objectId().optional(),
    ended_from: day().optional(),
    ended_to: day().optional(),
    result: z.enum(RECORD_RESULTS).optional(),
    status: z.enum(STATUS_FILTERS).optional(),
    gender: z.enum(GENDERS).optional(),
  })
  .strict();

/** The query's parameters, or a 400 problem naming each one refused and why. */
export function parseQuery<S extends z.ZodType>(
  schema: S,
  query: unknown,
  t: (key: string, params?: Record<string, unknown>) => string,
): z.output<S> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const refused = Object.entries(toFieldErrors(result.error)).map(([name, message]) => ({
    name,
    // the forms' words for it speak of a form
    reason: message.key === 'validation.unexpectedField' ? t('api:parameters.unknown') : t(message.key, message.params),
  }));
  throw new ApiProblem('invalidParameters', {}, refused);
}
