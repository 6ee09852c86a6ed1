import { Router, type Request, type RequestHandler } from 'express';
import { reserveTurn, type Turn } from './placement.ts';

// The door of the placement queue (placement.ts): a request that may place someone in a
// session reserves its turn in that session's queue here, mounted first in the app and before
// any await, so turns follow the order requests reached this process. Everything after (login
// session, user, session, enrolment insert) finishes in any order; the turn keeps the place.
// Only ordering rests on it: the unique indexes still decide who gets what (decision 0002).

/**
 * How long an unused turn holds the queue: a stalled request (a body that never comes) then
 * loses its own place in the order rather than holding up everyone behind it.
 */
export const DOOR_PATIENCE_MS = 10_000;

const turns = new WeakMap<Request, Turn>();

/** The turn reserved for this request at the door, if it came in through one. */
export function doorTurn(req: Request): Turn | undefined {
  return turns.get(req);
}

const ID = /^[0-9a-f]{24}$/i;

const reserveWithin =
  (patienceMs: number): RequestHandler =>
  (req, res, next) => {
    const id = String(req.params.id);
    // anything but an ObjectId is a 404 later; the key is the session's id as placement writes it
    if (ID.test(id)) {
      const turn = reserveTurn(id.toLowerCase());
      turns.set(req, turn);
      const patience = setTimeout(() => turn.release(), patienceMs);
      patience.unref();
      // the safety net: a request refused, failed or abandoned gives its turn up (a no-op once used)
      const release = () => {
        clearTimeout(patience);
        turn.release();
      };
      res.once('finish', release);
      res.once('close', release);
    }
    next();
  };

/** Reserves turns for the self-enrolment and the coordinator's add-one: mounted before anything that awaits. */
export function placementDoor(patienceMs = DOOR_PATIENCE_MS): RequestHandler {
  const router = Router();
  const reserve = reserveWithin(patienceMs);
  router.post('/sessions/:id/enrolments/enrol', reserve);
  router.post('/sessions/:id/enrolments', reserve);
  // matched as the routes are, but handed over as a plain middleware: these paths are the
  // enrolment routes', not routes of their own (the app's route table lists each path once)
  return (req, res, next) => router(req, res, next);
}
