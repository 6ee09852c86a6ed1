import { z } from 'zod';
import { FieldValidationError, type FieldErrors, type Translatable } from './errors.ts';
import { isObjectId } from '../db/object-id.ts';

// One schema library at the edge. A message written into a schema is always a translation
// key; zod's own issues are mapped to generic keys here.

const TRANSLATION_KEY = /^[a-z]+[:.][A-Za-z0-9_.]+$/;

function translate(issue: z.core.$ZodIssue): Translatable {
  if (TRANSLATION_KEY.test(issue.message)) {
    const params = issue.code === 'custom' ? (issue.params as Translatable['params']) : undefined;
    return params ? { key: issue.message, params } : { key: issue.message };
  }
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === ''
        ? { key: 'validation.required' }
        : { key: 'validation.invalid' };
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1
          ? { key: 'validation.required' }
          : { key: 'validation.tooShort', params: { min: Number(issue.minimum) } };
      }
      if (issue.origin === 'array' || issue.origin === 'set') return { key: 'validation.chooseOne' };
      return { key: 'validation.tooSmall', params: { min: Number(issue.minimum) } };
    case 'too_big':
      return issue.origin === 'string'
        ? { key: 'validation.tooLong', params: { max: Number(issue.maximum) } }
        : { key: 'validation.tooBig', params: { max: Number(issue.maximum) } };
    case 'invalid_format':
      return issue.format === 'email' ? { key: 'validation.email' } : { key: 'validation.invalid' };
    case 'invalid_value':
      return { key: 'validation.choice' };
    case 'unrecognized_keys':
      return { key: 'validation.unexpectedField' };
    default:
      return { key: 'validation.invalid' };
  }
}

/**
 * The box an issue is told beside: an item of a list reports on its list (`coTrainers`), a box
 * of a row on itself (`days.2.end`, path list → row → box).
 */
function fieldOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return issue.keys[0] ?? '_form';
  if (issue.path.length >= 3) return issue.path.slice(0, 3).map(String).join('.');
  return String(issue.path[0] ?? '_form');
}

export function toFieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    errors[fieldOf(issue)] ??= translate(issue);
  }
  return errors;
}

/** Parses input or throws FieldValidationError with a message key per field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new FieldValidationError(toFieldErrors(result.error));
  return result.data;
}

// Building blocks for form schemas. Bodies come from urlencoded forms: every value is a
// string, or an array when a name repeats; an object (e.g. {"$gt": ""}) is never accepted.

// Line breaks (CR, LF, U+2028/9), tabs and other control characters, and the bidi overrides
// that make a name read differently than it is stored. A one-line field (a name, a title, a
// code, a room) that holds them breaks headers, CSV rows, logs and e-mail subjects. Marks that
// Arabic and Persian text needs (ZWJ, ZWNJ, LRM, RLM) stay allowed.
const NOT_ONE_LINE = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u;

/** Whether a value fits on one line: no line break, tab, other control character or bidi override. */
export const isSingleLine = (value: string): boolean => !NOT_ONE_LINE.test(value);

/**
 * The one building block of single-line fields: trimmed, at most max characters, and refused
 * with validation.singleLine when it holds a line break or another control character.
 * Textareas (summaries, descriptions, notes) use multilineText instead.
 */
export const singleLine = (max = 200) => z.string().trim().refine(isSingleLine, 'validation.singleLine').max(max);

/** A required single-line text field. */
export const text = (max = 200) => singleLine(max).min(1);

/** An optional single-line text field: an empty box becomes undefined. */
export const optionalText = (max = 200) =>
  singleLine(max)
    .transform((v) => (v === '' ? undefined : v))
    .optional();

/** A required textarea: line breaks kept. */
export const multilineText = (max = 2000) => z.string().trim().min(1).max(max);

/** An optional textarea: line breaks kept, an empty box becomes undefined. */
export const optionalMultilineText = (max = 2000) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === '' ? undefined : v))
    .optional();

/** A 24-hex MongoDB id. */
export const objectId = () =>
  z
    .string()
    .refine(isObjectId, 'validation.invalid')
    .transform((id) => id.toLowerCase());

/**
 * A whole number typed into a bounded box: an empty box is "required"; a sign, a fraction, a
 * word or a number out of range is told the range ("Enter a whole number from 0 to 100.").
 */
export const wholeNumber = (min: number, max: number, message = 'validation.wholeNumber') =>
  z.string().trim().min(1).refine(inRange(min, max), { message, params: { min, max } }).transform(Number);

/** wholeNumber whose empty box means none (null). */
export const optionalWholeNumber = (min: number, max: number, message = 'validation.wholeNumber') =>
  z
    .string()
    .trim()
    .refine((v) => v === '' || inRange(min, max)(v), { message, params: { min, max } })
    .transform((v) => (v === '' ? null : Number(v)));

const inRange = (min: number, max: number) => (v: string) =>
  /^\d{1,9}$/.test(v) && Number(v) >= min && Number(v) <= max;

/** A form's multi-select or checkbox group: absent, one value or several. */
export const manyOf = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));

/** A checkbox: present ("on", "true", "1") or absent. */
export const checkbox = () => z.preprocess((v) => v === 'on' || v === 'true' || v === '1', z.boolean());

/** Beyond this a page number is nonsense anyway; the list clamps to its last page. */
const MAX_PAGE = 1_000_000;

/**
 * A page number from the query string or a form: 1 when absent or nonsense, 0 and negatives
 * clamp to 1 and huge numbers to MAX_PAGE (the list then clamps to its last page). It never
 * fails, so no list answers an error for a hand-edited ?page=.
 */
export const pageNumber = () =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^[+-]?\d{1,20}$/.test(v.trim()) ? Math.min(Math.max(1, Number(v)), MAX_PAGE) : 1),
    z.number().int().min(1),
  );

/** The hidden revision of an edit form: what the record was when the form was opened (absent on a new record). */
export const formRevision = () =>
  z
    .string()
    .regex(/^\d{1,9}$/)
    .transform(Number)
    .optional();
