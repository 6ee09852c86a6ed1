import { Router } from 'express';
import { requireUser } from '../access/guards.ts';
import { fillRates } from '../enrolments/enrolment-queries.service.ts';
import { modulePolicy } from '../access/module.policy.ts';
import { can } from '../access/policy.ts';
import { DELIVERY_MODES } from '../modules/module-lookups.service.ts';
import { DELIVERY_LANGUAGES } from '../i18n/i18n.ts';
import { listResourcesForModule } from '../resources/resources.service.ts';
import { upcomingSessionsOf } from '../sessions/session-queries.service.ts';
import { formatDay } from '../sessions/session-times.ts';
import { catalogueFilterSchema } from './catalogue.schemas.ts';
import {
  getCatalogueModule,
  listCatalogue,
  listCatalogueTags,
  listVisiblePrerequisites,
} from '../modules/module-catalogue.service.ts';

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
    const [prerequisites, resources, sessions] = await Promise.all([
      listVisiblePrerequisites(req.user!, module),
      listResourcesForModule(req.user!, module),
      upcomingSessionsOf(req.user!, module._id),
    ]);
    const fill = await fillRates(sessions);
    res.render('catalogue/show', {
      title: module.title,
      module,
      prerequisites,
      resources,
      sessions: sessions.map((s) => ({
        id: s._id.toHexString(),
        when: s.days[0] ? formatDay(s.days[0], s.timeZone, req.language) : '',
        moreDays: s.days.length - 1,
        venue: [s.institution?.name, s.room].filter(Boolean).join(', '),
        language: s.language,
        fill: fill.get(s._id.toHexString())!,
      })),
      canEdit: false,
      canManage: can(req.user!, modulePolicy, 'update', module),
    });
  });

  return router;
}
