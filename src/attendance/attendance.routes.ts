import { Router, type Request, type Response } from 'express';
import { requireUser } from '../access/guards.ts';
import type { FieldErrors } from '../http/errors.ts';
import { handleForm } from '../http/form.ts';
import { attendanceDay, attendanceOverview } from './attendance-pages.ts';
import { attendanceExport } from './attendance-export.ts';
import { sendAuditedExport } from '../exports/audited-export.ts';
import { dayFormSchema } from './attendance.schemas.ts';
import { loadSessionFor, markDay } from './attendance.service.ts';
import { ATTENDANCE_STATUSES } from './attendance-rules.ts';
import { PARTIAL_DAY_DEFAULT } from './attendance-share.ts';

// Attendance of a session: the overview of every day, and one day's grid. Signed-in people
// only; the rest is the attendance policy's, in one order: a session the actor cannot see is
// 404, then what they may do with its attendance is 403 (src/access/attendance.policy.ts).

export function attendanceRouter(): Router {
  const router = Router();

  router.get('/sessions/:id/attendance', requireUser, async (req, res) => {
    const page = await attendanceOverview(req.user!, String(req.params.id), req.language);
    res.render('attendance/overview', {
      title: req.t('attendance:overview.title'),
      page,
      statuses: ATTENDANCE_STATUSES,
    });
  });

  // the roster with every day's attendance, as a file (decision 0019); before /:date
  router.get('/sessions/:id/attendance/export', requireUser, async (req, res) => {
    const { session, header, rows } = await attendanceExport(req.user!, String(req.params.id), req.language, req.t);
    await sendAuditedExport(req, res, {
      action: 'export.attendance',
      name: `attendance-${session.id as string}`,
      header,
      rows,
      filters: { session: session.id as string },
      institutions: [session.institution],
    });
  });

  async function renderDay(
    req: Request,
    res: Response,
    locals: { values?: Record<string, unknown>; errors?: FieldErrors } = {},
  ) {
    const page = await attendanceDay(req.user!, String(req.params.id), String(req.params.date), req.language);
    const known = new Set(page.rows.map((r) => r.id));
    // rows posted for someone who is not a participant: no row to show them beside, so listed above the grid
    const refusedRows = Object.keys(locals.errors ?? {}).filter((k) => k.startsWith('row_') && !known.has(k.slice(4)));
    res.render('attendance/day', {
      title: req.t('attendance:day.title'),
      page,
      statuses: ATTENDANCE_STATUSES,
      partialDefaultPercent: Math.round(PARTIAL_DAY_DEFAULT * 100),
      values: {},
      errors: {},
      refusedRows,
      ...locals,
    });
  }

  router.get('/sessions/:id/attendance/:date', requireUser, async (req, res) => {
    await renderDay(req, res);
  });

  router.post('/sessions/:id/attendance/:date', requireUser, async (req, res) => {
    const id = String(req.params.id);
    const date = String(req.params.date);
    await loadSessionFor(req.user!, id, 'mark'); // refused before the form is read
    await handleForm(req, res, {
      schema: dayFormSchema,
      save: (form) => markDay(req.user!, id, date, form),
      success: (outcome) => ({
        flash: { key: 'attendance:flash.saved', params: { ...outcome } },
        redirect: `/sessions/${id}/attendance/${date}`,
      }),
      refused: (refusal) => renderDay(req, res, refusal),
    });
  });

  return router;
}
