import { Router, type Request, type Response } from 'express';
import { requireRole, requireUser } from '../access/guards.ts';
import { FieldValidationError, HttpError, type FieldErrors } from '../http/errors.ts';
import { flash } from '../http/flash.ts';
import { parse } from '../http/validate.ts';
import { isCurriculumEditor } from './curriculum-access.ts';
import { curriculumItemsRouter } from './curriculum-items.routes.ts';
import { archiveCurriculum, publishCurriculum, reinstateCurriculum } from './curriculum-lifecycle.service.ts';
import type { CurriculumDocument } from './curriculum.model.ts';
import { renderCurriculumPage } from './curriculum-page.ts';
import {
  CURRICULUM_STATUS_FILTERS,
  curriculumFilterSchema,
  curriculumSchema,
  curriculumUpdateSchema,
} from './curricula.schemas.ts';
import {
  createCurriculum,
  getCurriculum,
  getEditableCurriculum,
  listCurricula,
  listOwnerOptions,
  updateCurriculum,
} from './curricula.service.ts';

const editors = requireRole('admin', 'coordinator');

type FormLocals = { curriculum?: CurriculumDocument; values: Record<string, unknown>; errors?: FieldErrors };

async function renderForm(req: Request, res: Response, view: 'new' | 'edit', locals: FormLocals) {
  res.render(`curricula/${view}`, {
    title: req.t(view === 'new' ? 'curricula:new.title' : 'curricula:edit.title'),
    institutions: await listOwnerOptions(req.user!, locals.curriculum),
    ...locals,
  });
}

const isConflict = (error: unknown) => error instanceof HttpError && error.messageKey === 'curricula:conflict';

export function curriculaRouter(): Router {
  const router = Router();

  router.get('/curricula', requireUser, async (req, res) => {
    const filter = curriculumFilterSchema.parse(req.query);
    res.render('curricula/index', {
      title: req.t('curricula:list.title'),
      page: await listCurricula(req.user!, filter),
      filter,
      statuses: CURRICULUM_STATUS_FILTERS,
      isEditor: isCurriculumEditor(req.user!),
    });
  });

  router.get('/curricula/new', editors, async (req, res) => {
    await renderForm(req, res, 'new', { values: { institution: req.user!.institutionId } });
  });

  router.post('/curricula', editors, async (req, res) => {
    try {
      const curriculum = await createCurriculum(req.user!, parse(curriculumSchema, req.body));
      flash(req.session, { type: 'success', key: 'curricula:created', params: { title: curriculum.title } });
      res.redirect(303, `/curricula/${curriculum.id}`);
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      res.status(422);
      await renderForm(req, res, 'new', { values: req.body, errors: error.fieldErrors });
    }
  });

  router.get('/curricula/:id', requireUser, async (req, res) => {
    await renderCurriculumPage(req, res, await getCurriculum(req.user!, String(req.params.id)));
  });

  router.get('/curricula/:id/edit', editors, async (req, res) => {
    const curriculum = await getEditableCurriculum(req.user!, String(req.params.id));
    if (curriculum.status === 'archived') return res.redirect(303, `/curricula/${curriculum.id}`);
    const values = { ...curriculum.toObject(), institution: curriculum.institution?.toHexString() };
    await renderForm(req, res, 'edit', { curriculum, values: { ...values, version: curriculum.__v } });
  });

  router.post('/curricula/:id', editors, async (req, res) => {
    const id = String(req.params.id);
    try {
      const curriculum = await updateCurriculum(req.user!, id, parse(curriculumUpdateSchema, req.body));
      flash(req.session, { type: 'success', key: 'curricula:updated', params: { title: curriculum.title } });
      res.redirect(303, `/curricula/${curriculum.id}`);
    } catch (error) {
      if (!(error instanceof FieldValidationError) && !isConflict(error)) throw error;
      const curriculum = await getEditableCurriculum(req.user!, id);
      const values = req.body as Record<string, unknown>;
      if (error instanceof FieldValidationError) {
        res.status(422);
        return renderForm(req, res, 'edit', { curriculum, values, errors: error.fieldErrors });
      }
      // someone saved in between: keep what this person typed, say so, and let them save over it knowingly
      res.status(409);
      const errors = { _form: { key: 'curricula:conflictForm' } };
      await renderForm(req, res, 'edit', { curriculum, values: { ...values, version: curriculum.__v }, errors });
    }
  });

  router.post('/curricula/:id/publish', editors, async (req, res) => {
    const curriculum = await publishCurriculum(req.user!, String(req.params.id));
    flash(req.session, { type: 'success', key: 'curricula:published', params: { title: curriculum.title } });
    res.redirect(303, `/curricula/${curriculum.id}`);
  });

  router.get('/curricula/:id/archive', editors, async (req, res) => {
    const curriculum = await getEditableCurriculum(req.user!, String(req.params.id));
    if (curriculum.status !== 'published') return res.redirect(303, `/curricula/${curriculum.id}`);
    res.render('curricula/archive', { title: req.t('curricula:archive.title'), curriculum });
  });

  router.post('/curricula/:id/archive', editors, async (req, res) => {
    const curriculum = await archiveCurriculum(req.user!, String(req.params.id));
    flash(req.session, { type: 'success', key: 'curricula:archived', params: { title: curriculum.title } });
    res.redirect(303, `/curricula/${curriculum.id}`);
  });

  router.post('/curricula/:id/reinstate', editors, async (req, res) => {
    const curriculum = await reinstateCurriculum(req.user!, String(req.params.id));
    flash(req.session, { type: 'success', key: 'curricula:reinstated', params: { title: curriculum.title } });
    res.redirect(303, `/curricula/${curriculum.id}`);
  });

  router.use(curriculumItemsRouter());
  return router;
}
