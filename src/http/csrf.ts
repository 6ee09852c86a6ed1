import type { Request, RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { HttpError } from './errors.ts';

// Synchronizer tokens kept in the login session; every form carries one in "_csrf".
// A multipart (upload) form of materials carries it in its action's query string instead, so
// the token is checked here, before any file is parsed or written; the request logs mask it
// (see redactUrl) and Referrer-Policy keeps it on this site.
// A multipart form whose files are small and kept in memory (a CSV of service numbers) carries
// the token in its body, out of history and logs: its parser (`parsedFirst`) runs here, before
// the check, so the check still comes before the route, and a refused request stores nothing.

/** A multipart form parsed before the check, with its token in the body (never in the query). */
export type ParsedFirst = { matches: (req: Request) => boolean; parse: RequestHandler };

const bodyToken = new WeakSet<Request>();

const { csrfSynchronisedProtection, generateToken } = csrfSync({
  getTokenFromRequest: (req) => {
    if (req.is('multipart/form-data') && !bodyToken.has(req)) {
      const fromQuery: unknown = req.query._csrf;
      return typeof fromQuery === 'string' ? fromQuery : undefined;
    }
    const fromBody: unknown = (req.body as Record<string, unknown> | undefined)?._csrf;
    return typeof fromBody === 'string' ? fromBody : req.get('x-csrf-token');
  },
});

export function csrfProtection(parsedFirst: readonly ParsedFirst[] = []): RequestHandler {
  const check: RequestHandler = (req, res, next) => {
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
  return (req, res, next) => {
    res.locals.csrfToken = () => generateToken(req);
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    const form = req.is('multipart/form-data') ? parsedFirst.find((p) => p.matches(req)) : undefined;
    if (!form) return check(req, res, next);
    bodyToken.add(req);
    form.parse(req, res, (error?: unknown) => (error ? next(error) : check(req, res, next)));
  };
}
