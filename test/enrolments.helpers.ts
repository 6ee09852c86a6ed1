import type { Types } from 'mongoose';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { SeatClaim, WaitlistClaim } from '../src/enrolments/seat-claim.model.ts';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { buildModule } from './support/factories.ts';

// A session stored directly, as the sessions feature would leave it: open, in the future.

type SessionFields = {
  institution: { _id: Types.ObjectId; country?: Types.ObjectId | null };
  capacity: number;
  requiresApproval: boolean;
  withdrawalCutoffHours: number;
  startsAt: Date;
  status: 'draft' | 'open' | 'in_progress' | 'completed' | 'cancelled';
  enrolmentOpensAt: Date;
  enrolmentClosesAt: Date;
  timeZone: string;
};

const DAY = 24 * 3_600_000;

export async function buildSession(fields: Partial<SessionFields> & Pick<SessionFields, 'institution'>) {
  const module = await buildModule({ status: 'published', institution: fields.institution });
  const startsAt = fields.startsAt ?? new Date(Date.now() + 10 * DAY);
  const endsAt = new Date(startsAt.getTime() + 8 * 3_600_000);
  return TrainingSession.create({
    module: module._id,
    moduleVersion: 1,
    institution: fields.institution._id,
    country: fields.institution.country ?? undefined,
    timeZone: fields.timeZone ?? 'UTC',
    days: [{ date: startsAt.toISOString().slice(0, 10), start: '09:00', end: '17:00', startsAt, endsAt }],
    startsAt,
    endsAt,
    language: 'en',
    capacity: fields.capacity ?? 20,
    requiresApproval: fields.requiresApproval ?? false,
    withdrawalCutoffHours: fields.withdrawalCutoffHours ?? 48,
    status: fields.status ?? 'open',
    enrolmentOpensAt: fields.enrolmentOpensAt,
    enrolmentClosesAt: fields.enrolmentClosesAt,
  });
}

/** Everything about a session's places, for checks: seats and waitlist, as stored. */
export async function placesOf(session: Types.ObjectId) {
  const enrolments = await Enrolment.find({ session }).lean();
  const seats = await SeatClaim.find({ session }).sort({ number: 1 }).lean();
  const waits = await WaitlistClaim.find({ session }).sort({ number: 1 }).lean();
  const byState = (state: string) => enrolments.filter((e) => e.state === state);
  return { enrolments, seats, waits, byState };
}
