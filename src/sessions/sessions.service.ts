import { findByIdOr404 } from '../db/object-id.ts';
import mongoose from 'mongoose';
import { audit, fieldChanges } from '../audit/audit.ts';
import { chosenWithin, institutionScope, type Actor } from '../access/actor.ts';
import { anyOf } from '../db/query.ts';
import { compareBy, findPage, findPageAcross, withTieBreak } from '../db/find-page.ts';
import { pageWindow, type Page } from '../db/pagination.ts';
import { decodesEveryMatch } from '../db/pushdown.ts';
import { sessionRows, withPlaces, type PlacesSummary, type RowWithPlaces, type SessionRow } from './session-rows.ts';
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

/** A session as a list shows it: a record, or a row kept in memory with its places (session-rows.ts). */
export type ListedSession = SessionRow & { places?: PlacesSummary | null };
export type SessionListRow = Named<ListedSession>;

/** What a sessions list keeps, as one query (listQuery) and as a test of a session's row (listMatch). */
type ListCriteria = {
  statuses?: SessionStatus[];
  endsFrom?: Date;
  endsBefore?: Date;
  startsBefore?: Date;
  module?: mongoose.Types.ObjectId;
  trainer?: mongoose.Types.ObjectId;
};

function listCriteria(filter: Omit<SessionFilter, 'page'>, now: Date): ListCriteria {
  const criteria: ListCriteria = {};
  const statuses = STATUSES_SHOWN[filter.status];
  if (statuses) criteria.statuses = statuses;
  // current: not yet over, whatever its step; past: over, most recent first
  if (filter.status === 'current') criteria.endsFrom = now;
  if (filter.status === 'past') criteria.endsBefore = now;
  if (filter.from) {
    const from = new Date(`${filter.from}T00:00:00Z`);
    if (!criteria.endsFrom || criteria.endsFrom < from) criteria.endsFrom = from;
  }
  if (filter.to) criteria.startsBefore = new Date(`${filter.to}T23:59:59.999Z`);
  if (filter.module) criteria.module = new mongoose.Types.ObjectId(filter.module);
  if (filter.trainer) criteria.trainer = new mongoose.Types.ObjectId(filter.trainer);
  return criteria;
}

function listQuery(criteria: ListCriteria): Filter {
  const query: Filter = {};
  if (criteria.statuses) query.status = anyOf(criteria.statuses);
  const endsAt = {
    ...(criteria.endsFrom && { $gte: criteria.endsFrom }),
    ...(criteria.endsBefore && { $lt: criteria.endsBefore }),
  };
  if (criteria.endsFrom || criteria.endsBefore) query.endsAt = mongoose.trusted(endsAt);
  if (criteria.startsBefore) query.startsAt = mongoose.trusted({ $lt: criteria.startsBefore });
  if (criteria.module) query.module = criteria.module;
  if (criteria.trainer) query['trainers.person'] = criteria.trainer;
  return query;
}

/** Whether a session's row is in the list: its criteria, and one of these venues (every venue: undefined). */
function listMatch(criteria: ListCriteria, venues?: readonly string[]) {
  const atVenue = venues && new Set(venues);
  return (row: Readonly<SessionRow>): boolean =>
    (!atVenue || atVenue.has(row.institution.toHexString())) &&
    (!criteria.statuses || criteria.statuses.includes(row.status)) &&
    (!criteria.endsFrom || row.endsAt >= criteria.endsFrom) &&
    (!criteria.endsBefore || row.endsAt < criteria.endsBefore) &&
    (!criteria.startsBefore || row.startsAt < criteria.startsBefore) &&
    (!criteria.module || row.module.equals(criteria.module)) &&
    (!criteria.trainer || row.trainers.some((t) => t.person.equals(criteria.trainer!)));
}

/**
 * Sessions of venues in the actor's scope, soonest first. On FerretDB, where every query
 * decodes what its equalities match, the page is cut from every session's row kept in memory,
 * with their places (decision 0017). On MongoDB it is one query served by the indexes, or one
 * per venue merged (findPageAcross) for a coordinator's venues or a chosen one (decision 0005).
 */
export async function listSessions(actor: Actor, filter: SessionFilter, now = new Date()) {
  if (!isSessionManager(actor)) throw forbidden();
  const criteria = listCriteria(filter, now);
  const sort = { startsAt: filter.status === 'past' ? -1 : 1 } as const;
  const venues = chosenWithin(institutionScope(actor), filter.institution);
  const page: Page<ListedSession> = (await decodesEveryMatch())
    ? await pageFromRows(listMatch(criteria, venues), sort.startsAt, filter.page)
    : venues
      ? await findPageAcross<SessionRecord>(
          TrainingSession,
          'institution',
          venues.map(toObjectId),
          listQuery(criteria),
          filter.page,
          { sort },
        )
      : await findPage<SessionRecord>(TrainingSession, listQuery(criteria), filter.page, { sort });
  return { ...page, items: await withNames(page.items) };
}

/**
 * The first `limit` sessions the list would show after the session `after`, in the order of
 * their ids (the API's pages, decision 0022): cut from the rows kept in memory, each venue of
 * the actor's scope kept, with their places.
 */
export async function sessionsAfter(
  actor: Actor,
  filter: Omit<SessionFilter, 'page'>,
  after: mongoose.Types.ObjectId | undefined,
  limit: number,
  now = new Date(),
): Promise<SessionListRow[]> {
  if (!isSessionManager(actor)) throw forbidden();
  const matches = listMatch(listCriteria(filter, now), chosenWithin(institutionScope(actor), filter.institution));
  const later = (await sessionRows()).filter(
    (row) => (!after || row._id.toHexString() > after.toHexString()) && matches(row),
  );
  const inIdOrder = later.sort((a, b) => a._id.toHexString().localeCompare(b._id.toHexString())).slice(0, limit);
  return withNames(await withPlaces(inIdOrder));
}

/** A page of the sessions whose rows match, cut from the rows kept in memory (soonest first, or latest). */
async function pageFromRows(
  matches: (row: Readonly<SessionRow>) => boolean,
  direction: 1 | -1,
  requestedPage: number,
): Promise<Page<RowWithPlaces>> {
  const matching = (await sessionRows()).filter(matches);
  if (direction === -1) matching.sort(compareBy(withTieBreak({ startsAt: -1 })));
  const window = pageWindow(matching.length, requestedPage);
  const items = await withPlaces(matching.slice(window.skip, window.skip + window.limit));
  return { items, page: window.page, pageCount: window.pageCount, total: matching.length };
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

export { recordPlaces, type PlacesSummary } from './session-rows.ts';

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

/** What the audit log keeps of a change of a session (decision 0019). */
const AUDITED_FIELDS = [
  'module',
  'institution',
  'room',
  'startsAt',
  'endsAt',
  'capacity',
  'status',
  'language',
] as const;
function auditedValues(session: TrainingSessionDocument): Record<string, unknown> {
  return {
    ...Object.fromEntries(AUDITED_FIELDS.map((f) => [f, session.get(f) as unknown])),
    trainers: session.trainers.map((t) => t.person),
  };
}

/** Records a change of the session in the audit log, with its fields before and after. */
export async function sessionAudited(
  actor: Actor,
  action:
    'session.create' | 'session.update' | 'session.status' | 'session.cancel' | 'session.close' | 'session.reopen',
  session: TrainingSessionDocument,
  before: Record<string, unknown>,
  details?: Record<string, unknown>,
): Promise<void> {
  await audit(actor, {
    action,
    subject: { collection: 'training_sessions', id: session._id },
    institutions: [session.institution],
    changes: fieldChanges(before, auditedValues(session)),
    ...(details ? { details } : {}),
  });
}

export { auditedValues as sessionAuditedValues };

export async function createSession(actor: Actor, input: SessionInput): Promise<Saved> {
  if (!isSessionManager(actor)) throw forbidden();
  const prepared = await prepare(actor, input);
  checkPast(prepared.days, input);
  const session = new TrainingSession({ moduleVersion: prepared.module.version, createdBy: actor.id, status: 'draft' });
  apply(session, input, prepared);
  await checkClashes(actor, session, input);
  await session.save();
  await sessionAudited(actor, 'session.create', session, {});
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
  const audited = auditedValues(session);
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
  await sessionAudited(actor, 'session.update', session, audited);
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
  const before = auditedValues(session);
  session.status = to;
  await session.save();
  await sessionAudited(actor, 'session.status', session, before);
  return session;
}
