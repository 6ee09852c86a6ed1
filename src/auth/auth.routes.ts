import { Router, type Request, type Response, type NextFunction } from 'express';
import type { PassportStatic } from 'passport';
import type { Logger } from 'pino';
import { tooManyRequests } from '../http/errors.ts';
import { flash } from '../http/flash.ts';
import { toFieldErrors } from '../http/validate.ts';
import type { Actor } from '../access/actor.ts';
import { signInSchema } from './auth.schemas.ts';
import { safeReturnTo } from '../access/guards.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

type Deps = { passport: PassportStatic; throttle: SignInThrottle; logger: Logger };

function authenticateWith(passport: PassportStatic, req: Request, res: Response, next: NextFunction) {
  return new Promise<Actor | false>((resolve, reject) => {
    passport.authenticate('local', (error: unknown, user: Actor | false) => (error ? reject(error) : resolve(user)))(
      req,
      res,
      next,
    );
  });
}

function logIn(req: Request, user: Actor) {
  const returnTo = safeReturnTo(req.session.returnTo);
  // passport 0.7 regenerates the session here: the old id stops working
  return new Promise<string>((resolve, reject) =>
    req.login(user, (error) => {
      if (error) return reject(error);
      req.session.signedInAt = Date.now();
      resolve(returnTo);
    }),
  );
}

export function authRouter({ passport, throttle, logger }: Deps): Router {
  const router = Router();

  router.get('/login', (req, res) => {
    if (req.user) return res.redirect(303, '/');
    res.render('auth/login', { title: req.t('auth:signIn.title') });
  });

  // not handleForm: a refused sign-in is 401 with only the e-mail typed back, throttled first,
  // and a success signs in (passport) and goes back to where the person was going
  router.post('/login', async (req, res, next) => {
    const parsed = signInSchema.safeParse(req.body);
    const email = typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase().slice(0, 254) : '';
    if (!parsed.success) {
      return res.status(422).render('auth/login', {
        title: req.t('auth:signIn.title'),
        values: { email },
        errors: toFieldErrors(parsed.error),
      });
    }
    const address = req.ip ?? 'unknown';
    const wait = await throttle.retryAfterSeconds(email, address);
    if (wait > 0) {
      logger.warn({ event: 'sign-in.throttled', email, address, requestId: req.id }, 'sign-in throttled');
      throw tooManyRequests('auth:signIn.throttled', { count: Math.ceil(wait / 60), retryAfter: wait });
    }
    const user = await authenticateWith(passport, req, res, next);
    if (!user) {
      await throttle.recordFailure(email, address);
      logger.warn({ event: 'sign-in.failed', email, address, requestId: req.id }, 'sign-in failed');
      return res.status(401).render('auth/login', {
        title: req.t('auth:signIn.title'),
        values: { email },
        errors: { _form: { key: 'auth:signIn.failed' } },
      });
    }
    await throttle.recordSuccess(email, address);
    const returnTo = await logIn(req, user);
    logger.info({ event: 'sign-in.succeeded', userId: user.id, address, requestId: req.id }, 'signed in');
    res.redirect(303, returnTo);
  });

  router.post('/logout', (req, res, next) => {
    const userId = req.user?.id;
    // passport 0.7 regenerates the session here: the old id no longer works anywhere
    req.logout((error) => {
      if (error) return next(error);
      logger.info({ event: 'sign-out', userId, requestId: req.id }, 'signed out');
      flash(req.session, { type: 'info', key: 'auth:signOut.done' });
      res.redirect(303, '/login');
    });
  });

  return router;
}
