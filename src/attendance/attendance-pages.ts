import { paperOfSession, type PaperOfDay } from '../sign-in-sheets/sheets.service.ts';
import type { Actor } from '../access/actor.ts';
import { participantsOf } from '../enrolments/enrolment-queries.service.ts';
import { institutionSummary } from '../institutions/institutions.service.ts';
import { moduleSummary } from '../modules/module-lookups.service.ts';
import { personNames } from '../people/people.service.ts';
import { formatDay, formatInstant } from '../sessions/session-times.ts';
import { AttendanceChange } from './attendance-change.model.ts';
import { attendanceOfSession } from './attendance-queries.service.ts';
import { hasBegun, isOver, MARKABLE_SESSION_STATUSES } from './attendance-rules.ts';
import { attendanceShare } from './attendance-share.ts';
import { dayOf, loadSessionFor, mayMark } from './attendance.service.ts';

// What the two attendance pages show: the overview (participants × days) and one day's grid
// with each participant's history of that day. Nothing here writes.

const heading = async (session: { module: unknown; institution: unknown }) => {
  const [module, venue] = await Promise.all([moduleSummary(session.module), institutionSummary(session.institution)]);
  return { moduleTitle: module?.title ?? '', venueName: venue?.name ?? '' };
};

/** The overview: every participant's status on every day, and days attended of days. */
export async function attendanceOverview(actor: Actor, sessionId: string, language: string) {
  const session = await loadSessionFor(actor, sessionId, 'view');
  const [names, participants, attendance] = await Promise.all([
    heading(session),
    participantsOf(session._id),
    attendanceOfSession(session._id),
  ]);
  return {
    session,
    ...names,
    closed: !!session.closedAt,
    days: session.days.map((d) => ({ date: d.date, label: formatDay(d, session.timeZone, language) })),
    rows: participants.map((p) => {
      const marks = attendance.byPerson.get(p._id.toHexString()) ?? new Map();
      return {
        person: p,
        marks: session.days.map((d) => marks.get(d.date)),
        share: attendanceShare(session.days, [...marks.values()]),
      };
    }),
  };
}

/** The day's signed sheet as the page says it: how many scans, and who confirmed it when. */
function paperShown(paper: PaperOfDay | undefined, when: (at: Date) => string) {
  if (!paper) return undefined;
  const { confirmed } = paper;
  return { count: paper.scans.count, confirmed: confirmed && { by: confirmed.byName, at: when(confirmed.at) } };
}

/** One day's grid: participants, their marks, who needs a reason, and each one's history. */
export async function attendanceDay(actor: Actor, sessionId: string, date: string, language: string, now = new Date()) {
  const session = await loadSessionFor(actor, sessionId, 'view');
  const day = session.days.find((d) => d.date === dayOf(session, date).date)!;
  const [names, participants, attendance, changes, paper] = await Promise.all([
    heading(session),
    participantsOf(session._id),
    attendanceOfSession(session._id),
    AttendanceChange.find({ session: session._id, date }).sort({ at: 1 }).lean(),
    paperOfSession(session._id),
  ]);
  const marks = new Map(attendance.marks.filter((m) => m.date === date).map((m) => [m.person, m]));
  const who = await personNames([
    ...[...marks.values()].map((m) => m.markedBy),
    ...changes.map((c) => c.by.toHexString()),
  ]);
  const when = (at: Date) => formatInstant(at, session.timeZone, language);
  const closed = !!session.closedAt;
  const markable = mayMark(actor, session) && MARKABLE_SESSION_STATUSES.includes(session.status) && hasBegun(day, now);
  const index = session.days.findIndex((d) => d.date === date);
  return {
    session,
    ...names,
    closed,
    day: {
      date,
      label: formatDay(day, session.timeZone, language),
      length: (day.endsAt.getTime() - day.startsAt.getTime()) / 60_000,
    },
    /** the signed sheet of the day, when one came back (src/sign-in-sheets) */
    paper: paperShown(paper.get(date), when),
    previous: session.days[index - 1]?.date,
    next: session.days[index + 1]?.date,
    over: isOver(day, now),
    begun: hasBegun(day, now),
    markable,
    /** why the grid cannot be changed, when it cannot */
    readOnlyReason: markable
      ? undefined
      : !MARKABLE_SESSION_STATUSES.includes(session.status)
        ? 'attendance:errors.notMarkable'
        : !hasBegun(day, now)
          ? 'attendance:errors.notBegun'
          : 'attendance:refused.closed',
    rows: participants.map((p) => {
      const id = p._id.toHexString();
      const mark = marks.get(id);
      return {
        id,
        person: p,
        mark,
        /** a change of this row needs a reason (the rules: after the day, or once closed) */
        reasonNeeded: closed || (!!mark && isOver(day, now)),
        marked: mark && { by: who.get(mark.markedBy) ?? '', at: when(mark.markedAt) },
        history: changes
          .filter((c) => c.person.toHexString() === id)
          .map((c) => ({
            by: who.get(c.by.toHexString()) ?? '',
            at: when(c.at),
            before: c.before,
            after: c.after,
            reason: c.reason ?? '',
          })),
      };
    }),
  };
}
export type AttendanceDayPage = Awaited<ReturnType<typeof attendanceDay>>;
