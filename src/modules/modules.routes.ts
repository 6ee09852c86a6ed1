import { Router, type Request, type RequestHandler, type Response } from 'express';
import { hasRole } from '../access/actor.ts';
import { requireRole, requireUser } from '../access/guards.ts';
import type { FieldErrors } from '../http/errors.ts';
import { toHttpError } from '../http/error-handler.ts';
import { flash } from '../http/flash.ts';
import { listInstitutionOptions } from '../institutions/institutions.service.ts';
import { MODULE_LIST_STATUSES, moduleFilterSchema, moduleSchema } from './modules.schemas.ts';
import {
  archiveModule,
  createModule,
  getModule,
  listModules,
  listModuleTags,
  listPrerequisiteOptions,
  listQualifyingOptions,
  publishModule,
  reinstateModule,
  updateModule,
  type ModuleDocument,
} from './modules.service.ts';
import { DELIVERY_MODES } from './training-module.model.ts';
import { testsOf } from './module-rules.ts';
import { DELIVERY_LANGUAGES, LANGUAGES } from '../i18n/i18n.ts';
import { handleForm } from '../http/form.ts';

// the list and a new module concern no module: the role is enough; a module's own routes load it
// first and ask the module policy (404 when unseen, 403 when only seen)
const editors = requireRole('admin', 'coordinator');

type FormLocals = { module?: ModuleDocument; values: Record<string, unknown>; errors?: FieldErrors };

async function renderForm(req: Request, res: Response, locals: FormLocals) {
  const module = locals.module;
  const [institutions, prerequisites, qualifying] = await Promise.all([
    // a module may stay with a deactivated owner: keep it selectable in its own form
    listInstitutionOptions(req.user!, { keep: [module?.institution?.toHexString()] }),
    listPrerequisiteOptions(req.user!, module),
    listQualifyingOptions(req.user!, module),
  ]);
  res.render(module ? 'modules/edit' : 'modules/new', {
    title: req.t(module ? 'modules:edit.title' : 'modules:new.title'),
    institutions,
    prerequisites,
    qualifying,
    modes: DELIVERY_MODES,
    languages: DELIVERY_LANGUAGES,
    translationLanguages: LANGUAGES,
    ...locals,
  });
}

const LIST_FIELDS = ['prerequisites', 'qualifiesFor', 'languages', 'translationLanguage', 'translationTitle'];

/** What is stored, in the shape of the form. */
function storedValues(module: ModuleDocument): Record<string, unknown> {
  return {
    ...module.toObject(),
    objectives: module.objectives.join('\n'),
    tags: module.tags.join(', '),
    translationLanguage: module.titleTranslations.map((translation) => translation.language),
    translationTitle: module.titleTranslations.map((translation) => translation.title),
    prerequisites: module.prerequisites.map((id) => id.toHexString()),
    qualifiesFor: module.qualifiesFor.map((id) => id.toHexString()),
    passMark: module.passMark ?? '',
    ...testsOf(module),
    institution: module.institution?.toHexString() ?? '',
    revision: String(module.__v),
  };
}

const moduleUrl = (req: Request) => `/modules/${String(req.params.id)}`;

/** The module of the path, if the actor may change it: checked before any form is read. */
const editable: RequestHandler = async (req, res, next) => {
  res.locals.module = await getModule(req.user!, String(req.params.id));
  next();
};

/** A change of status: done, or refused with a message (409) shown on the module's page. */
function statusChange(change: typeof publishModule, successKey: string) {
  return async (req: Request, res: Response) => {
    try {
      const module = await change(req.user!, String(req.params.id));
      flash(req.session, { type: 'success', key: successKey, params: { title: module.title } });
    } catch (error) {
      // 409: a status step that does not apply, or a save that lost a race with another one
      const refusal = toHttpError(error);
      if (refusal.status !== 409) throw error;
      flash(req.session, { type: 'error', key: refusal.messageKey });
    }
    res.redirect(303, moduleUrl(req));
  };
}

export function modulesRouter(): Router {
  const router = Router();

  router.get('/modules', editors, async (req, res) => {
    const filter = moduleFilterSchema.parse(req.query);
    const [page, tags] = await Promise.all([listModules(req.user!, filter), listModuleTags(req.user!)]);
    res.render('modules/index', {
      title: req.t('modules:list.title'),
      page,
      filter,
      tags,
      statuses: MODULE_LIST_STATUSES,
    });
  });

  router.get('/modules/new', editors, async (req, res) => {
    const values = {
      deliveryMode: 'classroom',
      attendanceThreshold: '80',
      certificateValidityMonths: '0',
      languages: [],
      prerequisites: [],
      qualifiesFor: [],
      institution: hasRole(req.user!, 'admin') ? '' : req.user!.institutionId,
    };
    await renderForm(req, res, { values });
  });

  router.post('/modules', editors, (req, res) =>
    handleForm(req, res, {
      schema: moduleSchema,
      save: (input) => createModule(req.user!, input),
      success: (module) => ({
        flash: { key: 'modules:created', params: { title: module.title } },
        redirect: `/modules/${module.id}`,
      }),
      refused: (refusal) => renderForm(req, res, refusal),
      listFields: LIST_FIELDS,
    }),
  );

  router.get('/modules/:id/edit', requireUser, async (req, res) => {
    const module = await getModule(req.user!, String(req.params.id));
    if (module.status === 'archived') return res.redirect(303, `/modules/${module.id}`);
    await renderForm(req, res, { module, values: storedValues(module) });
  });

  router.post('/modules/:id', requireUser, editable, (req, res) => {
    const current = () => getModule(req.user!, String(req.params.id));
    return handleForm(req, res, {
      schema: moduleSchema,
      save: (input) => updateModule(req.user!, String(req.params.id), input),
      success: ({ module, versionRaised }) => ({
        flash: {
          key: versionRaised ? 'modules:updatedVersion' : 'modules:updated',
          params: { title: module.title, version: module.version },
        },
        redirect: `/modules/${module.id}`,
      }),
      refused: async (refusal) => renderForm(req, res, { module: await current(), ...refusal }),
      listFields: LIST_FIELDS,
      currentRevision: async () => (await current()).__v,
      // besides a stale form, 409: the module was archived meanwhile, or another editor took the same new version
      refusals: ['modules:edit.archived', 'modules:edit.conflict'],
    });
  });

  // asked first, as archiving is: publishing puts the module in the catalogue for everyone in reach
  router.get('/modules/:id/publish', requireUser, async (req, res) => {
    const module = await getModule(req.user!, String(req.params.id), 'publish');
    if (module.status !== 'draft') return res.redirect(303, `/modules/${module.id}`);
    res.render('modules/publish', { title: req.t('modules:publish.title'), module });
  });

  router.post('/modules/:id/publish', requireUser, statusChange(publishModule, 'modules:published'));

  router.get('/modules/:id/archive', requireUser, async (req, res) => {
    const module = await getModule(req.user!, String(req.params.id), 'archive');
    if (module.status !== 'published') return res.redirect(303, `/modules/${module.id}`);
    res.render('modules/archive', { title: req.t('modules:archive.title'), module });
  });

  router.post('/modules/:id/archive', requireUser, statusChange(archiveModule, 'modules:archived'));
  router.post('/modules/:id/reinstate', requireUser, statusChange(reinstateModule, 'modules:reinstated'));

  return router;
}
