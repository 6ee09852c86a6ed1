import { z } from 'zod';
import { DELIVERY_LANGUAGES } from '../i18n/i18n.ts';
import {
  checkbox,
  formRevision,
  manyOf,
  multilineText,
  objectId,
  optionalMultilineText,
  optionalText,
  pageNumber,
} from '../http/validate.ts';
import { SESSION_STATUSES } from './training-session.model.ts';

/** Rows of day boxes on the form; empty rows are ignored. */
export const DAY_ROWS = 5;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const boxes = () => manyOf(z.string().trim().max(20));
const optionalId = () =>
  z
    .literal('')
    .transform(() => undefined)
    .or(objectId())
    .optional();
/** A datetime-local box ("YYYY-MM-DDTHH:MM"), read in the venue's zone; empty is none. */
const localDateTime = () =>
  z
    .string()
    .trim()
    .regex(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})?$/, 'sessions:errors.dateTime')
    .transform((v) => (v === '' ? undefined : v))
    .optional();

export type DayInput = { date: string; start: string; end: string };

export const sessionSchema = z
  .object({
    module: z.string().min(1, 'sessions:errors.chooseModule').pipe(objectId()),
    institution: z.string().min(1, 'sessions:errors.chooseVenue').pipe(objectId()),
    room: optionalText(100),
    timeZone: optionalText(100),
    date: boxes(),
    start: boxes(),
    end: boxes(),
    language: z.enum(DELIVERY_LANGUAGES),
    capacity: z
      .string()
      .regex(/^\d{1,4}$/, 'sessions:errors.capacity')
      .transform(Number)
      .pipe(z.number().int().min(1, 'sessions:errors.capacity').max(1000, 'sessions:errors.capacity')),
    lead: optionalId(),
    coTrainers: manyOf(objectId()),
    enrolmentOpens: localDateTime(),
    enrolmentCloses: localDateTime(),
    requiresApproval: checkbox(),
    withdrawalCutoffHours: z
      .string()
      .regex(/^\d{1,4}$/, 'sessions:errors.cutoff')
      .transform(Number),
    notes: optionalMultilineText(2000),
    override: checkbox(),
    overrideReason: optionalText(500),
    /** ticked when the form warned that the first day is over: the training was held, record it */
    pastConfirmed: checkbox(),
    /** the session's version when the edit form was opened (hidden); absent on a new session */
    version: formRevision(),
  })
  .strict()
  .transform((input, ctx) => {
    const days: DayInput[] = [];
    const rows = Math.max(input.date.length, input.start.length, input.end.length);
    for (let i = 0; i < rows; i += 1) {
      const day = { date: input.date[i] ?? '', start: input.start[i] ?? '', end: input.end[i] ?? '' };
      if (!day.date && !day.start && !day.end) continue;
      if (!DATE.test(day.date) || !TIME.test(day.start) || !TIME.test(day.end)) {
        ctx.addIssue({ code: 'custom', path: ['days'], message: 'sessions:errors.dayIncomplete' });
        return z.NEVER;
      }
      if (day.end <= day.start) {
        ctx.addIssue({ code: 'custom', path: ['days'], message: 'sessions:errors.endBeforeStart' });
        return z.NEVER;
      }
      const previous = days.at(-1);
      if (previous && day.date <= previous.date) {
        ctx.addIssue({ code: 'custom', path: ['days'], message: 'sessions:errors.daysOrder' });
        return z.NEVER;
      }
      days.push(day);
    }
    if (days.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['days'], message: 'sessions:errors.noDays' });
      return z.NEVER;
    }
    if (input.override && !input.overrideReason) {
      ctx.addIssue({ code: 'custom', path: ['overrideReason'], message: 'sessions:errors.overrideReason' });
      return z.NEVER;
    }
    return {
      module: input.module,
      institution: input.institution,
      room: input.room,
      timeZone: input.timeZone,
      days,
      language: input.language,
      capacity: input.capacity,
      lead: input.lead,
      coTrainers: input.coTrainers,
      enrolmentOpens: input.enrolmentOpens,
      enrolmentCloses: input.enrolmentCloses,
      requiresApproval: input.requiresApproval,
      withdrawalCutoffHours: input.withdrawalCutoffHours,
      notes: input.notes,
      override: input.override,
      overrideReason: input.overrideReason,
      pastConfirmed: input.pastConfirmed,
      version: input.version,
    };
  });
export type SessionInput = z.output<typeof sessionSchema>;

export const cancelSchema = z.object({ reason: multilineText(500) }).strict();

const optionalFilterId = () => objectId().optional().catch(undefined);
const optionalFilterDate = () => z.string().regex(DATE).optional().catch(undefined);

/** current: not yet over; past: over (cancelled ones under their own filter); then each status. */
export const SESSION_STATUS_FILTERS = ['current', 'past', ...SESSION_STATUSES, 'all'] as const;

export const sessionFilterSchema = z.object({
  status: z.enum(SESSION_STATUS_FILTERS).default('current').catch('current'),
  module: optionalFilterId(),
  institution: optionalFilterId(),
  trainer: optionalFilterId(),
  from: optionalFilterDate(),
  to: optionalFilterDate(),
  page: pageNumber(),
});
export type SessionFilter = z.output<typeof sessionFilterSchema>;

export const copySchema = z.object({ shift: z.enum(['none', 'week']).default('none').catch('none') });
