import mongoose from 'mongoose';
import { audit } from '../audit/audit.ts';
import { findByIdOr404 } from '../db/object-id.ts';
import type { Actor } from '../access/actor.ts';
import { enrolmentPolicy } from '../access/enrolment.policy.ts';
import { authorize, type ActionOf } from '../access/policy.ts';
import { anyOf } from '../db/query.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import { conflict, forbidden } from '../http/errors.ts';
import { isActive, type TrainingSessionDocument } from '../sessions/session-queries.service.ts';
import { personSummary } from '../people/people.service.ts';
import {
  loadManagedSession,
  loadSession,
  loadVisibleSession,
  mayAdd,
  REFUSED_TO_WHO,
  selfEnrolmentRefusal,
  withdrawalDeadline,
} from './enrolment-access.ts';
import { seatsTaken } from './enrolment-queries.service.ts';
import { tell } from './enrolment-notices.ts';
import { Enrolment, isLive, LIVE_STATES, type EnrolmentDocument, type EnrolmentState } from './enrolment.model.ts';
import { place, promoteIn, releaseClaims, releaseSessionClaims, waitlistPosition, type Turn } from './placement.ts';
import { getSession } from '../sessions/sessions.service.ts';
import { placesChanged } from './places-summary.ts';
import { currentCard } from './enrolment-cards.ts';
import {
  checkPrerequisites,
  namesOf,
  type PrerequisiteCheck,
  type PrerequisiteOptions,
  type PrerequisiteOverride,
} from './prerequisite-check.ts';

// What people and coordinators do to enrolments: enrol (oneself, one person, many through
// bulk.service.ts), approve or decline a request, withdraw, remove, and release a cancelled
// session. Where a place comes from is placement.ts; what the pages read, enrolment-queries.

type Id = mongoose.Types.ObjectId;
type Source = 'self' | 'coordinator' | 'csv';

/** A person may come back after withdrawing or being declined: their old enrolment is replaced. */
const REACTIVATABLE: EnrolmentState[] = ['withdrawn', 'declined'];

export type EnrolOutcome = 'enrolled' | 'waitlisted' | 'requested' | 'already';

/** Inserts the enrolment; undefined when the person is in the session already (the unique index decides). */
async function insertEnrolment(
  session: Id,
  person: Id,
  source: Source,
  by: string,
  prerequisiteOverride?: PrerequisiteOverride,
) {
  const personCard = await currentCard(person);
  const fields = {
    session,
    person,
    state: 'requested' as const,
    source,
    enrolledBy: new mongoose.Types.ObjectId(by),
    ...(personCard ? { personCard } : {}),
    ...(prerequisiteOverride ? { prerequisiteOverride } : {}),
  };
  try {
    return await Enrolment.create(fields);
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
  const existing = await Enrolment.findOne({ session, person }, { state: 1 }).lean();
  if (!existing || !REACTIVATABLE.includes(existing.state)) return undefined;
  // replaced rather than updated: of two racing comebacks the unique insert admits one
  await Enrolment.deleteOne({ _id: existing._id, state: existing.state });
  try {
    return await Enrolment.create(fields);
  } catch (error) {
    if (isDuplicateKey(error)) return undefined;
    throw error;
  }
}

/** Records a change of an enrolment in the audit log (decision 0019): whose, in which session, what became of it. */
async function enrolmentAudited(
  actor: Pick<Actor, 'id' | 'fullName'>,
  action: 'enrolment.create' | 'enrolment.approve' | 'enrolment.decline' | 'enrolment.withdraw' | 'enrolment.remove',
  enrolment: { _id: Id; person: Id },
  session: TrainingSessionDocument,
  details: Record<string, unknown>,
): Promise<void> {
  await audit(actor, {
    action,
    subject: { collection: 'enrolments', id: enrolment._id },
    institutions: [session.institution],
    details: { session: session.id as string, person: enrolment.person.toHexString(), ...details },
  });
}

/** One enrolment, all or nothing: if placing fails, what this call created is removed. */
async function enrolPerson(
  session: TrainingSessionDocument,
  person: Id,
  options: { source: Source; by: Actor; approval: boolean; turn?: Turn; override?: PrerequisiteOverride },
): Promise<{ outcome: EnrolOutcome; enrolment?: EnrolmentDocument }> {
  const enrolment = await insertEnrolment(session._id, person, options.source, options.by.id, options.override);
  if (!enrolment) return { outcome: 'already' };
  if (options.approval) {
    await placesChanged(session._id);
    await enrolmentAudited(options.by, 'enrolment.create', enrolment, session, {
      source: options.source,
      outcome: 'requested',
    });
    await tell([person], 'enrolment.requested', session);
    return { outcome: 'requested', enrolment };
  }
  let outcome: 'enrolled' | 'waitlisted';
  try {
    outcome = await place(session, enrolment._id, options.turn);
  } catch (error) {
    await releaseClaims(session._id, enrolment._id);
    await Enrolment.deleteOne({ _id: enrolment._id });
    await placesChanged(session._id);
    throw error;
  }
  await placesChanged(session._id);
  await enrolmentAudited(options.by, 'enrolment.create', enrolment, session, { source: options.source, outcome });
  if (outcome === 'enrolled') await tell([person], 'enrolment.enrolled', session);
  else await tell([person], 'enrolment.waitlisted', session, await queueParams(session, enrolment._id));
  return { outcome, enrolment };
}

/** What a notice says about a waiting place: the person's number in the queue, when they still wait. */
async function queueParams(session: TrainingSessionDocument, enrolment: Id): Promise<Record<string, string>> {
  const position = await waitlistPosition(session._id, enrolment);
  return position === undefined ? {} : { position: String(position) };
}

/**
 * A person enrols themselves: seated, waitlisted, or a request when the session needs approval.
 * A session they cannot see is 404, whatever its state. With a prerequisite check (the routes
 * always give one: app.ts), someone who has not completed the module's prerequisites is refused
 * with their names (409: they can act on it).
 */
export async function enrol(
  actor: Actor,
  sessionId: string,
  turn?: Turn,
  prerequisites?: PrerequisiteCheck,
): Promise<EnrolOutcome> {
  const session = await getSession(actor, sessionId, 'enrolSelf');
  const refusal = selfEnrolmentRefusal(actor, session);
  if (refusal && REFUSED_TO_WHO.includes(refusal)) throw forbidden(refusal);
  if (refusal) throw conflict(refusal);
  const missing = prerequisites ? await prerequisites(actor.id, session.module.toHexString()) : [];
  if (missing.length > 0) {
    throw conflict('enrolments:refused.prerequisites', { modules: namesOf(missing) });
  }
  const person = new mongoose.Types.ObjectId(actor.id);
  const { outcome } = await enrolPerson(session, person, {
    source: 'self',
    by: actor,
    approval: session.requiresApproval,
    turn,
  });
  return outcome;
}

/** 'unknown' also for a person out of the actor's scope: no answer tells them apart. */
export type CoordinatorOutcome = EnrolOutcome | 'unknown';

export function assertEnrollable(session: TrainingSessionDocument) {
  if (!isActive(session.status)) throw conflict('enrolments:refused.notOpen');
}

/** A coordinator enrols one person (no approval needed: they are the approver). */
export async function enrolOne(
  actor: Actor,
  sessionId: string,
  personId: string,
  source: Source = 'coordinator',
  turn?: Turn,
  prerequisites?: PrerequisiteOptions,
) {
  const session = await loadManagedSession(actor, sessionId);
  assertEnrollable(session);
  return enrolInManaged(actor, session, personId, source, turn, prerequisites);
}

/**
 * A coordinator enrols someone they may add. With a prerequisite check, someone who has not
 * completed the module's prerequisites is refused with a warning naming them
 * (MissingPrerequisitesError) unless the coordinator overrides it with a reason, which the
 * enrolment keeps.
 */
export async function enrolInManaged(
  actor: Actor,
  session: TrainingSessionDocument,
  personId: string,
  source: Source,
  turn?: Turn,
  prerequisites?: PrerequisiteOptions,
): Promise<CoordinatorOutcome> {
  const person = await personSummary(personId);
  if (!person?.active) return 'unknown';
  if (!mayAdd(actor, session, person)) return 'unknown';
  const override = await checkPrerequisites(actor, session.module, person._id, prerequisites);
  return (await enrolPerson(session, person._id, { source, by: actor, approval: false, turn, override })).outcome;
}

async function loadEnrolment(id: string) {
  const enrolment = await findByIdOr404(Enrolment, id);
  return { enrolment, session: await loadSession(enrolment.session.toHexString()) };
}

/** An enrolment, if the actor may do this to it (the enrolment policy): unseen 404, seen but not allowed 403. */
export async function loadEnrolmentFor(actor: Actor, action: ActionOf<typeof enrolmentPolicy>, id: string) {
  const found = await loadEnrolment(id);
  authorize(actor, enrolmentPolicy, action, { person: found.enrolment.person, session: found.session });
  return found;
}

/** Approving a request seats it, or waitlists it when the session is full. */
export async function approve(actor: Actor, enrolmentId: string): Promise<'enrolled' | 'waitlisted'> {
  const { enrolment, session } = await loadEnrolmentFor(actor, 'approve', enrolmentId);
  if (enrolment.state !== 'requested') throw conflict('enrolments:refused.notRequested');
  assertEnrollable(session);
  await Enrolment.updateOne({ _id: enrolment._id }, { $set: { decidedAt: new Date(), enrolledBy: actor.id } });
  const outcome = await place(session, enrolment._id);
  await placesChanged(session._id);
  await enrolmentAudited(actor, 'enrolment.approve', enrolment, session, { outcome });
  const queue = outcome === 'waitlisted' ? await queueParams(session, enrolment._id) : {};
  await tell([enrolment.person], 'enrolment.approved', session, { placement: outcome, ...queue });
  return outcome;
}

export async function decline(actor: Actor, enrolmentId: string): Promise<void> {
  const { enrolment, session } = await loadEnrolmentFor(actor, 'decline', enrolmentId);
  if (enrolment.state !== 'requested') throw conflict('enrolments:refused.notRequested');
  await Enrolment.updateOne({ _id: enrolment._id }, { $set: { state: 'declined', decidedAt: new Date() } });
  await placesChanged(session._id);
  await enrolmentAudited(actor, 'enrolment.decline', enrolment, session, {});
  await tell([enrolment.person], 'enrolment.declined', session);
}

/** Ends a live enrolment; a seat it held goes to the first person waiting. `removedBy`: who, when not the person. */
async function release(enrolment: EnrolmentDocument, session: TrainingSessionDocument, removedBy?: string) {
  const heldSeat = enrolment.state === 'enrolled';
  const ended = { state: 'withdrawn', withdrawnAt: new Date(), ...(removedBy ? { removedBy } : {}) };
  await Enrolment.updateOne({ _id: enrolment._id }, { $set: ended, $unset: { seat: 1, waitlistPosition: 1 } });
  await releaseClaims(session._id, enrolment._id);
  await tell([enrolment.person], 'enrolment.withdrawn', session);
  if (heldSeat || (await seatsTaken(session._id)) < session.capacity) {
    await promoteIn(session);
  }
  await placesChanged(session._id);
}

/**
 * A person withdraws themselves. Leaving a seat is refused after the cut-off (the trainer
 * plans for those seated); a request or a waitlist place may be given up any time.
 */
export async function withdraw(actor: Actor, sessionId: string, now = new Date()): Promise<void> {
  const session = await loadVisibleSession(actor, sessionId);
  const enrolment = await Enrolment.findOne({ session: session._id, person: actor.id, state: anyOf(LIVE_STATES) });
  if (!enrolment) throw conflict('enrolments:refused.notEnrolled');
  if (enrolment.state === 'enrolled' && now > withdrawalDeadline(session)) {
    throw conflict('enrolments:refused.tooLate', { count: session.withdrawalCutoffHours });
  }
  await release(enrolment, session);
  await enrolmentAudited(actor, 'enrolment.withdraw', enrolment, session, { was: enrolment.state });
}

/** A coordinator removes a person from the session, at any time. */
export async function removeEnrolment(actor: Actor, enrolmentId: string) {
  const { enrolment, session } = await loadEnrolmentFor(actor, 'remove', enrolmentId);
  if (!isLive(enrolment.state)) throw conflict('enrolments:refused.notEnrolled');
  await release(enrolment, session, actor.id);
  await enrolmentAudited(actor, 'enrolment.remove', enrolment, session, { was: enrolment.state });
  return { enrolment, session };
}

/** After the capacity was raised: the first waiting people take the new seats and are told. */
export async function promoteWaiting(sessionId: string): Promise<void> {
  const session = await loadSession(sessionId);
  await promoteIn(session);
  await placesChanged(session._id);
}

/**
 * Releases every participant of a cancelled session. Telling them is the cancelling
 * service's part (it reads peopleInSession first and sends one 'session.cancelled').
 */
export async function releaseCancelledSession(session: { _id: Id }): Promise<void> {
  await Enrolment.updateMany(
    { session: session._id, state: anyOf(LIVE_STATES) },
    { $set: { state: 'cancelled', decidedAt: new Date() }, $unset: { seat: 1, waitlistPosition: 1 } },
  );
  await releaseSessionClaims(session._id);
  await placesChanged(session._id);
}
