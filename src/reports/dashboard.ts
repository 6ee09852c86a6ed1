import { DateTime } from 'luxon';
import { chosenWithin, hasRole, type Actor } from '../access/actor.ts';
import { recordsForExport } from '../completions/record-export.service.ts';
import { fillRates } from '../enrolments/enrolment-queries.service.ts';
import { institutionSummaries } from '../institutions/institutions.service.ts';
import { moduleSummaries } from '../modules/module-lookups.service.ts';
import { sessionsHeldBetween } from '../sessions/session-queries.service.ts';
import { DashboardFigures, monthsBetween } from './dashboard-figures.ts';
import { totalCoverage } from './donor-figures.ts';
import { curriculumCoverage } from './donor-report.ts';
import type { DashboardFilter } from './reports.schemas.ts';

// The dashboard (issue 14) in the actor's scope: for the months asked (the last twelve unless
// told), the sessions delivered at their venues and how full they were, and the completion
// records issued there, by month, institution and module (dashboard-figures.ts). Sessions are
// read one venue at a time, records one issuing institution or country at a time (decision 0005).
// With a curriculum, its coverage now: the share of each institution's active staff who have
// its required modules done (the donor report's rule).

/** At most this many months: five years a screen. */
const MAX_MONTHS = 60;

export async function dashboard(actor: Actor, filter: DashboardFilter, now = new Date()) {
  const to = filter.to ?? now.toISOString().slice(0, 7);
  const from = filter.from ?? DateTime.fromISO(`${to}-01`, { zone: 'utc' }).minus({ months: 11 }).toFormat('yyyy-MM');
  const months = monthsBetween(from, to).slice(-MAX_MONTHS);
  const figures = new DashboardFigures(months);
  const first = months[0] ?? to;
  const start = DateTime.fromISO(`${first}-01`, { zone: 'utc' });
  const end = DateTime.fromISO(`${to}-01`, { zone: 'utc' }).plus({ months: 1 });

  const scope = hasRole(actor, 'admin') ? undefined : actor.scopeInstitutionIds;
  const venues = chosenWithin(scope, filter.institution);
  const sessions = (await sessionsHeldBetween(venues, start.toJSDate(), end.toJSDate())).filter(
    (s) => !filter.module || s.module.toHexString() === filter.module,
  );
  const [rates, modules, institutions] = await Promise.all([
    fillRates(sessions),
    moduleSummaries(sessions.map((s) => s.module)),
    institutionSummaries(sessions.map((s) => s.institution)),
  ]);
  const moduleName = new Map(modules.map((m) => [m._id.toHexString(), `${m.code} · ${m.title}`]));
  const venueName = new Map(institutions.map((i) => [i._id.toHexString(), i.name]));
  for (const s of sessions) {
    const rate = rates.get(s._id.toHexString());
    figures.addSession({
      month: s.endsAt.toISOString().slice(0, 7),
      institution: venueName.get(s.institution.toHexString()) ?? '—',
      module: moduleName.get(s.module.toHexString()) ?? '—',
      seated: rate?.seated ?? 0,
      capacity: s.capacity,
    });
  }

  const records = recordsForExport(actor, {
    endedFrom: start.toISODate()!,
    endedTo: end.minus({ days: 1 }).toISODate()!,
    institution: filter.institution,
    modules: filter.module ? [filter.module] : undefined,
  });
  for await (const record of records) {
    figures.addRecord({
      month: record.endedOn.slice(0, 7),
      institution: record.issuerName,
      module: `${record.moduleCode} · ${record.moduleTitle}`,
      result: record.result,
      status: record.shownStatus,
      pre: record.pre,
      post: record.post,
    });
  }
  const coverage = filter.curriculum
    ? await curriculumCoverage(actor, { institution: filter.institution }, filter.curriculum)
    : undefined;
  return { from: first, to, ...figures.result(), coverage, coverageTotal: coverage && totalCoverage(coverage) };
}
