import type { RequestHandler } from 'express';
import { flash } from '../http/flash.ts';

// Idle timeout is the cookie's rolling maxAge; this adds the absolute one (ASVS 3.3):
// a login session ends a fixed time after sign-in, however active it has been.
export function sessionLifetime(absoluteMs: number): RequestHandler {
  return (req, res, next) => {
    const signedInAt = req.session?.signedInAt;
    if (!req.user || (signedInAt && Date.now() - signedInAt < absoluteMs)) return next();
    req.logout((error) => {
      if (error) return next(error);
      flash(req.session, { type: 'info', key: 'auth:signIn.expired' });
      res.redirect(303, '/login');
    });
  };
}
