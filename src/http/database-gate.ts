import type { RequestHandler } from 'express';
import { MongoError, MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError } from 'mongodb';
import mongoose from 'mongoose';
import { isDatabaseDown, RETRY_AFTER_SECONDS } from '../db/database-state.ts';
import { HttpError } from './errors.ts';

// During a database outage every request is answered 503 with Retry-After at once, before
// the login-session middleware (which reads the database) could make it wait.

export const databaseDown = () => new HttpError(503, 'errors.databaseDown', { retryAfter: RETRY_AFTER_SECONDS });

export const databaseGate: RequestHandler = (_req, _res, next) => {
  next(isDatabaseDown() ? databaseDown() : undefined);
};

/**
 * A request that was already on its way when the database went: the driver could not reach
 * it, or FerretDB answered that PostgreSQL is gone, while the outage is known.
 */
export function isOutageError(error: unknown): boolean {
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof mongoose.Error.MongooseServerSelectionError
  )
    return true;
  // Mongoose holds a model's operations while it is disconnected, then gives up (bufferTimeoutMS)
  if (error instanceof mongoose.Error && /buffering timed out/.test(error.message)) return true;
  return error instanceof MongoError && isDatabaseDown();
}
