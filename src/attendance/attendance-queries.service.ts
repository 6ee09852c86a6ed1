import mongoose from 'mongoose';
import { isObjectId } from '../db/object-id.ts';
import { participantsOf } from '../enrolments/enrolment-queries.service.ts';
import { AttendanceMark } from './attendance-mark.model.ts';
import type { AttendanceStatus, Day } from './attendance-rules.ts';
import { attendanceShare, type AttendanceShare } from './attendance-share.ts';

// What other features read of attendance (decision 8): every mark of a session, and each
// participant's share for the closing rule. Whoever calls these has checked access already.

export type MarkRow = {
  person: string;
  date: string;
  enrolment: string;
  status: AttendanceStatus;
  minutes: number | null;
  note: string;
  markedBy: string;
  markedAt: Date;
  changedBy?: string;
  changedAt?: Date;
};

export type SessionAttendance = {
  /** every mark of the session, by day then person id */
  marks: MarkRow[];
  /** person id → date → mark */
  byPerson: Map<string, Map<string, MarkRow>>;
};

/** Every mark of a session, by person and date: one query by the session (decision 0005). */
export async function attendanceOfSession(sessionId: mongoose.Types.ObjectId | string): Promise<SessionAttendance> {
  if (!isObjectId(String(sessionId))) return { marks: [], byPerson: new Map() };
  const rows = await AttendanceMark.find({ session: new mongoose.Types.ObjectId(String(sessionId)) }).lean();
  const marks: MarkRow[] = rows
    .map((r) => ({
      person: r.person.toHexString(),
      date: r.date,
      enrolment: r.enrolment.toHexString(),
      status: r.status as AttendanceStatus,
      minutes: r.minutes ?? null,
      note: r.note ?? '',
      markedBy: r.markedBy.toHexString(),
      markedAt: r.markedAt,
      changedBy: r.changedBy?.toHexString(),
      changedAt: r.changedAt ?? undefined,
    }))
    .sort((a, b) => a.date.localeCompare(b.date) || a.person.localeCompare(b.person));
  const byPerson = new Map<string, Map<string, MarkRow>>();
  for (const mark of marks) {
    const days = byPerson.get(mark.person) ?? new Map<string, MarkRow>();
    days.set(mark.date, mark);
    byPerson.set(mark.person, days);
  }
  return { marks, byPerson };
}

export type ParticipantShare = AttendanceShare & { person: string; enrolment: string };

/**
 * Each participant's attendance share and counts by status (attendance-share.ts), by person id:
 * every seated participant of the session (enrolments' participantsOf), marked or not.
 */
export async function attendanceSharesOfSession(session: {
  _id: mongoose.Types.ObjectId;
  days: readonly Day[];
}): Promise<Map<string, ParticipantShare>> {
  const [participants, attendance] = await Promise.all([participantsOf(session._id), attendanceOfSession(session._id)]);
  const shares = new Map<string, ParticipantShare>();
  for (const p of participants) {
    const person = p._id.toHexString();
    const marks = [...(attendance.byPerson.get(person)?.values() ?? [])];
    shares.set(person, { ...attendanceShare(session.days, marks), person, enrolment: p.enrolment.toHexString() });
  }
  return shares;
}
