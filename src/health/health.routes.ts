import { Router } from 'express';
import mongoose from 'mongoose';
import { databaseKind, isDatabaseDown, RETRY_AFTER_SECONDS } from '../db/database-state.ts';

const startedAt = Date.now();

type DatabaseHealth = { state: 'up' | 'down'; kind: string; latencyMs?: number };

/**
 * GET /healthz: the app's and the database's state, for monitors and load balancers. It names
 * the kind of database ("FerretDB over PostgreSQL") but no versions or addresses: it is public.
 */
export function healthRouter(): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const database = await checkDatabase();
    const ok = database.state === 'up';
    if (!ok) res.set('Retry-After', String(RETRY_AFTER_SECONDS));
    res
      .status(ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({
        status: ok ? 'ok' : 'unavailable',
        app: { uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) },
        database,
      });
  });
  return router;
}

async function checkDatabase(): Promise<DatabaseHealth> {
  const kind = databaseKind();
  const db = mongoose.connection.db;
  // a known outage is answered at once, not after the driver's wait
  if (isDatabaseDown() || mongoose.connection.readyState !== 1 || !db) return { state: 'down', kind };
  const started = Date.now();
  try {
    await db.command({ ping: 1 });
    return { state: 'up', kind, latencyMs: Date.now() - started };
  } catch {
    return { state: 'down', kind };
  }
}
