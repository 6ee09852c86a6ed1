import { expect } from 'chai';
import type { Types } from 'mongoose';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { enrol, withdraw } from '../src/enrolments/enrolments.service.ts';
import { place, reserveTurn, waitlistPosition, type Turn } from '../src/enrolments/placement.ts';
import { SeatClaim, WaitlistClaim } from '../src/enrolments/seat-claim.model.ts';
import { Notice } from '../src/notices/notice.model.ts';
import { Person } from '../src/people/person.model.ts';
import { toActor } from '../src/people/people.service.ts';
import { buildInstitution, buildTrainingSession, buildUser } from './support/factories.ts';
import { placesOf } from './support/places.ts';

// A run of placements in one session (placement.ts): while turns run back to back, each claims
// the next number the queue knows of without reading the claims again. These runs change the
// claims in between, straight in the database, as another process would (it tells this one
// nothing), or withdraw someone in the middle, and check that the places still come out right:
// gap-free, in turn order, and nobody waiting while a seat is free. No clock: every turn is
// reserved first, in the order wanted, and its work handed in at once.

const numbers = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function setting(capacity: number) {
  const institution = await buildInstitution();
  const session = await buildTrainingSession({ venue: institution, capacity });
  return { institution, session };
}

type Setting = Awaited<ReturnType<typeof setting>>;

/** An enrolment as the enrolment service leaves it before placing: requested, no claim yet. */
async function requested({ institution, session }: Setting) {
  const person = await buildUser({ institution });
  return Enrolment.create({ session: session._id, person: person._id, state: 'requested', enrolledBy: person._id });
}

/** Who holds each seat and each waitlist place, by enrolment, in number order. */
async function holders(session: Types.ObjectId) {
  const places = await placesOf(session);
  const id = (c: { enrolment: Types.ObjectId }) => c.enrolment.toHexString();
  return { seats: places.seats.map(id), waits: places.waits.map(id), places };
}

/** What another process's placement leaves: the claim, and the enrolment's state following it. */
async function claimedElsewhere(
  kind: 'seat' | 'place',
  session: Types.ObjectId,
  number: number,
  enrolment: Types.ObjectId,
) {
  if (kind === 'seat') {
    await SeatClaim.create({ session, number, enrolment });
    await Enrolment.updateOne({ _id: enrolment }, { $set: { state: 'enrolled', seat: number } });
  } else {
    await WaitlistClaim.create({ session, number, enrolment });
    await Enrolment.updateOne({ _id: enrolment }, { $set: { state: 'waitlisted', waitlistPosition: number } });
  }
}

/** Every enrolment's state says what its claim says, and nobody waits while a seat is free. */
async function expectConsistent(session: Types.ObjectId, capacity: number) {
  const { places } = await holders(session);
  for (const e of places.enrolments) {
    const seat = places.seats.find((s) => s.enrolment.equals(e._id));
    const wait = places.waits.find((w) => w.enrolment.equals(e._id));
    if (seat) expect([e.state, e.seat], `enrolment ${e._id.toHexString()}`).to.deep.equal(['enrolled', seat.number]);
    else if (wait) expect([e.state, e.waitlistPosition]).to.deep.equal(['waitlisted', wait.number]);
    else expect(e.state).to.not.be.oneOf(['enrolled', 'waitlisted']);
  }
  if (places.waits.length > 0) expect(places.seats).to.have.length(capacity);
  expect(places.seats.map((s) => s.number)).to.deep.equal(numbers(places.seats.length));
}

describe('enrolment: a run of placements', function () {
  this.timeout(60_000);

  it('hands out seats, then waitlist places, in the order of the turns, whatever order their work comes in', async () => {
    const s = await setting(3);
    const enrolments = [];
    for (let i = 0; i < 8; i++) enrolments.push(await requested(s));
    const turns = enrolments.map(() => reserveTurn(s.session.id as string));
    const outcomes = [];
    for (let i = enrolments.length - 1; i >= 0; i--) outcomes[i] = place(s.session, enrolments[i]!._id, turns[i]);
    expect(await Promise.all(outcomes)).to.deep.equal([...Array(3).fill('enrolled'), ...Array(5).fill('waitlisted')]);

    const { seats, waits } = await holders(s.session._id);
    const ids = enrolments.map((e) => e.id as string);
    expect(seats).to.deep.equal(ids.slice(0, 3));
    expect(waits).to.deep.equal(ids.slice(3));
    await expectConsistent(s.session._id, 3);
    expect(await waitlistPosition(s.session._id, enrolments[7]!._id)).to.equal(5);
  });

  it('takes the next free number when another process claimed the one the queue knew to be next', async () => {
    const s = await setting(3);
    const [a, b, c, d, e, x, y] = await Promise.all(Array.from({ length: 7 }, () => requested(s)));
    const sessionId = s.session.id as string;
    const turn = () => reserveTurn(sessionId);
    const [ta, seatTaken, tb, tc, placeTaken, td, te] = [turn(), turn(), turn(), turn(), turn(), turn(), turn()];
    const outcomes = await Promise.all([
      place(s.session, a!._id, ta),
      // between the turns, another process seats x in seat 2 and, later, waitlists y at place 2
      seatTaken.run(() => claimedElsewhere('seat', s.session._id, 2, x!._id)),
      place(s.session, b!._id, tb),
      place(s.session, c!._id, tc),
      placeTaken.run(() => claimedElsewhere('place', s.session._id, 2, y!._id)),
      place(s.session, d!._id, td),
      place(s.session, e!._id, te),
    ]);

    expect([0, 2, 3, 5, 6].map((i) => outcomes[i])).to.deep.equal([
      'enrolled',
      'enrolled',
      'waitlisted',
      'waitlisted',
      'waitlisted',
    ]);
    const { seats, waits } = await holders(s.session._id);
    expect(seats).to.deep.equal([a, x, b].map((en) => en!.id as string));
    expect(waits).to.deep.equal([c, y, d, e].map((en) => en!.id as string));
    await expectConsistent(s.session._id, 3);
  });

  it('seats whoever waits first when another process freed a seat during the run, once the run ends', async () => {
    const s = await setting(2);
    const [a, b, c, d, e] = await Promise.all(Array.from({ length: 5 }, () => requested(s)));
    await place(s.session, a!._id);
    await place(s.session, b!._id);
    const sessionId = s.session.id as string;
    const [tc, seatFreed, td, te] = [0, 1, 2, 3].map(() => reserveTurn(sessionId));
    await Promise.all([
      place(s.session, c!._id, tc),
      // another process's withdrawal of a: its promotion found nobody waiting yet
      seatFreed!.run(async () => {
        await Enrolment.updateOne({ _id: a!._id }, { $set: { state: 'withdrawn' }, $unset: { seat: 1 } });
        await SeatClaim.deleteMany({ enrolment: a!._id });
      }),
      place(s.session, d!._id, td),
      place(s.session, e!._id, te),
    ]);

    const { seats, waits } = await holders(s.session._id);
    expect(seats).to.deep.equal([c, b].map((en) => en!.id as string));
    expect(waits).to.deep.equal([d, e].map((en) => en!.id as string));
    await expectConsistent(s.session._id, 2);
    expect(await waitlistPosition(s.session._id, d!._id)).to.equal(1);
    expect(await Notice.countDocuments({ person: c!.person, kind: 'enrolment.promoted' })).to.equal(1);
  });

  it('does not leave the check for a freed seat to a turn that is reserved but has no work yet', async () => {
    const s = await setting(1);
    const [a, b, c] = await Promise.all(Array.from({ length: 3 }, () => requested(s)));
    await place(s.session, a!._id);
    const sessionId = s.session.id as string;
    const [tb, seatFreed, tc] = [0, 1, 2].map(() => reserveTurn(sessionId));
    // a request that reached the door after c's and is still on its way (it may yet be refused)
    const onItsWay: Turn = reserveTurn(sessionId);
    try {
      await Promise.all([
        place(s.session, b!._id, tb),
        seatFreed!.run(async () => {
          await Enrolment.updateOne({ _id: a!._id }, { $set: { state: 'withdrawn' }, $unset: { seat: 1 } });
          await SeatClaim.deleteMany({ enrolment: a!._id });
        }),
        place(s.session, c!._id, tc),
      ]);
      // checked while that turn still holds its place in the queue
      const { seats, waits } = await holders(s.session._id);
      expect(seats).to.deep.equal([b!.id as string]);
      expect(waits).to.deep.equal([c!.id as string]);
      await expectConsistent(s.session._id, 1);
    } finally {
      onItsWay.release();
    }
  });

  it('keeps seats gap-free and the queue in turn order when someone withdraws in the middle of a burst', async () => {
    const capacity = 4;
    const s = await setting(capacity);
    const staff = [];
    for (let i = 0; i < capacity + 12; i++) staff.push(await buildUser({ institution: s.institution }));
    const actors = await Promise.all(
      staff.map(async (p) => toActor((await Person.findById(p._id).lean().orFail()) as Parameters<typeof toActor>[0])),
    );
    const sessionId = s.session.id as string;
    const [seated, newcomers] = [actors.slice(0, capacity), actors.slice(capacity)];
    for (const actor of seated) expect(await enrol(actor, sessionId)).to.equal('enrolled');

    // the newcomers reach the door in order; the second seated person withdraws once the
    // third newcomer has been placed, while the others' placements are still to come
    const turns = newcomers.map(() => reserveTurn(sessionId));
    const enrolled = newcomers.map((actor, i) => enrol(actor, sessionId, turns[i]));
    const withdrawn = enrolled[2]!.then(() => withdraw(seated[1]!, sessionId));
    const outcomes = await Promise.all(enrolled);
    await withdrawn;
    expect(outcomes).to.deep.equal(newcomers.map(() => 'waitlisted'));

    const { places } = await holders(s.session._id);
    const personOf = new Map(places.enrolments.map((e) => [e._id.toHexString(), e.person.toHexString()]));
    const held = (claims: { enrolment: Types.ObjectId }[]) =>
      claims.map((c) => personOf.get(c.enrolment.toHexString()));
    // the first newcomer, first to wait, took the freed seat 2; the rest wait in arrival order
    expect(held(places.seats)).to.deep.equal([seated[0], newcomers[0], seated[2], seated[3]].map((a) => a!.id));
    expect(held(places.waits)).to.deep.equal(newcomers.slice(1).map((a) => a.id));
    await expectConsistent(s.session._id, capacity);
    const positions = await Promise.all(places.waits.map((w) => waitlistPosition(s.session._id, w.enrolment)));
    expect(positions).to.deep.equal(numbers(newcomers.length - 1));
    expect(await Enrolment.countDocuments({ session: s.session._id, state: 'withdrawn' })).to.equal(1);
  });
});
