import { z } from 'zod';

export const signInSchema = z
  .object({
    email: z.string().trim().toLowerCase().min(1).max(254),
    password: z.string().min(1).max(1024),
  })
  .strict();
