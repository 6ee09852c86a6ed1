import { z } from 'zod';
import { ROLES, type Role } from '../access/actor.ts';
import { LANGUAGES } from '../i18n/i18n.ts';
import { formRevision, manyOf, objectId, optionalText, pageNumber, text } from '../http/validate.ts';
import { GENDERS } from './person.model.ts';
import { isObjectId } from '../db/object-id.ts';

/** An id as stored: MongoDB prints ids in lower case, and scope checks compare strings. */
const id = () => objectId().transform((v) => v.toLowerCase());

const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/**
 * A checkbox group. A bad box is reported on the group as a whole ("roles", not "roles.1"),
 * so the message shows beside the group in the form. Repeats are dropped.
 */
const checkboxGroup = <T extends string>(accepts: (value: unknown) => value is T, message: string) =>
  manyOf(z.unknown())
    .refine((values) => values.every(accepts), message)
    .transform((values) => [...new Set(values as T[])]);

export const personSchema = z
  .object({
    fullName: text(200),
    email: optionalText(254).pipe(z.email('validation.email').toLowerCase().optional()),
    serviceNumber: optionalText(40).pipe(
      z
        .string()
        .regex(/^[\p{L}\p{N}/-]+$/u, 'people:serviceNumber.format')
        .optional(),
    ),
    rank: optionalText(100),
    gender: z.enum(GENDERS),
    institution: z
      .literal('')
      .transform(() => undefined)
      .or(id())
      .optional(),
    roles: checkboxGroup(isRole, 'validation.choice').pipe(z.array(z.enum(ROLES)).min(1, 'people:roles.required')),
    scopeInstitutions: checkboxGroup(isObjectId, 'validation.invalid').transform((ids) => [
      ...new Set(ids.map((v) => v.toLowerCase())),
    ]),
    language: z.enum(LANGUAGES),
    /** profileRevision when the edit form was opened (hidden); absent on a new person */
    revision: formRevision(),
  })
  .strict();
export type PersonInput = z.output<typeof personSchema>;

export const peopleFilterSchema = z.object({
  q: optionalText(100).catch(undefined),
  role: z.enum(ROLES).optional().catch(undefined),
  institution: id().optional().catch(undefined),
  gender: z.enum(GENDERS).optional().catch(undefined),
  status: z.enum(['active', 'inactive', 'all']).default('active').catch('active'),
  page: pageNumber(),
});
export type PeopleFilter = z.output<typeof peopleFilterSchema>;

export const preferencesSchema = z.object({ language: z.enum(LANGUAGES) }).strict();
