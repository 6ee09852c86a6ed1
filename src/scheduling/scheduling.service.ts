import mongoose from 'mongoose';
import { canActIn, hasRole, institutionScope, type Actor } from '../access/actor.ts';
import { anyOf, anyOfIds } from '../db/query.ts';
import { findPage } from '../db/find-page.ts';
import { fillRates, peopleInSession, seatsTaken } from '../enrolments/enrolment-queries.service.ts';
import { promoteWaiting } from '../enrolments/enrolments.service.ts';
import { conflict, fieldError, FieldValidationError, forbidden, notFound, StaleFormError } from '../http/errors.ts';
import { isTimeZone } from '../i18n/time-zones.ts';
import { Institution } from '../institutions/institution.model.ts';
import { canSeeModule } from '../modules/module-access.ts';
import { TrainingModule } from '../modules/training-module.model.ts';
import { notify } from '../notices/notices.service.ts';
import { Person } from '../people/person.model.ts';
import { canManageSession, canSeeSession, isSessionManager } from '../sessions/session-access.ts';
import { clashesShownTo, findClashes, type ShownClash } from './session-conflicts.ts';
import { unqualified, type PersonOption } from './session-options.ts';
import { localToUtc } from '../sessions/session-times.ts';
import type { SessionFilter, SessionInput } from './scheduling.schemas.ts';
import {
  ACTIVE_STATUSES,
  isActive,
  TrainingSession,
  type SessionStatus,
  type TrainingSessionDocument,
  type TrainingSessionFields,
} from '../sessions/training-session.model.ts';
import { isObjectId } from '../db/object-id.ts';

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

/** A session the actor may see; anything else is 404, as if it did not exist. */
export async function getSession(actor: Actor, id: string): Promise<TrainingSessionDocument> {
  if (!isObjectId(id)) throw notFound();
  const session = await TrainingSession.findById(id);
  if (!session || !canSeeSession(actor, session)) throw notFound();
  return session;
}

/** A session the actor may change: others are refused (403) or, out of scope, 404. */
export async function getManagedSession(actor: Actor, id: string): Promise<TrainingSessionDocument> {
  if (!isSessionManager(actor)) throw forbidden();
  if (!isObjectId(id)) throw notFound();
  const session = await TrainingSession.findById(id);
  if (!session || !canManageSession(actor, session)) throw notFound();
  return session;
}

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

/** Sessions of venues in the actor's scope, soonest first, with their fill rate. */
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
  return { page, fill: await fillRates(page.items) };
}

type Prepared = {
  module: { _id: mongoose.Types.ObjectId; version: number; title: string };
  institution: { _id: mongoose.Types.ObjectId; country: mongoose.Types.ObjectId };
  timeZone: string;
  days: { date: string; start: string; end: string; startsAt: Date; endsAt: Date }[];
  trainers: { person: mongoose.Types.ObjectId; lead: boolean }[];
  enrolmentOpensAt?: Date;
  enrolmentClosesAt?: Date;
};

async function prepare(actor: Actor, input: SessionInput, current?: TrainingSessionDocument): Promise<Prepared> {
  const module = await TrainingModule.findById(input.module);
  const keepsModule = current?.module.equals(input.module);
  if (!module || (!keepsModule && (module.status !== 'published' || !canSeeModule(actor, module)))) {
    throw fieldError('module', 'sessions:errors.moduleUnavailable');
  }
  if (!(module.languages as string[]).includes(input.language)) {
    throw fieldError('language', 'sessions:errors.languageNotOffered');
  }
  if (!canActIn(actor, input.institution)) throw fieldError('institution', 'sessions:errors.venueOutOfScope');
  const venue = await Institution.findById(input.institution, { country: 1, timeZone: 1, active: 1 }).lean();
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
    const trainers = await Person.find(
      { _id: anyOfIds(trainerIds), roles: 'trainer', active: true },
      { institution: 1 },
    ).lean();
    const allowed = trainers.filter((t) => hasRole(actor, 'admin') || canActIn(actor, t.institution?.toHexString()));
    const kept = new Set(current?.trainers.map((t) => t.person.toHexString()) ?? []);
    const ok = new Set([...allowed.map((t) => t._id.toHexString()), ...kept]);
    if (trainerIds.some((id) => !ok.has(id))) throw fieldError('lead', 'sessions:errors.trainerUnavailable');
  }
  const trainers = trainerIds.map((id) => ({ person: new mongoose.Types.ObjectId(id), lead: id === input.lead }));
  return {
    module: { _id: module._id, version: module.version, title: module.title },
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

export type Saved = { session: TrainingSessionDocument; unqualified: PersonOption[] };

export async function createSession(actor: Actor, input: SessionInput): Promise<Saved> {
  if (!isSessionManager(actor)) throw forbidden();
  const prepared = await prepare(actor, input);
  const session = new TrainingSession({ moduleVersion: prepared.module.version, createdBy: actor.id, status: 'draft' });
  apply(session, input, prepared);
  await checkClashes(actor, session, input);
  await session.save();
  return {
    session,
    unqualified: await unqualified(
      session.module,
      prepared.trainers.map((t) => t.person),
    ),
  };
}

export async function updateSession(actor: Actor, id: string, input: SessionInput): Promise<Saved> {
  const session = await getManagedSession(actor, id);
  if (!isActive(session.status)) throw conflict('sessions:errors.notEditable');
  if (input.version !== undefined && input.version !== session.__v) throw staleSession();
  const prepared = await prepare(actor, input, session);
  const previousCapacity = session.capacity;
  if (input.capacity < previousCapacity) {
    // seats already held stay held: capacity may shrink only down to the people seated
    const seated = await seatsTaken(session._id);
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
  // more seats: the first people waiting take them, in order
  if (session.capacity > previousCapacity) await promoteWaiting(session.id);
  if (moved && session.status !== 'draft') {
    await notify({
      people: await peopleInSession(session.id),
      kind: 'session.changed',
      sessionId: session.id,
      params: {
        module: prepared.module.title,
        startsAt: session.startsAt.toISOString(),
        timeZone: session.timeZone,
      },
    });
  }
  return {
    session,
    unqualified: await unqualified(
      session.module,
      prepared.trainers.map((t) => t.person),
    ),
  };
}

const dayKey = (d: { startsAt: Date; endsAt: Date }) => [d.startsAt.getTime(), d.endsAt.getTime()];
