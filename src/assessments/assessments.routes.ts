import { Router, type NextFunction, type Request, type Response } from 'express';
import { requireUser } from '../access/guards.ts';
import { FieldValidationError, HttpError, type FieldErrors } from '../http/errors.ts';
import { flash, keepForNextPage, takeKept } from '../http/flash.ts';
import { isObjectId } from '../db/object-id.ts';
import { getSession } from '../sessions/sessions.service.ts';
import { venueTimeIn } from '../sessions/session-times.ts';
import { gainPanel, scoreSheet, sessionForScores, writeScores } from './assessments.service.ts';
import { boxName, loadedValue, MAX_BOXES, readScoreSheet, testsOf } from './score-sheet-form.ts';
import { importScores, MAX_SCORE_ROWS, REFUSALS, type ImportRow } from './scores-import.ts';
import { uploadedScores } from './scores-upload.ts';

// A session's assessment page: the grid of scores, saved all at once, and the CSV import. Every
// route loads the session first and asks the assessment policy: 404 when the session is out of
// sight, 403 when the actor may see it but not read or enter its scores. A role guard in front
// would answer 403 before the session is looked at.

const resultName = (sessionId: string) => `scoresImport:${sessionId}`;

/** Numbers as the reader's language writes them: a score, a gain (signed), a share. */
function numberFormats(language: string) {
  const score = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  const gain = new Intl.NumberFormat(language, { maximumFractionDigits: 1, signDisplay: 'exceptZero' });
  const share = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 });
  return {
    score: (value: number | null) => (value === null ? '' : score.format(value)),
    gain: (value: number | null) => (value === null ? '' : gain.format(value)),
    share: (value: number | null) => (value === null ? '' : share.format(value)),
  };
}

type PageLocals = { errors?: FieldErrors; values?: Record<string, unknown>; imported?: ImportResult };
type ImportResult = { applied: boolean; rows: ImportRow[] };

async function renderSheet(req: Request, res: Response, locals: PageLocals = {}) {
  const id = String(req.params.id);
  const sheet = await scoreSheet(req.user!, id);
  const tests = testsOf(sheet.rules);
  res.render('assessments/sheet', {
    title: req.t('assessments:sheet.title'),
    sheet,
    tests,
    tooMany: sheet.rows.length * tests.length > MAX_BOXES,
    boxName,
    loaded: loadedValue(sheet.rows),
    typed: locals.values !== undefined,
    formats: numberFormats(req.language),
    venueTime: venueTimeIn(req.language),
    imported: locals.imported ?? (takeKept(req.session, resultName(id)) as ImportResult | undefined),
    refusals: REFUSALS,
    maxRows: MAX_SCORE_ROWS,
    values: locals.values ?? {},
    errors: locals.errors ?? {},
  });
}

/**
 * The knowledge gain panel of the session page (served by scheduling, which knows nothing of
 * assessments: decision 8): left in res.locals for views/sessions/show.ejs, for those who may
 * read the scores. A session the reader may not see is left to the page's own answer.
 */
async function sessionPagePanel(req: Request, res: Response, next: NextFunction) {
  if (!req.user || !isObjectId(String(req.params.id))) return next();
  try {
    const session = await getSession(req.user, String(req.params.id));
    const panel = await gainPanel(req.user, session);
    if (panel) res.locals.assessmentPanel = { ...panel, formats: numberFormats(req.language) };
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
  }
  next();
}

export function assessmentsRouter(): Router {
  const router = Router();

  router.get('/sessions/:id', sessionPagePanel);

  router.get('/sessions/:id/assessments', requireUser, async (req, res) => {
    await renderSheet(req, res);
  });

  router.post('/sessions/:id/assessments', requireUser, async (req, res) => {
    const id = String(req.params.id);
    const session = await sessionForScores(req.user!, id, 'enterScores'); // refused before the form is read
    const sheet = await scoreSheet(req.user!, id);
    const body = req.body as Record<string, unknown>;
    try {
      const changes = readScoreSheet(body, sheet.rows, sheet.rules);
      await writeScores(req.user!, session, changes);
      flash(req.session, { type: 'success', key: 'assessments:flash.saved', params: { count: changes.length } });
      res.redirect(303, `/sessions/${id}/assessments`);
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      res.status(422);
      await renderSheet(req, res, { errors: error.fieldErrors, values: body });
    }
  });

  // the file was read before the CSRF check (scores-upload.ts); only now is it used
  router.post('/sessions/:id/assessments/upload', requireUser, async (req, res) => {
    const id = String(req.params.id);
    await sessionForScores(req.user!, id, 'enterScores'); // refused before the file is used
    try {
      const result = await importScores(req.user!, id, uploadedScores(req));
      if (!result.applied) {
        res.status(422);
        return await renderSheet(req, res, { imported: result });
      }
      keepForNextPage(req.session, resultName(id), result);
      flash(req.session, { type: 'success', key: 'assessments:flash.imported' });
      res.redirect(303, `/sessions/${id}/assessments#import-result`);
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      res.status(422);
      await renderSheet(req, res, { errors: error.fieldErrors });
    }
  });

  return router;
}
