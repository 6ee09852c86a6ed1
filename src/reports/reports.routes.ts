import { Router, type Request, type Response } from 'express';
import { hasRole } from '../access/actor.ts';
import { requireRole, requireUser } from '../access/guards.ts';
import { curriculumChoices } from '../curricula/curricula.service.ts';
import { listOptions, STATUS_FILTERS, RECORD_RESULTS } from '../completions/completions.service.ts';
import { formatAsked, sendAuditedExport } from '../exports/audited-export.ts';
import { EXPORT_FORMATS } from '../exports/table-download.ts';
import { listCountryOptions } from '../institutions/countries.service.ts';
import { toFieldErrors } from '../http/validate.ts';
import { GENDERS } from '../people/people.service.ts';
import { COMPLETION_COLUMNS, completionExport } from './completion-export.ts';
import {
  auditFilterSchema,
  completionExportSchema,
  dashboardFilterSchema,
  donorFilterSchema,
} from './reports.schemas.ts';
import { dashboard } from './dashboard.ts';
import { AUDIT_ACTIONS } from '../audit/audit.ts';
import { auditPage, recentMonths } from '../audit/audit-log.ts';
import { donorReport } from './donor-report.ts';
import { donorSheets, donorTable } from './donor-table.ts';
import { workplansCovering } from './workplans.service.ts';
import { GENDER_COLUMNS } from './donor-figures.ts';
import { listInstitutionOptions } from '../institutions/institutions.service.ts';

// The reports page and its exports (decision 0019), for admins and coordinators: each export is
// a form of filters that sends the file; an export reads only the actor's scope and is audited
// (who, when, from where, which filters, how many rows) before its first row is sent.

const readsReports = requireRole('admin', 'coordinator');

export function reportsRouter(): Router {
  const router = Router();

  router.get('/reports', requireUser, readsReports, (req, res) => {
    res.render('reports/index', { title: req.t('reports:title') });
  });

  async function renderCompletionsForm(req: Request, res: Response, errors = {}) {
    const actor = req.user!;
    const [{ institutions, modules }, curricula, countries] = await Promise.all([
      listOptions(actor),
      curriculumChoices(actor),
      hasRole(actor, 'admin') ? listCountryOptions() : Promise.resolve([]),
    ]);
    res.render('reports/completions', {
      title: req.t('reports:completions.title'),
      values: req.query,
      errors,
      institutions,
      modules,
      curricula,
      countries,
      results: RECORD_RESULTS,
      statuses: STATUS_FILTERS,
      genders: GENDERS,
      formats: EXPORT_FORMATS,
      columns: COMPLETION_COLUMNS.map((column) => column.key),
    });
  }

  router.get('/reports/completions', requireUser, readsReports, async (req, res) => {
    await renderCompletionsForm(req, res);
  });

  router.get('/reports/completions/export', requireUser, readsReports, async (req, res) => {
    const parsed = completionExportSchema.safeParse(req.query);
    if (!parsed.success) {
      res.status(400);
      return renderCompletionsForm(req, res, toFieldErrors(parsed.error));
    }
    const filter = parsed.data;
    const table = await completionExport(req.user!, filter, req.t);
    await sendAuditedExport(req, res, {
      action: 'export.completions',
      name: 'completion-records',
      ...table,
      filters: filter,
    });
  });

  async function renderDonor(
    req: Request,
    res: Response,
    errors = {},
    report?: Awaited<ReturnType<typeof donorReport>>,
  ) {
    const actor = req.user!;
    const [institutions, curricula, countries] = await Promise.all([
      listInstitutionOptions(actor, { includeInactive: true }),
      curriculumChoices(actor),
      hasRole(actor, 'admin') ? listCountryOptions() : Promise.resolve([]),
    ]);
    res.render('reports/donor', {
      title: req.t('reports:donor.title'),
      values: req.query,
      errors,
      institutions,
      curricula,
      countries,
      report,
      genders: GENDER_COLUMNS,
      formats: EXPORT_FORMATS,
    });
  }

  router.get('/reports/donor', requireUser, readsReports, async (req, res) => {
    const parsed = donorFilterSchema.safeParse(req.query);
    if (!parsed.success) {
      res.status(400);
      return renderDonor(req, res, toFieldErrors(parsed.error));
    }
    const report = await donorReport(req.user!, parsed.data);
    if (!parsed.data.format) return renderDonor(req, res, {}, report);
    // the other tables and the workplans' progress go in an XLSX's further sheets; a CSV holds one table
    const workplans = formatAsked(req) === 'xlsx' ? await workplansCovering(req.user!, parsed.data) : [];
    await sendAuditedExport(req, res, {
      action: 'export.donorReport',
      name: 'donor-report',
      ...donorTable(report.trained, req.t),
      more: donorSheets(report, workplans, req.t),
      filters: parsed.data,
    });
  });

  router.get('/reports/dashboard', requireUser, readsReports, async (req, res) => {
    const actor = req.user!;
    const parsed = dashboardFilterSchema.safeParse(req.query);
    const [institutions, { modules }, curricula] = await Promise.all([
      listInstitutionOptions(actor, { includeInactive: true }),
      listOptions(actor),
      curriculumChoices(actor),
    ]);
    if (!parsed.success) res.status(400);
    res.render('reports/dashboard', {
      title: req.t('reports:dashboard.title'),
      values: req.query,
      errors: parsed.success ? {} : toFieldErrors(parsed.error),
      institutions,
      modules,
      curricula,
      figures: parsed.success ? await dashboard(actor, parsed.data) : undefined,
    });
  });

  // the audit log: admins read every event, coordinators those of their institutions
  router.get('/reports/audit', requireUser, readsReports, async (req, res) => {
    const filter = auditFilterSchema.parse(req.query);
    const months = recentMonths();
    const month = filter.month ?? months[0]!;
    const page = await auditPage({
      ...filter,
      month,
      institutions: hasRole(req.user!, 'admin') ? undefined : req.user!.scopeInstitutionIds,
    });
    res.render('reports/audit', {
      title: req.t('reports:audit.title'),
      page,
      filter: { ...filter, month },
      months,
      actions: AUDIT_ACTIONS,
    });
  });

  return router;
}
