import { Router, type NextFunction, type Request, type Response } from 'express';
import type { i18n, TFunction } from 'i18next';
import type { Logger } from 'pino';
import { audit, withRequestAddress } from '../audit/audit.ts';
import { exportedRecord, recordsAfter } from '../completions/record-export.service.ts';
import { databaseGate, isOutageError } from '../http/database-gate.ts';
import { HttpError } from '../http/errors.ts';
import { chooseLanguage, type Language } from '../i18n/i18n.ts';
import { personRow, personViewed, peopleAfter } from '../people/people.service.ts';
import { getSession, sessionsAfter } from '../sessions/sessions.service.ts';
import { withNames } from '../sessions/session-queries.service.ts';
import { authenticated, bearer, requireScope, type ApiLimits } from './api-auth.ts';
import { completionsQuery, parseQuery, peopleQuery, sessionsQuery } from './api-queries.ts';
import { completionJson, personJson, sessionJson } from './api-representations.ts';
import { scopesInForce } from './api-tokens.service.ts';
import { cursorAfter } from './cursor.ts';
import { openApiDocument } from './openapi.ts';
import { ApiProblem, sendProblem } from './problem.ts';

// The read-only JSON API (decision 0022), under /api/v1: people, sessions and completion
// records as their pages show them to the token's owner, a page at a time by cursor. Mounted
// before the login sessions and CSRF: a request carries a token, never a cookie, so a browser
// signed in to Cadre cannot be made to call it for someone else.

export type ApiDependencies = {
  i18n: i18n;
  defaultLanguage: Language;
  logger: Logger;
  /** the address the document names as its server: PUBLIC_URL's, else a path on this host */
  baseUrl: string;
  limits?: ApiLimits;
};

const translator = (res: Response): TFunction => res.locals.apiT as TFunction;

/**
 * The first page of a list read through the API is recorded like an export (decision 0019): who,
 * with which token, which list and filters. The pages after it (those with a cursor) continue the
 * same reading and are not recorded again.
 */
async function auditListRead(res: Response, list: string, filters: Record<string, unknown>, cursor: unknown) {
  if (cursor !== undefined) return;
  const { actor, token } = bearer(res);
  const given = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined));
  await audit(actor, {
    action: 'api.list',
    institutions: typeof given.institution === 'string' ? [given.institution] : actor.scopeInstitutionIds,
    details: { list, token: token.name, filters: given },
  });
}

/** A page of rows: one more than asked is read, so the last page says it is the last. */
function sendPage<Row extends { _id: { toHexString(): string } }>(
  res: Response,
  rows: Row[],
  limit: number,
  toJson: (row: Row) => unknown,
) {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  res.set('Cache-Control', 'no-store');
  res.json({
    data: shown.map(toJson),
    next_cursor: rows.length > limit && last ? cursorAfter(last._id) : null,
  });
}

export function apiRouter(deps: ApiDependencies): Router {
  const router = Router();
  router.use((req, _res, next) => withRequestAddress(req.ip ?? '', next)); // where from, for the audit log

  router.use((req, res, next) => {
    const language = chooseLanguage(undefined, undefined, (...l) => req.acceptsLanguages(...l), deps.defaultLanguage);
    res.locals.apiT = deps.i18n.getFixedT(language);
    res.set('Content-Language', language);
    next();
  });

  // the description is public: it holds no record, and clients read it before they hold a token
  router.get('/v1/openapi.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600');
    res.json(openApiDocument(`${deps.baseUrl}/api/v1`));
  });

  router.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    res.set('Allow', 'GET, HEAD');
    next(new ApiProblem('methodNotAllowed'));
  });
  router.use(databaseGate);
  router.use(authenticated(deps.limits));

  router.get('/v1/me', async (_req, res) => {
    const who = bearer(res);
    const person = await personRow(who.actor, who.actor.id);
    res.set('Cache-Control', 'no-store').json({
      person: personJson(person),
      token: {
        name: who.token.name,
        scopes: who.token.scopes,
        scopes_in_force: scopesInForce(who),
        expires_at: who.token.expiresAt.toISOString(),
      },
    });
  });

  router.get('/v1/people', requireScope('read:people'), async (req, res) => {
    const { limit, cursor, ...filter } = parseQuery(peopleQuery, req.query, translator(res));
    await auditListRead(res, 'people', filter, cursor);
    sendPage(res, await peopleAfter(bearer(res).actor, filter, cursor, limit + 1), limit, personJson);
  });

  router.get('/v1/people/:id', requireScope('read:people'), async (req, res) => {
    const { actor } = bearer(res);
    const person = await personRow(actor, String(req.params.id));
    await personViewed(actor, person._id, person.institution?._id, { via: 'api' });
    res.set('Cache-Control', 'no-store').json(personJson(person));
  });

  router.get('/v1/sessions', requireScope('read:sessions'), async (req, res) => {
    const { limit, cursor, ...filter } = parseQuery(sessionsQuery, req.query, translator(res));
    await auditListRead(res, 'sessions', filter, cursor);
    sendPage(res, await sessionsAfter(bearer(res).actor, filter, cursor, limit + 1), limit, sessionJson);
  });

  router.get('/v1/sessions/:id', requireScope('read:sessions'), async (req, res) => {
    const session = await getSession(bearer(res).actor, String(req.params.id));
    const [named] = await withNames([session.toObject()]);
    res.set('Cache-Control', 'no-store').json(sessionJson(named!));
  });

  router.get('/v1/completions', requireScope('read:completions'), async (req, res) => {
    const { limit, cursor, ...filters } = parseQuery(completionsQuery, req.query, translator(res));
    await auditListRead(res, 'completions', filters, cursor);
    const query = {
      institution: filters.institution,
      country: filters.country,
      modules: filters.module ? [filters.module] : undefined,
      endedFrom: filters.ended_from,
      endedTo: filters.ended_to,
      result: filters.result,
      status: filters.status,
      gender: filters.gender,
    };
    sendPage(res, await recordsAfter(bearer(res).actor, query, cursor, limit + 1), limit, completionJson);
  });

  router.get('/v1/completions/:id', requireScope('read:completions'), async (req, res) => {
    const record = await exportedRecord(bearer(res).actor, String(req.params.id));
    res.set('Cache-Control', 'no-store').json(completionJson(record));
  });

  router.use((_req, _res, next) => next(new ApiProblem('notFound')));

  // every error answered as a problem: the pages' errors (404 out of scope, 403, the database
  // gate's 503) keep their status; anything else is a 500 with the request's id, logged
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const requestId = res.getHeader('X-Request-Id') as string | undefined;
    const t = translator(res);
    if (error instanceof ApiProblem) return sendProblem(res, t, error);
    if (error instanceof HttpError && error.status === 503) {
      res.set('Retry-After', String(error.params.retryAfter ?? 5));
      return sendProblem(res, t, new ApiProblem('databaseDown'));
    }
    if (error instanceof HttpError && error.status === 404) return sendProblem(res, t, new ApiProblem('notFound'));
    if (error instanceof HttpError && error.status === 403) return sendProblem(res, t, new ApiProblem('forbidden'));
    if (isOutageError(error)) {
      res.set('Retry-After', '5');
      return sendProblem(res, t, new ApiProblem('databaseDown'));
    }
    deps.logger.error({ err: error, requestId, path: req.path }, 'API request failed');
    sendProblem(res, t, new ApiProblem('internal'), requestId);
  });

  return router;
}
