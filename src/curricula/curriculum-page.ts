import type { Request, Response } from 'express';
import type { FieldErrors } from '../http/errors.ts';
import { institutionSummary } from '../institutions/institutions.service.ts';
import { canEditCurriculum } from './curriculum-access.ts';
import { describeItems, moduleChoices, progressFor } from './curriculum-items.service.ts';
import type { CurriculumDocument } from './curriculum.model.ts';
import { ITEM_KINDS } from './curricula.schemas.ts';

type PageLocals = { values?: Record<string, unknown>; errors?: FieldErrors };

/** The curriculum page: its modules in order, and for editors the forms that change them. */
export async function renderCurriculumPage(
  req: Request,
  res: Response,
  curriculum: CurriculumDocument,
  locals: PageLocals = {},
): Promise<void> {
  const actor = req.user!;
  const canEdit = canEditCurriculum(actor, curriculum);
  const [items, choices, progress, owner] = await Promise.all([
    describeItems(actor, curriculum),
    canEdit ? moduleChoices(actor, curriculum) : [],
    progressFor(actor, curriculum),
    institutionSummary(curriculum.institution),
  ]);
  res.render('curricula/show', {
    title: curriculum.title,
    curriculum,
    owner,
    rows: items.rows,
    requiredHours: items.requiredHours,
    progress,
    canEdit,
    choices,
    kinds: ITEM_KINDS,
    version: curriculum.__v,
    values: { kind: 'required', ...locals.values },
    errors: locals.errors ?? {},
  });
}
