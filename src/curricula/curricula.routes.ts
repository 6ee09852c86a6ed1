import { Router, type Request, type Response } from 'express';
import { isCurriculumEditor } from '../access/curriculum.policy.ts';
import { requireRole, requireUser } from '../access/guards.ts';
import type { FieldErrors } from '../http/errors.ts';
import { flash } from '../http/flash.ts';
import { handleForm } from '../http/form.ts';
import { curriculumItemsRouter } from './curriculum-items.routes.ts';
import { archiveCurriculum, publishCurriculum, reinstateCurriculum } from './curriculum-lifecycle.service.ts';
import type { CurriculumDocument } from './curriculum.model.ts';
import { editableCurriculum, renderCurriculumPage } from './curriculum-page.ts';
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

// the list and a new curriculum concern no curriculum: the role is enough; a curriculum's own
// routes load it first and ask the curriculum policy (404 when unseen, 403 when only seen)
const editors = requireRole('admin', 'coordinator');

type FormLocals = { curriculum?: CurriculumDocument; values: Record<string, unknown>; errors?: FieldErrors };

async function renderForm(req: Request, res: Response, view: 'new' | 'edit', locals: FormLocals) {
  res.render(`curricula/${view}`, {
    title: req.t(view === 'new' ? 'curricula:new.title' : 'curricula:edit.title'),
    institutions: await listOwnerOptions(req.user!, locals.curriculum),
    ...locals,
  });
}

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

  router.post('/curricula', editors, (req, res) =>
    handleForm(req, res, {
      schema: curriculumSchema,
      save: (input) => createCurriculum(req.user!, input),
      success: (curriculum) => ({
        flash: { key: 'curricula:created', params: { title: curriculum.title } },
        redirect: `/curricula/${curriculum.id}`,
      }),
      refused: (refusal) => renderForm(req, res, 'new', refusal),
    }),
  );

  router.get('/curricula/:id', requireUser, async (req, res) => {
    await renderCurriculumPage(req, res, await getCurriculum(req.user!, String(req.params.id)));
  });

  router.get('/curricula/:id/edit', requireUser, async (req, res) => {
    const curriculum = await getEditableCurriculum(req.user!, String(req.params.id));
    if (curriculum.status === 'archived') return res.redirect(303, `/curricula/${curriculum.id}`);
    const values = { ...curriculum.toObject(), institution: curriculum.institution?.toHexString() };
    await renderForm(req, res, 'edit', { curriculum, values: { ...values, version: curriculum.__v } });
  });

  router.post('/curricula/:id', requireUser, editableCurriculum, (req, res) => {
    const current = () => getEditableCurriculum(req.user!, String(req.params.id));
    return handleForm(req, res, {
      schema: curriculumUpdateSchema,
      save: (input) => updateCurriculum(req.user!, String(req.params.id), input),
      success: (curriculum) => ({
        flash: { key: 'curricula:updated', params: { title: curriculum.title } },
        redirect: `/curricula/${curriculum.id}`,
      }),
      refused: async (refusal) => renderForm(req, res, 'edit', { curriculum: await current(), ...refusal }),
      currentRevision: async () => (await current()).__v,
      revisionField: 'version',
    });
  });

  router.post('/curricula/:id/publish', requireUser, async (req, res) => {
    const curriculum = await publishCurriculum(req.user!, String(req.params.id));
    flash(req.session, { type: 'success', key: 'curricula:published', params: { title: curriculum.title } });
    res.redirect(303, `/curricula/${curriculum.id}`);
  });

  router.get('/curricula/:id/archive', requireUser, async (req, res) => {
    const curriculum = await getEditableCurriculum(req.user!, String(req.params.id));
    if (curriculum.status !== 'published') return res.redirect(303, `/curricula/${curriculum.id}`);
    res.render('curricula/archive', { title: req.t('curricula:archive.title'), curriculum });
  });

  router.post('/curricula/:id/archive', requireUser, async (req, res) => {
    const curriculum = await archiveCurriculum(req.user!, String(req.params.id));
    flash(req.session, { type: 'success', key: 'curricula:archived', params: { title: curriculum.title } });
    res.redirect(303, `/curricula/${curriculum.id}`);
  });

  router.post('/curricula/:id/reinstate', requireUser, async (req, res) => {
    const curriculum = await reinstateCurriculum(req.user!, String(req.params.id));
    flash(req.session, { type: 'success', key: 'curricula:reinstated', params: { title: curriculum.title } });
    res.redirect(303, `/curricula/${curriculum.id}`);
  });

  router.use(curriculumItemsRouter());
  return router;
}
