import { z } from 'zod';
import { FieldValidationError, type FieldErrors, type Translatable } from './errors.ts';

// One schema library at the edge. A message written into a schema is always a translation
// key; zod's own issues are mapped to generic keys here.

const TRANSLATION_KEY = /^[a-z]+[:.][A-Za-z0-9_.]+$/;

function translate(issue: z.core.$ZodIssue): Translatable {
  if (TRANSLATION_KEY.test(issue.message)) return { key: issue.message };
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

export function toFieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.code === 'unrecognized_keys' ? (issue.keys[0] ?? '_form') : String(issue.path[0] ?? '_form'); // an item of a list reports on its list
    errors[field] ??= translate(issue);
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

/** A required single-line text field. */
export const text = (max = 200) => z.string().trim().min(1).max(max);

/** An optional text field: an empty box becomes undefined. */
export const optionalText = (max = 200) =>
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
    .regex(/^[0-9a-f]{24}$/i, 'validation.invalid')
    .transform((id) => id.toLowerCase());

/** A form's multi-select or checkbox group: absent, one value or several. */
export const manyOf = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));

/** A checkbox: present ("on", "true", "1") or absent. */
export const checkbox = () => z.preprocess((v) => v === 'on' || v === 'true' || v === '1', z.boolean());

/** A page number from the query string, 1 when absent or nonsense. */
export const pageNumber = () =>
  z.preprocess((v) => (typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : 1), z.number().int().min(1));

/** The hidden revision of an edit form: what the record was when the form was opened (absent on a new record). */
export const formRevision = () =>
  z
    .string()
    .regex(/^\d{1,9}$/)
    .transform(Number)
    .optional();
