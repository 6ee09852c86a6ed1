import express, { type RequestHandler } from 'express';

// How much one urlencoded form may carry. Every form is held to the small limits, so a hostile
// body is refused with 413 before any handler runs. Three forms carry a box or more a participant
// and get the large limits: a day's attendance for a session of the largest capacity (1,000
// seats, sessions.schemas.ts) has four boxes a participant plus the token and a button; the
// score grid and the closing review carry two.

export const FORM_FIELD_LIMIT = 200;
export const FORM_BODY_LIMIT = '100kb';

export const LARGE_FORM_FIELD_LIMIT = 4_010;
export const LARGE_FORM_BODY_LIMIT = '1mb';

/** The forms with a row a participant (POSTs only): /sessions/:id/attendance/:date, /sessions/:id/assessments, /sessions/:id/close. */
const LARGE_FORM = /^\/sessions\/[^/]+\/(?:attendance\/[^/]+|assessments|close)$/;

/**
 * Parses the large forms with the large limits. Mounted before the ordinary parser, which then
 * leaves a body already read alone. A plain middleware, not routes: the app's route table lists
 * each route once.
 */
export function largeForms(): RequestHandler {
  const parse = express.urlencoded({
    extended: false,
    limit: LARGE_FORM_BODY_LIMIT,
    parameterLimit: LARGE_FORM_FIELD_LIMIT,
  });
  return (req, res, next) => (req.method === 'POST' && LARGE_FORM.test(req.path) ? parse(req, res, next) : next());
}
