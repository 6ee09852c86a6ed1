import mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { can } from '../access/policy.ts';
import { sessionPolicy } from '../access/session.policy.ts';
import { personSummaries } from '../people/people.service.ts';
import { conflict, FieldValidationError, type FieldErrors } from '../http/errors.ts';
import { participantsOf, roster, type RosterRow } from '../enrolments/enrolment-queries.service.ts';
import { recordOutcomes, type EnrolmentOutcome } from '../enrolments/outcomes.service.ts';
import { tell } from '../enrolments/enrolment-notices.ts';
import { getSession, recordClosing, sessionAudited, sessionAuditedValues } from '../sessions/sessions.service.ts';
import type { TrainingSessionDocument } from '../sessions/session-queries.service.ts';
import { attendancePercent, proposeResult, type Outcome, type ProposedResult } from './result-rules.ts';
import { resultInputs, type ParticipantInputs } from './result-inputs.ts';
import { SessionClosing, SessionResult } from './session-result.model.ts';
import type { DeliveryRow } from './delivery-csv.ts';
import { attendanceOfSession } from '../attendance/attendance-queries.service.ts';
import type { CloseInput } from './results.schemas.ts';

// Closing a session (issue 12, decision 0013): once it has ended, a coordinator reviews each
// participant's proposed result, may change it with a reason, and confirms; the results are
// kept (session_results), the participants' enrolments show them, each is told, and the session
// is closed. Reopening, with a reason, unconfirms the results until the next closing.
// Without transactions, the steps run in an order that a retry completes: results, outcomes,
// then the session's closedAt last, so a closing cut short leaves the session open, and closing
// it again writes the same results.

type Id = mongoose.Types.ObjectId;

export type ReviewRow = {
  person: RosterRow['person'];
  inputs: ParticipantInputs;
  percent: number | null;
  proposed: ProposedResult;
  /** the result confirmed before the session was reopened, if any */
  previous?: { outcome: Outcome; changeReason?: string };
};

/** Whether results may be confirmed now: the session has ended, was not cancelled, is not closed. */
function assertClosable(session: TrainingSessionDocument, now: Date) {
  if (session.closedAt) throw conflict('results:errors.alreadyClosed');
  if (session.status === 'cancelled' || session.status === 'draft') throw conflict('results:errors.notHeld');
  if (session.endsAt > now) throw conflict('results:errors.notEnded');
}

/** The closing review: each seated participant with what the rules propose. */
export async function closingReview(actor: Actor, sessionId: string, now = new Date()) {
  const session = await getSession(actor, sessionId, 'close');
  assertClosable(session, now);
  return { session, rows: await reviewRows(actor, session) };
}

async function reviewRows(actor: Actor, session: TrainingSessionDocument): Promise<ReviewRow[]> {
  const [participants, { rules, participants: inputs }, previous] = await Promise.all([
    roster(actor, session.id as string),
    resultInputs(session),
    SessionResult.find({ session: session._id }).lean(),
  ]);
  const previousOf = new Map(previous.map((r) => [r.person.toHexString(), r]));
  return participants.enrolled.map((row) => {
    const personId = row.person._id.toHexString();
    const own = inputs.get(personId) ?? emptyInputs(session);
    const before = previousOf.get(personId);
    return {
      person: row.person,
      inputs: own,
      percent: attendancePercent(own.tally),
      proposed: proposeResult(own.tally, own.post, rules),
      previous: before ? { outcome: before.outcome, changeReason: before.changeReason ?? undefined } : undefined,
    };
  });
}

function emptyInputs(session: TrainingSessionDocument): ParticipantInputs {
  const days = session.days.length;
  return {
    tally: { attendedMinutes: 0, countedMinutes: 0, days, markedDays: 0, daysAttended: 0, daysExcused: 0 },
    pre: null,
    post: null,
  };
}

/**
 * Confirms every participant's result and closes the session. A result other than the proposed
 * one needs a reason (refused beside that row, nothing saved).
 */
/**
 * What closing and reopening set off in the features above this one (completion records,
 * decision 0013), passed in by app.ts and the demo seed. Each runs before the session's
 * `closedAt` changes, so a step cut short is finished by closing (or reopening) again.
 */
export type ClosingFollowUps = {
  closed(sessionId: string, by: string, at: Date): Promise<unknown>;
  reopened(sessionId: string, by: string, at: Date, reason: string): Promise<unknown>;
};
export const NO_FOLLOW_UPS: ClosingFollowUps = { closed: async () => {}, reopened: async () => {} };

export type ClosingOptions = { now?: Date; followUps?: ClosingFollowUps };

export async function closeSession(
  actor: Actor,
  sessionId: string,
  input: CloseInput,
  { now = new Date(), followUps = NO_FOLLOW_UPS }: ClosingOptions = {},
) {
  const { session, rows } = await closingReview(actor, sessionId, now);
  const decided = rows.map((row) => {
    const personId = row.person._id.toHexString();
    const choice = input.outcomes[personId];
    const outcome = choice ?? row.proposed.outcome;
    const reason = input.reasons[personId]?.trim() || undefined;
    return { row, personId, outcome, reason: outcome === row.proposed.outcome ? undefined : reason };
  });
  const errors: FieldErrors = {};
  for (const d of decided) {
    if (d.outcome !== d.row.proposed.outcome && !d.reason)
      errors[`reason-${d.personId}`] = { key: 'results:errors.reasonNeeded' };
  }
  if (Object.keys(errors).length > 0) throw new FieldValidationError(errors);

  const by = new mongoose.Types.ObjectId(actor.id);
  for (const d of decided) await saveResult(session, d, by, now);
  await recordOutcomes(session._id, new Map(decided.map((d) => [d.personId, d.outcome as EnrolmentOutcome])));
  await followUps.closed(session.id as string, actor.id, now);
  const before = sessionAuditedValues(session);
  await recordClosing(session, { at: now, by: actor.id });
  await SessionClosing.create({ session: session._id, action: 'closed', by, at: now });
  await sessionAudited(actor, 'session.close', session, before, { results: decided.length });
  await tellResults(session, decided);
  return { session, count: decided.length };
}

async function saveResult(
  session: TrainingSessionDocument,
  d: { row: ReviewRow; personId: string; outcome: Outcome; reason?: string },
  by: Id,
  now: Date,
) {
  const { tally, pre, post } = d.row.inputs;
  await SessionResult.updateOne(
    { session: session._id, person: new mongoose.Types.ObjectId(d.personId) },
    {
      $set: {
        module: session.module,
        moduleVersion: session.moduleVersion,
        outcome: d.outcome,
        proposed: d.row.proposed,
        attendance: {
          attendedMinutes: tally.attendedMinutes,
          countedMinutes: tally.countedMinutes,
          percent: d.row.percent,
          days: tally.days,
          daysAttended: tally.daysAttended,
        },
        pre,
        post,
        confirmedAt: now,
        confirmedBy: by,
        ...(d.reason ? { changeReason: d.reason } : {}),
      },
      ...(d.reason ? {} : { $unset: { changeReason: 1 } }),
      $push: { history: { at: now, by, action: 'confirmed', outcome: d.outcome, reason: d.reason } },
    },
    { upsert: true },
  );
}

const NOTICE_OF: Record<Outcome, 'result.completed' | 'result.notCompleted' | 'result.noShow'> = {
  completed: 'result.completed',
  not_completed: 'result.notCompleted',
  no_show: 'result.noShow',
};

/** Each participant is told their result, in their own language (the notice is worded when read). */
async function tellResults(session: TrainingSessionDocument, decided: { personId: string; outcome: Outcome }[]) {
  for (const outcome of Object.keys(NOTICE_OF) as Outcome[]) {
    const people = decided.filter((d) => d.outcome === outcome).map((d) => new mongoose.Types.ObjectId(d.personId));
    await tell(people, NOTICE_OF[outcome], session);
  }
}

/**
 * Reopens a closed session, with a reason: its results stand unconfirmed (kept, with their
 * history) until it is closed again; participants who came on any day show as attended.
 */
export async function reopenSession(
  actor: Actor,
  sessionId: string,
  reason: string,
  { now = new Date(), followUps = NO_FOLLOW_UPS }: ClosingOptions = {},
) {
  const session = await getSession(actor, sessionId, 'close');
  if (!session.closedAt) throw conflict('results:errors.notClosed');
  const by = new mongoose.Types.ObjectId(actor.id);
  const results = await SessionResult.find({ session: session._id }).lean();
  await SessionResult.updateMany(
    { session: session._id },
    { $unset: { confirmedAt: 1, confirmedBy: 1 }, $push: { history: { at: now, by, action: 'reopened', reason } } },
  );
  await recordOutcomes(
    session._id,
    new Map(results.map((r) => [r.person.toHexString(), (r.attendance?.daysAttended ?? 0) > 0 ? 'attended' : null])),
  );
  await followUps.reopened(session.id as string, actor.id, now, reason);
  const before = sessionAuditedValues(session);
  await recordClosing(session, null);
  await SessionClosing.create({ session: session._id, action: 'reopened', by, at: now, reason });
  await sessionAudited(actor, 'session.reopen', session, before, { reason });
  return session;
}

/** The session's results as they stand, with who closed and reopened it and when. */
export async function sessionResults(actor: Actor, sessionId: string) {
  const session = await getSession(actor, sessionId, 'readRoster');
  const [results, closings, participants] = await Promise.all([
    SessionResult.find({ session: session._id }).lean(),
    SessionClosing.find({ session: session._id }).sort({ at: 1 }).lean(),
    participantsOf(session._id),
  ]);
  // in seat order, as on the sign-in sheet, the attendance days and the closing review
  const seatOrder = new Map(participants.map((p, i) => [p._id.toHexString(), i]));
  const orderOf = (person: mongoose.Types.ObjectId) => seatOrder.get(person.toHexString()) ?? participants.length;
  const people = await personSummaries([...results.map((r) => r.person), ...closings.map((c) => c.by)]);
  const personById = new Map(people.map((p) => [p._id.toHexString(), p]));
  const rows = results
    .sort((a, b) => orderOf(a.person) - orderOf(b.person))
    .map((r) => ({
      name: personById.get(r.person.toHexString())?.fullName ?? '',
      serviceNumber: personById.get(r.person.toHexString())?.serviceNumber ?? undefined,
      percent: r.attendance?.percent ?? null,
      pre: r.pre ?? null,
      post: r.post ?? null,
      outcome: r.outcome,
      confirmed: !!r.confirmedAt,
      proposed: r.proposed?.outcome ?? r.outcome,
      reasons: r.proposed?.reasons ?? [],
      changeReason: r.changeReason ?? undefined,
    }));
  return {
    session,
    manage: can(actor, sessionPolicy, 'close', session),
    rows,
    closings: closings.map((c) => ({ ...c, byName: personById.get(c.by.toHexString())?.fullName ?? '' })),
  };
}

/** What the delivery CSV lists (delivery-csv.ts): the session's days and each seated participant's record. */
export async function deliveryRecord(actor: Actor, sessionId: string) {
  const session = await getSession(actor, sessionId, 'readRoster');
  const [participants, attendance, { participants: inputs }, results] = await Promise.all([
    roster(actor, session.id as string),
    attendanceOfSession(session._id),
    resultInputs(session),
    SessionResult.find({ session: session._id }).lean(),
  ]);
  const confirmed = new Map(results.filter((r) => r.confirmedAt).map((r) => [r.person.toHexString(), r.outcome]));
  const rows: DeliveryRow[] = participants.enrolled.map((row) => {
    const personId = row.person._id.toHexString();
    const own = inputs.get(personId) ?? emptyInputs(session);
    return {
      person: row.person,
      marks: attendance.byPerson.get(personId) ?? new Map(),
      percent: attendancePercent(own.tally),
      pre: own.pre,
      post: own.post,
      outcome: confirmed.get(personId),
    };
  });
  return { session, days: session.days.map((d) => d.date), rows };
}

/**
 * The hand-over to completion records (decision 0013): a session's confirmed results, one per
 * participant, with the attendance and scores they rest on. None while the session is open.
 */
export async function confirmedResults(sessionId: Id) {
  const results = await SessionResult.find({ session: sessionId }).lean();
  return results.filter((r) => r.confirmedAt);
}
