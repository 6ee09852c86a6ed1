import mongoose from 'mongoose';
import type { Actor } from '../auth/actor.ts';
import { anyOf } from '../db/query.ts';
import { conflict, forbidden, notFound } from '../http/errors.ts';
import { TrainingModule } from '../modules/training-module.model.ts';
import type { NoticeKind } from '../notices/notice.model.ts';
import { notify } from '../notices/notices.service.ts';
import { isActive, type TrainingSessionDocument } from '../sessions/training-session.model.ts';
import { User } from '../users/user.model.ts';
import { canManageSession } from '../sessions/session-access.ts';
import {
  assertManagesEnrolmentsOf,
  canManagePerson,
  inSelfEnrolmentScope,
  isValidId,
  loadManagedSession,
  loadSession,
  loadVisibleSession,
} from './enrolment-access.ts';
import { Enrolment, type EnrolmentDocument, type EnrolmentState } from './enrolment.model.ts';
import { SeatClaim, WaitlistClaim } from './seat-claim.model.ts';
import {
  claimSeat,
  claimWaitlistPlace,
  fillFreeSeats,
  hasWaiting,
  releaseClaims,
  settle,
  type Promotion,
} from './seats.ts';
import { inSessionQueue } from './session-queue.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';

type Id = mongoose.Types.ObjectId;
type Source = 'self' | 'coordinator' | 'csv';

/** States in which a person holds or waits for a place: whom a session's changes concern. */
export const LIVE_STATES = ['requested', 'enrolled', 'waitlisted'] as const;
/** A person may come back after withdrawing or being declined: their old enrolment is replaced. */
const REACTIVATABLE: EnrolmentState[] = ['withdrawn', 'declined'];

export type EnrolOutcome = 'enrolled' | 'waitlisted' | 'requested' | 'already';

async function tell(
  people: Id[],
  kind: NoticeKind,
  session: TrainingSessionDocument,
  extra: Record<string, string> = {},
) {
  if (people.length === 0) return;
  const module = await TrainingModule.findById(session.module, { title: 1 }).lean();
  await notify({
    people: people.map((p) => p.toHexString()),
    kind,
    sessionId: session.id as string,
    params: {
      module: module?.title ?? '',
      startsAt: session.startsAt.toISOString(),
      timeZone: session.timeZone,
      ...extra,
    },
  });
}

/** Inserts the enrolment; undefined when the person is in the session already (the unique index decides). */
async function insertEnrolment(session: Id, person: Id, source: Source, by: string) {
  const fields = { session, person, state: 'requested' as const, source, enrolledBy: new mongoose.Types.ObjectId(by) };
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

/** Seats the enrolment, or queues it when the session is full or others wait already. */
async function place(session: TrainingSessionDocument, enrolment: Id): Promise<'enrolled' | 'waitlisted'> {
  // only the claims wait in the queue; writing the state from them can run alongside
  const promoted = await inSessionQueue(session.id as string, async () => {
    let seat: number | undefined;
    if (!(await hasWaiting(session._id))) seat = await claimSeat(session._id, session.capacity, enrolment);
    if (seat !== undefined) return [];
    await claimWaitlistPlace(session._id, enrolment);
    // a seat may have freed between the two claims: seat whoever waits first
    return fillFreeSeats(session._id, session.capacity);
  });
  const state = await settle(enrolment);
  await tellPromoted(session, promoted, enrolment);
  if (!state) throw new Error('enrolment placed without a claim');
  return state;
}

async function tellPromoted(session: TrainingSessionDocument, promoted: Promotion[], except?: Id) {
  const others = promoted.filter((p) => !except || !p.enrolment.equals(except));
  await tell(
    others.map((p) => p.person),
    'enrolment.promoted',
    session,
  );
}

async function promoteIn(session: TrainingSessionDocument) {
  const promoted = await inSessionQueue(session.id as string, () => fillFreeSeats(session._id, session.capacity));
  await tellPromoted(session, promoted);
}

/** One enrolment, all or nothing: if placing fails, what this call created is removed. */
async function enrolPerson(
  session: TrainingSessionDocument,
  person: Id,
  options: { source: Source; by: string; approval: boolean },
): Promise<{ outcome: EnrolOutcome; enrolment?: EnrolmentDocument }> {
  const enrolment = await insertEnrolment(session._id, person, options.source, options.by);
  if (!enrolment) return { outcome: 'already' };
  if (options.approval) {
    await tell([person], 'enrolment.requested', session);
    return { outcome: 'requested', enrolment };
  }
  let outcome: 'enrolled' | 'waitlisted';
  try {
    outcome = await place(session, enrolment._id);
  } catch (error) {
    await releaseClaims(enrolment._id);
    await Enrolment.deleteOne({ _id: enrolment._id });
    throw error;
  }
  await tell([person], outcome === 'enrolled' ? 'enrolment.enrolled' : 'enrolment.waitlisted', session);
  return { outcome, enrolment };
}

/** Why a person cannot enrol themselves now, as a message key; undefined when they can. */
export function selfEnrolmentRefusal(actor: Actor, session: TrainingSessionDocument, now = new Date()) {
  if (session.status !== 'open') return 'enrolments:refused.notOpen';
  if (!inSelfEnrolmentScope(actor, session)) return 'enrolments:refused.outOfScope';
  if (session.enrolmentOpensAt && session.enrolmentOpensAt > now) return 'enrolments:refused.notYetOpen';
  if ((session.enrolmentClosesAt && session.enrolmentClosesAt < now) || session.startsAt <= now) {
    return 'enrolments:refused.closed';
  }
  return undefined;
}

/**
 * A person enrols themselves: seated, waitlisted, or a request when the session needs approval.
 * A session they cannot see is 404, whatever its state.
 */
export async function enrol(actor: Actor, sessionId: string): Promise<EnrolOutcome> {
  const session = await loadVisibleSession(actor, sessionId);
  const refusal = selfEnrolmentRefusal(actor, session);
  if (refusal === 'enrolments:refused.outOfScope') throw forbidden(refusal);
  if (refusal) throw conflict(refusal);
  const person = new mongoose.Types.ObjectId(actor.id);
  const { outcome } = await enrolPerson(session, person, {
    source: 'self',
    by: actor.id,
    approval: session.requiresApproval,
  });
  return outcome;
}

/** 'unknown' also for a person out of the actor's scope: no answer tells them apart. */
export type CoordinatorOutcome = EnrolOutcome | 'unknown';

export function assertEnrollable(session: TrainingSessionDocument) {
  if (!isActive(session.status)) throw conflict('enrolments:refused.notOpen');
}

/** A coordinator enrols one person (no approval needed: they are the approver). */
export async function enrolOne(actor: Actor, sessionId: string, personId: string, source: Source = 'coordinator') {
  const session = await loadManagedSession(actor, sessionId);
  assertEnrollable(session);
  return enrolInManaged(actor, session, personId, source);
}

export async function enrolInManaged(
  actor: Actor,
  session: TrainingSessionDocument,
  personId: string,
  source: Source,
): Promise<CoordinatorOutcome> {
  if (!isValidId(personId)) return 'unknown';
  const person = await User.findById(personId, { institution: 1, active: 1 }).lean();
  if (!person?.active) return 'unknown';
  if (!canManagePerson(actor, person)) return 'unknown';
  return (await enrolPerson(session, person._id, { source, by: actor.id, approval: false })).outcome;
}

async function loadEnrolment(id: string) {
  if (!isValidId(id)) throw notFound();
  const enrolment = await Enrolment.findById(id);
  if (!enrolment) throw notFound();
  return { enrolment, session: await loadSession(enrolment.session.toHexString()) };
}

/** An enrolment of a session the actor manages (see assertManagesEnrolmentsOf for the answers). */
export async function loadManagedEnrolment(actor: Actor, id: string) {
  const found = await loadEnrolment(id);
  assertManagesEnrolmentsOf(actor, found.session);
  return found;
}

/** Approving a request seats it, or waitlists it when the session is full. */
export async function approve(actor: Actor, enrolmentId: string): Promise<'enrolled' | 'waitlisted'> {
  const { enrolment, session } = await loadManagedEnrolment(actor, enrolmentId);
  if (enrolment.state !== 'requested') throw conflict('enrolments:refused.notRequested');
  assertEnrollable(session);
  await Enrolment.updateOne({ _id: enrolment._id }, { $set: { decidedAt: new Date(), enrolledBy: actor.id } });
  const outcome = await place(session, enrolment._id);
  await tell([enrolment.person], 'enrolment.approved', session, { placement: outcome });
  return outcome;
}

export async function decline(actor: Actor, enrolmentId: string): Promise<void> {
  const { enrolment, session } = await loadManagedEnrolment(actor, enrolmentId);
  if (enrolment.state !== 'requested') throw conflict('enrolments:refused.notRequested');
  await Enrolment.updateOne({ _id: enrolment._id }, { $set: { state: 'declined', decidedAt: new Date() } });
  await tell([enrolment.person], 'enrolment.declined', session);
}

/** Ends a live enrolment; a seat it held goes to the first person waiting. */
async function release(enrolment: EnrolmentDocument, session: TrainingSessionDocument) {
  const heldSeat = enrolment.state === 'enrolled';
  await Enrolment.updateOne(
    { _id: enrolment._id },
    { $set: { state: 'withdrawn', withdrawnAt: new Date() }, $unset: { seat: 1, waitlistPosition: 1 } },
  );
  await releaseClaims(enrolment._id);
  await tell([enrolment.person], 'enrolment.withdrawn', session);
  if (heldSeat || (await seatsTaken(session._id)) < session.capacity) {
    await promoteIn(session);
  }
}

/** The latest moment a participant may withdraw themselves from a seat. */
export function withdrawalDeadline(session: { startsAt: Date; withdrawalCutoffHours: number }) {
  return new Date(session.startsAt.getTime() - session.withdrawalCutoffHours * 3_600_000);
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
}

/** A coordinator removes a person from the session, at any time. */
export async function removeEnrolment(actor: Actor, enrolmentId: string) {
  const { enrolment, session } = await loadManagedEnrolment(actor, enrolmentId);
  if (!(LIVE_STATES as readonly string[]).includes(enrolment.state)) throw conflict('enrolments:refused.notEnrolled');
  await release(enrolment, session);
  return { enrolment, session };
}

/** After the capacity was raised: the first waiting people take the new seats and are told. */
export async function promoteWaiting(sessionId: string): Promise<void> {
  await promoteIn(await loadSession(sessionId));
}

export type FillRate = { seated: number; capacity: number; waiting: number; requested: number };

/**
 * Seated, waiting and pending counts of each session, by session id, for display: read from
 * the enrolments' states in one query (the states follow the claims, see placesFor). Placing
 * and capacity checks ask the claims (seatsTaken).
 */
export async function fillRates(sessions: { _id: { toHexString(): string }; capacity: number }[]) {
  const rates = new Map<string, FillRate>();
  for (const s of sessions) {
    rates.set(s._id.toHexString(), { seated: 0, capacity: s.capacity, waiting: 0, requested: 0 });
  }
  if (sessions.length === 0) return rates;
  const ids = sessions.map((s) => new mongoose.Types.ObjectId(s._id.toHexString()));
  const live = await Enrolment.find(
    { session: anyOf(ids), state: anyOf(LIVE_STATES) },
    { session: 1, state: 1 },
  ).lean();
  for (const row of live) {
    const rate = rates.get(row.session.toHexString())!;
    if (row.state === 'enrolled') rate.seated++;
    else if (row.state === 'waitlisted') rate.waiting++;
    else rate.requested++;
  }
  return rates;
}

/** How many seats of a session are held: its seat claims, the truth that placing goes by. */
export async function seatsTaken(sessionId: Id): Promise<number> {
  return SeatClaim.countDocuments({ session: sessionId });
}

/**
 * A session's places as its enrolments record them, read in one query (each query is a scan on
 * embedded FerretDB, decision 0005): the reader's own enrolment, the counts and their waitlist
 * position. The states follow the claims (settle), so this is what the claims say once each
 * placement has finished; placing itself always asks the claims.
 */
async function placesFor(session: TrainingSessionDocument, personId: string) {
  const rows = await Enrolment.find(
    { session: session._id },
    { person: 1, state: 1, seat: 1, waitlistPosition: 1 },
  ).lean();
  const own = rows.find((row) => row.person.equals(personId));
  const waiting = rows.filter((row) => row.state === 'waitlisted');
  const rate: FillRate = {
    seated: rows.filter((row) => row.state === 'enrolled').length,
    capacity: session.capacity,
    waiting: waiting.length,
    requested: rows.filter((row) => row.state === 'requested').length,
  };
  const ownPlace = own?.state === 'waitlisted' ? own.waitlistPosition : undefined;
  const position = ownPlace ? waiting.filter((row) => (row.waitlistPosition ?? 0) < ownPlace).length + 1 : undefined;
  return { enrolment: own, rate, position };
}

/** What the session page shows about enrolment to this person (their state, the buttons). */
export async function enrolmentPanel(actor: Actor, session: TrainingSessionDocument) {
  const { enrolment, rate, position } = await placesFor(session, actor.id);
  const live = !!enrolment && (LIVE_STATES as readonly string[]).includes(enrolment.state);
  const full = rate.seated >= rate.capacity || rate.waiting > 0;
  const refusal = live ? undefined : selfEnrolmentRefusal(actor, session);
  const deadline = withdrawalDeadline(session);
  return {
    sessionId: session.id as string,
    state: enrolment?.state,
    seat: enrolment?.state === 'enrolled' ? enrolment.seat : undefined,
    position,
    /** which button to offer: enrol, join the waitlist, request a place; none when refused */
    action: live || refusal ? undefined : session.requiresApproval ? 'request' : full ? 'waitlist' : 'enrol',
    refusal: live || refusal === 'enrolments:refused.outOfScope' ? undefined : refusal,
    canWithdraw: live && (enrolment.state !== 'enrolled' || new Date() <= deadline),
    withdrawalDeadline: deadline,
    timeZone: session.timeZone,
    fill: rate,
    manage: canManageSession(actor, session),
  };
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
  await Promise.all([
    SeatClaim.deleteMany({ session: session._id }),
    WaitlistClaim.deleteMany({ session: session._id }),
  ]);
}

/** Everyone with a live place in the session (enrolled, waitlisted or requested): whom a change concerns. */
export async function peopleInSession(sessionId: string): Promise<string[]> {
  if (!isValidId(sessionId)) return [];
  const rows = await Enrolment.find({ session: sessionId, state: anyOf(LIVE_STATES) }, { person: 1 }).lean();
  return rows.map((r) => r.person.toHexString());
}
