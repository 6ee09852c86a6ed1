import { Router, type Request } from 'express';
import { requireRole, requireUser, safeReturnTo } from '../access/guards.ts';
import { flash } from '../http/flash.ts';
import { orRefusal } from '../http/form.ts';
import { venueTimeIn } from '../sessions/session-times.ts';
import { comebackDeadline, loadVisibleSession } from './enrolment-access.ts';
import { enrolmentPanel, myTraining, pendingApprovals } from './enrolment-queries.service.ts';
import { moduleSummary } from '../modules/module-lookups.service.ts';
import { approve, decline, enrol, withdraw } from './enrolments.service.ts';
import { doorTurn } from './placement-door.ts';
import { rosterRouter } from './roster.routes.ts';
import type { PrerequisiteCheck } from './prerequisite-check.ts';

// A person's own enrolment (enrol, withdraw, my training) and the approvals of requests; the
// roster and adding people are roster.routes.ts. Refusals come back as a flash, not an error page.
// Whether a person has completed a module's prerequisites is asked of completion records, which
// sit above this feature: app.ts hands the question in (decision 0008).

const coordinators = requireRole('admin', 'coordinator');

export function enrolmentsRouter(prerequisites: PrerequisiteCheck): Router {
  const router = Router();

  router.post('/sessions/:id/enrolments/enrol', requireUser, async (req, res) => {
    const id = String(req.params.id);
    const turn = doorTurn(req); // reserved on arrival (placement-door.ts)
    await orRefusal(req, res, `/sessions/${id}`, async () => {
      try {
        const outcome = await enrol(req.user!, id, turn, prerequisites);
        flash(req.session, { type: 'success', key: `enrolments:flash.${outcome}` });
      } finally {
        turn?.release(); // unused when refused, already a member, or a request for approval
      }
    });
  });

  // withdrawing asks first, on a page of its own (no script needed), and says what becomes of the place
  router.get('/sessions/:id/enrolments/withdraw', requireUser, async (req, res) => {
    const session = await loadVisibleSession(req.user!, String(req.params.id));
    const [module, panel] = await Promise.all([moduleSummary(session.module), enrolmentPanel(req.user!, session)]);
    res.render('enrolments/withdraw', {
      title: req.t('enrolments:withdraw.title'),
      session,
      module,
      panel,
      comebackUntil: comebackDeadline(session),
      venueTime: venueTimeIn(req.language),
    });
  });

  router.post('/sessions/:id/enrolments/withdraw', requireUser, async (req, res) => {
    const id = String(req.params.id);
    await orRefusal(req, res, `/sessions/${id}`, async () => {
      await withdraw(req.user!, id);
      flash(req.session, { type: 'success', key: 'enrolments:flash.withdrawn' });
    });
  });

  router.get('/my-training', requireUser, async (req, res) => {
    res.render('enrolments/my-training', {
      title: req.t('enrolments:my.title'),
      training: await myTraining(req.user!),
      venueTime: venueTimeIn(req.language),
    });
  });

  router.get('/enrolments/approvals', coordinators, async (req, res) => {
    res.render('enrolments/approvals', {
      title: req.t('enrolments:approvals.title'),
      requests: await pendingApprovals(req.user!),
      venueTime: venueTimeIn(req.language),
    });
  });

  const backTo = (req: Request) => safeReturnTo((req.body as Record<string, unknown>).back ?? '/enrolments/approvals');

  // the enrolment's session is looked at first (loadManagedEnrolment): unseen 404, then 403
  router.post('/enrolments/:id/approve', requireUser, async (req, res) => {
    await orRefusal(req, res, backTo(req), async () => {
      const outcome = await approve(req.user!, String(req.params.id));
      flash(req.session, { type: 'success', key: `enrolments:flash.approved.${outcome}` });
    });
  });

  router.post('/enrolments/:id/decline', requireUser, async (req, res) => {
    await orRefusal(req, res, backTo(req), async () => {
      await decline(req.user!, String(req.params.id));
      flash(req.session, { type: 'success', key: 'enrolments:flash.declined' });
    });
  });

  router.use(rosterRouter(prerequisites));
  return router;
}
