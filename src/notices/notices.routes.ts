import { Router, type RequestHandler } from 'express';
import { requireUser } from '../access/guards.ts';
import { flash } from '../http/flash.ts';
import { isolatedHtml } from '../http/bidi.ts';
import { formatWhen, noticeText, type NoticeText } from './notice-text.ts';
import { markReadSchema, noticeListSchema } from './notices.schemas.ts';
import { listNotices, markAllRead, markRead, unreadCount } from './notices.service.ts';

// Every signed-in person's own notices, whatever their role. Nobody sees anyone else's.

export function noticesRouter(): Router {
  const router = Router();

  router.get('/notices', requireUser, async (req, res) => {
    const filter = noticeListSchema.parse(req.query);
    const page = await listNotices(req.user!.id, filter);
    const items = page.items.map((notice) => ({
      id: String(notice._id),
      unread: !notice.readAt,
      /** the session it is about: its title links there */
      sessionId: notice.session ? String(notice.session) : undefined,
      createdAt: notice.createdAt,
      received: formatWhen(notice.createdAt.toISOString(), page.timeZone, req.language),
      ...isolated(noticeText(req.t, req.language, notice.kind, notice.params, { marked: true })),
    }));
    res.render('notices/index', { title: req.t('notices:list.title'), page: { ...page, items }, filter });
  });

  router.post('/notices/read-all', requireUser, async (req, res) => {
    await markAllRead(req.user!.id);
    flash(req.session, { type: 'success', key: 'notices:allRead' });
    res.redirect(303, '/notices');
  });

  router.post('/notices/:id/read', requireUser, async (req, res) => {
    const { page } = markReadSchema.parse({ page: req.body?.page });
    await markRead(req.user!.id, String(req.params.id));
    res.redirect(303, page > 1 ? `/notices?page=${page}` : '/notices');
  });

  return router;
}

/** A notice's subject, body and link as escaped HTML, its values in <bdi> (the view outputs them as they are). */
const isolated = (text: NoticeText) => ({
  subjectHtml: isolatedHtml(text.subject),
  bodyHtml: isolatedHtml(text.body),
  /** where the notice leads besides its session (a module to recertify through) */
  link: text.link ? { path: text.link.path, labelHtml: isolatedHtml(text.link.label) } : undefined,
});

/** Puts the signed-in person's unread count on res.locals.unreadNotices (the header's badge). */
export const unreadNoticesLocal: RequestHandler = async (req, res, next) => {
  if (req.user && req.method === 'GET') res.locals.unreadNotices = await unreadCount(req.user.id);
  next();
};
