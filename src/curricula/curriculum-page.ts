import type { Request, RequestHandler, Response } from 'express';
import type { FieldErrors } from '../http/errors.ts';
import { institutionSummary } from '../institutions/institutions.service.ts';
import { curriculumPolicy } from '../access/curriculum.policy.ts';
import { can } from '../access/policy.ts';
import { describeItems, moduleChoices } from './curriculum-items.service.ts';
import type { CurriculumDocument } from './curriculum.model.ts';
import { ITEM_KINDS } from './curricula.schemas.ts';
import { getEditableCurriculum } from './curricula.service.ts';

type PageLocals = { values?: Record<string, unknown>; errors?: FieldErrors };

/**
 * The curriculum page: its modules in order, and for editors the forms that change them. The
 * reader's progress through it, and the link to everyone's, are left in res.locals by the
 * feature that reads completion records (transcripts, mounted before: decision 0008).
 */
export async function renderCurriculumPage(
  req: Request,
  res: Response,
  curriculum: CurriculumDocument,
  locals: PageLocals = {},
): Promise<void> {
  const actor = req.user!;
  const canEdit = can(actor, curriculumPolicy, 'update', curriculum);
  const [items, choices, owner] = await Promise.all([
    describeItems(actor, curriculum),
    canEdit ? moduleChoices(actor, curriculum) : [],
    institutionSummary(curriculum.institution),
  ]);
  res.render('curricula/show', {
    title: curriculum.title,
    curriculum,
    owner,
    rows: items.rows,
    requiredHours: items.requiredHours,
    canEdit,
    choices,
    kinds: ITEM_KINDS,
    version: curriculum.__v,
    values: { kind: 'required', ...locals.values },
    errors: locals.errors ?? {},
  });
}

/** The curriculum of the path, if the actor may change it: checked before any form is read. */
export const editableCurriculum: RequestHandler = async (req, res, next) => {
  res.locals.curriculum = await getEditableCurriculum(req.user!, String(req.params.id));
  next();
};
