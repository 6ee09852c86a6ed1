import type { Request, Response } from 'express';
import type { z } from 'zod';
import { FieldValidationError, StaleFormError, type FieldErrors } from './errors.ts';
import { flash, type Flash } from './flash.ts';
import { parse } from './validate.ts';

// Shared pieces of form routes.

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
  /** The flash message and the page to go to (303) once saved. */
  success: (saved: Saved) => { flash: Omit<Flash, 'type'>; redirect: string };
  /** Re-renders the form; the status (422, or 409 for a stale form) is already set. */
  refused: (refusal: FormRefusal) => Promise<void>;
  /** Multi-value fields, kept as arrays in the typed values. */
  listFields?: readonly string[];
  /** The record's revision now: a stale form comes back carrying it, so saving again means "keep mine". */
  currentRevision?: () => Promise<number>;
};

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
    const { flash: message, redirect } = options.success(saved);
    flash(req.session, { type: 'success', ...message });
    res.redirect(303, redirect);
  } catch (error) {
    if (!(error instanceof FieldValidationError)) throw error;
    const values = typedValues(req.body, options.listFields ?? []);
    if (error instanceof StaleFormError && options.currentRevision) {
      values.revision = String(await options.currentRevision());
    }
    res.status(error.status);
    await options.refused({ values, errors: error.fieldErrors });
  }
}
