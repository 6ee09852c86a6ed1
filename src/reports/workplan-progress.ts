import { DateTime } from 'luxon';
import type { Actor } from '../access/actor.ts';
import { recordsForExport } from '../completions/record-export.service.ts';
import { getCurriculum } from '../curricula/curricula.service.ts';
import { everyInstitutionSummary } from '../institutions/institutions.service.ts';
import { personSummaries } from '../people/people.service.ts';
import { qualificationsGivenBetween } from '../qualifications/qualifications.service.ts';
import { sessionsHeldBetween } from '../sessions/session-queries.service.ts';
import { countsAsLearning } from '../transcripts/learning-rules.ts';
import type { WorkplanDocument } from './workplan.model.ts';

// What each target of a workplan has reached, from the records (never typed in): from the
// first day of the workplan's year to the last day of the target's quarter, in its country.
// - curriculumCompleted: people whose learning done (transcripts' rule) covers every required
//   module of the curriculum, the last of them ended within the period;
// - moduleCompleted: people with learning done of the module ended within the period;
// - trainersCertified: qualifications given within the period to trainers of the country (of
//   the module, when named);
// - sessionsDelivered: sessions held at the country's venues and ended within the period.
// People are counted once; the share of women is of the people counted (undisclosed included
// in the whole), none for sessions.

export type Progress = { reached: number; women: number | null; womenShare: number | null; gap: number; met: boolean };

type Activity = WorkplanDocument['activities'][number];

const tenth = (value: number) => Math.round(value * 10) / 10;

/** The last day (YYYY-MM-DD) of the quarter in the year. */
export function quarterEnd(year: number, quarter: string): string {
  const month = Number(quarter.slice(1)) * 3;
  return DateTime.utc(year, month, 1).endOf('month').toISODate()!;
}

export async function progressOf(
  actor: Actor,
  workplan: WorkplanDocument,
  activity: Activity,
): Promise<Progress | null> {
  if (!activity.kind || !activity.count) return null;
  const from = `${workplan.year}-01-01`;
  const to = quarterEnd(workplan.year, activity.quarter);
  const country = workplan.country.toHexString();
  let people: string[] = [];
  let count: number;
  if (activity.kind === 'curriculumCompleted' || activity.kind === 'moduleCompleted') {
    const required =
      activity.kind === 'moduleCompleted'
        ? [activity.module!.toHexString()]
        : (await getCurriculum(actor, activity.curriculum!.toHexString())).items
            .filter((item) => item.required)
            .map((item) => item.module.toHexString());
    // each person's required modules done, with the day each was first done
    const done = new Map<string, Map<string, string>>();
    for await (const record of recordsForExport(actor, { country, modules: required, endedTo: to })) {
      if (!countsAsLearning({ result: record.result, status: record.shownStatus })) continue;
      const person = record.person.toHexString();
      const modules = done.get(person) ?? new Map<string, string>();
      const module = record.module.toHexString();
      const first = modules.get(module);
      if (!first || record.endedOn < first) modules.set(module, record.endedOn);
      done.set(person, modules);
    }
    people = [...done]
      .filter(([, modules]) => required.every((m) => modules.has(m)))
      .filter(([, modules]) => [...modules.values()].reduce((a, b) => (a > b ? a : b)) >= from)
      .map(([person]) => person);
    count = people.length;
  } else if (activity.kind === 'trainersCertified') {
    const given = await qualificationsGivenBetween(
      new Date(`${from}T00:00:00Z`),
      DateTime.fromISO(to, { zone: 'utc' }).plus({ days: 1 }).toJSDate(),
      activity.module ?? undefined,
    );
    const trainers = await personSummaries(given.map((q) => q.trainer));
    const ofCountry = new Set(
      trainers.filter((t) => t.country?.toHexString() === country).map((t) => t._id.toHexString()),
    );
    people = [...new Set(given.map((q) => q.trainer.toHexString()).filter((id) => ofCountry.has(id)))];
    count = people.length;
  } else {
    const venues = (await everyInstitutionSummary()).filter((i) => i.country.toHexString() === country);
    const sessions = await sessionsHeldBetween(
      venues.map((v) => v._id.toHexString()),
      new Date(`${from}T00:00:00Z`),
      DateTime.fromISO(to, { zone: 'utc' }).plus({ days: 1 }).toJSDate(),
    );
    count = sessions.filter((s) => !activity.module || s.module.equals(activity.module)).length;
  }
  const women =
    activity.kind === 'sessionsDelivered'
      ? null
      : (await personSummaries(people)).filter((p) => p.gender === 'female').length;
  const womenShare = women === null || count === 0 ? null : tenth((women / count) * 100);
  const gap = Math.max(activity.count - count, 0);
  const shareMet = activity.womenShare == null || (womenShare !== null && womenShare >= activity.womenShare);
  return { reached: count, women, womenShare, gap, met: gap === 0 && shareMet };
}
