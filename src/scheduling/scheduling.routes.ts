import { Router, type Request, type RequestHandler, type Response } from 'express';
import { requireRole, requireUser } from '../access/guards.ts';
import type { FieldErrors } from '../http/errors.ts';
import { flash } from '../http/flash.ts';
import { handleForm } from '../http/form.ts';
import { TIME_ZONES } from '../i18n/time-zones.ts';
import { DELIVERY_LANGUAGES } from '../i18n/i18n.ts';
import { cancelSession, canCancel, changeSession, listSessionsWithPlaces } from './scheduling.service.ts';
import { moduleOptions, trainerOptions, venueOptions, type PersonOption } from '../sessions/session-options.ts';
import { unqualifiedTrainers } from '../qualifications/qualifications.service.ts';
import { renderSessionPage } from './session-page.ts';
import { sessionsExport } from './sessions-export.ts';
import { sendAuditedExport } from '../exports/audited-export.ts';
import type { PrerequisiteCheck } from '../enrolments/prerequisite-check.ts';
import { formatDay, formatInstant } from '../sessions/session-times.ts';
import type { ShownClash } from '../sessions/session-conflicts.ts';
import { copyValues, newValues, sessionValues } from './session-values.ts';
import { isActive } from '../sessions/session-queries.service.ts';
import {
  DAY_ROWS,
  SESSION_STATUS_FILTERS,
  cancelSchema,
  copySchema,
  sessionFilterSchema,
  sessionSchema,
} from '../sessions/sessions.schemas.ts';
import {
  advanceSession,
  createSession,
  getManagedSession,
  getSession,
  type Saved,
  type Step,
} from '../sessions/sessions.service.ts';
import { SessionClashError } from '../sessions/session-changes.ts';
import mongoose from 'mongoose';
import { isObjectId } from '../db/object-id.ts';

const managers = requireRole('admin', 'coordinator');

type FormLocals = {
  action: string;
  values: Record<string, unknown>;
  errors?: FieldErrors;
  clashes?: ShownClash[];
  warnings?: PersonOption[];
  editing?: boolean;
};

async function renderForm(req: Request, res: Response, locals: FormLocals) {
  const actor = req.user!;
  const warnings =
    locals.warnings ??
    (isObjectId(locals.values.module)
      ? await unqualifiedTrainers(new mongoose.Types.ObjectId(locals.values.module), trainerIdsOf(locals.values))
      : []);
  res.render('sessions/form', {
    ...locals,
    title: req.t(locals.editing ? 'sessions:edit.title' : 'sessions:new.title'),
    modules: await moduleOptions(actor),
    institutions: await venueOptions(actor),
    trainers: await trainerOptions(actor),
    timeZones: TIME_ZONES,
    languages: DELIVERY_LANGUAGES,
    rows: DAY_ROWS,
    clashes: (locals.clashes ?? []).map((c) =>
      c.hidden ? c : { ...c, when: formatInstant(c.startsAt, c.timeZone, req.language) },
    ),
    warnings,
  });
}

function trainerIdsOf(values: Record<string, unknown>) {
  const list = [values.lead, ...(Array.isArray(values.coTrainers) ? values.coTrainers : [values.coTrainers])];
  return list.filter(isObjectId).map((v) => new mongoose.Types.ObjectId(v));
}

/**
 * Saved: the success message. Who teaches without a qualification for the module is said once,
 * by the session page itself, not again in a flash above it.
 */
function onceSaved(key: string) {
  return (saved: Saved) => ({ flash: { key }, redirect: `/sessions/${saved.session.id}` });
}

/** A clash with other sessions comes back naming them, with the override offered. */
const clashesOf = (error: unknown) => (error instanceof SessionClashError ? error.clashes : undefined);

const STEPS: Record<string, Step> = { open: 'open', start: 'in_progress', complete: 'completed' };

/** `prerequisites`: asked of completion records for the session page's enrolment panel (app.ts, decision 0008). */
export function schedulingRouter(prerequisites: PrerequisiteCheck): Router {
  const router = Router();

  router.get('/sessions', managers, async (req, res) => {
    const filter = sessionFilterSchema.parse(req.query);
    // read side by side: each is a query of its own (decision 0005)
    const [{ page, fill }, modules, institutions, trainers] = await Promise.all([
      listSessionsWithPlaces(req.user!, filter),
      moduleOptions(req.user!),
      venueOptions(req.user!),
      trainerOptions(req.user!),
    ]);
    res.render('sessions/index', {
      title: req.t('sessions:list.title'),
      page,
      fill,
      filter,
      statuses: SESSION_STATUS_FILTERS,
      modules,
      institutions,
      trainers,
      // a session still open or running whose last day is over says so: its status lags behind
      isOver: (row: { status: string; endsAt: Date }) => isActive(row.status) && row.endsAt < new Date(),
      when: (row: { days: { date: string; start: string; end: string }[]; timeZone: string }) =>
        row.days[0] ? formatDay(row.days[0], row.timeZone, req.language) : '',
    });
  });

  // the list as a file, with the list's filters (decision 0019)
  router.get('/sessions/export', managers, async (req, res) => {
    const filter = sessionFilterSchema.parse(req.query);
    await sendAuditedExport(req, res, {
      action: 'export.sessions',
      name: 'sessions',
      ...sessionsExport(req.user!, filter, req.t),
      filters: filter,
    });
  });

  // a copy is about one session: whoever may not see it is told it does not exist (404)
  const managersOrCopy: RequestHandler = (req, res, next) =>
    (typeof req.query.copy === 'string' ? requireUser : managers)(req, res, next);
  router.get('/sessions/new', managersOrCopy, async (req, res) => {
    const copyOf = typeof req.query.copy === 'string' ? req.query.copy : undefined;
    if (!copyOf) return renderForm(req, res, { action: '/sessions', values: newValues(req.user!) });
    const source = await getManagedSession(req.user!, copyOf);
    const { shift } = copySchema.parse(req.query);
    await renderForm(req, res, { action: '/sessions', values: copyValues(source, shift) });
  });

  router.post('/sessions', managers, (req, res) =>
    handleForm(req, res, {
      schema: sessionSchema,
      save: (input) => createSession(req.user!, input),
      success: onceSaved('sessions:created'),
      refused: (refusal, error) => renderForm(req, res, { action: '/sessions', ...refusal, clashes: clashesOf(error) }),
    }),
  );

  router.get('/sessions/:id', requireUser, async (req, res) => {
    await renderSessionPage(req, res, await getSession(req.user!, String(req.params.id)), prerequisites);
  });

  router.get('/sessions/:id/edit', requireUser, async (req, res) => {
    const session = await getManagedSession(req.user!, String(req.params.id));
    if (!isActive(session.status)) return res.redirect(303, `/sessions/${session.id}`);
    await renderForm(req, res, { action: `/sessions/${session.id}`, values: sessionValues(session), editing: true });
  });

  router.post('/sessions/:id', requireUser, async (req, res) => {
    const id = String(req.params.id);
    await getManagedSession(req.user!, id); // refused before the form is read
    await handleForm(req, res, {
      schema: sessionSchema,
      save: (input) => changeSession(req.user!, id, input),
      success: onceSaved('sessions:updated'),
      refused: async (refusal, error) => {
        const session = await getManagedSession(req.user!, id);
        const locals = { action: `/sessions/${session.id}`, editing: true, ...refusal, clashes: clashesOf(error) };
        await renderForm(req, res, locals);
      },
      currentRevision: async () => (await getManagedSession(req.user!, id)).__v,
      revisionField: 'version',
    });
  });

  // anything but a step (the roster's POST /sessions/:id/enrolments) passes on, so that its own
  // router answers it
  const isStep: RequestHandler = (req, _res, next) => next(STEPS[String(req.params.step)] ? undefined : 'route');
  router.post('/sessions/:id/:step', isStep, requireUser, async (req, res) => {
    const step = STEPS[String(req.params.step)]!;
    const session = await advanceSession(req.user!, String(req.params.id), step);
    flash(req.session, { type: 'success', key: `sessions:steps.done.${step}` });
    res.redirect(303, `/sessions/${session.id}`);
  });

  router.get('/sessions/:id/cancel', requireUser, async (req, res) => {
    const session = await getManagedSession(req.user!, String(req.params.id));
    if (!canCancel(session.status)) return res.redirect(303, `/sessions/${session.id}`);
    res.render('sessions/cancel', { title: req.t('sessions:cancel.title'), session });
  });

  router.post('/sessions/:id/cancel', requireUser, async (req, res) => {
    const session = await getManagedSession(req.user!, String(req.params.id));
    await handleForm(req, res, {
      schema: cancelSchema,
      save: ({ reason }) => cancelSession(req.user!, session.id, reason),
      success: () => ({ flash: { key: 'sessions:cancel.done' }, redirect: `/sessions/${session.id}` }),
      refused: async (refusal) => {
        res.render('sessions/cancel', { title: req.t('sessions:cancel.title'), session, ...refusal });
      },
    });
  });

  return router;
}
