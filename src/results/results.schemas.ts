import { z } from 'zod';
import { OUTCOMES } from './result-rules.ts';

// The closing form: per participant (by person id) an optional changed outcome and its reason;
// reopening: the reason. Field names are `outcome-<person id>` and `reason-<person id>`.

const PERSON_FIELD = /^(outcome|reason)-([0-9a-f]{24})$/;

export const closeSchema = z.record(z.string(), z.string().max(500)).transform((body, ctx) => {
  const outcomes: Record<string, (typeof OUTCOMES)[number]> = {};
  const reasons: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === 'confirm') continue;
    const match = PERSON_FIELD.exec(name);
    if (!match) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'errors.badRequest' });
      continue;
    }
    const [, kind, person] = match as unknown as [string, 'outcome' | 'reason', string];
    if (kind === 'reason') reasons[person] = value;
    else if ((OUTCOMES as readonly string[]).includes(value)) outcomes[person] = value as (typeof OUTCOMES)[number];
    else ctx.addIssue({ code: 'custom', path: [name], message: 'results:errors.unknownOutcome' });
  }
  return { outcomes, reasons };
});
export type CloseInput = z.output<typeof closeSchema>;

export const reopenSchema = z
  .object({ reason: z.string().trim().min(1, 'results:errors.reasonNeeded').max(500) })
  .strict();
export type ReopenInput = z.output<typeof reopenSchema>;
