import mongoose from 'mongoose';
import { hasRole, institutionScope, type Actor } from '../auth/actor.ts';
import { anyOf, anyOfIds } from '../db/query.ts';
import { notFound } from '../http/errors.ts';
import { containsPattern } from '../http/pagination.ts';
import { csvCell } from '../http/csv-cell.ts';
import { TrainingSession } from '../sessions/training-session.model.ts';
import { User, type UserFields } from '../users/user.model.ts';
import { canManageSession, teaches } from '../sessions/session-access.ts';
import { loadVisibleSession } from './enrolment-access.ts';
import { Enrolment } from './enrolment.model.ts';
import { LIVE_STATES } from './enrolments.service.ts';

// What the enrolment pages read: the roster, pending approvals, a person's own training.

type PersonRow = {
  _id: mongoose.Types.ObjectId;
  fullName: string;
  email?: string;
  serviceNumber?: string;
  institution?: { _id: mongoose.Types.ObjectId; name: string } | null;
};
export type RosterRow = {
  id: string;
  state: string;
  seat?: number;
  position?: number;
  requestedAt: Date;
  person: PersonRow;
};

/** The roster: managers (with contact details) and the session's trainers may read it. */
export async function roster(actor: Actor, sessionId: string) {
  const session = await loadVisibleSession(actor, sessionId);
  const manage = canManageSession(actor, session);
  if (!manage && !teaches(actor, session)) throw notFound();
  await session.populate([
    { path: 'module', select: 'title code' },
    { path: 'institution', select: 'name' },
  ]);
  const rows = await Enrolment.find({ session: session._id })
    .sort({ requestedAt: 1, _id: 1 })
    .populate<{ person: PersonRow }>({
      path: 'person',
      select: 'fullName email serviceNumber institution',
      populate: { path: 'institution', select: 'name' },
    })
    .lean();
  const toRow = (e: (typeof rows)[number]): RosterRow => ({
    id: e._id.toHexString(),
    state: e.state,
    seat: e.seat ?? undefined,
    position: undefined,
    requestedAt: e.requestedAt,
    person: e.person,
  });
  const enrolled = rows
    .filter((e) => e.state === 'enrolled')
    .map(toRow)
    .sort((a, b) => (a.seat ?? 0) - (b.seat ?? 0));
  const waitlist = rows
    .filter((e) => e.state === 'waitlisted')
    .sort((a, b) => (a.waitlistPosition ?? 0) - (b.waitlistPosition ?? 0))
    .map((e, i) => ({ ...toRow(e), position: i + 1 }));
  return {
    session,
    manage,
    showContacts: manage,
    enrolled,
    waitlist,
    requests: rows.filter((e) => e.state === 'requested').map(toRow),
    ended: rows.filter((e) => !(LIVE_STATES as readonly string[]).includes(e.state)).map(toRow),
  };
}
export type Roster = Awaited<ReturnType<typeof roster>>;

/** How many people to add the roster page lists at most; it says so when more match. */
export const CANDIDATES_SHOWN = 200;

/**
 * People a coordinator may add: active, in their scope, not already live in the session, by
 * name; `more` when others match beyond the first CANDIDATES_SHOWN.
 */
export async function candidates(actor: Actor, sessionId: string, filter: { q?: string; institution?: string }) {
  const scope = institutionScope(actor);
  const query: mongoose.QueryFilter<UserFields> = { active: true };
  if (filter.institution) {
    if (scope && !scope.includes(filter.institution)) return { people: [], more: false };
    query.institution = new mongoose.Types.ObjectId(filter.institution);
  } else if (scope) {
    query.institution = anyOfIds(scope);
  }
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query.$or = [{ fullName: pattern }, { serviceNumber: pattern }, { email: pattern }];
  }
  const taken = await Enrolment.find({ session: sessionId, state: anyOf(LIVE_STATES) }, { person: 1 }).lean();
  const takenIds = new Set(taken.map((t) => t.person.toHexString()));
  const found = await User.find(query, { fullName: 1, serviceNumber: 1, institution: 1 })
    .sort({ fullName: 1, _id: 1 })
    .limit(CANDIDATES_SHOWN + takenIds.size + 1)
    .populate<{ institution: { name: string } | null }>('institution', 'name')
    .lean();
  const people = found.filter((p) => !takenIds.has(p._id.toHexString()));
  return { people: people.slice(0, CANDIDATES_SHOWN), more: people.length > CANDIDATES_SHOWN };
}

/** Requests waiting for a decision in the sessions the actor manages. */
export async function pendingApprovals(actor: Actor) {
  const scope = hasRole(actor, 'admin') ? undefined : actor.scopeInstitutionIds;
  const sessions = await TrainingSession.find(scope ? { institution: anyOfIds(scope) } : {}, { _id: 1 }).lean();
  return Enrolment.find({ state: 'requested', session: anyOf(sessions.map((s) => s._id)) })
    .sort({ requestedAt: 1 })
    .limit(500)
    .populate<{ person: PersonRow }>({
      path: 'person',
      select: 'fullName serviceNumber institution',
      populate: { path: 'institution', select: 'name' },
    })
    .populate<{
      session: { _id: mongoose.Types.ObjectId; startsAt: Date; timeZone: string; module: { title: string } };
    }>({ path: 'session', select: 'startsAt timeZone module', populate: { path: 'module', select: 'title' } })
    .lean();
}

type MySession = {
  _id: mongoose.Types.ObjectId;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  status: string;
  module: { title: string } | null;
  institution: { name: string } | null;
};

/** A person's own training: upcoming, waiting, requested, past. */
export async function myTraining(actor: Actor, now = new Date()) {
  const rows = await Enrolment.find({ person: actor.id })
    .populate<{ session: MySession }>({
      path: 'session',
      select: 'startsAt endsAt timeZone status module institution',
      populate: [
        { path: 'module', select: 'title' },
        { path: 'institution', select: 'name' },
      ],
    })
    .lean();
  const items = rows
    .filter((r) => r.session)
    .sort((a, b) => a.session.startsAt.getTime() - b.session.startsAt.getTime());
  const upcoming = items.filter((r) => r.session.endsAt >= now && r.session.status !== 'cancelled');
  const waiting = upcoming.filter((r) => r.state === 'waitlisted');
  // everyone waiting in those sessions, read once: a position is the places before one's own, plus one
  const queues =
    waiting.length === 0
      ? []
      : await Enrolment.find(
          { session: anyOf(waiting.map((r) => r.session._id)), state: 'waitlisted' },
          { session: 1, waitlistPosition: 1 },
        ).lean();
  const positionOf = (r: (typeof waiting)[number]) =>
    queues.filter((q) => q.session.equals(r.session._id) && (q.waitlistPosition ?? 0) < (r.waitlistPosition ?? 0))
      .length + 1;
  return {
    enrolled: upcoming.filter((r) => r.state === 'enrolled'),
    waiting: waiting.map((r) => ({ ...r, position: positionOf(r) })),
    requests: upcoming.filter((r) => r.state === 'requested'),
    past: items.filter((r) => r.session.endsAt < now && r.state === 'enrolled').reverse(),
    cancelled: items.filter((r) => r.state === 'cancelled'),
  };
}

/** The roster as CSV, with a byte-order mark so that Excel reads UTF-8. */
export function rosterCsv(data: Roster, header: string[], stateName: (state: string) => string): string {
  const lines = [header];
  const rows = [...data.enrolled, ...data.waitlist, ...data.requests, ...data.ended];
  for (const r of rows) {
    lines.push([
      stateName(r.state),
      r.seat === undefined ? '' : String(r.seat),
      r.position === undefined ? '' : String(r.position),
      r.person.fullName,
      r.person.serviceNumber ?? '',
      r.person.email ?? '',
      r.person.institution?.name ?? '',
    ]);
  }
  return '\uFEFF' + lines.map((l) => l.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
