import type { RequestHandler } from 'express';
import type { i18n } from 'i18next';
import { chooseLanguage, type Language } from './i18n.ts';
import { languageFromCookie } from './language-cookie.ts';

/** Puts the request's language, text direction and translation function on req and res.locals. */
export function i18nMiddleware(i18n: i18n, fallback: Language): RequestHandler {
  return (req, res, next) => {
    const language = chooseLanguage(
      req.user?.language,
      languageFromCookie(req),
      (...l) => req.acceptsLanguages(...l),
      fallback,
    );
    const t = i18n.getFixedT(language);
    req.language = language;
    req.t = t;
    res.locals.t = t;
    res.locals.lang = language;
    res.locals.dir = i18n.dir(language);
    next();
  };
}
