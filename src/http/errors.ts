// Errors that carry an HTTP status and a translation key; the error handler renders them.

export type Translatable = { key: string; params?: Record<string, string | number> };

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly messageKey: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(messageKey);
    this.name = 'HttpError';
  }
}

/** A form field that failed a rule; routes re-render the form with these beside the fields. */
export type FieldErrors = Record<string, Translatable>;

export class FieldValidationError extends HttpError {
  constructor(
    readonly fieldErrors: FieldErrors,
    status = 422,
  ) {
    super(status, 'errors.validation');
    this.name = 'FieldValidationError';
  }
}

/**
 * The form was opened before someone else saved the record: nothing is saved, the form comes
 * back (409) with what this person typed, and saving again replaces the other change knowingly.
 */
export class StaleFormError extends FieldValidationError {
  constructor(messageKey: string) {
    super({ _form: { key: messageKey } }, 409);
    this.name = 'StaleFormError';
  }
}

export const badRequest = (key = 'errors.badRequest', params?: Record<string, string | number>) =>
  new HttpError(400, key, params);
export const forbidden = (key = 'errors.forbidden') => new HttpError(403, key);
export const notFound = (key = 'errors.notFound') => new HttpError(404, key);
export const conflict = (key: string, params?: Record<string, string | number>) => new HttpError(409, key, params);
export const tooManyRequests = (key: string, params?: Record<string, string | number>) =>
  new HttpError(429, key, params);
export const fieldError = (field: string, key: string, params?: Record<string, string | number>) =>
  new FieldValidationError({ [field]: { key, ...(params ? { params } : {}) } });
