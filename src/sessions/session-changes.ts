import mongoose from 'mongoose';
import { canActIn, hasRole, type Actor } from '../access/actor.ts';
import { modulePolicy } from '../access/module.policy.ts';
import { can } from '../access/policy.ts';
import { fieldError, FieldValidationError } from '../http/errors.ts';
import { isTimeZone } from '../i18n/time-zones.ts';
import { institutionSummary } from '../institutions/institutions.service.ts';
import { moduleSummary } from '../modules/module-lookups.service.ts';
import { personSummaries } from '../people/people.service.ts';
import { clashesShownTo, findClashes, type ShownClash } from './session-conflicts.ts';
import { localToUtc } from './session-times.ts';
import type { SessionInput } from './sessions.schemas.ts';
import type { TrainingSessionDocument } from './training-session.model.ts';

// From a session form to a session: the module, venue, zone, days, enrolment window and
// trainers checked and turned into stored values, and clashes with other sessions refused
// unless overridden with a reason (recorded).

/** Refused for clashing with other sessions: the form names those the actor may see and offers the override. */
export class SessionClashError extends FieldValidationError {
  constructor(readonly clashes: ShownClash[]) {
    super({ _form: { key: 'sessions:conflicts.refused' } });
    this.name = 'SessionClashError';
  }
}

/**
 * The first day is already over: a past session may be recorded on purpose (training already
 * held), so the form asks once and the ticked box lets the next save through.
 */
export function checkPast(days: Prepared['days'], input: SessionInput, now = new Date()) {
  if (days[0] && days[0].endsAt <= now && !input.pastConfirmed) {
    throw fieldError('pastConfirmed', 'sessions:past.confirmFirst');
  }
}

export type Prepared = {
  module: { _id: mongoose.Types.ObjectId; version: number };
  institution: { _id: mongoose.Types.ObjectId; country: mongoose.Types.ObjectId };
  timeZone: string;
  days: { date: string; start: string; end: string; startsAt: Date; endsAt: Date }[];
  trainers: { person: mongoose.Types.ObjectId; lead: boolean }[];
  enrolmentOpensAt?: Date;
  enrolmentClosesAt?: Date;
};

export async function prepare(actor: Actor, input: SessionInput, current?: TrainingSessionDocument): Promise<Prepared> {
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
  const days = input.days.map(({ row, ...day }) => {
    const startsAt = localToUtc(day.date, day.start, timeZone);
    const endsAt = localToUtc(day.date, day.end, timeZone);
    if (!startsAt || !endsAt) throw fieldError(`days.${row}.${startsAt ? 'end' : 'start'}`, 'sessions:errors.notATime');
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
export async function checkClashes(actor: Actor, session: TrainingSessionDocument, input: SessionInput) {
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

export function apply(session: TrainingSessionDocument, input: SessionInput, prepared: Prepared) {
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
