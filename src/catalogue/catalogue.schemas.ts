import { z } from 'zod';
import { optionalText, pageNumber } from '../http/validate.ts';
import { DELIVERY_MODES } from '../modules/module-lookups.service.ts';
import { DELIVERY_LANGUAGES } from '../i18n/i18n.ts';

// The catalogue's query string: nonsense in any filter is ignored, never an error.
export const catalogueFilterSchema = z.object({
  q: optionalText(100).catch(undefined),
  tag: optionalText(40)
    .transform((v) => v?.toLowerCase())
    .catch(undefined),
  language: z.enum(DELIVERY_LANGUAGES).optional().catch(undefined),
  mode: z.enum(DELIVERY_MODES).optional().catch(undefined),
  page: pageNumber(),
});
export type CatalogueFilter = z.output<typeof catalogueFilterSchema>;
