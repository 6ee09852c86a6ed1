import { z } from 'zod';
import { ROLES } from '../auth/actor.ts';
import { newPasswordSchema } from '../auth/password-policy.ts';
import { LANGUAGES } from '../i18n/i18n.ts';
import { manyOf, objectId, optionalText, pageNumber, text } from '../http/validate.ts';
import { GENDERS } from './user.model.ts';

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
      .or(objectId())
      .optional(),
    roles: manyOf(z.enum(ROLES)).pipe(z.array(z.enum(ROLES)).min(1, 'people:roles.required')),
    scopeInstitutions: manyOf(objectId()),
    language: z.enum(LANGUAGES),
  })
  .strict();
export type PersonInput = z.output<typeof personSchema>;

export const peopleFilterSchema = z.object({
  q: optionalText(100).catch(undefined),
  role: z.enum(ROLES).optional().catch(undefined),
  institution: objectId().optional().catch(undefined),
  gender: z.enum(GENDERS).optional().catch(undefined),
  status: z.enum(['active', 'inactive', 'all']).default('active').catch('active'),
  page: pageNumber(),
});
export type PeopleFilter = z.output<typeof peopleFilterSchema>;

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1).max(1024),
    newPassword: newPasswordSchema,
    confirmPassword: z.string().max(1024),
  })
  .strict()
  .refine((v) => v.newPassword === v.confirmPassword, { message: 'auth:password.mismatch', path: ['confirmPassword'] });

export const resetPasswordSchema = z
  .object({ newPassword: newPasswordSchema, confirmPassword: z.string().max(1024) })
  .strict()
  .refine((v) => v.newPassword === v.confirmPassword, { message: 'auth:password.mismatch', path: ['confirmPassword'] });

export const preferencesSchema = z.object({ language: z.enum(LANGUAGES) }).strict();
