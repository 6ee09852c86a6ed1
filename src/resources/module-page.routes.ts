import { Router } from 'express';
import { requireUser } from '../access/guards.ts';
import { listVersions } from '../modules/module-versioning.ts';
import { testsOf } from '../modules/module-rules.ts';
import { getModule, listPrerequisites, listQualifiesFor } from '../modules/modules.service.ts';
import { listResourcesForModule } from './resources.service.ts';

// The editors' page of a module: what it is, its prerequisites and versions, and its materials
// with what can be done to them. It is served here, by the materials feature, because materials
// are built on modules (resources uses modules, decision 8), never the other way round.

export function modulePageRouter(): Router {
  const router = Router();

  // the module policy answers: 404 to whoever cannot see it, 403 to whoever sees it in the catalogue only
  router.get('/modules/:id', requireUser, async (req, res) => {
    const module = await getModule(req.user!, String(req.params.id));
    const [prerequisites, qualifiesFor, versions, resources] = await Promise.all([
      listPrerequisites(module),
      listQualifiesFor(module),
      listVersions(module._id),
      listResourcesForModule(req.user!, module),
    ]);
    await module.populate('institution', 'name code active');
    res.render('modules/show', {
      title: module.title,
      module,
      tests: testsOf(module),
      prerequisites,
      qualifiesFor,
      versions,
      resources,
      canEdit: true,
    });
  });

  return router;
}
