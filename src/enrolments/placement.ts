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
// claim is one read and one insert.
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

const tails = new Map<string, Promise<void>>();

export function reserveTurn(sessionId: string): Turn {
  // earlier turns never reject: each tail resolves when its turn ends, however its work ended
  const previous = tails.get(sessionId) ?? Promise.resolve();
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  const tail = previous.then(() => ended);
  tails.set(sessionId, tail);
  void tail.then(() => {
    if (tails.get(sessionId) === tail) tails.delete(sessionId);
  });
  let state: 'reserved' | 'running' | 'over' = 'reserved';
  return {
    sessionId,
    async run<T>(work: () => Promise<T>): Promise<T> {
      // given up before it was used (the client went): the work queues again, at the back
      if (state !== 'reserved') return reserveTurn(sessionId).run(work);
      state = 'running';
      await previous;
      try {
        return await work();
      } finally {
        state = 'over';
        end();
      }
    },
    release() {
      if (state !== 'reserved') return;
      state = 'over';
      end();
    },
  };
}

/** Queues the work behind every turn reserved so far (promotions, approvals, bulk adds). */
function inSessionQueue<T>(sessionId: string, work: () => Promise<T>): Promise<T> {
  return reserveTurn(sessionId).run(work);
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

/** Releases every claim of an enrolment (withdrawal, removal, cancellation, a failed row). */
export async function releaseClaims(enrolment: Id): Promise<void> {
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
  if (place === undefined) return undefined;
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
    // the seats and the last one waiting, read side by side: the queue waits for one read, not two
    const [seats, last] = await Promise.all([
      SeatClaim.find({ session: session._id }, { number: 1 }).lean(),
      lastWaiting(session._id),
    ]);
    // someone waits already: a newcomer queues behind them even if a seat just freed
    const seat = last ? undefined : await claimSeat(session._id, session.capacity, enrolment, seats);
    if (seat !== undefined) return [];
    // the last one waiting as read, unless the seat claims just read again were full
    await claimWaitlistPlace(session._id, enrolment, last ?? undefined);
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

/** Seats whoever waits first in the session's free seats, and tells them. */
export async function promoteIn(session: TrainingSessionDocument) {
  const promoted = await inSessionQueue(session.id as string, () => fillFreeSeats(session._id, session.capacity));
  await tellPromoted(session, promoted);
}

/** Releases every claim in a session (it was cancelled: nobody holds or waits for a place). */
export async function releaseSessionClaims(session: Id): Promise<void> {
  await Promise.all([SeatClaim.deleteMany({ session }), WaitlistClaim.deleteMany({ session })]);
}
