import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { ApiScope } from './api-scopes.ts';
import { bearerOf, scopesInForce, type Bearer } from './api-tokens.service.ts';
import { ApiProblem } from './problem.ts';

// Who is asking: a personal access token in the Authorization header (RFC 6750), never in the
// URL, where logs and browser histories keep it. Two limits, counted in this process's memory
// like the sign-in throttle (decision 0004): requests a minute per token, and refused tokens a
// minute per address, so nobody tries secrets at speed.

export type ApiLimits = { requestsPerMinute: number; refusalsPerMinute: number };
export const DEFAULT_API_LIMITS: ApiLimits = { requestsPerMinute: 300, refusalsPerMinute: 20 };

const BEARER = /^Bearer ([A-Za-z0-9_-]{1,200})$/;

/** The token's bearer, set by `authenticated` for the routes after it. */
export const bearer = (res: Response): Bearer => res.locals.bearer as Bearer;

function challenge(res: Response, error?: 'invalid_token' | 'insufficient_scope', scope?: ApiScope) {
  const parts = ['Bearer realm="cadre"', error && `error="${error}"`, scope && `scope="${scope}"`];
  res.set('WWW-Authenticate', parts.filter(Boolean).join(', '));
}

/** Sets the standard rate-limit headers (IETF draft RateLimit fields) from a limiter's answer. */
function tellLimit(res: Response, limit: number, state: RateLimiterRes) {
  res.set('RateLimit-Limit', String(limit));
  res.set('RateLimit-Remaining', String(Math.max(0, state.remainingPoints)));
  res.set('RateLimit-Reset', String(Math.ceil(state.msBeforeNext / 1000)));
}

function tooMany(res: Response, state: RateLimiterRes): ApiProblem {
  const seconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  res.set('Retry-After', String(seconds));
  return new ApiProblem('rateLimited', { seconds });
}

export function authenticated(limits: ApiLimits = DEFAULT_API_LIMITS): RequestHandler {
  const perToken = new RateLimiterMemory({ keyPrefix: 'api-token', points: limits.requestsPerMinute, duration: 60 });
  const refusals = new RateLimiterMemory({
    keyPrefix: 'api-refused',
    points: limits.refusalsPerMinute,
    duration: 60,
    blockDuration: 60,
  });

  async function refuse(req: Request, res: Response, code: 'unauthorized' | 'tokenExpired' | 'tokenRevoked') {
    await refusals.consume(req.ip ?? '').catch((error: unknown) => {
      if (!(error instanceof RateLimiterRes)) throw error;
    });
    challenge(res, 'invalid_token');
    return new ApiProblem(code);
  }

  return async (req, res, next) => {
    const header = req.get('authorization');
    if (!header) {
      challenge(res);
      return next(new ApiProblem('unauthorized'));
    }
    const refused = await refusals.get(req.ip ?? '');
    if (refused && refused.consumedPoints >= limits.refusalsPerMinute) return next(tooMany(res, refused));
    const secret = BEARER.exec(header)?.[1];
    const found = secret ? await bearerOf(secret, req.ip ?? '') : 'invalid';
    if (found === 'invalid') return next(await refuse(req, res, 'unauthorized'));
    if (found === 'expired') return next(await refuse(req, res, 'tokenExpired'));
    if (found === 'revoked') return next(await refuse(req, res, 'tokenRevoked'));
    try {
      tellLimit(res, limits.requestsPerMinute, await perToken.consume(found.token._id.toHexString()));
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      tellLimit(res, limits.requestsPerMinute, error);
      return next(tooMany(res, error));
    }
    res.locals.bearer = found;
    next();
  };
}

/**
 * Only for a token that holds the scope, and whose owner may still read these records on the
 * pages (api-scopes.ts): a token without it is told which scope it lacks; an owner who lost the
 * role is refused.
 */
export function requireScope(scope: ApiScope): RequestHandler {
  return (_req, res, next) => {
    const who = bearer(res);
    if (!who.token.scopes.includes(scope)) {
      challenge(res, 'insufficient_scope', scope);
      return next(new ApiProblem('insufficientScope', { scope }));
    }
    next(scopesInForce(who).includes(scope) ? undefined : new ApiProblem('forbidden'));
  };
}
