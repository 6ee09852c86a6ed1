import type { RequestHandler } from 'express';
import type { Session, SessionData } from 'express-session';

// express-session saves a changed session while the response ends, after the headers have
// gone: a browser quick to follow a redirect can arrive before the sign-in or the flash
// message is stored. So every redirect waits for the session to be saved first, when it holds
// anything: an empty one is never stored (a visitor's redirect costs no database write).
export const saveSessionBeforeRedirect: RequestHandler = (req, res, next) => {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    if (!req.session || isEmpty(req.session)) return redirect(...args);
    req.session.save((error) => (error ? next(error) : redirect(...args)));
  }) as typeof res.redirect;
  next();
};

const isEmpty = (session: Session & Partial<SessionData>) =>
  Object.keys(session).every((key) => key === 'cookie' || key === 'lastModified');
