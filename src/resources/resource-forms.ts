import type { Config } from '../config.ts';
import { FieldValidationError, type FieldErrors, type Translatable } from '../http/errors.ts';
import { DELIVERY_LANGUAGES } from '../i18n/i18n.ts';
import { formatSize } from '../http/format-size.ts';
import { RESOURCE_AUDIENCES, RESOURCE_KINDS } from './resource.model.ts';
import { UploadRefusal, MAX_FILES } from '../storage/upload.ts';
import { ALLOWED_EXTENSIONS } from '../storage/upload-type.ts';

// What the resource forms need to be shown again after a refusal, and their choices.

export type FormRefusal = {
  status: number;
  errors: FieldErrors;
  fileProblems: Translatable[];
  /** the text fields as typed; file inputs can never be refilled */
  values: Record<string, string>;
};

const FIELDS = ['title', 'kind', 'language', 'audience'];

/** The refusal to show beside the fields, or undefined for an error that is not about the form. */
export function formRefusal(error: unknown, body: unknown): FormRefusal | undefined {
  if (!(error instanceof FieldValidationError || error instanceof UploadRefusal)) return undefined;
  const typed = (body ?? {}) as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const field of FIELDS) if (typeof typed[field] === 'string') values[field] = typed[field];
  return {
    status: error.status,
    errors: error.fieldErrors,
    fileProblems: error instanceof UploadRefusal ? error.fileProblems : [],
    values,
  };
}

export function resourceFormOptions(config: Config, language: string) {
  return {
    kinds: RESOURCE_KINDS,
    languages: DELIVERY_LANGUAGES,
    audiences: RESOURCE_AUDIENCES,
    maxSize: formatSize(config.uploadMaxBytes, language),
    maxFiles: MAX_FILES,
    /** a hint to the browser's file picker; the server decides by content all the same */
    accept: ALLOWED_EXTENSIONS.map((e) => `.${e}`).join(','),
  };
}
