// The rules of marking attendance, as plain functions of plain values (no database, no request):
// what a valid mark is, and when a change needs a reason. Who may mark at all is the attendance
// policy's (src/access/attendance.policy.ts).
//
// When a reason is needed (docs/decisions/0011-attendance-counts.md):
// - until the day is over (its endsAt), marks are made and changed freely;
// - after it, changing a mark needs a reason; the FIRST mark of a day after it ended does not:
//   copying the paper sheet in the evening is the normal way marks arrive, and there is no earlier
//   value that the change would overwrite;
// - once the session is closed (results confirmed), every change, a first mark included, needs a
//   reason: the results were confirmed from what was marked then.
// Every change of an existing mark is recorded (who, when, old, new, reason), reason or not.

export const ATTENDANCE_STATUSES = ['present', 'late', 'left_early', 'absent', 'excused'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

/** Statuses of a day only partly attended: they may say how many minutes were. */
export const PARTIAL_STATUSES: readonly AttendanceStatus[] = ['late', 'left_early'];
export const isPartial = (status: string) => (PARTIAL_STATUSES as readonly string[]).includes(status);

export const isAttendanceStatus = (value: unknown): value is AttendanceStatus =>
  typeof value === 'string' && (ATTENDANCE_STATUSES as readonly string[]).includes(value);

export const NOTE_MAX = 500;
export const REASON_MAX = 500;

/** One mark's value: what the grid shows and the history compares. */
export type MarkValue = { status: AttendanceStatus; minutes: number | null; note: string };

/** A session day as the rules need it. */
export type Day = { date: string; startsAt: Date; endsAt: Date };

/** The day's scheduled length in whole minutes. */
export const dayMinutes = (day: Pick<Day, 'startsAt' | 'endsAt'>) =>
  Math.max(0, Math.round((day.endsAt.getTime() - day.startsAt.getTime()) / 60_000));

/** A row as typed: every box a string (or absent). */
export type RowInput = { status?: string; minutes?: string; note?: string; reason?: string };

/** A message key per box of the row; empty when the row is valid. */
export type RowErrors = Partial<Record<keyof RowInput, { key: string; params?: Record<string, number> }>>;

/**
 * The value a typed row stands for, or its errors. Minutes count only for a partial day (late,
 * left early), from 0 to the day's length; on any other status the box is ignored (a status
 * changed without clearing it is not an error). An excused day needs a note.
 */
export function readRow(row: RowInput, day: Day): { value?: MarkValue; reason: string; errors: RowErrors } {
  const errors: RowErrors = {};
  const status = row.status ?? '';
  const note = (row.note ?? '').trim();
  const reason = (row.reason ?? '').trim();
  const minutesText = (row.minutes ?? '').trim();
  if (!isAttendanceStatus(status)) errors.status = { key: status ? 'attendance:errors.status' : 'validation.required' };
  let minutes: number | null = null;
  if (isPartial(status) && minutesText !== '') {
    const max = dayMinutes(day);
    if (!/^\d{1,4}$/.test(minutesText) || Number(minutesText) > max) {
      errors.minutes = { key: 'attendance:errors.minutes', params: { max } };
    } else minutes = Number(minutesText);
  }
  if (status === 'excused' && note === '') errors.note = { key: 'attendance:errors.noteRequired' };
  if (note.length > NOTE_MAX) errors.note = { key: 'validation.tooLong', params: { max: NOTE_MAX } };
  if (reason.length > REASON_MAX) errors.reason = { key: 'validation.tooLong', params: { max: REASON_MAX } };
  if (Object.keys(errors).length > 0 || !isAttendanceStatus(status)) return { reason, errors };
  return { value: { status, minutes, note }, reason, errors };
}

export const sameMark = (a: MarkValue, b: MarkValue) =>
  a.status === b.status && a.minutes === b.minutes && a.note === b.note;

/** Where a change stands: the day's end, whether the session is closed, the mark before it. */
export type ChangeSituation = { now: Date; day: Pick<Day, 'endsAt'>; closed: boolean; existing: MarkValue | null };

/** Whether the day has begun: a day not yet begun cannot be marked. */
export const hasBegun = (day: Pick<Day, 'startsAt'>, now: Date) => day.startsAt.getTime() <= now.getTime();

/** Whether the day is over: from its end on, changes need a reason. */
export const isOver = (day: Pick<Day, 'endsAt'>, now: Date) => day.endsAt.getTime() <= now.getTime();

/** Whether this change needs a reason (the rules above). An unchanged mark needs nothing. */
export function needsReason(situation: ChangeSituation): boolean {
  if (situation.closed) return true;
  return situation.existing !== null && isOver(situation.day, situation.now);
}

/** What a posted row asks for: nothing (unchanged), a first mark, or a change of a mark. */
export function changeKind(existing: MarkValue | null, next: MarkValue): 'unchanged' | 'first' | 'change' {
  if (existing === null) return 'first';
  return sameMark(existing, next) ? 'unchanged' : 'change';
}

/** Statuses a session may be marked in: not a draft, not cancelled. */
export const MARKABLE_SESSION_STATUSES: readonly string[] = ['open', 'in_progress', 'completed'];
