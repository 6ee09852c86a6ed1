import { dayMinutes, type AttendanceStatus, type Day } from './attendance-rules.ts';

// The attendance share the closing rule compares with the module's threshold: attended minutes
// over scheduled minutes, for one person over the session's days. How each status counts, and
// why excused days count as absent, is docs/decisions/0011-attendance-counts.md:
// - present: the whole day;
// - late, left early: the minutes given, or PARTIAL_DAY_DEFAULT of the day when none were given;
// - absent, excused: nothing (an excused day stays in the denominator);
// - a day not marked yet: nothing, and counted in `unmarked` so the closer can see it.

/** A late or left-early day without minutes counts as this share of the day. */
export const PARTIAL_DAY_DEFAULT = 0.5;

export type MarkForShare = { date: string; status: AttendanceStatus; minutes?: number | null };

export type StatusCounts = Record<AttendanceStatus | 'unmarked', number>;

export type AttendanceShare = {
  attendedMinutes: number;
  scheduledMinutes: number;
  /** attended / scheduled, from 0 to 1; 0 for a session without days */
  share: number;
  /** days by status, and the days not marked yet */
  counts: StatusCounts;
  /** days attended at all: present, late or left early */
  daysAttended: number;
  days: number;
};

function minutesOf(mark: MarkForShare | undefined, length: number): number {
  if (!mark) return 0;
  switch (mark.status) {
    case 'present':
      return length;
    case 'late':
    case 'left_early':
      return mark.minutes === null || mark.minutes === undefined
        ? Math.round(length * PARTIAL_DAY_DEFAULT)
        : Math.min(Math.max(0, mark.minutes), length);
    default:
      return 0;
  }
}

/** One person's share over the session's days; marks of dates outside the days are ignored. */
export function attendanceShare(days: readonly Day[], marks: readonly MarkForShare[]): AttendanceShare {
  const byDate = new Map(marks.map((m) => [m.date, m]));
  const counts: StatusCounts = { present: 0, late: 0, left_early: 0, absent: 0, excused: 0, unmarked: 0 };
  let attendedMinutes = 0;
  let scheduledMinutes = 0;
  for (const day of days) {
    const length = dayMinutes(day);
    const mark = byDate.get(day.date);
    counts[mark ? mark.status : 'unmarked'] += 1;
    scheduledMinutes += length;
    attendedMinutes += minutesOf(mark, length);
  }
  return {
    attendedMinutes,
    scheduledMinutes,
    share: scheduledMinutes === 0 ? 0 : attendedMinutes / scheduledMinutes,
    counts,
    daysAttended: counts.present + counts.late + counts.left_early,
    days: days.length,
  };
}

/**
 * Whether a share reaches a threshold given in percent (the module's attendanceThreshold):
 * exactly at the threshold passes. Compared in whole minutes, so 80 % of 450 minutes is 360
 * and never 359.99999.
 */
export function meetsThreshold(share: Pick<AttendanceShare, 'attendedMinutes' | 'scheduledMinutes'>, percent: number) {
  if (share.scheduledMinutes === 0) return percent <= 0;
  return share.attendedMinutes * 100 >= percent * share.scheduledMinutes;
}
