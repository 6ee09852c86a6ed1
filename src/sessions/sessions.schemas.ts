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
  wholeNumber,
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

/** A day as typed, with its row on the form (empty rows are skipped) for messages about it. */
export type DayInput = { date: string; start: string; end: string; row: number };

/**
 * The rows of day boxes as one field, checked whatever else is wrong with the form (so every
 * message comes in one round), each fault reported on its own box: `days.2.end`.
 */
const daysField = z.object({ date: boxes(), start: boxes(), end: boxes() }).transform((boxes, ctx) => {
  const days: DayInput[] = [];
  let faults = 0;
  const at = (row: number, box: 'date' | 'start' | 'end', message: string) => {
    faults += 1;
    ctx.addIssue({ code: 'custom', path: [row, box], message });
  };
  let previous: DayInput | undefined;
  const rows = Math.max(boxes.date.length, boxes.start.length, boxes.end.length);
  for (let i = 0; i < rows; i += 1) {
    const day = { date: boxes.date[i] ?? '', start: boxes.start[i] ?? '', end: boxes.end[i] ?? '', row: i };
    if (!day.date && !day.start && !day.end) continue;
    const faultsBefore = faults;
    if (!DATE.test(day.date)) at(i, 'date', 'sessions:errors.date');
    if (!TIME.test(day.start)) at(i, 'start', 'sessions:errors.startTime');
    if (!TIME.test(day.end)) at(i, 'end', 'sessions:errors.endTime');
    else if (TIME.test(day.start) && day.end <= day.start) at(i, 'end', 'sessions:errors.endBeforeStart');
    if (DATE.test(day.date) && previous && day.date <= previous.date) at(i, 'date', 'sessions:errors.daysOrder');
    if (DATE.test(day.date)) previous = day;
    if (faults === faultsBefore) days.push(day);
  }
  if (days.length === 0 && faults === 0) {
    ctx.addIssue({ code: 'custom', path: [], message: 'sessions:errors.noDays' });
  }
  return days;
});

/** The form's date, start and end boxes (repeated names) gathered into the one days field. */
function gatherDays(body: unknown) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const { date, start, end, ...rest } = body as Record<string, unknown>;
  return { ...rest, days: { date, start, end } };
}

export const sessionSchema = z.preprocess(
  gatherDays,
  z
    .object({
      module: z.string().min(1, 'sessions:errors.chooseModule').pipe(objectId()),
      institution: z.string().min(1, 'sessions:errors.chooseVenue').pipe(objectId()),
      room: optionalText(100),
      timeZone: optionalText(100),
      days: daysField,
      language: z.enum(DELIVERY_LANGUAGES),
      capacity: wholeNumber(1, 1000, 'sessions:errors.capacity'),
      lead: optionalId(),
      coTrainers: manyOf(objectId()),
      enrolmentOpens: localDateTime(),
      enrolmentCloses: localDateTime(),
      requiresApproval: checkbox(),
      withdrawalCutoffHours: wholeNumber(0, 9999, 'sessions:errors.cutoff'),
      notes: optionalMultilineText(2000),
      override: checkbox(),
      overrideReason: optionalText(500),
      /** ticked when the form warned that the first day is over: the training was held, record it */
      pastConfirmed: checkbox(),
      /** the session's version when the edit form was opened (hidden); absent on a new session */
      version: formRevision(),
    })
    .strict()
    // told beside the other messages, not in a round of its own
    .superRefine(
      (input, ctx) => {
        if (input.override && !input.overrideReason) {
          ctx.addIssue({ code: 'custom', path: ['overrideReason'], message: 'sessions:errors.overrideReason' });
        }
      },
      { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
    ),
);
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
