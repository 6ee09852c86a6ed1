import mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { anyOf } from '../db/query.ts';
import { can } from '../access/policy.ts';
import { sessionPolicy, type SessionRecord } from '../access/session.policy.ts';
import { TrainingSession } from './training-session.model.ts';

// A trainer or a room (same venue, same room name whatever its case) may not be in two
// sessions at once: any day of one overlapping any day of the other, cancelled ones aside.
// A trainer's other session may be one the coordinator cannot see (a draft in another
// country): the clash is still refused, but all they are told is that there is one.

type Span = { startsAt: Date; endsAt: Date };
export type Booking = {
  id?: mongoose.Types.ObjectId;
  institution: mongoose.Types.ObjectId;
  room: string;
  trainerIds: mongoose.Types.ObjectId[];
  days: Span[];
};
type Reason = 'trainer' | 'room';
export type Clash = {
  id: string;
  moduleTitle: string;
  startsAt: Date;
  timeZone: string;
  reasons: Reason[];
  /** what the session policy decides by */
  session: SessionRecord;
};

/** A clash as a reader may be told of it: the other session only when they may open it. */
export type ShownClash =
  | { hidden: false; id: string; moduleTitle: string; startsAt: Date; timeZone: string; reasons: Reason[] }
  | { hidden: true; reasons: Reason[] };

export function clashesShownTo(actor: Actor, clashes: Clash[]): ShownClash[] {
  return clashes.map(({ session, reasons, ...other }) =>
    can(actor, sessionPolicy, 'read', session) ? { hidden: false, ...other, reasons } : { hidden: true, reasons },
  );
}

const overlaps = (a: Span[], b: Span[]) => a.some((x) => b.some((y) => x.startsAt < y.endsAt && y.startsAt < x.endsAt));

const sameRoom = (a: string, b: string) => a.trim() !== '' && a.trim().toLowerCase() === b.trim().toLowerCase();

/** The sessions this booking clashes with, each with why. */
export async function findClashes(booking: Booking): Promise<Clash[]> {
  if (booking.days.length === 0) return [];
  const first = Math.min(...booking.days.map((d) => d.startsAt.getTime()));
  const last = Math.max(...booking.days.map((d) => d.endsAt.getTime()));
  const who: mongoose.QueryFilter<unknown>[] = [{ institution: booking.institution }];
  if (booking.trainerIds.length > 0) who.push({ 'trainers.person': anyOf(booking.trainerIds) });
  const candidates = await TrainingSession.find({
    $and: [
      { status: mongoose.trusted({ $ne: 'cancelled' }) },
      { startsAt: mongoose.trusted({ $lt: new Date(last) }) },
      { endsAt: mongoose.trusted({ $gt: new Date(first) }) },
      { $or: who },
      ...(booking.id ? [{ _id: mongoose.trusted({ $ne: booking.id }) }] : []),
    ],
  })
    .populate<{ module: { title: string } }>('module', 'title')
    .lean();
  const clashes: Clash[] = [];
  for (const other of candidates) {
    if (!overlaps(booking.days, other.days)) continue;
    const reasons: Clash['reasons'] = [];
    const trainerIds = booking.trainerIds.map(String);
    if (other.trainers.some((t) => trainerIds.includes(String(t.person)))) reasons.push('trainer');
    if (other.institution.equals(booking.institution) && sameRoom(booking.room, other.room ?? '')) reasons.push('room');
    if (reasons.length === 0) continue;
    clashes.push({
      id: other._id.toHexString(),
      moduleTitle: other.module?.title ?? '',
      startsAt: other.startsAt,
      timeZone: other.timeZone,
      reasons,
      session: other,
    });
  }
  return clashes;
}
