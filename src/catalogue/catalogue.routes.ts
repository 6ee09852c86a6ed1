import { Router } from 'express';
import { requireUser } from '../auth/guards.ts';
import { canEditModule } from '../modules/module-access.ts';
import { DELIVERY_LANGUAGES, DELIVERY_MODES } from '../modules/training-module.model.ts';
import { listResourcesForModule } from '../resources/resources.service.ts';
import { catalogueFilterSchema } from './catalogue.schemas.ts';
import { getCatalogueModule, listCatalogue, listCatalogueTags, listVisiblePrerequisites } from './catalogue.service.ts';

/** The catalogue of published modules, for everyone signed in. */
export function catalogueRouter(): Router {
  const router = Router();

  router.get('/catalogue', requireUser, async (req, res) => {
    const filter = catalogueFilterSchema.parse(req.query);
    const [page, tags] = await Promise.all([listCatalogue(req.user!, filter), listCatalogueTags(req.user!)]);
    res.render('catalogue/index', {
      title: req.t('catalogue:list.title'),
      page,
      filter,
      tags,
      languages: DELIVERY_LANGUAGES,
      modes: DELIVERY_MODES,
    });
  });

  router.get('/catalogue/:id', requireUser, async (req, res) => {
    const module = await getCatalogueModule(req.user!, String(req.params.id));
    const [prerequisites, resources] = await Promise.all([
      listVisiblePrerequisites(req.user!, module),
      listResourcesForModule(req.user!, module),
    ]);
    res.render('catalogue/show', {
      title: module.title,
      module,
      prerequisites,
      resources,
      canEdit: false,
      canManage: canEditModule(req.user!, module),
    });
  });

  return router;
}
