import { attendanceSharesOfSession } from '../attendance/attendance-queries.service.ts';
import { scoresOfSession } from '../assessments/assessments.service.ts';
import { moduleRulesAt } from '../modules/module-lookups.service.ts';
import type { TrainingSessionDocument } from '../sessions/session-queries.service.ts';
import type { AttendanceTally, ResultRules } from './result-rules.ts';

// What the result rules read, gathered from the features that record it: each participant's
// attendance (src/attendance), scores (src/assessments), and the rules of the module version the
// session was scheduled with.

export type ParticipantInputs = { tally: AttendanceTally; pre: number | null; post: number | null };

/** The rules, and each seated participant's inputs by person id (hex). */
export async function resultInputs(
  session: TrainingSessionDocument,
): Promise<{ rules: ResultRules; participants: Map<string, ParticipantInputs> }> {
  const [moduleRules, shares, scores] = await Promise.all([
    moduleRulesAt(session.module, session.moduleVersion),
    attendanceSharesOfSession(session),
    scoresOfSession(session._id),
  ]);
  const rules: ResultRules = {
    attendanceThreshold: moduleRules?.attendanceThreshold ?? 100,
    hasPostTest: moduleRules?.hasPostTest ?? false,
    passMark: moduleRules?.passMark ?? null,
  };
  const participants = new Map<string, ParticipantInputs>();
  for (const [person, share] of shares) {
    const own = scores.get(person);
    participants.set(person, {
      tally: {
        attendedMinutes: share.attendedMinutes,
        countedMinutes: share.scheduledMinutes,
        days: share.days,
        markedDays: share.days - share.counts.unmarked,
        daysAttended: share.daysAttended,
        daysExcused: share.counts.excused,
      },
      pre: own?.pre ?? null,
      post: own?.post ?? null,
    });
  }
  return { rules, participants };
}
