import type { Actor } from './actor.ts';
import { refuse, type Policy } from './policy.ts';
import { managesSession, sessionPolicy, teaches, type SessionRecord } from './session.policy.ts';

// A session's attendance (src/attendance): the marks of its participants, day by day.
// - Seeing that it exists: whoever sees the session (so a refusal is 403 in sight, 404 out of it).
// - Reading the marks (the overview, a day's grid, the history): the session's trainers and
//   whoever manages the session (admins, coordinators with the venue in their scope).
// - Marking: the same people until the session is closed (its results confirmed); after that
//   only those who manage it, and the trainers are told why.
// When a change needs a reason (after the day, after closing) is the attendance rules' business
// (src/attendance/attendance-rules.ts), not access.

export type AttendanceRecord = SessionRecord & { closedAt?: Date | null };

const readsAttendance = (actor: Actor, session: AttendanceRecord) =>
  managesSession(actor, session) || teaches(actor, session);

export const attendancePolicy = {
  read: (actor, session) => sessionPolicy.read(actor, session),
  view: readsAttendance,
  mark: (actor, session) => {
    if (managesSession(actor, session)) return true;
    if (!teaches(actor, session)) return false;
    return session.closedAt ? refuse('attendance:refused.closed') : true;
  },
} satisfies Policy<AttendanceRecord>;
