import { Router } from 'express';
import { requireUser } from '../access/guards.ts';

/** The start page after sign-in: what each role can do from here. */
export function homeRouter(): Router {
  const router = Router();
  router.get('/', requireUser, (req, res) => {
    res.render('home/index', { title: req.t('home.title') });
  });
  return router;
}
