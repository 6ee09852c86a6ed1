import { Store, type SessionData } from 'express-session';
import type { Collection, Db } from 'mongodb';

// Login sessions in MongoDB, one document per session, read by _id alone (FerretDB over
// SQLite serves only an exact { _id } filter from its index: decision 0005). Every write is
// acknowledged: FerretDB answers unacknowledged (w: 0) writes anyway, and the driver then
// reads that stray answer as the reply to the connection's next query (decision 0007).
// Expired sessions are removed by removeExpired(), on a timer of Cadre's (src/background-jobs.ts),
// since FerretDB has no TTL index.

export type StoredLoginSession = { _id: string; session: string; expires: Date; lastModified: Date };

type Callback = (error?: unknown) => void;

export class LoginSessionStore extends Store {
  private expiresIndex: Promise<void> | undefined;

  /**
   * @param idleMs how long a session lives without a request, when its cookie says nothing
   * @param touchAfterMs a request within this long of the last write does not write again
   */
  constructor(
    private readonly collection: Collection<StoredLoginSession>,
    private readonly options: { idleMs: number; touchAfterMs: number },
  ) {
    super();
  }

  override get(sid: string, callback: (error: unknown, session?: SessionData | null) => void): void {
    this.collection
      .findOne({ _id: sid })
      .then((stored) => liveSession(sid, stored))
      .then((session) => callback(null, session), callback);
  }

  override set(sid: string, session: SessionData, callback: Callback = noop): void {
    const now = new Date();
    const { lastModified: _, ...data } = session;
    const stored: StoredLoginSession = {
      _id: sid,
      session: JSON.stringify(data),
      expires: this.expiry(session, now),
      lastModified: now,
    };
    this.collection.replaceOne({ _id: sid }, stored, { upsert: true }).then(() => callback(), callback);
  }

  /** Moves the expiry on; skipped when the last write is recent (rolling cookies touch every request). */
  override touch(sid: string, session: SessionData, callback: Callback = noop): void {
    const now = new Date();
    const { lastModified } = session;
    if (lastModified && now.getTime() - new Date(lastModified).getTime() < this.options.touchAfterMs) return callback();
    this.collection
      .updateOne({ _id: sid }, { $set: { expires: this.expiry(session, now), lastModified: now } })
      .then(() => callback(), callback);
  }

  override destroy(sid: string, callback: Callback = noop): void {
    this.collection.deleteOne({ _id: sid }).then(() => callback(), callback);
  }

  /** Deletes the sessions that have expired; returns how many. On MongoDB an index on expires serves it. */
  async removeExpired(now = new Date()): Promise<number> {
    this.expiresIndex ??= this.collection.createIndex({ expires: 1 }).then(
      () => undefined,
      (error: unknown) => {
        this.expiresIndex = undefined; // tried again next time
        throw error;
      },
    );
    await this.expiresIndex;
    const result = await this.collection.deleteMany({ expires: { $lt: now } });
    return result.deletedCount;
  }

  private expiry(session: SessionData, now: Date): Date {
    const cookieExpiry = session.cookie?.expires;
    return cookieExpiry ? new Date(cookieExpiry) : new Date(now.getTime() + this.options.idleMs);
  }
}

const noop = () => undefined;

function liveSession(sid: string, stored: StoredLoginSession | null): SessionData | null {
  if (!stored) return null;
  // a reply about another document means the connection is out of step: fail, never sign in as them
  if (stored._id !== sid) throw new Error('the login-session store was answered with another session');
  if (!(stored.expires instanceof Date) || stored.expires.getTime() <= Date.now()) return null;
  // touch() skips the write within touchAfterMs of this time; set() leaves it out again
  return { ...(JSON.parse(stored.session) as SessionData), lastModified: stored.lastModified };
}

/** The store of a database: sessions idle out after the configured time and are rewritten at most once a minute. */
export function loginSessionStore(db: Db, idleMs: number): LoginSessionStore {
  return new LoginSessionStore(db.collection<StoredLoginSession>('login_sessions'), { idleMs, touchAfterMs: 60_000 });
}
