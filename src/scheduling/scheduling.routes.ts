import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Config } from '../config.ts';
import { requireRole, requireUser } from '../access/guards.ts';
import { FieldValidationError, StaleFormError, type FieldErrors } from '../http/errors.ts';
import { flash } from '../http/flash.ts';
import { TIME_ZONES } from '../i18n/time-zones.ts';
import { parse } from '../http/validate.ts';
import { DELIVERY_LANGUAGES } from '../i18n/i18n.ts';
import { calendarRouter } from '../calendar/calendar.routes.ts';
import { qualificationsRouter } from '../qualifications/qualifications.routes.ts';
import { advanceSession, cancelSession, canCancel, type Step } from './session-lifecycle.service.ts';
import { moduleOptions, trainerOptions, unqualified, venueOptions, type PersonOption } from './session-options.ts';
import { renderSessionPage } from './session-page.ts';
import { formatDay, formatInstant } from '../sessions/session-times.ts';
import type { ShownClash } from '../sessions/session-conflicts.ts';
import { copyValues, newValues, sessionValues } from './session-values.ts';
import { isActive } from '../sessions/training-session.model.ts';
import {
  DAY_ROWS,
  SESSION_STATUS_FILTERS,
  cancelSchema,
  copySchema,
  sessionFilterSchema,
  sessionSchema,
} from '../sessions/sessions.schemas.ts';
import {
  createSession,
  getManagedSession,
  getSession,
  listSessions,
  SessionClashError,
  updateSession,
  type Saved,
} from '../sessions/sessions.service.ts';
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
  /** replaces the version the form was opened at (after a conflict) */
  version?: string;
};

async function renderForm(req: Request, res: Response, locals: FormLocals) {
  const actor = req.user!;
  const warnings =
    locals.warnings ??
    (isObjectId(locals.values.module)
      ? await unqualified(new mongoose.Types.ObjectId(locals.values.module), trainerIdsOf(locals.values))
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

function flashSaved(req: Request, saved: Saved, key: string) {
  flash(req.session, { type: 'success', key });
  if (saved.unqualified.length > 0) {
    const names = saved.unqualified.map((p) => p.fullName).join(', ');
    flash(req.session, { type: 'info', key: 'sessions:warnings.unqualified', params: { names } });
  }
}

async function handleFormError(req: Request, res: Response, error: unknown, locals: FormLocals) {
  if (!(error instanceof FieldValidationError)) throw error;
  res.status(error.status);
  const clashes = error instanceof SessionClashError ? error.clashes : undefined;
  const typed = req.body as Record<string, unknown>;
  await renderForm(req, res, {
    ...locals,
    values: locals.version === undefined ? typed : { ...typed, version: locals.version },
    errors: error.fieldErrors,
    clashes,
  });
}

const STEPS: Record<string, Step> = { open: 'open', start: 'in_progress', complete: 'completed' };

export function schedulingRouter(config: Config): Router {
  const router = Router();

  router.get('/sessions', managers, async (req, res) => {
    const filter = sessionFilterSchema.parse(req.query);
    // read side by side: each is a scan of its collection on embedded FerretDB (decision 0005)
    const [{ page, fill }, modules, institutions, trainers] = await Promise.all([
      listSessions(req.user!, filter),
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
      when: (row: { days: { date: string; start: string; end: string }[]; timeZone: string }) =>
        row.days[0] ? formatDay(row.days[0], row.timeZone, req.language) : '',
    });
  });

  router.get('/sessions/new', managers, async (req, res) => {
    const copyOf = typeof req.query.copy === 'string' ? req.query.copy : undefined;
    if (!copyOf) return renderForm(req, res, { action: '/sessions', values: newValues(req.user!) });
    const source = await getManagedSession(req.user!, copyOf);
    const { shift } = copySchema.parse(req.query);
    await renderForm(req, res, { action: '/sessions', values: copyValues(source, shift) });
  });

  router.post('/sessions', managers, async (req, res) => {
    try {
      const saved = await createSession(req.user!, parse(sessionSchema, req.body));
      flashSaved(req, saved, 'sessions:created');
      res.redirect(303, `/sessions/${saved.session.id}`);
    } catch (error) {
      await handleFormError(req, res, error, { action: '/sessions', values: {} });
    }
  });

  router.use(calendarRouter(config));

  router.get('/sessions/:id', requireUser, async (req, res) => {
    await renderSessionPage(req, res, await getSession(req.user!, String(req.params.id)));
  });

  router.get('/sessions/:id/edit', managers, async (req, res) => {
    const session = await getManagedSession(req.user!, String(req.params.id));
    if (!isActive(session.status)) return res.redirect(303, `/sessions/${session.id}`);
    await renderForm(req, res, { action: `/sessions/${session.id}`, values: sessionValues(session), editing: true });
  });

  router.post('/sessions/:id', managers, async (req, res) => {
    const id = String(req.params.id);
    try {
      const saved = await updateSession(req.user!, id, parse(sessionSchema, req.body));
      flashSaved(req, saved, 'sessions:updated');
      res.redirect(303, `/sessions/${saved.session.id}`);
    } catch (error) {
      const session = await getManagedSession(req.user!, id);
      await handleFormError(req, res, error, {
        action: `/sessions/${session.id}`,
        values: {},
        editing: true,
        // after a conflict, saving again means "keep mine": the form now carries the current version
        version: error instanceof StaleFormError ? String(session.__v) : undefined,
      });
    }
  });

  // anything but a step (the roster's POST /sessions/:id/enrolments) passes on before the guard,
  // so that its own router answers it
  const isStep: RequestHandler = (req, _res, next) => next(STEPS[String(req.params.step)] ? undefined : 'route');
  router.post('/sessions/:id/:step', isStep, managers, async (req, res) => {
    const step = STEPS[String(req.params.step)]!;
    const session = await advanceSession(req.user!, String(req.params.id), step);
    flash(req.session, { type: 'success', key: `sessions:steps.done.${step}` });
    res.redirect(303, `/sessions/${session.id}`);
  });

  router.get('/sessions/:id/cancel', managers, async (req, res) => {
    const session = await getManagedSession(req.user!, String(req.params.id));
    if (!canCancel(session.status)) return res.redirect(303, `/sessions/${session.id}`);
    res.render('sessions/cancel', { title: req.t('sessions:cancel.title'), session });
  });

  router.post('/sessions/:id/cancel', managers, async (req, res) => {
    const session = await getManagedSession(req.user!, String(req.params.id));
    try {
      const { reason } = parse(cancelSchema, req.body);
      await cancelSession(req.user!, session.id, reason);
      flash(req.session, { type: 'success', key: 'sessions:cancel.done' });
      res.redirect(303, `/sessions/${session.id}`);
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      res.status(422).render('sessions/cancel', {
        title: req.t('sessions:cancel.title'),
        session,
        values: req.body as Record<string, unknown>,
        errors: error.fieldErrors,
      });
    }
  });

  router.use(qualificationsRouter());
  return router;
}
