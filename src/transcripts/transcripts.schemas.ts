import { z } from 'zod';
import { LANGUAGES } from '../i18n/i18n.ts';
import { objectId, optionalText, pageNumber } from '../http/validate.ts';
import { STANDINGS } from './learning-rules.ts';

// The query strings of the transcript pages: filters that never fail (a hand-edited value is
// dropped, as in every list), and the PDF's language.

export const transcriptFilterSchema = z.object({
  status: z.enum(STANDINGS).optional().catch(undefined),
  year: z
    .string()
    .regex(/^\d{4}$/)
    .transform(Number)
    .optional()
    .catch(undefined),
});
export type TranscriptFilter = z.output<typeof transcriptFilterSchema>;

/** The PDF's language: the person's own unless another is chosen. */
export const transcriptPdfSchema = z.object({ lang: z.enum(LANGUAGES).optional().catch(undefined) });

export const progressFilterSchema = z.object({
  institution: objectId().optional().catch(undefined),
  q: optionalText(100).catch(undefined),
  page: pageNumber(),
});
export type ProgressFilter = z.output<typeof progressFilterSchema>;
