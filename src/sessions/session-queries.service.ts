import { DateTime } from 'luxon';
import mongoose from 'mongoose';
import { hasRole, institutionScope, type Actor } from '../access/actor.ts';
import { anyOf, anyOfIds, findByIds } from '../db/query.ts';
import { findAcross } from '../db/find-page.ts';
import { isObjectId } from '../db/object-id.ts';
import { everyInstitutionSummary, institutionSummaries } from '../institutions/institutions.service.ts';
import type { SessionRecord } from './sessions.service.ts';
import { findByIdOr404 } from '../db/object-id.ts';
import { TrainingSession, type SessionStatus, type TrainingSessionDocument } from './training-session.model.ts';
import { withNames } from './session-names.ts';

export {
  ACTIVE_STATUSES,
  isActive,
  SESSION_STATUSES,
  type SessionStatus,
  type TrainingSessionDocument,
} from './training-session.model.ts';
export { withNames, type Named } from './session-names.ts';

// Sessions as other features and pages read them (decision 8), each query limited to what the
// reader may see: the sessions they manage or teach, and the published (not draft) sessions of
// their country (the session policy's read rule, src/access/session.policy.ts, written as a query).

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

/**
 * Sessions with a day in the month (local dates of the venue), soonest first. Sessions are a
 * collection of thousands; the calendar's filters, when chosen, are top-level equalities.
 */
export async function sessionsOfMonth(actor: Actor, filter: CalendarFilter) {
  const first = DateTime.fromISO(`${filter.month}-01`, { zone: 'UTC' });
  // a day's local date may be up to 14 hours away from its UTC date
  const from = first.minus({ days: 1 }).toJSDate();
  const to = first.plus({ months: 1, days: 1 }).toJSDate();
  const query: Filter = {
    ...visibleSessions(actor),
    startsAt: mongoose.trusted({ $lt: to }),
    endsAt: mongoose.trusted({ $gt: from }),
  };
  if (filter.institution) query.institution = new mongoose.Types.ObjectId(filter.institution);
  if (filter.module) query.module = new mongoose.Types.ObjectId(filter.module);
  if (filter.trainer) query['trainers.person'] = new mongoose.Types.ObjectId(filter.trainer);
  const sessions = await TrainingSession.find(query).sort({ startsAt: 1, _id: 1 }).limit(1000).lean<SessionRecord[]>();
  return withNames(sessions.filter((s) => s.days.some((d) => d.date.startsWith(filter.month))));
}

/**
 * Sessions of a module this person may see that are open or running and not yet over, soonest
 * first: the module is the query's top-level equality (decision 0005).
 */
export async function upcomingSessionsOf(actor: Actor, moduleId: mongoose.Types.ObjectId, now = new Date()) {
  const sessions = await TrainingSession.find({
    ...visibleSessions(actor),
    module: moduleId,
    status: anyOf(['open', 'in_progress']),
    endsAt: mongoose.trusted({ $gte: now }),
  })
    .sort({ startsAt: 1, _id: 1 })
    .limit(50)
    .lean<SessionRecord[]>();
  return withNames(sessions);
}

/**
 * The sessions a trainer teaches: upcoming (not yet ended) and past. A trainer is inside the
 * sessions' trainers, not a top-level field: this reads the sessions (thousands, decision 0005).
 */
export async function teachingOf(actor: Actor) {
  const now = new Date();
  const mine = await withNames(
    await TrainingSession.find({ 'trainers.person': new mongoose.Types.ObjectId(actor.id) })
      .sort({ startsAt: 1 })
      .lean<SessionRecord[]>(),
  );
  return { upcoming: mine.filter((s) => s.endsAt >= now), past: mine.filter((s) => s.endsAt < now).reverse() };
}

/** A session by id (404 when there is none), whoever asks: for a service's own steps, never an actor's request. */
export function loadSession(id: unknown): Promise<TrainingSessionDocument> {
  return findByIdOr404(TrainingSession, id);
}

/** Sessions by id, in no particular order; unknown ids are left out. */
export function sessionsByIds(ids: readonly unknown[]): Promise<SessionRecord[]> {
  return findByIds<SessionRecord>(TrainingSession, ids.map(String).filter(isObjectId), '');
}

/**
 * Sessions a person's calendar feed shows: those they hold a place in, those whose cancellation
 * released their place, those they teach; no drafts. Their places' sessions are read by id
 * (decision 0005); a trainer is inside the sessions' trainers, not a top-level field, so the
 * sessions they teach are read from the sessions (a collection of thousands).
 */
export async function sessionsForFeed(
  personId: mongoose.Types.ObjectId,
  placed: mongoose.Types.ObjectId[],
  released: mongoose.Types.ObjectId[],
): Promise<SessionRecord[]> {
  const [held, taught] = await Promise.all([
    sessionsByIds([...placed, ...released]),
    TrainingSession.find({ 'trainers.person': personId, status: mongoose.trusted({ $ne: 'draft' }) }).lean<
      SessionRecord[]
    >(),
  ]);
  const isPlaced = new Set(placed.map(String));
  const isReleased = new Set(released.map(String));
  const shown = new Map<string, SessionRecord>();
  for (const s of held) {
    const id = s._id.toHexString();
    if (s.status === 'draft') continue;
    if (isPlaced.has(id) || (isReleased.has(id) && s.status === 'cancelled')) shown.set(id, s);
  }
  for (const s of taught) shown.set(s._id.toHexString(), s);
  return [...shown.values()].sort(
    (a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a._id.toHexString().localeCompare(b._id.toHexString()),
  );
}

/** Sessions in these statuses starting within [from, until]: those due a reminder. */
export function sessionsStartingBetween(from: Date, until: Date, statuses: readonly SessionStatus[]) {
  return TrainingSession.find(
    { status: anyOf(statuses), startsAt: mongoose.trusted({ $gte: from, $lte: until }) },
    'module institution room timeZone startsAt endsAt',
  ).lean<SessionRecord[]>();
}

/**
 * Ids of the sessions held at these venues, one query per venue (an equality, decision 0005);
 * every venue (undefined): every session, a collection of thousands.
 */
export async function sessionIdsAt(institutionIds: readonly string[] | undefined): Promise<mongoose.Types.ObjectId[]> {
  const rows = institutionIds
    ? await findAcross<{ _id: mongoose.Types.ObjectId }>(
        TrainingSession,
        'institution',
        institutionIds.filter(isObjectId).map((id) => new mongoose.Types.ObjectId(id)),
        {},
        { sort: { startsAt: 1 }, projection: '_id startsAt' },
      )
    : await TrainingSession.find({}, { _id: 1 }).lean();
  return rows.map((r) => r._id);
}

export type HeldSession = Pick<
  SessionRecord,
  '_id' | 'institution' | 'module' | 'startsAt' | 'endsAt' | 'status' | 'capacity' | 'places'
>;

/**
 * The sessions held (in progress or completed) whose last day ends within [from, until), at
 * these venues (every venue when undefined), one query per venue (decision 0005): a dashboard's
 * sessions delivered and their fill.
 */
export async function sessionsHeldBetween(
  institutionIds: readonly string[] | undefined,
  from: Date,
  until: Date,
): Promise<HeldSession[]> {
  const venues = institutionIds ?? (await everyInstitutionSummary()).map((i) => i._id.toHexString());
  return findAcross<HeldSession>(
    TrainingSession,
    'institution',
    venues.filter(isObjectId).map((id) => new mongoose.Types.ObjectId(id)),
    { status: anyOf(['in_progress', 'completed']), endsAt: mongoose.trusted({ $gte: from, $lt: until }) },
    { sort: { startsAt: 1 }, projection: 'institution module startsAt endsAt status capacity places' },
  );
}

/** Whether the person teaches, or taught, a session of the module. */
export async function teachesModule(personId: string, moduleId: mongoose.Types.ObjectId): Promise<boolean> {
  return (await TrainingSession.exists({ module: moduleId, 'trainers.person': personId })) !== null;
}

/** Whether any of these sessions is of the module. */
export async function anyOfModule(sessionIds: readonly mongoose.Types.ObjectId[], moduleId: mongoose.Types.ObjectId) {
  if (sessionIds.length === 0) return false;
  return (await TrainingSession.exists({ _id: anyOf(sessionIds), module: moduleId })) !== null;
}

/**
 * The calendar's venue filter: the venues of the sessions the actor may see (a staff member's
 * own prison is rarely one of them), by name.
 */
export async function calendarVenueOptions(actor: Actor) {
  const rows = await TrainingSession.find(visibleSessions(actor), { institution: 1 }).lean();
  const venues = await institutionSummaries([...new Set(rows.map((r) => r.institution.toHexString()))]);
  return venues.map((v) => ({ _id: v._id, name: v.name, code: v.code })).sort((a, b) => a.name.localeCompare(b.name));
}

/** What the trainer chain reads of a session (src/trainer-chain): where, when, of what, by whom, and whether closed. */
export type TaughtSession = Pick<
  SessionRecord,
  | '_id'
  | 'module'
  | 'moduleVersion'
  | 'institution'
  | 'country'
  | 'status'
  | 'days'
  | 'timeZone'
  | 'startsAt'
  | 'endsAt'
  | 'trainers'
> & { closedAt?: Date | null };
const TAUGHT = 'module moduleVersion institution country status days timeZone startsAt endsAt trainers closedAt';

/**
 * The sessions a person taught or teaches (lead or co-trainer), newest first, whoever asks: for a
 * page that has asked its own policy (the trainer page). A trainer is inside the sessions'
 * trainers, not a top-level field: this reads the sessions (thousands, decision 0005).
 */
export function sessionsTaughtBy(personId: mongoose.Types.ObjectId, limit: number): Promise<TaughtSession[]> {
  return TrainingSession.find({ 'trainers.person': personId }, TAUGHT)
    .sort({ startsAt: -1 })
    .limit(limit)
    .lean<TaughtSession[]>()
    .exec();
}

/** A module's sessions, oldest first, at most `limit` (its cascade): the module is the query's equality. */
export function sessionsOfModule(moduleId: mongoose.Types.ObjectId, limit: number): Promise<TaughtSession[]> {
  return TrainingSession.find({ module: moduleId }, TAUGHT)
    .sort({ startsAt: 1 })
    .limit(limit)
    .lean<TaughtSession[]>()
    .exec();
}
