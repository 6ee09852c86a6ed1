import { z } from 'zod';
import {
  checkbox,
  formRevision,
  isSingleLine,
  manyOf,
  objectId,
  optionalMultilineText,
  optionalText,
  pageNumber,
  singleLine,
  text,
  optionalWholeNumber,
  wholeNumber,
} from '../http/validate.ts';
import { DELIVERY_MODES, type DeliveryLanguage } from './training-module.model.ts';
import { DELIVERY_LANGUAGES, isLanguage as isInterfaceLanguage, LANGUAGES, type Language } from '../i18n/i18n.ts';
import { isObjectId } from '../db/object-id.ts';

// The module form as a browser sends it: every value a string, lists as repeated names,
// objectives one per line in a textarea, tags separated by commas.

export const MAX_OBJECTIVES = 20;
export const MAX_TAGS = 20;

/** Hours: a positive number, halves and quarters allowed (1.5, 0.75). */
const hours = z
  .string()
  .trim()
  .min(1)
  .regex(/^\d{1,4}([.,]\d{1,2})?$/, 'modules:hours.format')
  .transform((v) => Number(v.replace(',', '.')))
  .pipe(z.number().gt(0, 'modules:hours.format').max(1000, 'modules:hours.format'));

/** Lines of a textarea: trimmed, empty lines dropped; each line holds no other control character. */
const lines = (max: number) =>
  z
    .string()
    .max(20_000)
    .transform((v) =>
      v
        .split(/\r\n?|\n/)
        .map((line) => line.trim())
        .filter((line) => line !== ''),
    )
    .pipe(
      z
        .array(z.string().refine(isSingleLine, 'validation.singleLine').max(max, 'modules:objectives.tooLong'))
        .max(MAX_OBJECTIVES, 'modules:objectives.tooMany'),
    );

/** Tags: comma-separated, lower case, trimmed, each once. */
const tags = z
  .string()
  .max(2_000)
  .transform((v) => [
    ...new Set(
      v
        .split(',')
        .map((tag) => tag.trim().toLowerCase().replace(/\s+/g, ' '))
        .filter((tag) => tag !== ''),
    ),
  ])
  .pipe(
    z
      .array(z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]{0,39}$/u, 'modules:tags.format'))
      .max(MAX_TAGS, 'modules:tags.tooMany'),
  );

const isLanguage = (value: unknown): value is DeliveryLanguage =>
  typeof value === 'string' && (DELIVERY_LANGUAGES as readonly string[]).includes(value);

/** A checkbox group reported on the group as a whole; repeats dropped. */
const checkboxGroup = <T extends string>(accepts: (value: unknown) => value is T, message: string) =>
  manyOf(z.unknown())
    .refine((values) => values.every(accepts), message)
    .transform((values) => [...new Set(values as T[])]);

/** Rows of the title's translations on the form: one per interface language. */
export const TRANSLATION_ROWS = LANGUAGES.length;
const TITLE_MAX = 200;

/**
 * The translation rows (a language box and a title box, repeated) as one field. A row whose
 * title is empty is left out, whatever language it names: emptying the title removes that
 * translation. Each fault is reported on its own box (`titleTranslations.1.language`).
 */
const titleTranslations = z
  .object({ language: manyOf(z.string()), title: manyOf(z.string()) })
  .transform((boxes, ctx) => {
    const translations: { language: Language; title: string }[] = [];
    let faults = 0;
    const at = (row: number, box: 'language' | 'title', message: string, params?: Record<string, number>) => {
      faults += 1;
      ctx.addIssue({ code: 'custom', path: [row, box], message, ...(params ? { params } : {}) });
    };
    const rows = Math.max(boxes.language.length, boxes.title.length);
    if (rows > TRANSLATION_ROWS) {
      ctx.addIssue({ code: 'custom', path: [], message: 'modules:titleTranslations.tooMany' });
      return translations;
    }
    for (let row = 0; row < rows; row++) {
      const language = (boxes.language[row] ?? '').trim();
      const title = (boxes.title[row] ?? '').trim();
      if (title === '') continue;
      const faultsBefore = faults;
      if (language === '') at(row, 'language', 'modules:titleTranslations.chooseLanguage');
      else if (!isInterfaceLanguage(language)) at(row, 'language', 'validation.choice');
      else if (translations.some((t) => t.language === language))
        at(row, 'language', 'modules:titleTranslations.twice');
      if (!isSingleLine(title)) at(row, 'title', 'validation.singleLine');
      else if (title.length > TITLE_MAX) at(row, 'title', 'validation.tooLong', { max: TITLE_MAX });
      if (faults === faultsBefore) translations.push({ language: language as Language, title });
    }
    // stored in the order of the languages, so the same translations always compare equal
    return translations.sort((a, b) => LANGUAGES.indexOf(a.language) - LANGUAGES.indexOf(b.language));
  });

/** The form's translation boxes (repeated names) gathered into the one titleTranslations field. */
function gatherTranslations(body: unknown) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const { translationLanguage, translationTitle, ...rest } = body as Record<string, unknown>;
  return { ...rest, titleTranslations: { language: translationLanguage, title: translationTitle } };
}

const moduleFields = z
  .object({
    code: singleLine(100)
      .toUpperCase()
      .regex(/^[A-Z0-9][A-Z0-9.-]{1,19}$/, 'modules:code.format'),
    title: text(TITLE_MAX),
    titleTranslations,
    summary: optionalMultilineText(2000).transform((v) => v ?? ''),
    objectives: lines(300),
    hours,
    deliveryMode: z.enum(DELIVERY_MODES),
    audience: optionalText(300).transform((v) => v ?? ''),
    prerequisites: checkboxGroup(isObjectId, 'validation.invalid').transform((ids) => [
      ...new Set(ids.map((id) => id.toLowerCase())),
    ]),
    /** a training of trainers: the modules its completers may be granted to deliver (decision 0016) */
    qualifiesFor: checkboxGroup(isObjectId, 'validation.invalid').transform((ids) => [
      ...new Set(ids.map((id) => id.toLowerCase())),
    ]),
    hasPreTest: checkbox(),
    hasPostTest: checkbox(),
    /** empty: passing does not depend on a score; a number needs a post-test to compare with */
    passMark: optionalWholeNumber(0, 100),
    attendanceThreshold: wholeNumber(0, 100),
    /** 0: the certificate never expires */
    certificateValidityMonths: wholeNumber(0, 240),
    tags,
    // kept in the order of DELIVERY_LANGUAGES, so the same choice always compares equal
    languages: checkboxGroup(isLanguage, 'validation.choice').transform((chosen) =>
      DELIVERY_LANGUAGES.filter((language) => chosen.includes(language)),
    ),
    /** empty: a national module (admins only) */
    institution: z
      .literal('')
      .transform(() => undefined)
      .or(objectId())
      .optional(),
    /** the record's revision (__v) when the edit form was opened (hidden); absent on a new module */
    revision: formRevision(),
  })
  .strict()
  .refine((module) => module.passMark === null || module.hasPostTest, {
    path: ['passMark'],
    message: 'modules:passMark.needsPostTest',
  });

export const moduleSchema = z.preprocess(gatherTranslations, moduleFields);
export type ModuleInput = z.output<typeof moduleSchema>;

/** Which modules the list shows: "current" is drafts and published ones, the everyday view. */
export const MODULE_LIST_STATUSES = ['current', 'draft', 'published', 'archived', 'all'] as const;

export const moduleFilterSchema = z.object({
  q: optionalText(100).catch(undefined),
  status: z.enum(MODULE_LIST_STATUSES).default('current').catch('current'),
  tag: optionalText(40)
    .transform((v) => v?.toLowerCase())
    .catch(undefined),
  page: pageNumber(),
});
export type ModuleFilter = z.output<typeof moduleFilterSchema>;
