import { DateTime } from 'luxon';
import { z } from 'zod';
import { objectId, optionalText, optionalWholeNumber, pageNumber, text, wholeNumber } from '../http/validate.ts';
import { QUARTERS, TARGET_KINDS } from './workplan.model.ts';
import { AUDIT_ACTIONS } from '../audit/audit.ts';
import { EXPORT_FORMATS } from '../exports/table-download.ts';
import { RECORD_RESULTS, STATUS_FILTERS } from '../completions/completions.service.ts';
import { GENDERS } from '../people/people.service.ts';

// The reports' filters, as a browser sends them. An export's filters are checked strictly: a
// day that does not exist, or a period that ends before it starts, is refused beside its field
// rather than dropped, since an export without it would hold more than was asked.

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const optionalDay = () =>
  z
    .string()
    .trim()
    .refine((v) => v === '' || (DATE.test(v) && DateTime.fromISO(v, { zone: 'utc' }).isValid), 'reports:errors.day')
    .transform((v) => v || undefined)
    .optional();

const optionalId = () =>
  z
    .string()
    .trim()
    .transform((v) => v || undefined)
    .pipe(objectId().optional())
    .optional();

const optionalChoice = <T extends readonly [string, ...string[]]>(choices: T) =>
  z
    .string()
    .transform((v) => v || undefined)
    .pipe(z.enum(choices).optional())
    .optional();

export const completionExportSchema = z
  .object({
    from: optionalDay(),
    to: optionalDay(),
    country: optionalId(),
    institution: optionalId(),
    module: optionalId(),
    curriculum: optionalId(),
    result: optionalChoice(RECORD_RESULTS),
    status: optionalChoice(STATUS_FILTERS),
    gender: optionalChoice(GENDERS),
    rank: optionalText(100),
    format: z.enum(EXPORT_FORMATS).optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'reports:errors.periodOrder' });
export type CompletionExportFilter = z.output<typeof completionExportSchema>;

export const donorFilterSchema = z
  .object({
    from: optionalDay(),
    to: optionalDay(),
    country: optionalId(),
    institution: optionalId(),
    curriculum: optionalId(),
    format: z.enum(EXPORT_FORMATS).optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'reports:errors.periodOrder' });
export type DonorFilter = z.output<typeof donorFilterSchema>;

const optionalFilterId = () => objectId().optional().catch(undefined);

export const auditFilterSchema = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional()
    .catch(undefined),
  action: z.enum(AUDIT_ACTIONS).optional().catch(undefined),
  actor: optionalFilterId(),
  subject: optionalFilterId(),
  page: pageNumber(),
});
export type AuditFilter = z.output<typeof auditFilterSchema>;

const optionalMonth = () =>
  z
    .string()
    .trim()
    .refine((v) => v === '' || /^\d{4}-(0[1-9]|1[0-2])$/.test(v), 'reports:errors.month')
    .transform((v) => v || undefined)
    .optional();

export const dashboardFilterSchema = z
  .object({
    from: optionalMonth(),
    to: optionalMonth(),
    institution: optionalId(),
    module: optionalId(),
    /** a curriculum whose coverage of each institution's active staff is shown */
    curriculum: optionalId(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'reports:errors.periodOrder' });
export type DashboardFilter = z.output<typeof dashboardFilterSchema>;

export const workplanSchema = z
  .object({
    title: text(200),
    country: objectId(),
    year: wholeNumber(2000, 2100),
  })
  .strict();
export type WorkplanInput = z.output<typeof workplanSchema>;

export const activitySchema = z
  .object({
    title: text(200),
    quarter: z.enum(QUARTERS),
    kind: optionalChoice(TARGET_KINDS),
    curriculum: optionalId(),
    module: optionalId(),
    count: optionalWholeNumber(1, 1_000_000),
    womenShare: optionalWholeNumber(0, 100),
  })
  .strict();
export type ActivityInput = z.output<typeof activitySchema>;
