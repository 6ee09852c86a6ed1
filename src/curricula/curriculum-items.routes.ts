import { Router } from 'express';
import { requireUser } from '../access/guards.ts';
import { notFound } from '../http/errors.ts';
import { flash } from '../http/flash.ts';
import { handleForm } from '../http/form.ts';
import { parse } from '../http/validate.ts';
import {
  addCurriculumItem,
  moveCurriculumItem,
  removeCurriculumItem,
  setCurriculumItemRequired,
} from './curriculum-items.service.ts';
import { editableCurriculum, renderCurriculumPage } from './curriculum-page.ts';
import { addItemSchema, itemChangeSchema, itemKindSchema, moduleIdParam } from './curricula.schemas.ts';
import { getEditableCurriculum } from './curricula.service.ts';

// The small forms beside each module of a curriculum page: no JavaScript, one POST each. The
// curriculum is loaded and the curriculum policy asked (404 unseen, 403 only seen) before the
// form is read, so that no answer about the form tells a curriculum exists.

/** The module of an item action, from the path; a malformed id names no item (404). */
function moduleOf(value: unknown): string {
  const result = moduleIdParam.safeParse(value);
  if (!result.success) throw notFound();
  return result.data;
}

export function curriculumItemsRouter(): Router {
  const router = Router();

  router.post('/curricula/:id/items', requireUser, editableCurriculum, (req, res) => {
    const id = String(req.params.id);
    return handleForm(req, res, {
      schema: addItemSchema,
      save: (input) => addCurriculumItem(req.user!, id, input),
      success: ({ curriculum, module }) => ({
        flash: { key: 'curricula:items.added', params: { title: module.title } },
        redirect: `/curricula/${curriculum.id}#items`,
      }),
      refused: async (refusal) => renderCurriculumPage(req, res, await getEditableCurriculum(req.user!, id), refusal),
    });
  });

  // the buttons beside an item: nothing typed to keep, so a stale page (409) or a tampered
  // version (422) is the error page, not handleForm's re-render
  for (const direction of ['up', 'down'] as const) {
    router.post(`/curricula/:id/items/:module/${direction}`, requireUser, editableCurriculum, async (req, res) => {
      const { version } = parse(itemChangeSchema, req.body);
      const moduleId = moduleOf(req.params.module);
      const curriculum = await moveCurriculumItem(req.user!, String(req.params.id), moduleId, direction, version);
      flash(req.session, { type: 'success', key: 'curricula:items.moved' });
      res.redirect(303, `/curricula/${curriculum.id}#items`);
    });
  }

  router.post('/curricula/:id/items/:module/kind', requireUser, editableCurriculum, async (req, res) => {
    const { kind, version } = parse(itemKindSchema, req.body);
    const moduleId = moduleOf(req.params.module);
    const required = kind === 'required';
    const curriculum = await setCurriculumItemRequired(req.user!, String(req.params.id), moduleId, required, version);
    flash(req.session, {
      type: 'success',
      key: required ? 'curricula:items.nowRequired' : 'curricula:items.nowElective',
    });
    res.redirect(303, `/curricula/${curriculum.id}#items`);
  });

  router.post('/curricula/:id/items/:module/remove', requireUser, editableCurriculum, async (req, res) => {
    const { version } = parse(itemChangeSchema, req.body);
    const moduleId = moduleOf(req.params.module);
    const curriculum = await removeCurriculumItem(req.user!, String(req.params.id), moduleId, version);
    flash(req.session, { type: 'success', key: 'curricula:items.removed' });
    res.redirect(303, `/curricula/${curriculum.id}#items`);
  });

  return router;
}
