import { z } from 'zod';
import { manyOf, text } from '../http/validate.ts';
import { API_SCOPES } from './api-scopes.ts';

// The form that makes a token: a name to know it by, what it may read, how long it lasts.

export const LIFETIMES = ['30', '90', '180', '365'] as const;
export const DEFAULT_LIFETIME = '90';

export const tokenSchema = z
  .object({
    name: text(80),
    scopes: manyOf(z.enum(API_SCOPES)).pipe(z.array(z.enum(API_SCOPES)).min(1, 'api:errors.noScope')),
    days: z.enum(LIFETIMES, 'api:errors.lifetime').transform(Number),
  })
  .strict();

export type TokenInput = z.output<typeof tokenSchema>;
