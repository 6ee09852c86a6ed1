import { z } from 'zod';
import { singleLine } from '../http/validate.ts';
import { newPasswordSchema } from './password-policy.ts';

export const signInSchema = z
  .object({
    email: singleLine(254).toLowerCase().min(1),
    password: z.string().min(1).max(1024),
  })
  .strict();

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
