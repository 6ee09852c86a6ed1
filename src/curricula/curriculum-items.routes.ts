import { Router } from 'express';
import { requireRole } from '../access/guards.ts';
import { FieldValidationError, notFound } from '../http/errors.ts';
import { flash } from '../http/flash.ts';
import { parse } from '../http/validate.ts';
import {
  addCurriculumItem,
  moveCurriculumItem,
  removeCurriculumItem,
  setCurriculumItemRequired,
} from './curriculum-items.service.ts';
import { renderCurriculumPage } from './curriculum-page.ts';
import { addItemSchema, itemChangeSchema, itemKindSchema, moduleIdParam } from './curricula.schemas.ts';
import { getEditableCurriculum } from './curricula.service.ts';

// The small forms beside each module of a curriculum page: no JavaScript, one POST each.

const editors = requireRole('admin', 'coordinator');

/** The module of an item action, from the path; a malformed id names no item (404). */
function moduleOf(value: unknown): string {
  const result = moduleIdParam.safeParse(value);
  if (!result.success) throw notFound();
  return result.data;
}

export function curriculumItemsRouter(): Router {
  const router = Router();

  router.post('/curricula/:id/items', editors, async (req, res) => {
    const id = String(req.params.id);
    try {
      const { curriculum, module } = await addCurriculumItem(req.user!, id, parse(addItemSchema, req.body));
      flash(req.session, { type: 'success', key: 'curricula:items.added', params: { title: module.title } });
      res.redirect(303, `/curricula/${curriculum.id}#items`);
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      const curriculum = await getEditableCurriculum(req.user!, id);
      res.status(422);
      await renderCurriculumPage(req, res, curriculum, { values: req.body, errors: error.fieldErrors });
    }
  });

  for (const direction of ['up', 'down'] as const) {
    router.post(`/curricula/:id/items/:module/${direction}`, editors, async (req, res) => {
      const { version } = parse(itemChangeSchema, req.body);
      const moduleId = moduleOf(req.params.module);
      const curriculum = await moveCurriculumItem(req.user!, String(req.params.id), moduleId, direction, version);
      flash(req.session, { type: 'success', key: 'curricula:items.moved' });
      res.redirect(303, `/curricula/${curriculum.id}#items`);
    });
  }

  router.post('/curricula/:id/items/:module/kind', editors, async (req, res) => {
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

  router.post('/curricula/:id/items/:module/remove', editors, async (req, res) => {
    const { version } = parse(itemChangeSchema, req.body);
    const moduleId = moduleOf(req.params.module);
    const curriculum = await removeCurriculumItem(req.user!, String(req.params.id), moduleId, version);
    flash(req.session, { type: 'success', key: 'curricula:items.removed' });
    res.redirect(303, `/curricula/${curriculum.id}#items`);
  });

  return router;
}
