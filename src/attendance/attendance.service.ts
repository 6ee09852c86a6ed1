import mongoose from 'mongoose';
import { audit } from '../audit/audit.ts';
import type { Actor } from '../access/actor.ts';
import { attendancePolicy } from '../access/attendance.policy.ts';
import { authorize, can, type ActionOf } from '../access/policy.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import { FieldValidationError, fieldError, notFound, StaleFormError, type FieldErrors } from '../http/errors.ts';
import { participantsOf, type Participant } from '../enrolments/enrolment-queries.service.ts';
import { getSession } from '../sessions/sessions.service.ts';
import type { TrainingSessionDocument } from '../sessions/session-queries.service.ts';
import { AttendanceChange } from './attendance-change.model.ts';
import { AttendanceMark } from './attendance-mark.model.ts';
import {
  changeKind,
  hasBegun,
  MARKABLE_SESSION_STATUSES,
  needsReason,
  readRow,
  type Day,
  type MarkValue,
  type RowInput,
} from './attendance-rules.ts';

// Marking a day: every posted row is checked first (status, minutes, note, the reason the rules
// ask for, that the person is a participant) and nothing is saved unless every row is valid: a
// refused form comes back (422) with every row as typed and the message beside its row, as the
// house form helper does (src/http/form.ts). Then each row is written: a first mark is an insert
// under the unique {session, date, person}; a change updates the mark only if it is still what
// the form showed, then records the change (who, when, before, after, reason).

export type AttendanceAction = ActionOf<typeof attendancePolicy>;

/** The session, if the actor may do this to its attendance: 404 out of sight, 403 in sight. */
export async function loadSessionFor(actor: Actor, sessionId: string, action: AttendanceAction) {
  const session = await getSession(actor, sessionId, 'read');
  authorize(actor, attendancePolicy, action, session);
  return session;
}

/** The session's day with this date, or 404 with a message saying so. */
export function dayOf(session: { days: readonly Day[] }, date: string): Day {
  const day = session.days.find((d) => d.date === date);
  if (!day) throw notFound('attendance:errors.noSuchDay');
  return day;
}

export const mayMark = (actor: Actor, session: TrainingSessionDocument) =>
  can(actor, attendancePolicy, 'mark', session);

export type DayForm = { rows: Map<string, RowInput>; allPresent: boolean };

type Planned = { participant: Participant; value: MarkValue; reason: string; existing: ExistingMark | null };
type ExistingMark = MarkValue & { _id: mongoose.Types.ObjectId };

const valueOf = (m: { status: string; minutes?: number | null; note?: string | null }): MarkValue =>
  ({ status: m.status, minutes: m.minutes ?? null, note: m.note ?? '' }) as MarkValue;

/** The day's marks of the session, by person id. */
async function marksOfDay(sessionId: mongoose.Types.ObjectId, date: string) {
  const rows = await AttendanceMark.find({ session: sessionId, date }).lean();
  return new Map(rows.map((r) => [r.person.toHexString(), { _id: r._id, ...valueOf(r) }]));
}

/** Counts of what a saved form did. */
export type MarkOutcome = { marked: number; changed: number };

/**
 * Marks one day of a session from the grid (module header): all rows valid or nothing saved.
 * `allPresent` fills every row neither marked before nor given a status with "present".
 */
export async function markDay(
  actor: Actor,
  sessionId: string,
  date: string,
  form: DayForm,
  now = new Date(),
): Promise<MarkOutcome> {
  const session = await loadSessionFor(actor, sessionId, 'mark');
  const day = dayOf(session, date);
  if (!MARKABLE_SESSION_STATUSES.includes(session.status)) throw fieldError('_form', 'attendance:errors.notMarkable');
  if (!hasBegun(day, now)) throw fieldError('_form', 'attendance:errors.notBegun');
  const [participants, marks] = await Promise.all([participantsOf(session._id), marksOfDay(session._id, date)]);
  const byPerson = new Map(participants.map((p) => [p._id.toHexString(), p]));
  const rows = new Map(form.rows);
  if (form.allPresent) {
    for (const id of byPerson.keys()) {
      const row = rows.get(id) ?? {};
      if (!row.status && !marks.has(id)) rows.set(id, { ...row, status: 'present' });
    }
  }
  const errors: FieldErrors = {};
  const planned: Planned[] = [];
  for (const [id, row] of rows) {
    const participant = byPerson.get(id);
    if (!participant) {
      errors[`row_${id}`] = { key: 'attendance:errors.notEnrolled' };
      continue;
    }
    if (!row.status && !marks.has(id)) continue; // a row left blank: not marked yet
    const existing = marks.get(id) ?? null;
    const read = readRow(row.status || !existing ? row : { ...row, status: existing.status }, day);
    for (const [box, message] of Object.entries(read.errors)) errors[`${box}_${id}`] = message;
    if (!read.value) continue;
    if (changeKind(existing, read.value) === 'unchanged') continue;
    if (needsReason({ now, day, closed: !!session.closedAt, existing }) && read.reason === '') {
      errors[`reason_${id}`] = { key: 'attendance:errors.reasonRequired' };
      continue;
    }
    planned.push({ participant, value: read.value, reason: read.reason, existing });
  }
  if (Object.keys(errors).length > 0) throw new FieldValidationError(errors);
  const outcome: MarkOutcome = { marked: 0, changed: 0 };
  for (const plan of planned) {
    const kind = await save(actor, session, date, plan, now);
    outcome[kind] += 1;
  }
  if (planned.length > 0) {
    await audit(actor, {
      action: 'attendance.mark',
      subject: { collection: 'training_sessions', id: session._id },
      institutions: [session.institution],
      changes: planned.map((p) => ({
        field: p.participant.fullName,
        ...(p.existing ? { before: p.existing.status } : {}),
        after: p.value.status,
      })),
      details: { date, ...outcome },
    });
  }
  return outcome;
}

async function save(actor: Actor, session: TrainingSessionDocument, date: string, plan: Planned, now: Date) {
  const by = new mongoose.Types.ObjectId(actor.id);
  const key = { session: session._id, date, person: plan.participant._id };
  if (!plan.existing) {
    try {
      await AttendanceMark.create({
        ...key,
        enrolment: plan.participant.enrolment,
        ...plan.value,
        markedBy: by,
        markedAt: now,
      });
      return 'marked' as const;
    } catch (error) {
      // someone marked the row meanwhile: theirs stands, and the form is shown again with it
      if (isDuplicateKey(error)) throw new StaleFormError('attendance:errors.changedMeanwhile');
      throw error;
    }
  }
  const before = valueOf(plan.existing);
  const updated = await AttendanceMark.updateOne(
    { _id: plan.existing._id, status: before.status, minutes: before.minutes, note: before.note },
    { $set: { ...plan.value, changedBy: by, changedAt: now } },
  );
  if (updated.matchedCount === 0) throw new StaleFormError('attendance:errors.changedMeanwhile');
  await AttendanceChange.create({ ...key, by, at: now, before, after: plan.value, reason: plan.reason });
  return 'changed' as const;
}
