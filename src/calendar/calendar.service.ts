import { createHash, randomBytes } from 'node:crypto';
import { type Actor } from '../access/actor.ts';
import { placesOf } from '../enrolments/person-places.service.ts';
import { CalendarFeed } from './calendar-feed.model.ts';
import { personSummary } from '../people/people.service.ts';
import { sessionsForFeed } from '../sessions/session-queries.service.ts';

// Personal calendar feeds: a secret, revocable link per person to the sessions they take or teach.

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

/**
 * The sessions of a feed's owner (as participant or trainer), or undefined when no such feed;
 * `tentative`: those where their place is not yet a seat (waiting list, awaiting approval).
 */
export async function feedSessions(token: string) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const feed = await CalendarFeed.findOne({ tokenHash: hash(token) }).lean();
  if (!feed) return undefined;
  // a deactivated person's link stops working with their account
  const owner = await personSummary(feed.person);
  if (!owner?.active) return undefined;
  const places = await placesOf(feed.person);
  // a place "cancelled" is one the session's cancellation released: it shows as cancelled
  const live = places.filter((p) => p.state !== 'cancelled').map((p) => p.session);
  const released = places.filter((p) => p.state === 'cancelled').map((p) => p.session);
  const sessions = await sessionsForFeed(feed.person, live, released);
  const unseated = places.filter((p) => p.state === 'waitlisted' || p.state === 'requested');
  // a trainer's own session is confirmed for them, whatever place they also hold in it
  const teaches = (id: string) =>
    sessions.some((s) => s._id.toHexString() === id && s.trainers.some((t) => t.person.equals(feed.person)));
  const tentative = new Set(unseated.map((p) => p.session.toHexString()).filter((id) => !teaches(id)));
  return { sessions, tentative };
}
