import type { RequestHandler } from 'express';
import { forbidden, HttpError } from '../http/errors.ts';
import { hasRole, type Role } from './actor.ts';

/** Anonymous visitors of a page go to sign-in and come back; other requests get 401. */
export const requireUser: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html') {
    if (req.session) req.session.returnTo = req.originalUrl;
    return res.redirect(303, '/login');
  }
  next(new HttpError(401, 'errors.unauthorized'));
};

/** Signed in and holding at least one of the roles; refused (403) otherwise. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    if (!req.user) return requireUser(req, res, next);
    next(hasRole(req.user, ...roles) ? undefined : forbidden());
  };
}

/** A person holding a generated password must choose their own before anything else. */
export const requirePasswordChosen: RequestHandler = (req, res, next) => {
  const allowed = ['/account/password', '/logout', '/language'];
  if (!req.user?.mustChangePassword || allowed.includes(req.path)) return next();
  if (req.method === 'GET') return res.redirect(303, '/account/password');
  next(forbidden('auth:password.mustChange'));
};

/** Only a path on this site: no scheme, no host, no protocol-relative "//", no backslashes or control characters. */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) return '/';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  if (/[\\\u0000-\u001f]/.test(value)) return '/';
  return value;
}
