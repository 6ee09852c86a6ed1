import type { RequestHandler } from 'express';
import { hasRole, type Role } from '../access/actor.ts';
import { translateIsolated } from './bidi.ts';
import { formatSize } from './format-size.ts';
import { menuFor } from './navigation.ts';

// What every view may use besides t, lang, dir (i18n), csrfToken (csrf) and flashes;
// fileSize(bytes) reads the language when the view renders, after the i18n middleware;
// tb(key, values) is t with the values isolated in <bdi>, already escaped (output with <%-).
export const viewLocals: RequestHandler = (req, res, next) => {
  const user = req.user;
  res.locals.currentUser = user;
  res.locals.can = (...roles: Role[]) => (user ? hasRole(user, ...roles) : false);
  res.locals.currentPath = req.path;
  res.locals.menu = user ? menuFor(user, req.path) : [];
  res.locals.fileSize = (bytes: number) => formatSize(bytes, req.language);
  res.locals.tb = (key: string, values?: Record<string, unknown>) => translateIsolated(req.t, key, values);
  res.locals.errors = {};
  res.locals.values = {};
  if (user) res.set('Cache-Control', 'no-store');
  next();
};
