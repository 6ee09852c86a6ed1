import type { RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { HttpError } from './errors.ts';

// Synchronizer tokens kept in the login session; every form carries one in "_csrf".
// A multipart (upload) form carries it in its action's query string instead, so the
// token is checked here, before any file is parsed or written; the request logs mask it
// (see redactUrl) and Referrer-Policy keeps it on this site.

const { csrfSynchronisedProtection, generateToken } = csrfSync({
  getTokenFromRequest: (req) => {
    if (req.is('multipart/form-data')) {
      const fromQuery: unknown = req.query._csrf;
      return typeof fromQuery === 'string' ? fromQuery : undefined;
    }
    const fromBody: unknown = (req.body as Record<string, unknown> | undefined)?._csrf;
    return typeof fromBody === 'string' ? fromBody : req.get('x-csrf-token');
  },
});

export const csrfProtection: RequestHandler = (req, res, next) => {
  res.locals.csrfToken = () => generateToken(req);
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
  csrfSynchronisedProtection(req, res, (error?: unknown) => {
    if (error) return next(new HttpError(403, 'errors.csrf'));
    // Express 5 leaves req.body undefined when no parser ran (no body, text/plain, multipart
    // before an upload route's parser); routes read fields from it, so they get an empty form
    req.body ??= {};
    const body = req.body as Record<string, unknown> | undefined;
    if (body && typeof body === 'object') delete body._csrf;
    next();
  });
};
