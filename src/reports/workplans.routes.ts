import { Router, type Request, type Response } from 'express';
import { requireRole } from '../access/guards.ts';
import { sendAuditedExport } from '../exports/audited-export.ts';
import { workplanTable } from './donor-table.ts';
import { curriculumChoices } from '../curricula/curricula.service.ts';
import { flash } from '../http/flash.ts';
import { handleForm } from '../http/form.ts';
import { listCountryOptions } from '../institutions/countries.service.ts';
import { listOptions } from '../completions/completions.service.ts';
import { activitySchema, workplanSchema } from './reports.schemas.ts';
import { QUARTERS, TARGET_KINDS } from './workplan.model.ts';
import {
  addActivity,
  createWorkplan,
  getActivity,
  listWorkplans,
  removeActivity,
  workplanWithProgress,
} from './workplans.service.ts';

// Workplans and their targets (issue 14), for administrators: the list with a form for a new
// one, and a workplan's page: its activities by quarter, each target's progress and gap, and a
// form for another activity.

const admins = requireRole('admin');

export function workplansRouter(): Router {
  const router = Router();

  async function renderList(req: Request, res: Response, locals: Record<string, unknown> = {}) {
    const [workplans, countries] = await Promise.all([listWorkplans(req.user!), listCountryOptions()]);
    const countryName = new Map(countries.map((c) => [c._id.toHexString(), c.name]));
    res.render('reports/workplans', {
      title: req.t('reports:workplans.title'),
      workplans: workplans.map((w) => ({ ...w, countryName: countryName.get(w.country.toHexString()) ?? '' })),
      countries,
      values: { year: String(new Date().getUTCFullYear()) },
      errors: {},
      ...locals,
    });
  }

  router.get('/reports/workplans', admins, (req, res) => renderList(req, res));

  router.post('/reports/workplans', admins, (req, res) =>
    handleForm(req, res, {
      schema: workplanSchema,
      save: (input) => createWorkplan(req.user!, input),
      success: (workplan) => ({
        flash: { key: 'reports:workplans.created' },
        redirect: `/reports/workplans/${workplan.id as string}`,
      }),
      refused: (refusal) => renderList(req, res, refusal),
    }),
  );

  async function renderWorkplan(req: Request, res: Response, locals: Record<string, unknown> = {}) {
    const page = await workplanWithProgress(req.user!, String(req.params.id));
    const [curricula, { modules }] = await Promise.all([curriculumChoices(req.user!), listOptions(req.user!)]);
    res.render('reports/workplan', {
      title: page.workplan.title,
      ...page,
      curricula,
      modules,
      quarters: QUARTERS,
      kinds: TARGET_KINDS,
      values: {},
      errors: {},
      ...locals,
    });
  }

  router.get('/reports/workplans/:id', admins, (req, res) => renderWorkplan(req, res));

  // the workplan with its progress, as a file beside the donor report's (decision 0019)
  router.get('/reports/workplans/:id/export', admins, async (req, res) => {
    const { workplan, activities } = await workplanWithProgress(req.user!, String(req.params.id));
    await sendAuditedExport(req, res, {
      action: 'export.workplan',
      name: `workplan-${workplan.year}`,
      ...workplanTable(activities, req.t),
      filters: { workplan: workplan.id as string },
      institutions: [],
    });
  });

  router.post('/reports/workplans/:id/activities', admins, (req, res) =>
    handleForm(req, res, {
      schema: activitySchema,
      save: (input) => addActivity(req.user!, String(req.params.id), input),
      success: (workplan) => ({
        flash: { key: 'reports:workplans.added' },
        redirect: `/reports/workplans/${workplan.id as string}`,
      }),
      refused: (refusal) => renderWorkplan(req, res, refusal),
    }),
  );

  // removing an activity asks first: its target goes with it
  router.get('/reports/workplans/:id/activities/:activity/remove', admins, async (req, res) => {
    const { workplan, activity } = await getActivity(req.user!, String(req.params.id), String(req.params.activity));
    res.render('reports/workplan-activity-remove', {
      title: req.t('reports:workplans.removeTitle'),
      workplan,
      activity,
    });
  });

  router.post('/reports/workplans/:id/activities/:activity/remove', admins, async (req, res) => {
    const workplan = await removeActivity(req.user!, String(req.params.id), String(req.params.activity));
    flash(req.session, { type: 'success', key: 'reports:workplans.removed' });
    res.redirect(303, `/reports/workplans/${workplan.id as string}`);
  });

  return router;
}
