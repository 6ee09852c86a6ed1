import { LARGE_FORM_FIELD_LIMIT } from '../http/form-limits.ts';
import { z } from 'zod';
import type { RowInput } from './attendance-rules.ts';

// A day's grid as posted: one group of boxes per participant, named after the person's id
// (`status_<id>`, `minutes_<id>`, `note_<id>`, `reason_<id>`), and the "mark all present"
// button (`allPresent`). The values themselves are checked by the rules (attendance-rules.ts)
// against the day and the mark before them; here only the shape: each box once, a string, a
// known name. A body that is not a grid (another name, a repeated box) is refused as a whole.

const BOX = /^(status|minutes|note|reason)_([A-Za-z0-9]{1,40})$/;

/** Up to this many boxes a form (the urlencoded parser takes LARGE_FORM_FIELD_LIMIT parameters at most). */
const MAX_BOXES = LARGE_FORM_FIELD_LIMIT;

export const dayFormSchema = z
  .record(z.string(), z.unknown())
  .superRefine((body, ctx) => {
    const keys = Object.keys(body);
    if (keys.length > MAX_BOXES)
      ctx.addIssue({ code: 'custom', path: ['_form'], message: 'attendance:errors.tooMany' });
    for (const key of keys) {
      const value = body[key];
      if (key !== 'allPresent' && !BOX.test(key)) {
        ctx.addIssue({ code: 'custom', path: ['_form'], message: 'validation.unexpectedField' });
      } else if (typeof value !== 'string' || value.length > 2000) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'validation.invalid' });
      }
    }
  })
  .transform((body) => {
    const rows = new Map<string, RowInput>();
    for (const [key, value] of Object.entries(body)) {
      const match = BOX.exec(key);
      if (!match) continue;
      const [, box, id] = match as unknown as [string, keyof RowInput, string];
      rows.set(id.toLowerCase(), { ...rows.get(id.toLowerCase()), [box]: value as string });
    }
    return { rows, allPresent: body.allPresent !== undefined };
  });
export type DayFormInput = z.output<typeof dayFormSchema>;

export const DATE_PARAM = /^\d{4}-\d{2}-\d{2}$/;
