import { hasRole, type Actor } from '../access/actor.ts';
import { audit } from '../audit/audit.ts';
import { findByIdOr404, isObjectId } from '../db/object-id.ts';
import { fieldError, forbidden, notFound } from '../http/errors.ts';
import { countrySummary } from '../institutions/countries.service.ts';
import { progressOf, type Progress } from './workplan-progress.ts';
import { Workplan, type WorkplanDocument } from './workplan.model.ts';
import type { ActivityInput, WorkplanInput } from './reports.schemas.ts';

// Workplans (issue 14): administrators record them; the reports page shows each target's
// progress, computed (workplan-progress.ts). A country has a handful: listed whole.

const requireAdmin = (actor: Actor) => {
  if (!hasRole(actor, 'admin')) throw forbidden();
};

export async function listWorkplans(actor: Actor) {
  requireAdmin(actor);
  // a handful a country: the whole collection, allowed (test/support/allowed-scans.ts)
  return Workplan.find({}, 'title country year activities').sort({ year: -1, _id: -1 }).lean();
}

export async function createWorkplan(actor: Actor, input: WorkplanInput): Promise<WorkplanDocument> {
  requireAdmin(actor);
  if (!(await countrySummary(input.country))) throw fieldError('country', 'reports:workplans.unknownCountry');
  const workplan = await Workplan.create({ ...input, createdBy: actor.id });
  await audit(actor, { action: 'workplan.create', subject: { collection: 'workplans', id: workplan._id } });
  return workplan;
}

export async function getWorkplan(actor: Actor, id: string): Promise<WorkplanDocument> {
  requireAdmin(actor);
  return findByIdOr404(Workplan, id);
}

export async function addActivity(actor: Actor, id: string, input: ActivityInput): Promise<WorkplanDocument> {
  const workplan = await getWorkplan(actor, id);
  if (input.kind === 'curriculumCompleted' && !input.curriculum) throw fieldError('curriculum', 'validation.required');
  if (input.kind === 'moduleCompleted' && !input.module) throw fieldError('module', 'validation.required');
  if (input.kind && !input.count) throw fieldError('count', 'validation.required');
  workplan.activities.push({
    title: input.title,
    quarter: input.quarter,
    ...(input.kind
      ? { kind: input.kind, count: input.count ?? undefined, womenShare: input.womenShare ?? undefined }
      : {}),
    ...(input.kind === 'curriculumCompleted' ? { curriculum: input.curriculum } : {}),
    ...(input.kind && input.kind !== 'curriculumCompleted' && input.module ? { module: input.module } : {}),
  });
  await workplan.save();
  await audit(actor, {
    action: 'workplan.update',
    subject: { collection: 'workplans', id: workplan._id },
    changes: [{ field: 'activities', after: input.title }],
  });
  return workplan;
}

/** One activity of a workplan (its removal's confirmation); 404 when there is none such. */
export async function getActivity(actor: Actor, id: string, activityId: string) {
  const workplan = await getWorkplan(actor, id);
  const activity = isObjectId(activityId) ? workplan.activities.id(activityId) : null;
  if (!activity) throw notFound();
  return { workplan, activity };
}

export async function removeActivity(actor: Actor, id: string, activityId: string): Promise<WorkplanDocument> {
  const workplan = await getWorkplan(actor, id);
  const activity = workplan.activities.id(activityId);
  if (!activity) return workplan;
  const title = activity.title;
  // the list written whole ($set): FerretDB 1.24 leaves a $pull by a condition undone, silently
  workplan.set(
    'activities',
    workplan.activities.filter((a) => a._id.toHexString() !== activityId),
  );
  await workplan.save();
  await audit(actor, {
    action: 'workplan.update',
    subject: { collection: 'workplans', id: workplan._id },
    changes: [{ field: 'activities', before: title }],
  });
  return workplan;
}

/** The workplan with each activity's progress, by quarter. */
export async function workplanWithProgress(actor: Actor, id: string) {
  return withProgress(actor, await getWorkplan(actor, id));
}

async function withProgress(actor: Actor, workplan: WorkplanDocument) {
  const activities: { activity: WorkplanDocument['activities'][number]; progress: Progress | null }[] = [];
  for (const activity of [...workplan.activities].sort((a, b) => a.quarter.localeCompare(b.quarter))) {
    activities.push({ activity, progress: await progressOf(actor, workplan, activity) });
  }
  return { workplan, activities, country: await countrySummary(workplan.country) };
}

/**
 * The workplans a donor report covers, each with its progress: those of its country (any, when
 * none is chosen) whose year falls in its period. Workplans are administrators': none for others.
 */
export async function workplansCovering(actor: Actor, filter: { country?: string; from?: string; to?: string }) {
  if (!hasRole(actor, 'admin')) return [];
  const first = filter.from ? Number(filter.from.slice(0, 4)) : -Infinity;
  const last = filter.to ? Number(filter.to.slice(0, 4)) : Infinity;
  // a handful a country: the whole collection, as the list reads it (test/support/allowed-scans.ts)
  const covered = (await Workplan.find({}).sort({ year: -1, _id: -1 })).filter(
    (w) => (!filter.country || w.country.toHexString() === filter.country) && w.year >= first && w.year <= last,
  );
  const found = [];
  for (const workplan of covered) found.push(await withProgress(actor, workplan));
  return found;
}
