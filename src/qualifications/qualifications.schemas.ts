import { z } from 'zod';
import { objectId } from '../http/validate.ts';

// Recording a trainer's qualification to deliver a module.

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const qualificationSchema = z
  .object({
    module: z.string().min(1, 'sessions:errors.chooseModule').pipe(objectId()),
    qualifiedOn: z.string().regex(DATE, 'sessions:errors.date'),
  })
  .strict();
export type QualificationInput = z.output<typeof qualificationSchema>;
