import type { Request, Response } from 'express';
import { isLanguage, type Language } from './i18n.ts';

// A visitor who is not signed in keeps their language choice in a cookie of its own, not in a
// login session: a session is stored only once there is something to keep (a sign-in, a form's
// CSRF token), so anonymous pages cost no database write. Signed-in people's choice is their
// stored preference instead.

const COOKIE = 'cadre.lang';
const COOKIE_VALUE = new RegExp(`(?:^|;\\s*)${COOKIE.replace('.', '\\.')}=([a-z]{2})(?:;|$)`);
const ONE_YEAR_MS = 365 * 24 * 3_600_000;

export function languageFromCookie(req: Request): Language | undefined {
  const value = COOKIE_VALUE.exec(req.get('cookie') ?? '')?.[1];
  return isLanguage(value) ? value : undefined;
}

export function keepLanguageChoice(req: Request, res: Response, language: Language): void {
  res.cookie(COOKIE, language, { httpOnly: true, sameSite: 'lax', secure: req.secure, maxAge: ONE_YEAR_MS });
}
