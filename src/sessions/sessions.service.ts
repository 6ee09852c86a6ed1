import { findByIdOr404 } from '../db/object-id.ts';
import mongoose from 'mongoose';
import { institutionScope, type Actor } from '../access/actor.ts';
import { anyOf } from '../db/query.ts';
import { findPage, findPageAcross } from '../db/find-page.ts';
import { withNames, type Named } from './session-names.ts';
import { conflict, fieldError, forbidden, StaleFormError } from '../http/errors.ts';
import { authorize, type ActionOf } from '../access/policy.ts';
import { isSessionManager, sessionPolicy } from '../access/session.policy.ts';
import { unqualifiedTrainers } from '../qualifications/qualifications.service.ts';
import type { PersonOption } from './session-options.ts';
import type { SessionFilter, SessionInput } from './sessions.schemas.ts';
import { apply, checkClashes, checkPast, prepare } from './session-changes.ts';
import {
  ACTIVE_STATUSES,
  isActive,
  TrainingSession,
  type SessionStatus,
  type TrainingSessionDocument,
  type TrainingSessionFields,
} from './training-session.model.ts';

export type SessionRecord = TrainingSessionFields & { _id: mongoose.Types.ObjectId };
type Filter = mongoose.QueryFilter<SessionRecord>;

const staleSession = () => new StaleFormError('sessions:errors.changedMeanwhile');

/**
 * The session, if the actor may do this to it (the session policy): 404 when they may not see
 * it, 403 when they may only see it.
 */
export async function getSession(
  actor: Actor,
  id: string,
  action: ActionOf<typeof sessionPolicy> = 'read',
): Promise<TrainingSessionDocument> {
  const session = await findByIdOr404(TrainingSession, id);
  authorize(actor, sessionPolicy, action, session);
  return session;
}

/** A session the actor may change (edit, copy, step, cancel). */
export const getManagedSession = (actor: Actor, id: string) => getSession(actor, id, 'update');

const STATUSES_SHOWN: Record<SessionFilter['status'], SessionStatus[] | undefined> = {
  current: [...ACTIVE_STATUSES],
  past: ['draft', 'open', 'in_progress', 'completed'],
  draft: ['draft'],
  open: ['open'],
  in_progress: ['in_progress'],
  completed: ['completed'],
  cancelled: ['cancelled'],
  all: undefined,
};

export type SessionListRow = Named<SessionRecord>;

/**
 * Sessions of venues in the actor's scope, soonest first. Each query has a top-level equality
 * (decision 0005): a coordinator's venues are read one at a time and merged (findPageAcross), as
 * is a chosen venue; an administrator's list filtered by module goes by the module. Only an
 * administrator's unfiltered list has no equality: it reads the sessions, a collection of
 * thousands (never do this over enrolments, notices or claims: tens of thousands).
 */
export async function listSessions(actor: Actor, filter: SessionFilter, now = new Date()) {
  if (!isSessionManager(actor)) throw forbidden();
  const query: Filter = {};
  const statuses = STATUSES_SHOWN[filter.status];
  if (statuses) query.status = anyOf(statuses);
  // current: not yet over, whatever its step; past: over, most recent first
  const endsAt: { $gte?: Date; $lt?: Date } = {};
  if (filter.status === 'current') endsAt.$gte = now;
  if (filter.status === 'past') endsAt.$lt = now;
  if (filter.from) {
    const from = new Date(`${filter.from}T00:00:00Z`);
    if (!endsAt.$gte || endsAt.$gte < from) endsAt.$gte = from;
  }
  if (endsAt.$gte || endsAt.$lt) query.endsAt = mongoose.trusted(endsAt);
  if (filter.to) query.startsAt = mongoose.trusted({ $lt: new Date(`${filter.to}T23:59:59.999Z`) });
  if (filter.module) query.module = new mongoose.Types.ObjectId(filter.module);
  if (filter.trainer) query['trainers.person'] = new mongoose.Types.ObjectId(filter.trainer);
  const sort = { startsAt: filter.status === 'past' ? -1 : 1 } as const;
  const scope = institutionScope(actor);
  const venues = filter.institution ? [filter.institution].filter((id) => !scope || scope.includes(id)) : scope;
  const page = venues
    ? await findPageAcross<SessionRecord>(TrainingSession, 'institution', venues.map(toObjectId), query, filter.page, {
        sort,
      })
    : await findPage<SessionRecord>(TrainingSession, query, filter.page, { sort });
  return { ...page, items: await withNames(page.items) };
}

const toObjectId = (id: string) => new mongoose.Types.ObjectId(id);

export type Saved = {
  session: TrainingSessionDocument;
  /** trainers without a qualification for the module: saved, with a note */
  unqualified: PersonOption[];
  /** more seats than before: the first people waiting may take them */
  capacityRaised: boolean;
  /** the venue, room or days changed: the people in it are told */
  moved: boolean;
};

/**
 * What a change of a session must ask of its places. Places are built on sessions (decision
 * 8), so the answer comes from the caller (scheduling), never from an import.
 */
export type SessionPlaces = { seatsTaken(sessionId: mongoose.Types.ObjectId): Promise<number> };

/** A session's enrolments counted by state, as the lists show them (enrolments' places-summary.ts). */
export type PlacesSummary = { seated: number; waiting: number; requested: number };

/**
 * Records a session's counted places. Neither its revision (an edit form open meanwhile stays
 * valid) nor its updatedAt move: nothing about the session itself changed.
 */
export async function recordPlaces(sessionId: mongoose.Types.ObjectId, places: PlacesSummary): Promise<void> {
  await TrainingSession.updateOne({ _id: sessionId }, { $set: { places } }, { timestamps: false });
}

/**
 * Closes the session (its results confirmed; src/results), completing it if it was still open
 * or in progress, or with null reopens it. Saved as any edit is: a change made meanwhile wins
 * and this one is refused (optimistic concurrency), to be tried again.
 */
export async function recordClosing(
  session: TrainingSessionDocument,
  closing: { at: Date; by: string } | null,
): Promise<void> {
  if (closing) {
    session.closedAt = closing.at;
    session.closedBy = new mongoose.Types.ObjectId(closing.by);
    session.status = 'completed';
  } else {
    session.closedAt = undefined;
    session.closedBy = undefined;
  }
  await session.save();
}

export async function createSession(actor: Actor, input: SessionInput): Promise<Saved> {
  if (!isSessionManager(actor)) throw forbidden();
  const prepared = await prepare(actor, input);
  checkPast(prepared.days, input);
  const session = new TrainingSession({ moduleVersion: prepared.module.version, createdBy: actor.id, status: 'draft' });
  apply(session, input, prepared);
  await checkClashes(actor, session, input);
  await session.save();
  return {
    session,
    unqualified: await unqualifiedTrainers(
      session.module,
      prepared.trainers.map((t) => t.person),
    ),
    capacityRaised: false,
    moved: false,
  };
}

/** Saves an edit; capacity may shrink only down to the seats already held (`places`). */
export async function updateSession(
  actor: Actor,
  id: string,
  input: SessionInput,
  places: SessionPlaces,
): Promise<Saved> {
  const session = await getManagedSession(actor, id);
  if (!isActive(session.status)) throw conflict('sessions:errors.notEditable');
  if (input.version !== undefined && input.version !== session.__v) throw staleSession();
  const prepared = await prepare(actor, input, session);
  // asked when the days change to a past first day, not at every edit of a session already held
  const sameDays = JSON.stringify(prepared.days.map(dayKey)) === JSON.stringify(session.days.map(dayKey));
  if (!sameDays) checkPast(prepared.days, input);
  const previousCapacity = session.capacity;
  if (input.capacity < previousCapacity) {
    // seats already held stay held: capacity may shrink only down to the people seated
    const seated = await places.seatsTaken(session._id);
    if (input.capacity < seated) throw fieldError('capacity', 'sessions:errors.capacityBelowSeated', { seated });
  }
  const before = {
    venue: `${session.institution.toHexString()}|${session.room}`,
    days: JSON.stringify(session.days.map(dayKey)),
  };
  apply(session, input, prepared);
  if (!session.module.equals(prepared.module._id)) session.moduleVersion = prepared.module.version;
  await checkClashes(actor, session, input);
  const after = {
    venue: `${session.institution.toHexString()}|${session.room}`,
    days: JSON.stringify(session.days.map(dayKey)),
  };
  const moved = before.venue !== after.venue || before.days !== after.days;
  if (moved) session.sequence += 1;
  try {
    await session.save();
  } catch (error) {
    if (error instanceof mongoose.Error.VersionError) throw staleSession();
    throw error;
  }
  return {
    session,
    unqualified: await unqualifiedTrainers(
      session.module,
      prepared.trainers.map((t) => t.person),
    ),
    capacityRaised: session.capacity > previousCapacity,
    moved,
  };
}

const dayKey = (d: { startsAt: Date; endsAt: Date }) => [d.startsAt.getTime(), d.endsAt.getTime()];

// draft → open → in progress → completed; any of the first three → cancelled, with a reason.

const NEXT: Partial<Record<SessionStatus, SessionStatus>> = {
  draft: 'open',
  open: 'in_progress',
  in_progress: 'completed',
};

export type Step = 'open' | 'in_progress' | 'completed';

export async function advanceSession(actor: Actor, id: string, to: Step) {
  const session = await getManagedSession(actor, id);
  if (NEXT[session.status] !== to) throw conflict('sessions:errors.wrongStep');
  session.status = to;
  await session.save();
  return session;
}
