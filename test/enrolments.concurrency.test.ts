import { expect } from 'chai';
import type { Express } from 'express';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { promoteWaiting } from '../src/enrolments/enrolments.service.ts';
import { claimSeat, claimWaitlistPlace } from '../src/enrolments/placement.ts';
import mongoose from 'mongoose';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { buildApp } from './support/context.ts';
import { buildInstitution, buildTrainingSession, buildUser } from './support/factories.ts';
import { post, signIn, type Agent } from './support/http.ts';
import { placesOf } from './support/places.ts';

// Capacity and waitlist order under a burst: the correctness rests on unique inserts
// (decision 0002), so this runs the same on FerretDB as on MongoDB.

const BURST = 100;
const SEATS = 20;

describe('enrolment under concurrency', function () {
  this.timeout(300_000);
  let app: Express;

  before(async () => {
    app = await buildApp({ throttle: { perAccountAndAddress: 1000, perAddress: 10_000, perAccount: 1000 } });
  });

  async function staffAgents(institution: Awaited<ReturnType<typeof buildInstitution>>, count: number) {
    const people = [];
    for (let i = 0; i < count; i++) people.push(await buildUser({ institution }));
    const agents: Agent[] = [];
    for (let i = 0; i < count; i += 10) {
      agents.push(...(await Promise.all(people.slice(i, i + 10).map((p) => signIn(app, p.email!)))));
    }
    // each agent's CSRF token, fetched before the burst so that only the POSTs race
    const tokens = await Promise.all(
      agents.map(async (a) => /name="_csrf" value="([^"]+)"/.exec((await a.get('/account')).text)![1]!),
    );
    return { people, agents, tokens };
  }

  it(`seats exactly ${SEATS} of ${BURST} simultaneous requests and queues the rest in a gap-free order`, async () => {
    const institution = await buildInstitution();
    const session = await buildTrainingSession({ venue: institution, capacity: SEATS });
    const { agents, tokens } = await staffAgents(institution, BURST);

    const responses = await Promise.all(
      agents.map((agent, i) =>
        agent.post(`/sessions/${session.id}/enrolments/enrol`).type('form').send({ _csrf: tokens[i] }),
      ),
    );

    expect(responses.map((r) => r.status).filter((s) => s !== 303)).to.deep.equal([]);
    const places = await placesOf(session._id);
    expect(places.enrolments).to.have.length(BURST);
    const enrolled = places.byState('enrolled');
    const waiting = places.byState('waitlisted');
    expect(enrolled).to.have.length(SEATS);
    expect(waiting).to.have.length(BURST - SEATS);
    expect(enrolled.map((e) => e.seat).sort((a, b) => a! - b!)).to.deep.equal(
      Array.from({ length: SEATS }, (_, i) => i + 1),
    );
    expect(places.seats.map((s) => s.number)).to.deep.equal(Array.from({ length: SEATS }, (_, i) => i + 1));
    expect(waiting.map((e) => e.waitlistPosition).sort((a, b) => a! - b!)).to.deep.equal(
      Array.from({ length: BURST - SEATS }, (_, i) => i + 1),
    );
    expect(places.waits.map((w) => w.number)).to.deep.equal(Array.from({ length: BURST - SEATS }, (_, i) => i + 1));
    // nobody twice: one enrolment per person, one claim per enrolment
    expect(new Set(places.enrolments.map((e) => e.person.toHexString())).size).to.equal(BURST);
    const claimed = [...places.seats, ...places.waits].map((c) => c.enrolment.toHexString());
    expect(new Set(claimed).size).to.equal(BURST);
  });

  it('keeps seats and places unique without the in-process queue (the unique indexes alone)', async () => {
    const session = new mongoose.Types.ObjectId();
    const enrolments = Array.from({ length: 30 }, () => new mongoose.Types.ObjectId());
    const seats = await Promise.all(enrolments.map((e) => claimSeat(session, 5, e)));
    expect(seats.filter((n) => n !== undefined).sort()).to.deep.equal([1, 2, 3, 4, 5]);
    const late = enrolments.filter((_, i) => seats[i] === undefined);
    const places = await Promise.all(late.map((e) => claimWaitlistPlace(session, e)));
    expect([...places].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 25 }, (_, i) => i + 1));
    // the same enrolment claiming twice at once still holds one seat
    const twice = new mongoose.Types.ObjectId();
    const other = new mongoose.Types.ObjectId();
    const again = await Promise.all([
      claimSeat(other, 3, twice),
      claimSeat(other, 3, twice),
      claimSeat(other, 3, twice),
    ]);
    expect(new Set(again).size).to.equal(1);
  });

  it('answers a person who clicks enrol many times at once with one enrolment', async () => {
    const institution = await buildInstitution();
    const session = await buildTrainingSession({ venue: institution, capacity: 2 });
    const { agents, tokens } = await staffAgents(institution, 1);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        agents[0]!.post(`/sessions/${session.id}/enrolments/enrol`).type('form').send({ _csrf: tokens[0] }),
      ),
    );
    expect(responses.every((r) => r.status === 303)).to.equal(true);
    const places = await placesOf(session._id);
    expect(places.enrolments).to.have.length(1);
    expect(places.seats).to.have.length(1);
    expect(places.waits).to.have.length(0);
  });

  it('seats the first waiting people, in order, when seats free at the same time', async () => {
    const institution = await buildInstitution();
    const session = await buildTrainingSession({ venue: institution, capacity: 5 });
    const { agents, tokens } = await staffAgents(institution, 10);
    for (let i = 0; i < 10; i++) {
      await agents[i]!.post(`/sessions/${session.id}/enrolments/enrol`).type('form').send({ _csrf: tokens[i] });
    }
    // three seated people withdraw at once, and the capacity is raised by two meanwhile
    await TrainingSession.updateOne({ _id: session._id }, { $set: { capacity: 7 } });
    const withdrawals = await Promise.all(
      [0, 1, 2].map((i) =>
        agents[i]!.post(`/sessions/${session.id}/enrolments/withdraw`).type('form').send({ _csrf: tokens[i] }),
      ),
    );
    await promoteWaiting(session.id as string);
    expect(withdrawals.map((r) => r.status)).to.deep.equal([303, 303, 303]);
    const places = await placesOf(session._id);
    expect(places.byState('enrolled')).to.have.length(7);
    expect(places.byState('waitlisted')).to.have.length(0);
    expect(places.seats.map((s) => s.number)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    expect(await Enrolment.countDocuments({ session: session._id, state: 'withdrawn' })).to.equal(3);
  });

  it('a second signed-in request after the burst is told it is enrolled already', async () => {
    const institution = await buildInstitution();
    const session = await buildTrainingSession({ venue: institution, capacity: 1 });
    const { agents } = await staffAgents(institution, 1);
    await post(agents[0]!, `/sessions/${session.id}/enrolments/enrol`);
    const again = await post(agents[0]!, `/sessions/${session.id}/enrolments/enrol`);
    expect(again.status).to.equal(303);
    expect(await Enrolment.countDocuments({ session: session._id })).to.equal(1);
  });
});
