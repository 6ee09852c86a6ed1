import { MongoStore } from 'connect-mongo';
import type { SessionData } from 'express-session';

// Login sessions in MongoDB (connect-mongo), read by _id alone. connect-mongo looks a session
// up with { _id, $or: [not expired] }; FerretDB over SQLite answers only a filter that is
// exactly { _id } from its index and reads every stored login session for anything else, on
// every request (docs/decisions/0005-reads-by-id.md). Here the expiry is checked in code.
// Sessions are stored as connect-mongo does by default: a JSON string, no encryption.

type StoredSession = { _id: string; session: string | SessionData; expires?: Date; lastModified?: Date };

export class LoginSessionStore extends MongoStore {
  constructor(options: Parameters<typeof MongoStore.create>[0] & { touchAfter: number }) {
    super(options);
    this.touchAfterSeconds = options.touchAfter;
  }

  private readonly touchAfterSeconds: number;

  override get(sid: string, callback: (error: unknown, session?: SessionData | null) => void): void {
    void this.collectionP
      .then((collection) => collection.findOne({ _id: sid }) as Promise<StoredSession | null>)
      .then((stored) => {
        if (!stored || (stored.expires && stored.expires.getTime() <= Date.now())) return callback(null, null);
        const session = (
          typeof stored.session === 'string' ? JSON.parse(stored.session) : stored.session
        ) as SessionData & { lastModified?: Date };
        // connect-mongo's touch() skips writes within touchAfter of this time
        if (this.touchAfterSeconds > 0 && stored.lastModified) session.lastModified = stored.lastModified;
        this.emit('get', sid);
        callback(null, session);
      })
      .catch((error: unknown) => callback(error));
  }
}
