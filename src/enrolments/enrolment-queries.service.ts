import { isObjectId } from '../db/object-id.ts';
import mongoose from 'mongoose';
import { hasRole, type Actor } from '../access/actor.ts';
import { anyOf } from '../db/query.ts';
import { equalitiesPushedDown } from '../db/pushdown.ts';
import {
  sessionIdsAt,
  sessionsByIds,
  withNames,
  type TrainingSessionDocument,
} from '../sessions/session-queries.service.ts';
import { activePeopleOf, personSummaries, searchActivePeople, type PersonSummary } from '../people/people.service.ts';
import { cardOf, type PersonCard } from '../people/person-cards.ts';
import './enrolment-cards.ts'; // keeps each enrolment's card in step with its person
import { moduleSummary } from '../modules/module-lookups.service.ts';
import { institutionSummaries, institutionSummary } from '../institutions/institutions.service.ts';
import { can } from '../access/policy.ts';
import { sessionPolicy } from '../access/session.policy.ts';
import { mayAdd, selfEnrolmentRefusal, withdrawalDeadline } from './enrolment-access.ts';
import { Enrolment, isLive, LIVE_STATES, type EnrolmentState } from './enrolment.model.ts';
import { endedBy, type EndedBy, type Remover } from './ended-by.ts';
import { SeatClaim } from './seat-claim.model.ts';
import { getSession, recordPlaces, type PlacesSummary } from '../sessions/sessions.service.ts';
import { summarise } from './places-summary.ts';
import { shownTo, type PrerequisiteCheck } from './prerequisite-check.ts';

// What the enrolment pages and other features read: the roster, pending approvals, a person's
// own training, the enrolment panel of a session page, fill rates, and who is in a session.
// Nothing here writes.

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
  /** for a withdrawn place: whether the person withdrew or was removed, and by whom */
  ended?: EndedBy;
  /** a seated participant's result once the session is closed (or attended, reopened) */
  outcome?: string;
  /** to managers: the reason a coordinator gave for enrolling the person without the prerequisites */
  overrideReason?: string;
};

/** The roster: managers (with contact details) and the session's trainers may read it. */
export async function roster(actor: Actor, sessionId: string) {
  const session = await getSession(actor, sessionId, 'readRoster');
  const manage = can(actor, sessionPolicy, 'manageEnrolments', session);
  const [module, venue, rows] = await Promise.all([
    moduleSummary(session.module),
    institutionSummary(session.institution),
    Enrolment.find({ session: session._id }).sort({ requestedAt: 1, _id: 1 }).lean(),
  ]);
  const people = await peopleOf(rows);
  const toRow = (e: (typeof rows)[number]): RosterRow => ({
    id: e._id.toHexString(),
    state: e.state,
    seat: e.seat ?? undefined,
    position: undefined,
    requestedAt: e.requestedAt,
    person: people.row(e.person),
    ended: endedBy(actor, { state: e.state, removedBy: people.remover(e.removedBy) }),
    outcome: e.outcome ?? undefined,
    overrideReason: manage ? (e.prerequisiteOverride?.reason ?? undefined) : undefined,
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
    module: module && { title: module.title, code: module.code },
    venue: venue && { name: venue.name },
    manage,
    showContacts: manage,
    enrolled,
    waitlist,
    requests: rows.filter((e) => e.state === 'requested').map(toRow),
    ended: rows.filter((e) => !isLive(e.state)).map(toRow),
  };
}

/**
 * The people of these enrolments, as their cards show them (decision 0018), and those who
 * removed them, with their institutions' names. Only removers, and the people of enrolments
 * made before cards existed, are read by id (populate would read them with $in).
 */
async function peopleOf(
  rows: {
    person: mongoose.Types.ObjectId;
    personCard?: PersonCard | null;
    removedBy?: mongoose.Types.ObjectId | null;
  }[],
) {
  const uncarded = rows.filter((r) => !r.personCard).map((r) => r.person);
  const people = await personSummaries([...uncarded, ...rows.flatMap((r) => r.removedBy ?? [])]);
  const personById = new Map(people.map((p) => [p._id.toHexString(), p]));
  const cards = new Map(people.map((p) => [p._id.toHexString(), cardOf(p)]));
  for (const row of rows) if (row.personCard) cards.set(row.person.toHexString(), row.personCard);
  const institutions = await institutionSummaries([...cards.values()].flatMap((c) => c.institution ?? []));
  const institutionName = new Map(institutions.map((i) => [i._id.toHexString(), i]));
  return {
    row(id: mongoose.Types.ObjectId): PersonRow {
      const card = cards.get(id.toHexString());
      const institution = card?.institution ? institutionName.get(card.institution.toHexString()) : undefined;
      return {
        _id: id,
        fullName: card?.fullName ?? '',
        email: card?.email ?? undefined,
        serviceNumber: card?.serviceNumber ?? undefined,
        institution: institution ? { _id: institution._id, name: institution.name } : null,
      };
    },
    remover(id: mongoose.Types.ObjectId | null | undefined): Remover | null {
      const p = id ? personById.get(id.toHexString()) : undefined;
      return p ? { _id: p._id, fullName: p.fullName, institution: p.institution ?? null, roles: p.roles } : null;
    },
  };
}
export type Roster = Awaited<ReturnType<typeof roster>>;

/** How many people to add the roster page lists at most; it says so when more match. */
export const CANDIDATES_SHOWN = 200;

/** How many people a search for candidates reads at a time. */
const CANDIDATE_BATCH = 500;

/**
 * People a coordinator may add: active, not already live in the session, and exactly those who
 * could enrol themselves in it (candidatePolicy, through mayAdd: not the coordinator, not the
 * session's trainers), by name; `more` when others match beyond the first CANDIDATES_SHOWN.
 * Each query has a top-level equality FerretDB hands to PostgreSQL (decision 0005): the words
 * searched for (their longest token) or the institution chosen; with neither, the venue's own
 * people (`venueOnly`: the page says a search finds the others of the country, and those with
 * the venue in their scope). Who may reach the venue is checked on the people those find.
 */
export async function candidates(actor: Actor, sessionId: string, filter: { q?: string; institution?: string }) {
  const session = await getSession(actor, sessionId, 'manageEnrolments');
  const taken = await Enrolment.find({ session: session._id, state: anyOf(LIVE_STATES) }, { person: 1 }).lean();
  const takenIds = new Set(taken.map((t) => t.person.toHexString()));
  const venue = session.institution.toHexString();
  const reaching = { institution: venue, country: session.country?.toHexString() };
  const venueOnly = !filter.q && !filter.institution;
  const institution = filter.institution;
  const people: PersonSummary[] = [];
  // the venue's own people: every one reaches the venue; the rule decides who may be added
  if (venueOnly)
    people.push(
      ...(await activePeopleOf(venue)).filter((p) => !takenIds.has(p._id.toHexString()) && mayAdd(actor, session, p)),
    );
  // the query casts a wider net than the rule; the rule decides, a batch at a time
  for (let skip = 0; !venueOnly && people.length <= CANDIDATES_SHOWN; skip += CANDIDATE_BATCH) {
    const found = await searchActivePeople({
      institutions: institution ? [institution] : undefined,
      reaching,
      words: filter.q,
      skip,
      limit: CANDIDATE_BATCH,
    });
    people.push(...found.filter((p) => !takenIds.has(p._id.toHexString()) && mayAdd(actor, session, p)));
    if (found.length < CANDIDATE_BATCH) break;
  }
  const shown = people.slice(0, CANDIDATES_SHOWN);
  const institutions = await institutionSummaries(shown.map((p) => p.institution).filter((id) => id));
  const names = new Map(institutions.map((i) => [i._id.toHexString(), i.name]));
  return {
    people: shown.map((p) => {
      const name = p.institution ? names.get(p.institution.toHexString()) : undefined;
      return {
        _id: p._id,
        fullName: p.fullName,
        serviceNumber: p.serviceNumber,
        institution: name === undefined ? null : { name },
      };
    }),
    more: people.length > CANDIDATES_SHOWN,
    venueOnly,
  };
}

/**
 * Requests waiting for a decision in the sessions the actor manages, oldest first. The state is
 * the query's top-level equality (what FerretDB hands to SQL, decision 0005): requests waiting
 * are few, and one query per session in scope would be hundreds. Names are read by id.
 */
export async function pendingApprovals(actor: Actor) {
  const scope = hasRole(actor, 'admin') ? undefined : actor.scopeInstitutionIds;
  const sessionIds = await sessionIdsAt(scope);
  if (sessionIds.length === 0) return [];
  const requests = await Enrolment.find({ state: 'requested', session: anyOf(sessionIds) })
    .sort({ requestedAt: 1 })
    .limit(500)
    .lean();
  const [people, sessions] = await Promise.all([
    peopleOf(requests),
    sessionsByIds(requests.map((r) => r.session)).then(withNames),
  ]);
  const sessionById = new Map(sessions.map((s) => [s._id.toHexString(), s]));
  return requests.map((r) => ({
    ...r,
    person: people.row(r.person),
    session: sessionById.get(r.session.toHexString())!,
  }));
}

/** A person's own training: upcoming, waiting, requested, withdrawn (or removed), past. */
export async function myTraining(actor: Actor, now = new Date()) {
  const own = await Enrolment.find({ person: actor.id }).lean();
  const [sessions, removers] = await Promise.all([
    sessionsByIds(own.map((r) => r.session)).then(withNames),
    personSummaries(own.flatMap((r) => r.removedBy ?? [])),
  ]);
  const sessionById = new Map(sessions.map((s) => [s._id.toHexString(), s]));
  const removerById = new Map(removers.map((p) => [p._id.toHexString(), p]));
  const rows = own.flatMap((r) => {
    const session = sessionById.get(r.session.toHexString());
    if (!session) return [];
    const remover = r.removedBy ? removerById.get(r.removedBy.toHexString()) : undefined;
    const removedBy: Remover | null = remover
      ? { _id: remover._id, fullName: remover.fullName, institution: remover.institution ?? null, roles: remover.roles }
      : null;
    return [{ ...r, session, removedBy }];
  });
  const items = rows.sort((a, b) => a.session.startsAt.getTime() - b.session.startsAt.getTime());
  const upcoming = items.filter((r) => r.session.endsAt >= now && r.session.status !== 'cancelled');
  const waiting = upcoming.filter((r) => r.state === 'waitlisted');
  // everyone waiting in those sessions (liveIn: per session, or one $in): a position is the
  // places before one's own, plus one
  const queues = await liveIn(
    waiting.map((r) => r.session._id),
    ['waitlisted'],
  );
  const positionOf = (r: (typeof waiting)[number]) =>
    queues.filter((q) => q.session.equals(r.session._id) && (q.waitlistPosition ?? 0) < (r.waitlistPosition ?? 0))
      .length + 1;
  return {
    enrolled: upcoming.filter((r) => r.state === 'enrolled'),
    waiting: waiting.map((r) => ({ ...r, position: positionOf(r) })),
    requests: upcoming.filter((r) => r.state === 'requested'),
    withdrawn: upcoming.filter((r) => r.state === 'withdrawn').map((r) => ({ ...r, ended: endedBy(actor, r) })),
    past: items.filter((r) => r.session.endsAt < now && r.state === 'enrolled').reverse(),
    cancelled: items.filter((r) => r.state === 'cancelled'),
  };
}

export type FillRate = { seated: number; capacity: number; waiting: number; requested: number };

/**
 * Seated, waiting and pending counts of each session, by session id, for display: the counts kept
 * on each session (places-summary.ts). A session not counted yet (saved before the counts were
 * kept) is counted from its enrolments, one query per session where equalities are pushed down
 * (one `$in` over the sessions would decode every enrolment there), one `$in` query where they
 * are not (FerretDB over SQLite; decision 0005), and its counts recorded.
 */
export async function fillRates(
  sessions: { _id: { toHexString(): string }; capacity: number; places?: PlacesSummary | null }[],
) {
  const rates = new Map<string, FillRate>();
  const uncounted: mongoose.Types.ObjectId[] = [];
  for (const s of sessions) {
    const places = s.places ?? { seated: 0, waiting: 0, requested: 0 };
    rates.set(s._id.toHexString(), { ...places, capacity: s.capacity });
    if (!s.places) uncounted.push(new mongoose.Types.ObjectId(s._id.toHexString()));
  }
  const live = await liveIn(uncounted);
  for (const session of uncounted) {
    const rate = rates.get(session.toHexString())!;
    Object.assign(rate, summarise(live.filter((row) => row.session.equals(session))));
    await recordPlaces(session, { seated: rate.seated, waiting: rate.waiting, requested: rate.requested });
  }
  return rates;
}

/** The live enrolments of these sessions (session and state): per session, or one `$in`. */
async function liveIn(sessions: mongoose.Types.ObjectId[], states: readonly EnrolmentState[] = LIVE_STATES) {
  const fields = { session: 1, state: 1, waitlistPosition: 1 };
  if (sessions.length === 0) return [];
  if (!(await equalitiesPushedDown())) {
    return Enrolment.find({ session: anyOf(sessions), state: anyOf(states) }, fields).lean();
  }
  const parts = await Promise.all(
    sessions.map((session) => Enrolment.find({ session, state: anyOf(states) }, fields).lean()),
  );
  return parts.flat();
}

/** How many seats of a session are held: its seat claims, the truth that placing goes by. */
export async function seatsTaken(sessionId: mongoose.Types.ObjectId): Promise<number> {
  return SeatClaim.countDocuments({ session: sessionId });
}

/**
 * A session's places as its enrolments record them, read in one query by the session (an
 * equality, decision 0005): the reader's own enrolment, the counts and their waitlist
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
  // the lists' counts kept on the session: put right here if a recount was missed (another process, an outage)
  const counted = summarise(rows);
  const kept = session.places;
  if (
    !kept ||
    kept.seated !== counted.seated ||
    kept.waiting !== counted.waiting ||
    kept.requested !== counted.requested
  ) {
    await recordPlaces(session._id, counted);
  }
  const ownPlace = own?.state === 'waitlisted' ? own.waitlistPosition : undefined;
  const position = ownPlace ? waiting.filter((row) => (row.waitlistPosition ?? 0) < ownPlace).length + 1 : undefined;
  return { enrolment: own, rate, position };
}

/**
 * What the session page shows about enrolment to this person (their state, the buttons). Given
 * the prerequisite check, someone who could enrol but lacks a prerequisite is offered no button
 * but the missing modules, linked to the catalogue where they may open them.
 */
export async function enrolmentPanel(
  actor: Actor,
  session: TrainingSessionDocument,
  prerequisites?: PrerequisiteCheck,
) {
  const { enrolment, rate, position } = await placesFor(session, actor.id);
  const live = !!enrolment && isLive(enrolment.state);
  const full = rate.seated >= rate.capacity || rate.waiting > 0;
  const refusal = live ? undefined : selfEnrolmentRefusal(actor, session);
  const deadline = withdrawalDeadline(session);
  const missing = live || refusal || !prerequisites ? [] : await prerequisites(actor.id, session.module.toHexString());
  return {
    sessionId: session.id as string,
    state: enrolment?.state,
    seat: enrolment?.state === 'enrolled' ? enrolment.seat : undefined,
    position,
    /** which button to offer: enrol, join the waitlist, request a place; none when refused */
    action:
      live || refusal || missing.length > 0
        ? undefined
        : session.requiresApproval
          ? 'request'
          : full
            ? 'waitlist'
            : 'enrol',
    /** the prerequisites this person has not completed, when that is all that keeps them out */
    missingPrerequisites: shownTo(actor, missing),
    refusal: live || refusal === 'enrolments:refused.outOfScope' ? undefined : refusal,
    canWithdraw: live && (enrolment.state !== 'enrolled' || new Date() <= deadline),
    withdrawalDeadline: deadline,
    timeZone: session.timeZone,
    fill: rate,
    manage: can(actor, sessionPolicy, 'manageEnrolments', session),
  };
}

/** Everyone with a live place in the session (enrolled, waitlisted or requested): whom a change concerns. */
export async function peopleInSession(sessionId: string): Promise<string[]> {
  if (!isObjectId(sessionId)) return [];
  const rows = await Enrolment.find({ session: sessionId, state: anyOf(LIVE_STATES) }, { person: 1 }).lean();
  return rows.map((r) => r.person.toHexString());
}

/** States of a place that is not (or no longer) a seat: the rest are the session's participants. */
const NOT_PARTICIPATING: readonly string[] = ['requested', 'waitlisted', 'withdrawn', 'declined', 'cancelled'];

export type Participant = { enrolment: mongoose.Types.ObjectId; seat?: number } & PersonRow;

/**
 * A session's participants, by seat: every place that is a seat (enrolled, and any later state
 * of a seated place), with name, service number and institution, whoever asks (for attendance
 * and results: the caller has checked access). One query by the session (decision 0005).
 */
export async function participantsOf(sessionId: mongoose.Types.ObjectId): Promise<Participant[]> {
  const projection = { person: 1, personCard: 1, state: 1, seat: 1 };
  const rows = (await Enrolment.find({ session: sessionId }, projection).lean()).filter(
    (e) => !NOT_PARTICIPATING.includes(e.state),
  );
  const people = await peopleOf(rows);
  return rows
    .sort((a, b) => (a.seat ?? 0) - (b.seat ?? 0))
    .map((e) => ({ enrolment: e._id, seat: e.seat ?? undefined, ...people.row(e.person) }));
}
