import { z } from 'zod';
import { isTimeZone } from '../i18n/time-zones.ts';
import { singleLine, text } from '../http/validate.ts';

export const countrySchema = z
  .object({
    code: singleLine(100)
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, 'countries:code.format'),
    name: text(100),
    timeZone: z.string().refine(isTimeZone, 'validation.timeZone'),
  })
  .strict();
export type CountryInput = z.output<typeof countrySchema>;
