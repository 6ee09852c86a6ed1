import { Router, type Request, type RequestHandler, type Response } from 'express';
import { requireRole, requireUser } from '../access/guards.ts';
import { sendAuditedExport } from '../exports/audited-export.ts';
import { trainersExport } from './trainers-export.ts';
import type { FieldErrors } from '../http/errors.ts';
import { flash } from '../http/flash.ts';
import { handleForm } from '../http/form.ts';
import {
  addQualification,
  getQualification,
  getTrainer,
  listQualifications,
  removeQualification,
} from './qualifications.service.ts';
import { schedulableModules } from '../modules/module-lookups.service.ts';
import { qualificationSchema } from './qualifications.schemas.ts';

// every page is about one trainer, whom the service loads first and asks the person policy
// about (404 unseen, 403 only seen); a form is read only after that
const trainerOfPath: RequestHandler = async (req, res, next) => {
  await getTrainer(req.user!, String(req.params.id));
  next();
};

async function renderPage(req: Request, res: Response, values: Record<string, unknown> = {}, errors: FieldErrors = {}) {
  const { trainer, qualifications } = await listQualifications(req.user!, String(req.params.id));
  res.render('sessions/qualifications', {
    title: req.t('sessions:qualifications.title', { name: trainer.fullName }),
    trainer,
    qualifications,
    modules: await schedulableModules(req.user!),
    values,
    errors,
  });
}

export function qualificationsRouter(): Router {
  const router = Router();

  // every trainer's record as a file (decision 0019); before trainer-chain's /trainers/:id
  router.get('/trainers/export', requireUser, requireRole('admin', 'coordinator'), async (req, res) => {
    await sendAuditedExport(req, res, {
      action: 'export.trainers',
      name: 'trainers',
      ...trainersExport(req.user!, req.t),
      filters: {},
    });
  });

  router.get('/people/:id/qualifications', requireUser, async (req, res) => {
    await renderPage(req, res);
  });

  router.post('/people/:id/qualifications', requireUser, trainerOfPath, (req, res) => {
    const id = String(req.params.id);
    return handleForm(req, res, {
      schema: qualificationSchema,
      save: (input) => addQualification(req.user!, id, input),
      success: () => ({ flash: { key: 'sessions:qualifications.added' }, redirect: `/people/${id}/qualifications` }),
      refused: ({ values, errors }) => renderPage(req, res, values, errors),
    });
  });

  router.get('/people/:id/qualifications/:qualification/remove', requireUser, async (req, res) => {
    const { trainer, qualification } = await getQualification(
      req.user!,
      String(req.params.id),
      String(req.params.qualification),
    );
    res.render('sessions/qualification-remove', {
      title: req.t('sessions:qualifications.removeTitle'),
      trainer,
      qualification,
    });
  });

  router.post('/people/:id/qualifications/:qualification/remove', requireUser, async (req, res) => {
    const id = String(req.params.id);
    await removeQualification(req.user!, id, String(req.params.qualification));
    flash(req.session, { type: 'success', key: 'sessions:qualifications.removed' });
    res.redirect(303, `/people/${id}/qualifications`);
  });

  return router;
}
