import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import mongoose from 'mongoose';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { i18n } from 'i18next';
import { i18nMiddleware } from '../i18n/i18n.middleware.ts';
import type { Language } from '../i18n/i18n.ts';
import { databaseDown, isOutageError } from './database-gate.ts';
import { HttpError } from './errors.ts';
import { viewLocals } from './view-locals.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';

// The one place errors become responses. Outside development no stack is ever shown.

export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof z.ZodError) return badInput(error);
  if (error instanceof mongoose.Error.CastError) return new HttpError(404, 'errors.notFound');
  if (error instanceof mongoose.Error.ValidationError) return new HttpError(400, 'errors.badRequest');
  if (error instanceof mongoose.Error.VersionError) return new HttpError(409, 'errors.changedMeanwhile');
  if (isDuplicateKey(error)) return new HttpError(409, 'errors.conflict');
  if (isOutageError(error)) return databaseDown();
  const status =
    (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
  if (status === 413) return new HttpError(413, 'errors.tooLarge');
  if (status === 415) return new HttpError(415, 'errors.unsupportedMediaType');
  if (status && status >= 400 && status < 500) return new HttpError(status, 'errors.badRequest');
  return new HttpError(500, 'errors.internal');
}

/**
 * A schema parsed straight from a query string (or a form) that refuses what it was sent: the
 * request is wrong, not the server, so 400 with the name of the value it could not use.
 */
function badInput(error: z.ZodError): HttpError {
  const issue = error.issues[0];
  const path = issue?.code === 'unrecognized_keys' ? issue.keys[0] : issue?.path.join('.');
  // a name the visitor typed is only echoed when it is a plain one
  const field = path && /^[A-Za-z0-9_.-]{1,40}$/.test(path) ? path : undefined;
  return field ? new HttpError(400, 'errors.badValue', { field }) : new HttpError(400, 'errors.badRequest');
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new HttpError(404, 'errors.notFound'));

export function errorHandler(logger: Logger, showStack: boolean, i18n: i18n, fallback: Language): ErrorRequestHandler {
  const translate = i18nMiddleware(i18n, fallback);
  return (error: unknown, req, res, next) => {
    const httpError = toHttpError(error);
    const log = req.log ?? logger;
    if (httpError.status >= 500) log.error({ err: error }, 'request failed');
    else log.warn({ status: httpError.status, reason: httpError.messageKey, userId: req.user?.id }, 'request refused');
    if (res.headersSent) return next(error);
    // errors before the i18n middleware (a body too large, a broken session) still speak the visitor's language
    if (!req.t) translate(req, res, () => undefined);
    const t = req.t;
    const message = t(httpError.messageKey, httpError.params);
    res.status(httpError.status);
    if ((httpError.status === 429 || httpError.status === 503) && typeof httpError.params.retryAfter === 'number') {
      res.set('Retry-After', String(httpError.params.retryAfter));
    }
    if (req.accepts(['html', 'json']) === 'json') {
      res.json({ error: { status: httpError.status, message, requestId: req.id } });
      return;
    }
    prepareLayout(req, res);
    const locals = {
      // a title of the message's own (errors.title.databaseDown), else the status's
      title: t([`errors.title.${httpError.messageKey.split('.').pop()}`, `errors.title.${httpError.status}`], {
        defaultValue: t('errors.title.default'),
      }),
      status: httpError.status,
      message,
      requestId: req.id,
      stack: showStack && error instanceof Error ? error.stack : undefined,
    };
    res.render('errors/error', locals, (renderError: Error | null, html: string) => {
      if (!renderError) return res.send(html);
      // never hand a failed error page to Express's own handler: it prints the stack
      log.error({ err: renderError }, 'error page failed');
      res.type('text/plain').send(`${message}\n${t('errors.reference', { id: String(req.id) })}\n`);
    });
  };
}

/** Errors can come before the middleware that prepares the layout (a CSRF refusal does): fill in what it needs. */
function prepareLayout(req: Request, res: Response): void {
  if (!('currentUser' in res.locals)) viewLocals(req, res, () => undefined);
  res.locals.flashes ??= [];
  res.locals.csrfToken ??= () => '';
}
