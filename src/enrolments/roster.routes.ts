import { Router, type Request, type Response } from 'express';
import { create as contentDisposition } from 'content-disposition';
import { requireUser } from '../access/guards.ts';
import { fieldError, FieldValidationError, HttpError, type FieldErrors } from '../http/errors.ts';
import { flash, keepForNextPage, takeKept } from '../http/flash.ts';
import { handleForm, orRefusal } from '../http/form.ts';
import { parse } from '../http/validate.ts';
import { venueTimeIn } from '../sessions/session-times.ts';
import { listInstitutionOptions } from '../institutions/institutions.service.ts';
import { personSummary } from '../people/people.service.ts';
import { enrolPeople, enrolServiceNumbers, serviceNumbersOf, type BulkOutcome, type BulkRow } from './bulk.service.ts';
import { uploadedCsv } from './roster-upload.ts';
import { loadManagedSession } from './enrolment-access.ts';
import { candidates, roster } from './enrolment-queries.service.ts';
import { addPeopleSchema, addPersonSchema, candidateFilterSchema } from './enrolments.schemas.ts';
import { enrolOne, loadEnrolmentFor, removeEnrolment } from './enrolments.service.ts';
import { doorTurn } from './placement-door.ts';
import { rosterCsv } from './roster-csv.ts';
import { MissingPrerequisitesError, shownTo, type PrerequisiteCheck } from './prerequisite-check.ts';

// Every route here is for signed-in people only, and decides the rest itself in one order:
// a session (or an enrolment's session) the actor cannot see is 404, as its page is; then what
// they may do, 403. A role guard in front would answer 403 before the session is looked at.

/** How many rows of a bulk result the next page shows: the result waits in the login session. */
export const RESULT_ROWS_KEPT = 500;

export type KeptResult = { rows: BulkRow[]; total: number; counts: Partial<Record<BulkOutcome, number>> };

const resultName = (sessionId: string) => `bulkResult:${sessionId}`;

function keepResult(req: Request, sessionId: string, rows: BulkRow[]) {
  const counts: KeptResult['counts'] = {};
  for (const row of rows) counts[row.outcome] = (counts[row.outcome] ?? 0) + 1;
  const kept: KeptResult = { rows: rows.slice(0, RESULT_ROWS_KEPT), total: rows.length, counts };
  keepForNextPage(req.session, resultName(sessionId), kept);
}

/** The warning of a refused add-one: the person and the prerequisites they lack, with the override's form. */
async function prerequisiteWarning(req: Request, error: HttpError) {
  if (!(error instanceof MissingPrerequisitesError)) return undefined;
  const person = await personSummary(error.personId); // one the coordinator may add: checked before
  return {
    person: { id: error.personId, fullName: person?.fullName ?? '' },
    missing: shownTo(req.user!, error.missing),
  };
}

type RosterLocals = { errors?: FieldErrors; values?: unknown; prerequisiteWarning?: unknown };

export function rosterRouter(prerequisites: PrerequisiteCheck): Router {
  const router = Router();

  async function renderRoster(req: Request, res: Response, locals: RosterLocals = {}) {
    const id = String(req.params.id);
    const data = await roster(req.user!, id);
    const filter = candidateFilterSchema.parse(req.query);
    const [found, institutions] = data.manage
      ? await Promise.all([candidates(req.user!, id, filter), listInstitutionOptions(req.user!)])
      : [{ people: [], more: false, venueOnly: false }, []];
    res.render('enrolments/roster', {
      title: req.t('enrolments:roster.title'),
      roster: data,
      filter,
      people: found.people,
      morePeople: found.more,
      venueOnly: found.venueOnly,
      institutions,
      venueTime: venueTimeIn(req.language),
      result: takeKept(req.session, resultName(id)) as KeptResult | undefined,
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
    const turn = doorTurn(req); // reserved on arrival (placement-door.ts)
    await loadManagedSession(req.user!, id); // refused before the form is read
    await handleForm(req, res, {
      schema: addPersonSchema,
      save: async ({ person, override, overrideReason }) => {
        try {
          const outcome = await enrolOne(req.user!, id, person, 'coordinator', turn, {
            check: prerequisites,
            override: { given: override, reason: overrideReason },
          });
          if (outcome === 'unknown') throw fieldError('person', `enrolments:outcomes.${outcome}`);
          return outcome;
        } finally {
          turn?.release(); // unused unless placed: the roster page rendered after must not hold the queue
        }
      },
      success: (outcome) => ({
        flash: { key: `enrolments:outcomes.${outcome}` },
        redirect: `/sessions/${id}/enrolments`,
      }),
      refused: async (refusal, error) =>
        renderRoster(req, res, { ...refusal, prerequisiteWarning: await prerequisiteWarning(req, error) }),
    });
  });

  // not handleForm: the result is a row per person, kept for the roster page it redirects to
  // (post/redirect/get: a refresh shows the roster, it does not enrol anyone again)
  async function bulkForm(req: Request, res: Response, run: (id: string) => Promise<BulkRow[]>) {
    const id = String(req.params.id);
    await loadManagedSession(req.user!, id); // refused before the form is used
    try {
      keepResult(req, id, await run(id));
      res.redirect(303, `/sessions/${id}/enrolments#result`);
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      res.status(422);
      await renderRoster(req, res, { errors: error.fieldErrors });
    }
  }

  router.post('/sessions/:id/enrolments/bulk', requireUser, async (req, res) => {
    await bulkForm(req, res, (id) =>
      enrolPeople(req.user!, id, parse(addPeopleSchema, req.body).people, prerequisites),
    );
  });

  // the file was read before the CSRF check (roster-upload.ts); only now is it used
  router.post('/sessions/:id/enrolments/upload', requireUser, async (req, res) => {
    await bulkForm(req, res, (id) =>
      enrolServiceNumbers(req.user!, id, serviceNumbersOf(uploadedCsv(req)), prerequisites),
    );
  });

  router.get('/enrolments/:id/remove', requireUser, async (req, res) => {
    const { enrolment, session } = await loadEnrolmentFor(req.user!, 'remove', String(req.params.id));
    // the name by id: populate would read the people with $in (decision 0005)
    const person = await personSummary(enrolment.person);
    res.render('enrolments/remove', {
      title: req.t('enrolments:remove.title'),
      enrolment,
      person: { fullName: person?.fullName ?? '' },
      session,
    });
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
