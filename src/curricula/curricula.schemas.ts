import { z } from 'zod';
import { objectId, optionalMultilineText, optionalText, pageNumber, singleLine, text } from '../http/validate.ts';

/** The curriculum version the page was showing: a change made from an older page is refused (409). */
const version = () =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'validation.invalid')
    .transform(Number);

const details = {
  title: text(200),
  code: singleLine(100)
    .toUpperCase()
    .regex(/^[A-Z0-9-]{2,30}$/, 'curricula:code.format'),
  description: optionalMultilineText(2000),
  /** empty: a national curriculum (admins only) */
  institution: z
    .literal('')
    .transform(() => undefined)
    .or(objectId())
    .optional(),
};

export const curriculumSchema = z.object(details).strict();
export type CurriculumInput = z.output<typeof curriculumSchema>;

export const curriculumUpdateSchema = z.object({ ...details, version: version() }).strict();
export type CurriculumUpdateInput = z.output<typeof curriculumUpdateSchema>;

export const ITEM_KINDS = ['required', 'elective'] as const;

export const addItemSchema = z
  .object({
    module: z.string().min(1, 'curricula:items.chooseModule').pipe(objectId()),
    kind: z.enum(ITEM_KINDS),
    version: version(),
  })
  .strict();
export type AddItemInput = z.output<typeof addItemSchema>;

export const itemKindSchema = z.object({ kind: z.enum(ITEM_KINDS), version: version() }).strict();

/** Moving or removing an item: the module is in the path, the body only says which version was shown. */
export const itemChangeSchema = z.object({ version: version() }).strict();

/** A module id in the path of an item action. */
export const moduleIdParam = objectId();

/** "current" is draft and published: archived curricula are out of the way unless asked for. */
export const CURRICULUM_STATUS_FILTERS = ['current', 'draft', 'published', 'archived', 'all'] as const;

export const curriculumFilterSchema = z.object({
  q: optionalText(100).catch(undefined),
  status: z.enum(CURRICULUM_STATUS_FILTERS).default('current').catch('current'),
  page: pageNumber(),
});
export type CurriculumFilter = z.output<typeof curriculumFilterSchema>;
