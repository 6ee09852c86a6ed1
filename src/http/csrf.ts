import type { RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { HttpError } from './errors.ts';

// Synchronizer tokens kept in the login session; every form carries one in "_csrf".
// Multipart bodies are refused here: upload routes parse them with their own
// middleware and check the token right after (none exist yet).

const { csrfSynchronisedProtection, generateToken } = csrfSync({
  getTokenFromRequest: (req) => {
    const fromBody: unknown = (req.body as Record<string, unknown> | undefined)?._csrf;
    return typeof fromBody === 'string' ? fromBody : req.get('x-csrf-token');
  },
});

export const csrfProtection: RequestHandler = (req, res, next) => {
  res.locals.csrfToken = () => generateToken(req);
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
  if (req.is('multipart/form-data')) return next(new HttpError(415, 'errors.unsupportedMediaType'));
  csrfSynchronisedProtection(req, res, (error?: unknown) => {
    if (error) return next(new HttpError(403, 'errors.csrf'));
    const body = req.body as Record<string, unknown> | undefined;
    if (body && typeof body === 'object') delete body._csrf;
    next();
  });
};
