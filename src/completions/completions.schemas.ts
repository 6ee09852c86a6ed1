import { DateTime } from 'luxon';
import { z } from 'zod';
import { isObjectId } from '../db/object-id.ts';
import { formRevision, objectId, optionalText, pageNumber, text } from '../http/validate.ts';
import { RECORD_RESULTS } from './completion-record.model.ts';

// The forms and the list's filters of completion records, as a browser sends them: every value
// a string. A reason is required for every change (a correction, a reissue, a revocation, a
// record entered by hand): it is what the history shows beside who and when.

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The statuses the list filters by: the stored ones, and expired (a valid record past its expiry). */
export const STATUS_FILTERS = ['valid', 'expired', 'revoked', 'superseded', 'withdrawn'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
/** The usual windows of "expiring within N days"; any number of days up to ten years is taken. */
export const EXPIRING_CHOICES = [30, 60, 90] as const;
export const MAX_EXPIRING_DAYS = 3650;

const optionalId = () => objectId().optional().catch(undefined);

export const listFilterSchema = z.object({
  q: optionalText(100).catch(undefined),
  institution: optionalId(),
  module: optionalId(),
  session: optionalId(),
  status: z.enum(STATUS_FILTERS).optional().catch(undefined),
  expiring: z
    .string()
    .regex(/^\d{1,4}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_EXPIRING_DAYS))
    .optional()
    .catch(undefined),
  page: pageNumber(),
});
export type ListFilter = z.output<typeof listFilterSchema>;

/** A day typed in a date box (YYYY-MM-DD) that exists. */
const day = () =>
  z
    .string()
    .trim()
    .min(1)
    .refine((v) => DATE.test(v) && DateTime.fromISO(v, { zone: 'utc' }).isValid, 'completions:errors.date');

/** A share or a score: 0 to 100, one decimal at most (a comma taken for a point); empty is none. */
const percent = () =>
  z
    .string()
    .trim()
    .refine(
      (v) => v === '' || (/^\d{1,3}([.,]\d)?$/.test(v) && Number(v.replace(',', '.')) <= 100),
      'completions:errors.percent',
    )
    .transform((v) => (v === '' ? null : Number(v.replace(',', '.'))));

const isHours = (v: string) =>
  /^\d{1,4}([.,]\d{1,2})?$/.test(v) && Number(v.replace(',', '.')) > 0 && Number(v.replace(',', '.')) <= 1000;

/** Hours as modules have them: positive, halves and quarters allowed, at most 1,000. */
const hours = () =>
  z
    .string()
    .trim()
    .min(1)
    .refine(isHours, 'completions:errors.hours')
    .transform((v) => Number(v.replace(',', '.')));

/** The same, or an empty box: none given. */
const optionalHours = () =>
  z
    .string()
    .trim()
    .refine((v) => v === '' || isHours(v), 'completions:errors.hours')
    .transform((v) => (v === '' ? undefined : Number(v.replace(',', '.'))));

/** Why: required, line breaks kept. */
const reason = () => z.string().trim().min(1, 'completions:errors.reasonNeeded').max(500);

/** A choice among the ids a form offered; an empty box says what to choose. */
const chosen = (message: string) =>
  z
    .string()
    .refine(isObjectId, message)
    .transform((id) => id.toLowerCase());

/** The first day on or before the last, and the last not after today (the training took place). */
function datesInOrder(dates: { startedOn: string; endedOn: string }, ctx: z.RefinementCtx) {
  if (dates.startedOn > dates.endedOn) {
    ctx.addIssue({ code: 'custom', path: ['endedOn'], message: 'completions:errors.datesOrder' });
  }
  // a day ahead of UTC: it is already tomorrow in Almaty while still today in Tunis
  const latest = DateTime.utc().plus({ days: 1 }).toISODate();
  if (dates.endedOn > latest) ctx.addIssue({ code: 'custom', path: ['endedOn'], message: 'completions:errors.future' });
}

export const correctSchema = z
  .object({
    nameAsIssued: text(200),
    startedOn: day(),
    endedOn: day(),
    hours: hours(),
    attendancePercent: percent(),
    pre: percent(),
    post: percent(),
    result: z.enum(RECORD_RESULTS),
    reason: reason(),
    revision: formRevision(),
  })
  .strict()
  .superRefine(datesInOrder);
export type CorrectInput = z.output<typeof correctSchema>;

/** Reissuing and revoking: the reason, and the revision the page showed. */
export const reasonSchema = z.object({ reason: reason(), revision: formRevision() }).strict();
export type ReasonInput = z.output<typeof reasonSchema>;

export const manualSchema = z
  .object({
    person: chosen('completions:manual.choosePerson'),
    module: chosen('completions:manual.chooseModule'),
    institution: chosen('completions:manual.chooseInstitution'),
    startedOn: day(),
    endedOn: day(),
    /** empty: the module's hours */
    hours: optionalHours(),
    reason: reason(),
  })
  .strict()
  .superRefine(datesInOrder);
export type ManualInput = z.output<typeof manualSchema>;

/** The person picker of the manual entry: what was searched for (name or service number). */
export const pickerSchema = z.object({ q: optionalText(100).catch(undefined) });
