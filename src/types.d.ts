import type { TFunction } from 'i18next';
import type { Actor } from './access/actor.ts';
import type { Language } from './i18n/i18n.ts';
import type { Flash } from './http/flash.ts';

declare global {
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends Actor {}
    interface Request {
      t: TFunction;
      language: Language;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    signedInAt?: number;
    flash?: Flash[];
    /** bigger one-shot things for the next page (keepForNextPage) */
    kept?: Record<string, unknown>;
    returnTo?: string;
    /** when the store last wrote this session (set by LoginSessionStore.get, never stored inside it) */
    lastModified?: Date;
  }
}
