import type { Request, Response } from 'express';
import type { z } from 'zod';
import { FieldValidationError, HttpError, StaleFormError, type FieldErrors } from './errors.ts';
import { flash, type Flash } from './flash.ts';
import { parse } from './validate.ts';

// Shared pieces of form routes: handleForm for a form that is typed in, orRefusal for a button.

/**
 * Form values as they were typed, so a refused form comes back as the person left it: the
 * named multi-value fields (checkbox groups, multi-selects) always as arrays.
 */
export function typedValues(body: unknown, listFields: readonly string[]): Record<string, unknown> {
  const values = { ...(body as Record<string, unknown>) };
  for (const key of listFields) {
    const v = values[key];
    values[key] = v === undefined ? [] : Array.isArray(v) ? v : [v];
  }
  return values;
}

/** What a refused form is re-rendered with: the values as typed and a message per field. */
export type FormRefusal = { values: Record<string, unknown>; errors: FieldErrors };

export type FormOptions<S extends z.ZodType, Saved> = {
  schema: S;
  save: (input: z.output<S>) => Promise<Saved>;
  /** The flash message and the page to go to (303) once saved; `also`: messages shown after it. */
  success: (saved: Saved) => { flash: Omit<Flash, 'type'>; also?: Flash[]; redirect: string };
  /**
   * Re-renders the form; the status (422, 409 for a stale form, or a listed refusal's) is already
   * set. The error is there for a form that shows more than messages (a session's clashes).
   */
  refused: (refusal: FormRefusal, error: HttpError) => Promise<void>;
  /** Multi-value fields, kept as arrays in the typed values. */
  listFields?: readonly string[];
  /** The record's revision now: a stale form comes back carrying it, so saving again means "keep mine". */
  currentRevision?: () => Promise<number>;
  /** The name of the form's hidden revision field, when it is not `revision`. */
  revisionField?: string;
  /**
   * Message keys of other refusals (a 409 such as "this module is archived") that come back as
   * a message on the form, with their own status, instead of an error page.
   */
  refusals?: readonly string[];
};

/** Whether an error sends the form back to the person rather than to the error page. */
function isRefusal(error: unknown, refusals: readonly string[]): error is HttpError {
  if (error instanceof FieldValidationError) return true;
  return error instanceof HttpError && refusals.includes(error.messageKey);
}

function messagesOf(error: HttpError): FieldErrors {
  if (error instanceof FieldValidationError) return error.fieldErrors;
  const params = Object.keys(error.params).length > 0 ? { params: error.params } : {};
  return { _form: { key: error.messageKey, ...params } };
}

/**
 * The one form flow (convention 11): parse → save → flash → 303; a field error re-renders the
 * form with 422 and the input kept; a stale form (decision 0006) with 409 and the current revision.
 */
export async function handleForm<S extends z.ZodType, Saved>(
  req: Request,
  res: Response,
  options: FormOptions<S, Saved>,
): Promise<void> {
  try {
    const saved = await options.save(parse(options.schema, req.body));
    const { flash: message, also = [], redirect } = options.success(saved);
    flash(req.session, { type: 'success', ...message });
    for (const more of also) flash(req.session, more);
    res.redirect(303, redirect);
  } catch (error) {
    if (!isRefusal(error, options.refusals ?? [])) throw error;
    const values = typedValues(req.body, options.listFields ?? []);
    if (error instanceof StaleFormError && options.currentRevision) {
      values[options.revisionField ?? 'revision'] = String(await options.currentRevision());
    }
    res.status(error.status);
    await options.refused({ values, errors: messagesOf(error) }, error);
  }
}

/**
 * The flow of a button (enrol, approve, remove…): do it, then back (303) to the page it was
 * pressed on. A refusal the person can act on (409) comes back there as a message, not an
 * error page; the action flashes its own success.
 */
export async function orRefusal(req: Request, res: Response, back: string, action: () => Promise<void>) {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof HttpError) || error.status !== 409) throw error;
    flash(req.session, { type: 'error', key: error.messageKey, params: error.params });
  }
  res.redirect(303, back);
}
