import { createHash, randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import mongoose from 'mongoose';
import { hasRole, institutionScope, type Actor } from '../access/actor.ts';
import { anyOf, anyOfIds } from '../db/query.ts';
import { Enrolment, LIVE_STATES } from '../enrolments/enrolment.model.ts';
import { CalendarFeed } from './calendar-feed.model.ts';
import type { SessionListRow, SessionRecord } from '../sessions/sessions.service.ts';
import { personSummary } from '../people/people.service.ts';
import { TrainingSession } from '../sessions/training-session.model.ts';

// The calendar shows what the actor may see: the sessions they manage or teach, and the
// published (not draft) sessions of their country.

type Filter = mongoose.QueryFilter<SessionRecord>;

export function visibleSessions(actor: Actor): Filter {
  if (hasRole(actor, 'admin')) return {};
  const either: Filter[] = [{ 'trainers.person': new mongoose.Types.ObjectId(actor.id) }];
  if (hasRole(actor, 'coordinator')) either.push({ institution: anyOfIds(institutionScope(actor) ?? []) });
  if (actor.countryId) {
    either.push({ status: mongoose.trusted({ $ne: 'draft' }), country: new mongoose.Types.ObjectId(actor.countryId) });
  }
  return { $or: either };
}

export type CalendarFilter = { month: string; institution?: string; module?: string; trainer?: string };

/** Sessions with a day in the month (local dates of the venue), soonest first. */
export async function sessionsOfMonth(actor: Actor, filter: CalendarFilter) {
  const first = DateTime.fromISO(`${filter.month}-01`, { zone: 'UTC' });
  // a day's local date may be up to 14 hours away from its UTC date
  const from = first.minus({ days: 1 }).toJSDate();
  const to = first.plus({ months: 1, days: 1 }).toJSDate();
  const conditions: Filter[] = [
    visibleSessions(actor),
    { startsAt: mongoose.trusted({ $lt: to }) },
    { endsAt: mongoose.trusted({ $gt: from }) },
  ];
  if (filter.institution) conditions.push({ institution: new mongoose.Types.ObjectId(filter.institution) });
  if (filter.module) conditions.push({ module: new mongoose.Types.ObjectId(filter.module) });
  if (filter.trainer) conditions.push({ 'trainers.person': new mongoose.Types.ObjectId(filter.trainer) });
  const sessions = await TrainingSession.find({ $and: conditions })
    .sort({ startsAt: 1, _id: 1 })
    .limit(1000)
    .populate('module', 'title code')
    .populate('institution', 'name code')
    .lean<SessionListRow[]>();
  return sessions.filter((s) => s.days.some((d) => d.date.startsWith(filter.month)));
}

/** Sessions of a module this person may see that are open or running and not yet over, soonest first. */
export async function upcomingSessionsOf(actor: Actor, moduleId: mongoose.Types.ObjectId, now = new Date()) {
  return TrainingSession.find({
    $and: [
      visibleSessions(actor),
      { module: moduleId, status: anyOf(['open', 'in_progress']), endsAt: mongoose.trusted({ $gte: now }) },
    ],
  })
    .sort({ startsAt: 1, _id: 1 })
    .limit(50)
    .populate('module', 'title code')
    .populate('institution', 'name code')
    .lean<SessionListRow[]>();
}

/** The sessions a trainer teaches: upcoming (not yet ended) and past. */
export async function teachingOf(actor: Actor) {
  const now = new Date();
  const mine = await TrainingSession.find({ 'trainers.person': new mongoose.Types.ObjectId(actor.id) })
    .sort({ startsAt: 1 })
    .populate('module', 'title code')
    .populate('institution', 'name code')
    .lean<SessionListRow[]>();
  return { upcoming: mine.filter((s) => s.endsAt >= now), past: mine.filter((s) => s.endsAt < now).reverse() };
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function hasFeed(actor: Actor): Promise<boolean> {
  return (await CalendarFeed.exists({ person: actor.id })) !== null;
}

/** A new secret link; the old one, if any, stops working. Returns the token (shown once). */
export async function createFeed(actor: Actor): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await CalendarFeed.deleteMany({ person: actor.id });
  await CalendarFeed.create({ person: actor.id, tokenHash: hash(token) });
  return token;
}

export async function revokeFeed(actor: Actor): Promise<void> {
  await CalendarFeed.deleteMany({ person: actor.id });
}

/** The sessions of a feed's owner (as participant or trainer), or undefined when no such feed. */
export async function feedSessions(token: string) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const feed = await CalendarFeed.findOne({ tokenHash: hash(token) }).lean();
  if (!feed) return undefined;
  // a deactivated person's link stops working with their account
  const owner = await personSummary(feed.person);
  if (!owner?.active) return undefined;
  const places = await Enrolment.find(
    { person: feed.person, state: anyOf([...LIVE_STATES, 'cancelled']) },
    { session: 1, state: 1 },
  ).lean();
  // a place "cancelled" is one the session's cancellation released: it shows as cancelled
  const live = places.filter((p) => p.state !== 'cancelled').map((p) => p.session);
  const released = places.filter((p) => p.state === 'cancelled').map((p) => p.session);
  return TrainingSession.find({
    status: mongoose.trusted({ $ne: 'draft' }),
    $or: [{ _id: anyOf(live) }, { _id: anyOf(released), status: 'cancelled' }, { 'trainers.person': feed.person }],
  })
    .sort({ startsAt: 1 })
    .lean<SessionRecord[]>();
}
