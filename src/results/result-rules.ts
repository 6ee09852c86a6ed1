// The result a participant is proposed when a session is closed (issue 12, decision 0013):
// completed when they attended at least the module's attendance threshold (of all the session's
// minutes: an excused day is an explained absence, not attendance, decision 0011) and, where the module
// has a post-test with a pass mark, scored at least the pass mark; otherwise not completed, with
// every reason spelled out; a no-show when every day was marked and they came on none.
// The closer reviews the proposal and may change it with a reason (results.service.ts).

export const OUTCOMES = ['completed', 'not_completed', 'no_show'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** One participant's attendance over the session, as the attendance feature counts it. */
export type AttendanceTally = {
  /** minutes attended on the days that count */
  attendedMinutes: number;
  /** minutes scheduled over the session's days (an excused day counts as not attended: decision 0011) */
  countedMinutes: number;
  /** the session's days, and how many of them have a mark for this person */
  days: number;
  markedDays: number;
  /** days on which they were there at all (present, late, left early) */
  daysAttended: number;
  /** days excused */
  daysExcused: number;
};

export type ResultRules = {
  /** percent of the counted minutes a participant must attend (the module's) */
  attendanceThreshold: number;
  hasPostTest: boolean;
  /** percent; null: the post-test, if any, is not marked pass or fail */
  passMark: number | null;
};

export type ResultReason =
  | { code: 'attendanceBelow'; percent: number; threshold: number }
  | { code: 'daysNotMarked'; count: number }
  | { code: 'excusedEveryDay' }
  | { code: 'postTestMissing' }
  | { code: 'postTestBelow'; score: number; passMark: number };

export type ProposedResult = { outcome: Outcome; reasons: ResultReason[] };

/** The share of counted minutes attended, in percent with one decimal; null when no minute counts. */
export function attendancePercent(tally: AttendanceTally): number | null {
  if (tally.countedMinutes <= 0) return null;
  return Math.floor((tally.attendedMinutes * 1000) / tally.countedMinutes) / 10;
}

/**
 * The proposal for one participant. "At least" is exact: the comparison is made on minutes
 * (attended × 100 ≥ threshold × counted), not on a rounded percentage, so 80 % of 450 minutes
 * is met by 360 minutes and missed by 359. Unmarked days count as not attended, and say so.
 */
export function proposeResult(tally: AttendanceTally, post: number | null, rules: ResultRules): ProposedResult {
  const unmarked = tally.days - tally.markedDays;
  if (unmarked === 0 && tally.daysAttended === 0 && tally.daysExcused === 0 && tally.days > 0) {
    return { outcome: 'no_show', reasons: [] };
  }
  const reasons: ResultReason[] = [];
  const enoughAttendance =
    tally.countedMinutes > 0 && tally.attendedMinutes * 100 >= rules.attendanceThreshold * tally.countedMinutes;
  if (tally.days > 0 && tally.daysExcused === tally.days) {
    reasons.push({ code: 'excusedEveryDay' });
  } else if (!enoughAttendance) {
    reasons.push({
      code: 'attendanceBelow',
      percent: attendancePercent(tally) ?? 0,
      threshold: rules.attendanceThreshold,
    });
    if (unmarked > 0) reasons.push({ code: 'daysNotMarked', count: unmarked });
  }
  if (rules.hasPostTest && rules.passMark !== null) {
    if (post === null) reasons.push({ code: 'postTestMissing' });
    else if (post < rules.passMark) reasons.push({ code: 'postTestBelow', score: post, passMark: rules.passMark });
  }
  return { outcome: reasons.length === 0 ? 'completed' : 'not_completed', reasons };
}
