import { DateTime } from 'luxon';
import mongoose from 'mongoose';
import {
  assessmentRules,
  sessionForScores,
  writeScores,
  type ScoreChange,
} from '../assessments/assessments.service.ts';
import { markDay } from '../attendance/attendance.service.ts';
import { dayMinutes, type RowInput } from '../attendance/attendance-rules.ts';
import { anyOf } from '../db/query.ts';
import { runOnce } from '../db/steps-done-once.ts';
import { enrol, enrolInManaged } from '../enrolments/enrolments.service.ts';
import { Institution } from '../institutions/institution.model.ts';
import { TrainingModule } from '../modules/training-module.model.ts';
import { peopleByServiceKeys, toActor, type PersonSummary } from '../people/people.service.ts';
import { closeSession } from '../results/results.service.ts';
import { completionFollowUps } from '../completions/issuing.service.ts';
import type { Outcome } from '../results/result-rules.ts';
import { sessionSchema } from '../sessions/sessions.schemas.ts';
import { advanceSession, createSession } from '../sessions/sessions.service.ts';
import { TrainingSession } from '../sessions/training-session.model.ts';
import { DEMO_PEOPLE } from './demo-world.ts';
import { DEMO_SESSIONS, type DayMark, type DemoSession, type DemoWhen } from './demo-sessions.ts';

// Seeds the demo sessions of ./demo-sessions.ts the way people make them in the app: the
// coordinator schedules each through the session service (the form's checks, the past-day
// confirmation), opens and starts it, enrols the participants (seats and waiting places are the
// enrolment service's claims); the lead trainer marks each day held and enters the scores; the
// coordinator closes the sessions that are over, changing a result where the demo says so.
//
// Their dates follow the day of the run, so they cannot be matched by a stable key as the rest of
// the world is: the whole step runs once per database (`demo-sessions` in completed_steps,
// src/db/steps-done-once.ts) and later runs leave the sessions as they are, whatever became of
// them. A run cut short is not recorded, and the next run on the same day takes it up: a session
// with the same module, venue and start is taken, not made again, and each step on it is
// idempotent (an enrolment already there, a mark already made, a closed session are left).

export const DEMO_SESSIONS_STEP = 'demo-sessions';

export type SessionsSeedCount = { created: number; existing: number };

export async function seedDemoSessions(now = new Date()): Promise<SessionsSeedCount> {
  const created = await runOnce(DEMO_SESSIONS_STEP, () => seedAll(now));
  if (created !== undefined) return created;
  return { created: 0, existing: await sessionsAtDemoVenues() };
}

/** What a later run reports as already there: the sessions held at the demo venues. */
async function sessionsAtDemoVenues(): Promise<number> {
  const venues = await Institution.find({ code: anyOf(venueCodes()) }, { _id: 1 }).lean();
  let count = 0;
  for (const venue of venues) count += await TrainingSession.countDocuments({ institution: venue._id });
  return count;
}

const venueCodes = () => [...new Set(DEMO_SESSIONS.map((s) => s.venue))];

type World = {
  people: Map<string, PersonSummary>;
  modules: Map<string, mongoose.Types.ObjectId>;
  venues: Map<string, { _id: mongoose.Types.ObjectId; timeZone: string }>;
};

async function seedAll(now: Date): Promise<SessionsSeedCount> {
  const world = await loadWorld();
  const count: SessionsSeedCount = { created: 0, existing: 0 };
  for (const spec of DEMO_SESSIONS) {
    const made = await seedSession(world, spec, now);
    if (made === 'created') count.created += 1;
    else if (made === 'existing') count.existing += 1;
  }
  return count;
}

async function loadWorld(): Promise<World> {
  const institutions = await Institution.find(
    { code: anyOf([...new Set(DEMO_PEOPLE.flatMap((p) => p.institutionCode ?? []))]) },
    { code: 1, country: 1, timeZone: 1 },
  ).lean();
  const byCode = new Map(institutions.map((i) => [i.code, i]));
  const keyOf = new Map<string, string>();
  for (const p of DEMO_PEOPLE) {
    const institution = p.institutionCode ? byCode.get(p.institutionCode) : undefined;
    if (institution && p.serviceNumber) {
      keyOf.set(p.fullName, `${institution.country.toHexString()}:${p.serviceNumber.toUpperCase()}`);
    }
  }
  const found = await peopleByServiceKeys([...keyOf.values()]);
  const byKey = new Map(found.map((p) => [p.serviceKey, p]));
  const people = new Map<string, PersonSummary>();
  for (const [name, key] of keyOf) {
    const person = byKey.get(key);
    if (person?.active) people.set(name, person);
  }
  const modules = await TrainingModule.find(
    { code: anyOf([...new Set(DEMO_SESSIONS.map((s) => s.module))]) },
    { code: 1, status: 1 },
  ).lean();
  return {
    people,
    modules: new Map(modules.filter((m) => m.status === 'published').map((m) => [m.code, m._id])),
    venues: new Map(institutions.map((i) => [i.code, { _id: i._id, timeZone: i.timeZone }])),
  };
}

/** A demo session made (or taken up), its people, marks, scores and closing; skipped when its module, venue or people are gone. */
async function seedSession(world: World, spec: DemoSession, now: Date): Promise<'created' | 'existing' | 'skipped'> {
  const module = world.modules.get(spec.module);
  const venue = world.venues.get(spec.venue);
  const coordinator = world.people.get(spec.coordinator);
  const trainers = spec.trainers.map((name) => world.people.get(name));
  if (!module || !venue || !coordinator || trainers.some((t) => !t)) return 'skipped';
  const scheduler = toActor(coordinator);
  const lead = toActor(trainers[0]!);

  const days = daysOf(spec.when, spec.days, venue.timeZone, now);
  const startsAt = DateTime.fromISO(`${days[0]}T${spec.start}`, { zone: venue.timeZone }).toJSDate();
  let session = await TrainingSession.findOne({ institution: venue._id, startsAt, module });
  const existed = session !== null;
  if (session?.closedAt) return 'existing';
  if (!session) {
    const input = sessionSchema.parse({
      module: module.toHexString(),
      institution: venue._id.toHexString(),
      room: spec.room,
      timeZone: '',
      date: days,
      start: days.map(() => spec.start),
      end: days.map(() => spec.end),
      language: spec.language,
      capacity: String(spec.capacity),
      lead: trainers[0]!._id.toHexString(),
      coTrainers: trainers.slice(1).map((t) => t!._id.toHexString()),
      requiresApproval: spec.requiresApproval ? 'on' : '',
      withdrawalCutoffHours: '48',
      notes: spec.notes,
      // a demo database someone already filled may double-book a trainer: recorded, not refused
      override: 'on',
      overrideReason: 'Demo data (npm run seed:demo).',
      pastConfirmed: 'on',
    });
    session = (await createSession(scheduler, input)).session;
  }
  const id = session.id as string;
  const begun = session.startsAt <= now;
  for (const step of ['open', 'in_progress'] as const) {
    if (step === 'in_progress' && !begun) break;
    if (session.status === 'draft' && step === 'open') session = await advanceSession(scheduler, id, 'open');
    else if (session.status === 'open' && step === 'in_progress') {
      session = await advanceSession(scheduler, id, 'in_progress');
    }
  }

  const participants = spec.participants.flatMap((p) => {
    const person = world.people.get(p.name);
    return person ? [{ spec: p, person }] : [];
  });
  for (const { person } of participants)
    await enrolInManaged(scheduler, session, person._id.toHexString(), 'coordinator');
  for (const name of spec.requests ?? []) {
    const person = world.people.get(name);
    if (person) await enrol(toActor(person), id); // 'already' when they asked in a run cut short
  }

  // the days held so far, marked by the lead trainer as each ended (the paper copied that evening)
  for (const [index, day] of session.days.entries()) {
    if (day.endsAt > now) continue;
    const rows = new Map<string, RowInput>();
    for (const { spec: p, person } of participants) {
      const mark = p.marks?.[index] as DayMark | undefined;
      if (mark) rows.set(person._id.toHexString(), rowOf(mark, dayMinutes(day), spec.excuse));
    }
    if (rows.size > 0) await markDay(lead, id, day.date, { rows, allPresent: false }, later(day.endsAt, 20, now));
  }

  const rules = await assessmentRules(session);
  const changes: ScoreChange[] = participants.flatMap(({ spec: p, person }) => {
    const change: ScoreChange = { personId: person._id.toHexString() };
    if (rules.hasPreTest && p.pre !== undefined) change.pre = p.pre;
    if (rules.hasPostTest && p.post !== undefined && session.endsAt <= now) change.post = p.post;
    return 'pre' in change || 'post' in change ? [change] : [];
  });
  if (changes.length > 0) await writeScores(lead, await sessionForScores(lead, id, 'enterScores'), changes);

  if (session.endsAt <= now) {
    const outcomes: Record<string, Outcome> = {};
    const reasons: Record<string, string> = {};
    for (const { spec: p, person } of participants) {
      if (!p.changed) continue;
      outcomes[person._id.toHexString()] = p.changed.outcome;
      reasons[person._id.toHexString()] = p.changed.reason;
    }
    // closed the morning after the last day
    await closeSession(
      scheduler,
      id,
      { outcomes, reasons },
      { now: later(session.endsAt, 16 * 60, now), followUps: completionFollowUps },
    );
  }
  return existed ? 'existing' : 'created';
}

/** An instant some minutes after another, but never after now. */
const later = (instant: Date, minutes: number, now: Date) =>
  new Date(Math.min(instant.getTime() + minutes * 60_000, now.getTime()));

/** A day's row on the attendance grid for one letter of the demo. */
function rowOf(mark: DayMark, minutes: number, excuse: string): RowInput {
  switch (mark) {
    case 'P':
      return { status: 'present' };
    case 'L':
      return { status: 'late', minutes: String(minutes - 60) };
    case 'E':
      return { status: 'left_early', minutes: String(Math.round(minutes / 2)) };
    case 'A':
      return { status: 'absent' };
    case 'X':
      return { status: 'excused', note: excuse };
  }
}

const isWorkday = (day: DateTime) => day.weekday <= 5;

/** Working days from `first` on (it included, if one). */
function workdaysFrom(first: DateTime, count: number): DateTime[] {
  const days: DateTime[] = [];
  for (let day = first; days.length < count; day = day.plus({ days: 1 })) if (isWorkday(day)) days.push(day);
  return days;
}

/** The session's dates (YYYY-MM-DD in the venue's zone), counted from the day of the run. */
export function daysOf(when: DemoWhen, count: number, zone: string, now: Date): string[] {
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  const monday = today.startOf('week');
  let days: DateTime[];
  if ('thisWeek' in when) {
    const before: DateTime[] = [];
    for (let day = today.minus({ days: 1 }); before.length < when.thisWeek.before; day = day.minus({ days: 1 })) {
      if (isWorkday(day)) before.unshift(day);
    }
    days = [...before, today, ...workdaysFrom(today.plus({ days: 1 }), when.thisWeek.after)];
  } else if ('weeksAgo' in when) {
    days = workdaysFrom(monday.minus({ weeks: when.weeksAgo }).plus({ days: when.weekday - 1 }), count);
  } else {
    days = workdaysFrom(monday.plus({ weeks: when.weeksAhead }).plus({ days: when.weekday - 1 }), count);
  }
  return days.map((d) => d.toFormat('yyyy-MM-dd'));
}
