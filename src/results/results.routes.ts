import { Router } from 'express';
import { requireUser } from '../access/guards.ts';
import { handleForm } from '../http/form.ts';
import { closeSchema, reopenSchema } from './results.schemas.ts';
import { create as contentDisposition } from 'content-disposition';
import { deliveryCsv } from './delivery-csv.ts';
import {
  closeSession,
  closingReview,
  deliveryRecord,
  reopenSession,
  sessionResults,
  type ClosingFollowUps,
} from './results.service.ts';
import { getSession } from '../sessions/sessions.service.ts';
import { venueTimeIn } from '../sessions/session-times.ts';

// Closing a session and its results (decision 0013): the review and its confirmation, the
// results as they stand with the closing history, and reopening with a reason.

export function resultsRouter(followUps: ClosingFollowUps): Router {
  const router = Router();

  router.get('/sessions/:id/close', requireUser, async (req, res) => {
    const review = await closingReview(req.user!, String(req.params.id));
    res.render('results/close', { title: req.t('results:close.title'), ...review });
  });

  router.post('/sessions/:id/close', requireUser, async (req, res) => {
    const id = String(req.params.id);
    await handleForm(req, res, {
      schema: closeSchema,
      save: (input) => closeSession(req.user!, id, input, { followUps }),
      success: ({ count }) => ({
        flash: { key: 'results:close.done', params: { count } },
        redirect: `/sessions/${id}/results`,
      }),
      refused: async (refusal) => {
        const review = await closingReview(req.user!, id);
        res.render('results/close', { title: req.t('results:close.title'), ...review, ...refusal });
      },
    });
  });

  router.get('/sessions/:id/results', requireUser, async (req, res) => {
    const results = await sessionResults(req.user!, String(req.params.id));
    res.render('results/results', {
      title: req.t('results:results.title'),
      venueTime: venueTimeIn(req.language),
      ...results,
    });
  });

  router.get('/sessions/:id/results.csv', requireUser, async (req, res) => {
    const { session, days, rows } = await deliveryRecord(req.user!, String(req.params.id));
    const csv = deliveryCsv(days, rows, {
      header: (column) => req.t(`results:csv.${column}`),
      status: (status) => req.t(`attendance:statuses.${status}`),
      outcome: (outcome) => req.t(`results:outcomes.${outcome}`),
    });
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', contentDisposition(`results-${session.id as string}.csv`));
    res.send(csv);
  });

  router.get('/sessions/:id/reopen', requireUser, async (req, res) => {
    const session = await getSession(req.user!, String(req.params.id), 'close');
    if (!session.closedAt) return res.redirect(303, `/sessions/${session.id}/results`);
    res.render('results/reopen', { title: req.t('results:reopen.title'), session });
  });

  router.post('/sessions/:id/reopen', requireUser, async (req, res) => {
    const session = await getSession(req.user!, String(req.params.id), 'close');
    await handleForm(req, res, {
      schema: reopenSchema,
      save: ({ reason }) => reopenSession(req.user!, session.id as string, reason, { followUps }),
      success: () => ({ flash: { key: 'results:reopen.done' }, redirect: `/sessions/${session.id}/results` }),
      refused: async (refusal) => {
        res.render('results/reopen', { title: req.t('results:reopen.title'), session, ...refusal });
      },
      refusals: ['results:errors.notClosed'],
    });
  });

  return router;
}
