import type { RequestHandler } from 'express';

// One-shot messages shown on the next page after a redirect (post/redirect/get).

export type Flash = { type: 'success' | 'error' | 'info'; key: string; params?: Record<string, string | number> };

export function flash(session: { flash?: Flash[] } | undefined, message: Flash): void {
  if (!session) return;
  session.flash = [...(session.flash ?? []), message];
}

/** Moves pending messages into res.locals.flashes, once. */
export const flashMiddleware: RequestHandler = (req, res, next) => {
  res.locals.flashes = req.session?.flash ?? [];
  if (req.session?.flash) delete req.session.flash;
  next();
};
