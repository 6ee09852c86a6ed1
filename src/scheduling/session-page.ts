import type { Request, Response } from 'express';
import { enrolmentPanel } from '../enrolments/enrolment-queries.service.ts';
import type { PrerequisiteCheck } from '../enrolments/prerequisite-check.ts';
import { institutionSummary } from '../institutions/institutions.service.ts';
import { moduleSummary, moduleTitles } from '../modules/module-lookups.service.ts';
import { listResourcesForModule } from '../resources/resources.service.ts';
import { personNames } from '../people/people.service.ts';
import { can } from '../access/policy.ts';
import { sessionPolicy, teaches } from '../access/session.policy.ts';
import { canCancel } from './scheduling.service.ts';
import { unqualifiedTrainers } from '../qualifications/qualifications.service.ts';
import { formatDay, formatInstant } from '../sessions/session-times.ts';
import { isActive, sessionsByIds, type TrainingSessionDocument } from '../sessions/session-queries.service.ts';

// The session page: what it is, when (in the venue's zone, named), who teaches, what was
// overridden, and the enrolment panel of the enrolment feature. A recorded clash is named and
// linked only when the reader may open that session; otherwise it is "another session".

export async function renderSessionPage(
  req: Request,
  res: Response,
  session: TrainingSessionDocument,
  prerequisites: PrerequisiteCheck,
) {
  const actor = req.user!;
  const language = req.language;
  const [module, venue] = await Promise.all([moduleSummary(session.module), institutionSummary(session.institution)]);
  const clashIds = session.conflictOverrides.flatMap((o) => o.clashes);
  const people = await personNames([
    ...session.trainers.map((t) => t.person),
    ...session.conflictOverrides.map((o) => o.by),
  ]);
  const clashing = clashIds.length === 0 ? [] : await sessionsByIds(clashIds);
  const clashTitles = await moduleTitles(clashing.map((c) => c.module));
  const manages = can(actor, sessionPolicy, 'update', session);
  const teaching = teaches(actor, session);
  res.render('sessions/show', {
    title: module?.title ?? '',
    session,
    module,
    venue,
    days: session.days.map((d) => formatDay(d, session.timeZone, language)),
    formatClosed: session.closedAt && formatInstant(session.closedAt, session.timeZone, language),
    enrolmentOpens: session.enrolmentOpensAt && formatInstant(session.enrolmentOpensAt, session.timeZone, language),
    enrolmentCloses: session.enrolmentClosesAt && formatInstant(session.enrolmentClosesAt, session.timeZone, language),
    trainers: session.trainers.map((t) => ({ lead: t.lead, name: people.get(t.person.toHexString()) ?? '' })),
    overrides: session.conflictOverrides.map((o) => ({
      by: people.get(o.by.toHexString()) ?? '',
      at: formatInstant(o.at, session.timeZone, language),
      reason: o.reason,
      clashes: o.clashes.map((id) => {
        const other = clashing.find((c) => c._id.equals(id));
        if (!other || !can(actor, sessionPolicy, 'read', other)) return { hidden: true };
        return { hidden: false, id: id.toHexString(), title: clashTitles.get(other.module.toHexString()) ?? '' };
      }),
    })),
    warnings:
      manages || teaching
        ? await unqualifiedTrainers(
            session.module,
            session.trainers.map((t) => t.person),
          )
        : [],
    manages,
    teaches: teaching,
    editable: manages && isActive(session.status),
    cancellable: manages && canCancel(session.status),
    /** held and over: its results can be read, and confirmed by those who may close it */
    held: session.endsAt <= new Date() && session.status !== 'cancelled' && session.status !== 'draft',
    closable: can(actor, sessionPolicy, 'close', session) && !session.closedAt,
    panel: await enrolmentPanel(actor, session, prerequisites),
    materials: await listResourcesForModule(actor, { _id: session.module }),
  });
}
