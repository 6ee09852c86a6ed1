import { z } from 'zod';
import { singleLine } from '../http/validate.ts';

export const signInSchema = z
  .object({
    email: singleLine(254).toLowerCase().min(1),
    password: z.string().min(1).max(1024),
  })
  .strict();
