import { dateLocale } from '../i18n/i18n.ts';
import { Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { requireRole, requireUser } from '../access/guards.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { linkBaseUrl, type Config } from '../config.ts';
import { flash } from '../http/flash.ts';
import { objectId } from '../http/validate.ts';
import { createFeed, feedSessions, hasFeed, revokeFeed } from './calendar.service.ts';
import { calendarVenueOptions, sessionsOfMonth, teachingOf } from '../sessions/session-queries.service.ts';
import { sessionsToIcs } from './session-ics.ts';
import { moduleOptions, trainerOptions } from '../sessions/session-options.ts';
import { formatDay } from '../sessions/session-times.ts';
import { getSession, type SessionRecord } from '../sessions/sessions.service.ts';

// The calendar (month and list views), "My teaching", and iCalendar files and feeds.

const calendarFilterSchema = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional()
    .catch(undefined),
  view: z.enum(['month', 'list']).default('month').catch('month'),
  institution: objectId().optional().catch(undefined),
  module: objectId().optional().catch(undefined),
  trainer: objectId().optional().catch(undefined),
});

function sendIcs(res: import('express').Response, body: string, filename: string) {
  res.set('Content-Type', 'text/calendar; charset=utf-8');
  res.set('Content-Disposition', `inline; filename="${filename}"`);
  res.send(body);
}

/** Weeks (Monday first) of a month, each day a "YYYY-MM-DD" or undefined outside the month. */
function weeksOf(month: string): (string | undefined)[][] {
  const first = DateTime.fromISO(`${month}-01`, { zone: 'UTC' });
  const cells: (string | undefined)[] = Array<undefined>(first.weekday - 1).fill(undefined);
  for (let d = first; d.month === first.month; d = d.plus({ days: 1 })) cells.push(d.toFormat('yyyy-MM-dd'));
  while (cells.length % 7 !== 0) cells.push(undefined);
  const weeks: (string | undefined)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

// links handed out (the feed, the events' links) are built from configuration, never from the
// request's Host header, which whoever sends the request chooses
export function calendarRouter(config: Config): Router {
  const baseUrl = linkBaseUrl(config);
  const router = Router();

  router.get('/calendar', requireUser, async (req, res) => {
    const filter = calendarFilterSchema.parse(req.query);
    const month = filter.month ?? DateTime.utc().toFormat('yyyy-MM');
    const first = DateTime.fromISO(`${month}-01`, { zone: 'UTC' });
    const sessions = await sessionsOfMonth(req.user!, { ...filter, month });
    const byDate = new Map<
      string,
      { id: string; title: string; start: string; end: string; zone: string; status: string }[]
    >();
    for (const s of sessions) {
      for (const d of s.days) {
        const list = byDate.get(d.date) ?? [];
        list.push({
          id: String(s._id),
          title: s.module?.title ?? '',
          start: d.start,
          end: d.end,
          zone: s.timeZone,
          status: s.status,
        });
        byDate.set(d.date, list);
      }
    }
    const query = (m: string) => {
      const params = new URLSearchParams({ month: m, view: filter.view });
      for (const key of ['institution', 'module', 'trainer'] as const) if (filter[key]) params.set(key, filter[key]);
      return `/calendar?${params.toString()}`;
    };
    res.render('sessions/calendar', {
      title: req.t('sessions:calendar.title'),
      filter: { ...filter, month },
      monthName: first.setLocale(dateLocale(req.language)).toFormat('LLLL yyyy'),
      weekdays: [0, 1, 2, 3, 4, 5, 6].map((i) =>
        first.set({ weekday: 1 }).plus({ days: i }).setLocale(dateLocale(req.language)).toFormat('ccc'),
      ),
      weeks: weeksOf(month),
      byDate,
      sessions,
      when: (s: SessionRecord) => s.days.map((d) => formatDay(d, s.timeZone, req.language)),
      previous: query(first.minus({ months: 1 }).toFormat('yyyy-MM')),
      next: query(first.plus({ months: 1 }).toFormat('yyyy-MM')),
      listLink: query(month).replace(`view=${filter.view}`, 'view=list'),
      monthLink: query(month).replace(`view=${filter.view}`, 'view=month'),
      modules: await moduleOptions(req.user!),
      institutions: await calendarVenueOptions(req.user!),
      trainers: await trainerOptions(req.user!),
    });
  });

  router.get('/my-teaching', requireRole('trainer'), async (req, res) => {
    const { upcoming, past } = await teachingOf(req.user!);
    res.render('sessions/my-teaching', {
      title: req.t('sessions:teaching.title'),
      upcoming,
      past,
      when: (s: SessionRecord) => s.days.map((d) => formatDay(d, s.timeZone, req.language)),
    });
  });

  router.get('/sessions/:id.ics', requireUser, async (req, res) => {
    const session = await getSession(req.user!, String(req.params.id));
    const body = await sessionsToIcs([session.toObject()], req.t('sessions:calendar.title'), baseUrl);
    sendIcs(res, body, `session-${session.id}.ics`);
  });

  router.get('/account/calendar', requireUser, async (req, res) => {
    res.render('sessions/feed', {
      title: req.t('sessions:feed.title'),
      exists: await hasFeed(req.user!),
      link: undefined,
    });
  });

  router.post('/account/calendar', requireUser, async (req, res) => {
    if (!baseUrl) throw new HttpError(503, 'sessions:feed.noPublicUrl');
    const token = await createFeed(req.user!);
    // the link is shown once, on this answer, and kept nowhere
    res.render('sessions/feed', {
      title: req.t('sessions:feed.title'),
      exists: true,
      link: `${baseUrl}/feeds/${token}.ics`,
    });
  });

  router.post('/account/calendar/revoke', requireUser, async (req, res) => {
    await revokeFeed(req.user!);
    flash(req.session, { type: 'success', key: 'sessions:feed.revoked' });
    res.redirect(303, '/account/calendar');
  });

  router.get('/feeds/:token.ics', async (req, res) => {
    const feed = await feedSessions(String(req.params.token));
    if (!feed) throw notFound();
    res.set('Cache-Control', 'no-store');
    sendIcs(res, await sessionsToIcs(feed.sessions, 'Cadre', baseUrl, feed.tentative), 'cadre.ics');
  });

  return router;
}
