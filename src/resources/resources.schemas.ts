import { z } from 'zod';
import { optionalText, text } from '../http/validate.ts';
import { DELIVERY_LANGUAGES } from '../i18n/i18n.ts';
import { RESOURCE_AUDIENCES, RESOURCE_KINDS } from './resource.model.ts';

/** The fields of the upload form beside its files; the title may stay empty (see titleFor). */
export const uploadSchema = z
  .object({
    title: optionalText(200),
    kind: z.enum(RESOURCE_KINDS),
    language: z.enum(DELIVERY_LANGUAGES),
    audience: z.enum(RESOURCE_AUDIENCES),
  })
  .strict();
export type UploadInput = z.output<typeof uploadSchema>;

/** The details form of a resource: everything but the file. */
export const detailsSchema = uploadSchema.extend({ title: text(200) }).strict();
export type DetailsInput = z.output<typeof detailsSchema>;

/** A version number in a URL: anything else finds nothing. */
export const versionNumber = z
  .string()
  .regex(/^[1-9]\d{0,5}$/)
  .transform(Number);
