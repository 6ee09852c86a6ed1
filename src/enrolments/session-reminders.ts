import mongoose from 'mongoose';
import { Enrolment } from './enrolment.model.ts';
import { institutionSummary } from '../institutions/institutions.service.ts';
import { moduleSummary } from '../modules/module-lookups.service.ts';
import { sessionsStartingBetween, type SessionStatus } from '../sessions/session-queries.service.ts';
import { notify } from '../notices/notices.service.ts';
import { ReminderSent } from './reminder-sent.model.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';

// Reminders before the start: every enrolled participant of a session that starts within the
// next 24 hours is told once. Safe to run as often as wanted, and by two processes at once.

export const REMINDER_WINDOW_MS = 24 * 3_600_000;
const REMINDED_STATUSES: SessionStatus[] = ['open', 'in_progress'];

export type ReminderSummary = { sessions: number; reminded: number };

/** Claims the reminder of one person for one session; false when it was already claimed. */
async function claim(session: mongoose.Types.ObjectId, person: mongoose.Types.ObjectId): Promise<boolean> {
  try {
    await ReminderSent.create({ session, person });
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/** Sends the reminders due at `now`; returns how many sessions were looked at and people reminded. */
export async function sendSessionReminders(now = new Date()): Promise<ReminderSummary> {
  await ReminderSent.init(); // the unique index must exist before the first claim
  const until = new Date(now.getTime() + REMINDER_WINDOW_MS);
  const sessions = await sessionsStartingBetween(now, until, REMINDED_STATUSES);
  let reminded = 0;
  for (const session of sessions) {
    const enrolments = await Enrolment.find({ session: session._id, state: 'enrolled' }, 'person').lean();
    const people: string[] = [];
    for (const { person } of enrolments) if (await claim(session._id, person)) people.push(person.toHexString());
    if (people.length === 0) continue;
    const [module, venue] = await Promise.all([moduleSummary(session.module), institutionSummary(session.institution)]);
    await notify({
      people,
      kind: 'session.reminder',
      sessionId: session._id.toHexString(),
      params: {
        module: module?.title ?? '',
        startsAt: session.startsAt.toISOString(),
        endsAt: session.endsAt.toISOString(),
        timeZone: session.timeZone,
        venue: [venue?.name, session.room].filter(Boolean).join(', '),
      },
    });
    reminded += people.length;
  }
  return { sessions: sessions.length, reminded };
}
