import { Router } from 'express';
import { requireUser } from '../access/guards.ts';
import { flash } from '../http/flash.ts';
import { orRefusal } from '../http/form.ts';
import { parse } from '../http/validate.ts';
import { moduleCascade, TRAINERS_SHOWN } from './cascade.service.ts';
import { MAX_GENERATION } from './chain-rules.ts';
import { grantFromCompletion, personToQualify, qualifyingCompletions } from './grant.service.ts';
import { grantSchema, trainerPageSchema } from './trainer-chain.schemas.ts';
import { CERTIFIED_SHOWN, trainerRecord } from './trainer-record.service.ts';

// The trainer chain (decision 0016): a trainer's record, granting a qualification from a
// completion of a training of trainers, and a module's cascade. Each page loads its person or
// module first and asks its policy (404 unseen, 403 only seen); a form is read only after that.
// The grant page sits under the person's qualifications, which it adds to.

export function trainerChainRouter(): Router {
  const router = Router();

  router.get('/trainers/:id', requireUser, async (req, res) => {
    const { page } = trainerPageSchema.parse(req.query);
    const record = await trainerRecord(req.user!, String(req.params.id), page);
    res.render('trainers/show', {
      title: req.t('trainers:show.title', { name: record.trainer.fullName }),
      ...record,
      certifiedShown: CERTIFIED_SHOWN,
      filter: { page },
    });
  });

  router.get('/people/:id/qualifications/grant', requireUser, async (req, res) => {
    const { person, isTrainer, rows } = await qualifyingCompletions(req.user!, String(req.params.id));
    res.render('trainers/grant', {
      title: req.t('trainers:grant.title', { name: person.fullName }),
      person,
      isTrainer,
      rows,
    });
  });

  router.post('/people/:id/qualifications/grant', requireUser, async (req, res) => {
    const id = String(req.params.id);
    await personToQualify(req.user!, id);
    await orRefusal(req, res, `/people/${id}/qualifications/grant`, async () => {
      const { person, module } = await grantFromCompletion(req.user!, id, parse(grantSchema, req.body));
      flash(req.session, {
        type: 'success',
        key: 'trainers:grant.done',
        params: { name: person.fullName, module: module.title },
      });
    });
  });

  router.get('/modules/:id/cascade', requireUser, async (req, res) => {
    const cascade = await moduleCascade(req.user!, String(req.params.id));
    res.render('trainers/cascade', {
      title: req.t('trainers:cascade.title', { title: cascade.module.title }),
      ...cascade,
      trainersShown: TRAINERS_SHOWN,
      maxGeneration: MAX_GENERATION,
    });
  });

  return router;
}
