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

/**
 * Something bigger than a message kept for the next page only (a bulk result): stored in the
 * login session under its name and taken out when read, so a refresh shows it no more.
 */
export function keepForNextPage(session: { kept?: Record<string, unknown> } | undefined, name: string, value: unknown) {
  if (!session) return;
  session.kept = { ...session.kept, [name]: value };
}

/** What keepForNextPage kept under the name, once; undefined when nothing was, or it was read. */
export function takeKept(session: { kept?: Record<string, unknown> } | undefined, name: string): unknown {
  const value = session?.kept?.[name];
  if (session?.kept && name in session.kept) {
    const { [name]: _taken, ...rest } = session.kept;
    session.kept = Object.keys(rest).length > 0 ? rest : undefined;
  }
  return value;
}
