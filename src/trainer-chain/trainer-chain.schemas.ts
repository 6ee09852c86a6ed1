import { z } from 'zod';
import { objectId, pageNumber } from '../http/validate.ts';

// Granting a qualification from a completion: the button of one record and one module.
export const grantSchema = z.object({ record: objectId(), module: objectId() }).strict();
export type GrantInput = z.output<typeof grantSchema>;

// A trainer's page: which page of the sessions they delivered.
export const trainerPageSchema = z.object({ page: pageNumber() });
