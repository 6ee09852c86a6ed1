import { Router, type Request, type Response } from 'express';
import { create as contentDisposition } from 'content-disposition';
import multer from 'multer';
import { requireUser } from '../access/guards.ts';
import { fieldError, FieldValidationError, HttpError, type FieldErrors } from '../http/errors.ts';
import { flash } from '../http/flash.ts';
import { handleForm, orRefusal } from '../http/form.ts';
import { parse } from '../http/validate.ts';
import { venueTimeIn } from '../sessions/session-times.ts';
import { listInstitutionOptions } from '../institutions/institutions.service.ts';
import { enrolPeople, enrolServiceNumbers, MAX_CSV_BYTES, serviceNumbersOf, type BulkRow } from './bulk.service.ts';
import { loadManagedSession } from './enrolment-access.ts';
import { candidates, roster } from './enrolment-queries.service.ts';
import { addPeopleSchema, addPersonSchema, candidateFilterSchema } from './enrolments.schemas.ts';
import { enrolOne, loadEnrolmentFor, removeEnrolment } from './enrolments.service.ts';
import { rosterCsv } from './roster-csv.ts';

// Every route here is for signed-in people only, and decides the rest itself in one order:
// a session (or an enrolment's session) the actor cannot see is 404, as its page is; then what
// they may do, 403. A role guard in front would answer 403 before the session is looked at.

// memory storage: a list of service numbers, read once, never kept
const csvUpload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_CSV_BYTES, files: 1 } }).single(
  'file',
);

function readUpload(req: Request, res: Response): Promise<Express.Multer.File | undefined> {
  return new Promise((resolve, reject) => {
    csvUpload(req, res, (error: unknown) => {
      if (error instanceof multer.MulterError) {
        const key = error.code === 'LIMIT_FILE_SIZE' ? 'enrolments:bulk.tooLarge' : 'enrolments:bulk.notCsv';
        return reject(new FieldValidationError({ file: { key } }));
      }
      if (error) return reject(error instanceof Error ? error : new Error(String(error)));
      resolve(req.file);
    });
  });
}

const looksLikeCsv = (file: Express.Multer.File) =>
  /\.csv$/i.test(file.originalname) || ['text/csv', 'application/vnd.ms-excel'].includes(file.mimetype);

export function rosterRouter(): Router {
  const router = Router();

  async function renderRoster(req: Request, res: Response, locals: { errors?: FieldErrors; values?: unknown } = {}) {
    const id = String(req.params.id);
    const data = await roster(req.user!, id);
    const filter = candidateFilterSchema.parse(req.query);
    const [found, institutions] = data.manage
      ? await Promise.all([candidates(req.user!, id, filter), listInstitutionOptions(req.user!)])
      : [{ people: [], more: false }, []];
    res.render('enrolments/roster', {
      title: req.t('enrolments:roster.title'),
      roster: data,
      filter,
      people: found.people,
      morePeople: found.more,
      institutions,
      venueTime: venueTimeIn(req.language),
      values: {},
      ...locals,
    });
  }

  router.get('/sessions/:id/enrolments', requireUser, async (req, res) => {
    await renderRoster(req, res);
  });

  router.get('/sessions/:id/enrolments.csv', requireUser, async (req, res) => {
    await loadManagedSession(req.user!, String(req.params.id));
    const data = await roster(req.user!, String(req.params.id));
    if (!data.showContacts) throw new HttpError(404, 'errors.notFound');
    const header = ['state', 'seat', 'waitlist', 'name', 'serviceNumber', 'email', 'institution'].map((c) =>
      req.t(`enrolments:csv.${c}`),
    );
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', contentDisposition(`roster-${data.session.id as string}.csv`));
    res.send(rosterCsv(data, header, (state) => req.t(`enrolments:states.${state}`)));
  });

  router.post('/sessions/:id/enrolments', requireUser, async (req, res) => {
    const id = String(req.params.id);
    await loadManagedSession(req.user!, id); // refused before the form is read
    await handleForm(req, res, {
      schema: addPersonSchema,
      save: async ({ person }) => {
        const outcome = await enrolOne(req.user!, id, person);
        if (outcome === 'unknown') throw fieldError('person', `enrolments:outcomes.${outcome}`);
        return outcome;
      },
      success: (outcome) => ({
        flash: { key: `enrolments:outcomes.${outcome}` },
        redirect: `/sessions/${id}/enrolments`,
      }),
      refused: (refusal) => renderRoster(req, res, refusal),
    });
  });

  // not handleForm: a list or a file of service numbers is answered with its result page, one
  // row per person (200), not a flash and a redirect
  function renderResult(req: Request, res: Response, rows: BulkRow[]) {
    res.render('enrolments/bulk-result', {
      title: req.t('enrolments:bulk.resultTitle'),
      sessionId: String(req.params.id),
      rows,
    });
  }

  router.post('/sessions/:id/enrolments/bulk', requireUser, async (req, res) => {
    await loadManagedSession(req.user!, String(req.params.id)); // refused before the form is read
    try {
      const input = parse(addPeopleSchema, req.body);
      renderResult(req, res, await enrolPeople(req.user!, String(req.params.id), input.people));
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      res.status(422);
      await renderRoster(req, res, { errors: error.fieldErrors });
    }
  });

  router.post('/sessions/:id/enrolments/upload', requireUser, async (req, res) => {
    const id = String(req.params.id);
    await loadManagedSession(req.user!, id); // refused before anything is read
    try {
      const file = await readUpload(req, res);
      if (!file) throw new FieldValidationError({ file: { key: 'validation.required' } });
      if (!looksLikeCsv(file)) throw new FieldValidationError({ file: { key: 'enrolments:bulk.notCsv' } });
      renderResult(req, res, await enrolServiceNumbers(req.user!, id, serviceNumbersOf(file.buffer)));
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      res.status(422);
      await renderRoster(req, res, { errors: error.fieldErrors });
    }
  });

  router.get('/enrolments/:id/remove', requireUser, async (req, res) => {
    const { enrolment, session } = await loadEnrolmentFor(req.user!, 'remove', String(req.params.id));
    await enrolment.populate('person', 'fullName');
    res.render('enrolments/remove', { title: req.t('enrolments:remove.title'), enrolment, session });
  });

  router.post('/enrolments/:id/remove', requireUser, async (req, res) => {
    const { session } = await loadEnrolmentFor(req.user!, 'remove', String(req.params.id));
    await orRefusal(req, res, `/sessions/${session.id as string}/enrolments`, async () => {
      await removeEnrolment(req.user!, String(req.params.id));
      flash(req.session, { type: 'success', key: 'enrolments:flash.removed' });
    });
  });

  return router;
}
