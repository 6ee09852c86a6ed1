import { Router } from 'express';
import mongoose from 'mongoose';

const startedAt = Date.now();

/** GET /healthz: the app's and the database's state, for monitors and load balancers. */
export function healthRouter(): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    let database: { state: 'up' | 'down'; latencyMs?: number } = { state: 'down' };
    const db = mongoose.connection.db;
    if (mongoose.connection.readyState === 1 && db) {
      const started = Date.now();
      try {
        await db.command({ ping: 1 });
        database = { state: 'up', latencyMs: Date.now() - started };
      } catch {
        database = { state: 'down' };
      }
    }
    const ok = database.state === 'up';
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
