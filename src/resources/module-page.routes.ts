import { Router } from 'express';
import { requireRole } from '../access/guards.ts';
import { listVersions } from '../modules/module-versioning.ts';
import { getModule, listPrerequisites } from '../modules/modules.service.ts';
import { listResourcesForModule } from './resources.service.ts';

// The editors' page of a module: what it is, its prerequisites and versions, and its materials
// with what can be done to them. It is served here, by the materials feature, because materials
// are built on modules (resources uses modules, decision 8), never the other way round.

export function modulePageRouter(): Router {
  const router = Router();

  router.get('/modules/:id', requireRole('admin', 'coordinator'), async (req, res) => {
    const module = await getModule(req.user!, String(req.params.id));
    const [prerequisites, versions, resources] = await Promise.all([
      listPrerequisites(module),
      listVersions(module._id),
      listResourcesForModule(req.user!, module),
    ]);
    await module.populate('institution', 'name code active');
    res.render('modules/show', { title: module.title, module, prerequisites, versions, resources, canEdit: true });
  });

  return router;
}
