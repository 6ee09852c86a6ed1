import type { SessionData } from 'express-session';
import type { Db } from 'mongodb';
import { LoginSessionStore, type StoredLoginSession } from '../src/auth/login-session-store.ts';

// The login-session store, stoppable: stop() waits for the reads and writes under way, and
// after it the store answers without the database (no session; writes dropped). A benchmark
// stops it before disconnecting, so a request still being answered when the load ends (the
// client gone, the handler not) cannot write to a closed connection (MongoNotConnectedError).

type Callback = (error?: unknown) => void;

export class StoppableLoginSessionStore extends LoginSessionStore {
  private pending = 0;
  private stopped = false;
  private idle: (() => void)[] = [];

  private track<A extends unknown[]>(callback: (...args: A) => void) {
    this.pending++;
    return (...args: A) => {
      if (--this.pending === 0) this.idle.splice(0).forEach((resolve) => resolve());
      callback(...args);
    };
  }

  override get(sid: string, callback: (error: unknown, session?: SessionData | null) => void): void {
    if (this.stopped) return callback(null, null);
    super.get(sid, this.track(callback));
  }

  override set(sid: string, session: SessionData, callback: Callback = () => undefined): void {
    if (this.stopped) return callback();
    super.set(sid, session, this.track(callback));
  }

  override touch(sid: string, session: SessionData, callback: Callback = () => undefined): void {
    if (this.stopped) return callback();
    super.touch(sid, session, this.track(callback));
  }

  override destroy(sid: string, callback: Callback = () => undefined): void {
    if (this.stopped) return callback();
    super.destroy(sid, this.track(callback));
  }

  override async removeExpired(now = new Date()): Promise<number> {
    return this.stopped ? 0 : super.removeExpired(now);
  }

  /** No more database work; resolves when what was under way has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pending > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }
}

export function stoppableLoginSessionStore(db: Db, idleMs: number) {
  return new StoppableLoginSessionStore(db.collection<StoredLoginSession>('login_sessions'), {
    idleMs,
    touchAfterMs: 60_000,
  });
}
