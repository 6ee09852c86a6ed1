import mongoose from 'mongoose';
import { canActIn, hasRole, institutionScope, type Actor } from '../access/actor.ts';
import { anyOf, anyOfIds } from '../db/query.ts';
import { findPage } from '../db/find-page.ts';
import { conflict, fieldError, FieldValidationError, forbidden, StaleFormError } from '../http/errors.ts';
import { isTimeZone } from '../i18n/time-zones.ts';
import { institutionSummary } from '../institutions/institutions.service.ts';
import { modulePolicy } from '../access/module.policy.ts';
import { moduleSummary } from '../modules/module-lookups.service.ts';
import { personSummaries } from '../people/people.service.ts';
import { authorize, can, type ActionOf } from '../access/policy.ts';
import { isSessionManager, sessionPolicy } from '../access/session.policy.ts';
import { findByIdOr404 } from '../db/object-id.ts';
import { clashesShownTo, findClashes, type ShownClash } from './session-conflicts.ts';
import { unqualifiedTrainers } from '../qualifications/qualifications.service.ts';
import type { PersonOption } from './session-options.ts';
import { localToUtc } from './session-times.ts';
import type { SessionFilter, SessionInput } from './sessions.schemas.ts';
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

/** Refused for clashing with other sessions: the form names those the actor may see and offers the override. */
export class SessionClashError extends FieldValidationError {
  constructor(readonly clashes: ShownClash[]) {
    super({ _form: { key: 'sessions:conflicts.refused' } });
    this.name = 'SessionClashError';
  }
}

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

function managedBy(actor: Actor): Filter {
  const scope = institutionScope(actor);
  return scope === undefined ? {} : { institution: anyOfIds(scope) };
}

const STATUSES_SHOWN: Record<SessionFilter['status'], SessionStatus[] | undefined> = {
  current: [...ACTIVE_STATUSES],
  draft: ['draft'],
  open: ['open'],
  in_progress: ['in_progress'],
  completed: ['completed'],
  cancelled: ['cancelled'],
  all: undefined,
};

export type SessionListRow = SessionRecord & {
  module: { _id: mongoose.Types.ObjectId; title: string; code: string } | null;
  institution: { _id: mongoose.Types.ObjectId; name: string; code: string } | null;
};

/** Sessions of venues in the actor's scope, soonest first. */
export async function listSessions(actor: Actor, filter: SessionFilter) {
  if (!isSessionManager(actor)) throw forbidden();
  const conditions: Filter[] = [managedBy(actor)];
  const statuses = STATUSES_SHOWN[filter.status];
  if (statuses) conditions.push({ status: anyOf(statuses) });
  if (filter.module) conditions.push({ module: new mongoose.Types.ObjectId(filter.module) });
  if (filter.institution) conditions.push({ institution: new mongoose.Types.ObjectId(filter.institution) });
  if (filter.trainer) conditions.push({ 'trainers.person': new mongoose.Types.ObjectId(filter.trainer) });
  if (filter.from) conditions.push({ endsAt: mongoose.trusted({ $gte: new Date(`${filter.from}T00:00:00Z`) }) });
  if (filter.to) conditions.push({ startsAt: mongoose.trusted({ $lt: new Date(`${filter.to}T23:59:59.999Z`) }) });
  const query: Filter = { $and: conditions };
  const page = await findPage<SessionListRow>(TrainingSession, query, filter.page, {
    sort: { startsAt: 1 },
    populate: [
      ['module', 'title code'],
      ['institution', 'name code'],
    ],
  });
  return page;
}

type Prepared = {
  module: { _id: mongoose.Types.ObjectId; version: number };
  institution: { _id: mongoose.Types.ObjectId; country: mongoose.Types.ObjectId };
  timeZone: string;
  days: { date: string; start: string; end: string; startsAt: Date; endsAt: Date }[];
  trainers: { person: mongoose.Types.ObjectId; lead: boolean }[];
  enrolmentOpensAt?: Date;
  enrolmentClosesAt?: Date;
};

async function prepare(actor: Actor, input: SessionInput, current?: TrainingSessionDocument): Promise<Prepared> {
  const module = await moduleSummary(input.module);
  const keepsModule = current?.module.equals(input.module);
  if (!module || (!keepsModule && (module.status !== 'published' || !can(actor, modulePolicy, 'read', module)))) {
    throw fieldError('module', 'sessions:errors.moduleUnavailable');
  }
  if (!(module.languages as string[]).includes(input.language)) {
    throw fieldError('language', 'sessions:errors.languageNotOffered');
  }
  if (!canActIn(actor, input.institution)) throw fieldError('institution', 'sessions:errors.venueOutOfScope');
  const venue = await institutionSummary(input.institution);
  if (!venue) throw fieldError('institution', 'sessions:errors.venueOutOfScope');
  const timeZone = input.timeZone ?? venue.timeZone;
  if (!isTimeZone(timeZone)) throw fieldError('timeZone', 'validation.timeZone');
  const days = input.days.map((day) => {
    const startsAt = localToUtc(day.date, day.start, timeZone);
    const endsAt = localToUtc(day.date, day.end, timeZone);
    if (!startsAt || !endsAt) throw fieldError('days', 'sessions:errors.notATime');
    return { ...day, startsAt, endsAt };
  });
  const window = (value: string | undefined, field: string) => {
    if (!value) return undefined;
    const [date = '', time = ''] = value.split('T');
    const at = localToUtc(date, time, timeZone);
    if (!at) throw fieldError(field, 'sessions:errors.dateTime');
    return at;
  };
  const enrolmentOpensAt = window(input.enrolmentOpens, 'enrolmentOpens');
  const enrolmentClosesAt = window(input.enrolmentCloses, 'enrolmentCloses');
  if (enrolmentOpensAt && enrolmentClosesAt && enrolmentClosesAt <= enrolmentOpensAt) {
    throw fieldError('enrolmentCloses', 'sessions:errors.windowOrder');
  }
  const trainerIds = [...new Set([input.lead, ...input.coTrainers].filter((id): id is string => !!id))];
  if (trainerIds.length > 0) {
    const trainers = (await personSummaries(trainerIds)).filter((p) => p.active && p.roles.includes('trainer'));
    const allowed = trainers.filter((t) => hasRole(actor, 'admin') || canActIn(actor, t.institution?.toHexString()));
    const kept = new Set(current?.trainers.map((t) => t.person.toHexString()) ?? []);
    const ok = new Set([...allowed.map((t) => t._id.toHexString()), ...kept]);
    if (trainerIds.some((id) => !ok.has(id))) throw fieldError('lead', 'sessions:errors.trainerUnavailable');
  }
  const trainers = trainerIds.map((id) => ({ person: new mongoose.Types.ObjectId(id), lead: id === input.lead }));
  return {
    module: { _id: module._id, version: module.version },
    institution: { _id: venue._id, country: venue.country },
    timeZone,
    days,
    trainers,
    enrolmentOpensAt,
    enrolmentClosesAt,
  };
}

/** Refuses clashes unless overridden with a reason; the override is recorded on the session. */
async function checkClashes(actor: Actor, session: TrainingSessionDocument, input: SessionInput) {
  const clashes = await findClashes({
    id: session.isNew ? undefined : session._id,
    institution: session.institution,
    room: session.room ?? '',
    trainerIds: session.trainers.map((t) => t.person),
    days: session.days,
  });
  if (clashes.length === 0) return;
  if (!input.override) throw new SessionClashError(clashesShownTo(actor, clashes));
  session.conflictOverrides.push({
    by: new mongoose.Types.ObjectId(actor.id),
    at: new Date(),
    reason: input.overrideReason ?? '',
    clashes: clashes.map((c) => new mongoose.Types.ObjectId(c.id)),
  });
}

function apply(session: TrainingSessionDocument, input: SessionInput, prepared: Prepared) {
  session.set({
    module: prepared.module._id,
    institution: prepared.institution._id,
    country: prepared.institution.country,
    room: input.room ?? '',
    timeZone: prepared.timeZone,
    days: prepared.days,
    startsAt: prepared.days[0]!.startsAt,
    endsAt: prepared.days.at(-1)!.endsAt,
    language: input.language,
    capacity: input.capacity,
    trainers: prepared.trainers,
    enrolmentOpensAt: prepared.enrolmentOpensAt,
    enrolmentClosesAt: prepared.enrolmentClosesAt,
    requiresApproval: input.requiresApproval,
    withdrawalCutoffHours: input.withdrawalCutoffHours,
    notes: input.notes ?? '',
  });
}

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

export async function createSession(actor: Actor, input: SessionInput): Promise<Saved> {
  if (!isSessionManager(actor)) throw forbidden();
  const prepared = await prepare(actor, input);
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
