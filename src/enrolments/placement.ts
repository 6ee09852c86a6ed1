import mongoose from 'mongoose';
import { anyOf } from '../db/query.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import type { TrainingSessionDocument } from '../sessions/session-queries.service.ts';
import { tell } from './enrolment-notices.ts';
import { Enrolment, type EnrolmentState } from './enrolment.model.ts';
import { SeatClaim, WaitlistClaim } from './seat-claim.model.ts';

// Placing an enrolment: a seat, or a waitlist place, and seating the waiting when seats free.
// Seats and waitlist places are claimed by inserting numbered documents guarded by unique
// indexes (decision 0002): {session, number} gives each number to exactly one claimant,
// {enrolment, session} gives each enrolment at most one of each. FerretDB's updates are not
// atomic, so nothing here reads a counter and writes it back. The enrolment's state follows
// the claims it holds (settle).

type Id = mongoose.Types.ObjectId;

// Placements in one session run one after another within this process. Correctness does not
// depend on it: the unique indexes decide across processes and if this queue were removed
// (decision 0002). It is there for speed: on FerretDB a refused insert costs a write, and a
// hundred requests racing for the same next number cost thousands of them; queued, each
// claim is one insert (what the queue knows, below), or one read and one insert.
// Order: a turn is reserved synchronously, and turns run in the order they were reserved.
// A self-enrolment reserves its turn at the door (placement-door.ts), before any await, so
// places follow the order requests reached this process, not the order their login session
// read, session load and enrolment insert happened to finish. A turn ends when its work
// settles or it is released unused (a refused request), so a dead turn never holds the queue.

/** A place in a session's placement queue, reserved now, used (run) or given up (release) later. */
export type Turn = {
  readonly sessionId: string;
  /** Runs the work once every earlier turn of the session has ended; the turn ends with it. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Gives the turn up unused; idempotent, and no effect once its work has started. */
  release(): void;
};

/**
 * A session's queue while it has turns: the end of its last turn, how many turns are open
 * (reserved, waiting or running) and how many wait with their work handed in. It is dropped
 * when its last turn ends, and with it what the placements knew of the session (Known, below).
 */
type Queue = { tail: Promise<void>; open: number; ready: number; placements: Placements };

const queues = new Map<string, Queue>();

export function reserveTurn(sessionId: string): Turn {
  const queue = queues.get(sessionId) ?? { tail: Promise.resolve(), open: 0, ready: 0, placements: {} };
  queues.set(sessionId, queue);
  queue.open++;
  // earlier turns never reject: each tail resolves when its turn ends, however its work ended
  const previous = queue.tail;
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  queue.tail = previous.then(() => ended);
  let state: 'reserved' | 'ready' | 'running' | 'over' = 'reserved';
  const over = () => {
    state = 'over';
    end();
    if (--queue.open === 0) queues.delete(sessionId); // drained: the next turn starts a new queue
  };
  return {
    sessionId,
    async run<T>(work: () => Promise<T>): Promise<T> {
      // given up before it was used (the client went): the work queues again, at the back
      if (state !== 'reserved') return reserveTurn(sessionId).run(work);
      state = 'ready';
      queue.ready++;
      await previous;
      state = 'running';
      queue.ready--;
      try {
        return await work();
      } finally {
        over();
      }
    },
    release() {
      if (state !== 'reserved') return;
      over();
    },
  };
}

/** Whether a turn of the session waits, its work handed in, behind the one running now. */
function workWaitsBehind(sessionId: string): boolean {
  return (queues.get(sessionId)?.ready ?? 0) > 0;
}

/** Queues the work behind every turn reserved so far (promotions, approvals, bulk adds). */
function inSessionQueue<T>(sessionId: string, work: () => Promise<T>): Promise<T> {
  return reserveTurn(sessionId).run(work);
}

// What the queue knows: while a session's turns run back to back, each knows the claims the
// one before it read or made, so a turn goes straight to inserting the next number. Another
// process may have claimed that number meanwhile: the insert is refused (the unique index),
// and the turn reads the claims as if nothing were known. Another process may also have freed
// a seat: that a newcomer did not get it is put right by seating whoever waits first, once per
// run of turns rather than after every waitlist place (fillOwed). Anything in this process that
// changes the claims outside a placement forgets what was known (releaseClaims, promotions,
// a cancelled session). It all goes with the queue when its last turn ends.

/** The session's claims as its queue last read or made them. */
type Known = {
  /** seat numbers taken */
  seats: Set<number>;
  /** the highest waitlist number, 0 when nobody waits */
  lastWaiting: number;
};

/** What the placements of a session keep between its turns (in its Queue, while it has turns). */
type Placements = {
  known?: Known;
  /** counts the times known was forgotten: a read begun before one may be stale, and is not kept */
  forgets?: number;
  /** a waitlist place was claimed since anyone last checked that no seat is free */
  fillOwed?: boolean;
};

/** What the running turns of the session keep; a fresh (unkept) record when it has none. */
function placementsOf(sessionId: string): Placements {
  return queues.get(sessionId)?.placements ?? {};
}

/** Forgets what the session's queue knew of its claims: they changed, or may have, behind its back. */
function forget(session: Id): void {
  const placements = placementsOf(session.toHexString());
  placements.known = undefined;
  placements.forgets = (placements.forgets ?? 0) + 1;
}

/** The lowest seat number not taken, if any. */
function lowestFree(seats: ReadonlySet<number>, capacity: number): number | undefined {
  for (let n = 1; n <= capacity; n++) if (!seats.has(n)) return n;
  return undefined;
}

/** The number of a claim this enrolment already holds, if any. */
async function heldNumber(model: typeof SeatClaim, enrolment: Id): Promise<number | undefined> {
  const held = await model.findOne({ enrolment }, { number: 1 }).lean();
  return held?.number;
}

/**
 * Claims a free seat for the enrolment: the free numbers are tried in order, lowest first
 * (seats left by withdrawals are reused); a number taken meanwhile is skipped. Undefined
 * when the session is full.
 */
export async function claimSeat(
  session: Id,
  capacity: number,
  enrolment: Id,
  /** the session's seat claims, when just read: the first pass starts from them */
  seatsRead?: readonly { number: number }[],
): Promise<number | undefined> {
  for (let pass = 0; pass < 20; pass++) {
    const seats = pass === 0 && seatsRead ? seatsRead : await SeatClaim.find({ session }, { number: 1 }).lean();
    const taken = new Set(seats.map((c) => c.number));
    const free: number[] = [];
    for (let n = 1; n <= capacity; n++) if (!taken.has(n)) free.push(n);
    if (free.length === 0) return undefined;
    for (const number of free) {
      try {
        await SeatClaim.create({ session, number, enrolment });
        return number;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // the number was taken, or this enrolment got a seat in a racing request
        const held = await heldNumber(SeatClaim, enrolment);
        if (held !== undefined) return held;
      }
    }
  }
  return undefined;
}

/** Claims the next waitlist place: one after the highest, upward while others take them. */
export async function claimWaitlistPlace(
  session: Id,
  enrolment: Id,
  /** the session's last waitlist claim, when just read (null: there is none) */
  lastRead?: { number: number } | null,
): Promise<number> {
  const last = lastRead !== undefined ? lastRead : await lastWaiting(session);
  let number = (last?.number ?? 0) + 1;
  for (;;) {
    try {
      await WaitlistClaim.create({ session, number, enrolment });
      return number;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const held = await heldNumber(WaitlistClaim, enrolment);
      if (held !== undefined) return held;
      number++;
    }
  }
}

/** An enrolment's place in its session's queue (1 = next to be seated); undefined when it does not wait. */
export async function waitlistPosition(session: Id, enrolment: Id): Promise<number | undefined> {
  const own = await heldNumber(WaitlistClaim, enrolment);
  if (own === undefined) return undefined;
  return WaitlistClaim.countDocuments({ session, number: mongoose.trusted({ $lte: own }) });
}

/** The session's last waitlist claim, if anyone waits. */
function lastWaiting(session: Id): Promise<{ number: number } | null> {
  return WaitlistClaim.findOne({ session }, { number: 1 }).sort({ number: -1 }).lean();
}

/** Releases every claim of an enrolment in the session (withdrawal, removal, a failed row). */
export async function releaseClaims(session: Id, enrolment: Id): Promise<void> {
  forget(session); // before the deletes: a turn's read that began earlier is then not kept
  await Promise.all([SeatClaim.deleteMany({ enrolment }), WaitlistClaim.deleteMany({ enrolment })]);
}

const PLACEABLE: EnrolmentState[] = ['requested', 'waitlisted', 'enrolled'];

/**
 * Writes an enrolment's state from the claims it holds: the claims are the truth, the state
 * on the enrolment follows them. Idempotent, so a placement and a promotion racing over the
 * same enrolment both end in the same state. Returns the state written, if any.
 */
export async function settle(enrolment: Id): Promise<'enrolled' | 'waitlisted' | undefined> {
  const seat = await heldNumber(SeatClaim, enrolment);
  const live = { _id: enrolment, state: anyOf(PLACEABLE) };
  if (seat !== undefined) {
    await WaitlistClaim.deleteMany({ enrolment });
    await Enrolment.updateOne(live, { $set: { state: 'enrolled', seat }, $unset: { waitlistPosition: 1 } });
    return 'enrolled';
  }
  const place = await heldNumber(WaitlistClaim, enrolment);
  if (place === undefined) {
    // a promotion (fillFreeSeats, in a later turn of the run) may have moved it between the two
    // reads: it makes the seat claim before it drops the waitlist place, so the seat is there now
    return (await heldNumber(SeatClaim, enrolment)) === undefined ? undefined : settle(enrolment);
  }
  // never back from enrolled: a promotion that got there first wins
  const waiting = { _id: enrolment, state: anyOf(['requested', 'waitlisted'] satisfies EnrolmentState[]) };
  await Enrolment.updateOne(waiting, { $set: { state: 'waitlisted', waitlistPosition: place }, $unset: { seat: 1 } });
  return 'waitlisted';
}

export type Promotion = { enrolment: Id; person: Id; seat: number };

/**
 * Seats waiting people, first come first served, while seats are free. Two promotions
 * racing are safe: each seat goes to one claimant, each enrolment gets one seat.
 */
export async function fillFreeSeats(session: Id, capacity: number): Promise<Promotion[]> {
  placementsOf(session.toHexString()).fillOwed = false; // this is the check a run of placements owes
  const promoted: Promotion[] = [];
  for (let pass = 0; pass < capacity + 5; pass++) {
    const seats = await SeatClaim.find({ session }, { number: 1, enrolment: 1 }).lean();
    if (seats.length >= capacity) break;
    const seated = new Set(seats.map((s) => s.enrolment.toHexString()));
    const waiting = await WaitlistClaim.find({ session })
      .sort({ number: 1 })
      .limit(capacity + 20)
      .lean();
    const next = waiting.find((w) => !seated.has(w.enrolment.toHexString()));
    if (!next) break;
    forget(session); // a seat taken and a waitlist place given up, behind what the queue knew
    const seat = await claimSeat(session, capacity, next.enrolment);
    if (seat === undefined) break;
    const before = await Enrolment.findById(next.enrolment, { state: 1, person: 1 }).lean();
    if ((await settle(next.enrolment)) === 'enrolled' && before?.state === 'waitlisted') {
      promoted.push({ enrolment: next.enrolment, person: before.person, seat });
    }
  }
  return promoted;
}

/**
 * Seats the enrolment, or queues it when the session is full or others wait already; in the
 * turn reserved for it at the door, when there is one, else behind every turn reserved so far.
 */
export async function place(
  session: TrainingSessionDocument,
  enrolment: Id,
  turn?: Turn,
): Promise<'enrolled' | 'waitlisted'> {
  const sessionId = session.id as string;
  if (turn && turn.sessionId !== sessionId) turn.release(); // another session's turn: of no use here
  const queue = turn?.sessionId === sessionId ? turn : reserveTurn(sessionId);
  // only the claims wait in the queue; writing the state from them can run alongside
  const promoted = await queue.run(async () => {
    await claimPlace(session, enrolment);
    return fillIfLast(session);
  });
  const state = await settle(enrolment);
  await tellPromoted(session, promoted, enrolment);
  if (!state) throw new Error('enrolment placed without a claim');
  return state;
}

/** Claims a seat or a waitlist place for the enrolment: the next one the queue knows of, else as read. */
async function claimPlace(session: TrainingSessionDocument, enrolment: Id): Promise<void> {
  try {
    const known = placementsOf(session.id as string).known;
    if (known) {
      if (await claimNextKnown(session, enrolment, known)) return;
      forget(session._id); // stale: read as if nothing were known
    }
    await claimAsRead(session, enrolment);
  } catch (error) {
    forget(session._id); // whatever was claimed before it failed, the queue does not know it
    throw error;
  }
}

/**
 * Inserts the claim that comes next by what the queue knows: the lowest free seat while nobody
 * waits, else the place after the last one waiting. False when the number was taken (by another
 * process: in this one, the turns before knew it), so what the queue knew is stale.
 */
async function claimNextKnown(session: TrainingSessionDocument, enrolment: Id, known: Known): Promise<boolean> {
  const seat = known.lastWaiting === 0 ? lowestFree(known.seats, session.capacity) : undefined;
  const number = seat ?? known.lastWaiting + 1;
  const claim = { session: session._id, number, enrolment };
  try {
    await (seat !== undefined ? SeatClaim.create(claim) : WaitlistClaim.create(claim));
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
  if (seat !== undefined) known.seats.add(seat);
  else noteWaitlisted(session, known, number);
  return true;
}

/** Reads the seats and the last one waiting, claims from them, and keeps what it read and claimed for the next turn. */
async function claimAsRead(session: TrainingSessionDocument, enrolment: Id): Promise<void> {
  const placements = placementsOf(session.id as string);
  const forgetsBefore = placements.forgets;
  // the seats and the last one waiting, read side by side: the queue waits for one read, not two
  const [seats, last] = await Promise.all([
    SeatClaim.find({ session: session._id }, { number: 1 }).lean(),
    lastWaiting(session._id),
  ]);
  const known: Known = { seats: new Set(seats.map((c) => c.number)), lastWaiting: last?.number ?? 0 };
  // someone waits already: a newcomer queues behind them even if a seat just freed
  const seat = last ? undefined : await claimSeat(session._id, session.capacity, enrolment, seats);
  if (seat !== undefined) known.seats.add(seat);
  else {
    // the last one waiting as read, unless the seat claims just read again were full
    noteWaitlisted(session, known, await claimWaitlistPlace(session._id, enrolment, last ?? undefined));
  }
  // kept unless something forgot the session's claims while they were being read
  if (placements.forgets === forgetsBefore) placements.known = known;
}

/** Counts a waitlist place just claimed; that no seat freed meanwhile is checked once the run of turns ends. */
function noteWaitlisted(session: TrainingSessionDocument, known: Known, place: number) {
  known.lastWaiting = Math.max(known.lastWaiting, place);
  placementsOf(session.id as string).fillOwed = true;
}

/**
 * After a waitlist place was claimed, a seat may have freed (another process's withdrawal)
 * that the newcomer did not see: whoever waits first is seated. Checked by the last turn of a
 * run, so once per burst rather than once per place; a turn ready behind this one checks it
 * in its stead (every placement's turn ends here, and a promotion is the check itself).
 */
async function fillIfLast(session: TrainingSessionDocument): Promise<Promotion[]> {
  const sessionId = session.id as string;
  if (!placementsOf(sessionId).fillOwed || workWaitsBehind(sessionId)) return [];
  return fillFreeSeats(session._id, session.capacity);
}

async function tellPromoted(session: TrainingSessionDocument, promoted: Promotion[], except?: Id) {
  const others = promoted.filter((p) => !except || !p.enrolment.equals(except));
  await tell(
    others.map((p) => p.person),
    'enrolment.promoted',
    session,
  );
}

/** Seats whoever waits first in the session's free seats, and tells them. */
export async function promoteIn(session: TrainingSessionDocument) {
  const promoted = await inSessionQueue(session.id as string, () => fillFreeSeats(session._id, session.capacity));
  await tellPromoted(session, promoted);
}

/** Releases every claim in a session (it was cancelled: nobody holds or waits for a place). */
export async function releaseSessionClaims(session: Id): Promise<void> {
  forget(session);
  await Promise.all([SeatClaim.deleteMany({ session }), WaitlistClaim.deleteMany({ session })]);
}
