import { expect } from 'chai';
import type { Express } from 'express';
import mongoose from 'mongoose';
import { fillRates } from '../src/enrolments/enrolment-queries.service.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { releaseCancelledSession } from '../src/enrolments/enrolments.service.ts';
import { placesChanged } from '../src/enrolments/places-summary.ts';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { buildApp } from './support/context.ts';
import { buildUser } from './support/factories.ts';
import { post, signIn } from './support/http.ts';
import { buildWorld } from './support/world.ts';

// The counts the lists show are kept on each session (src/enrolments/places-summary.ts): every
// change of a place leaves them equal to the enrolments' own states, a session counted before
// the counts were kept is counted when first listed, and a session page puts wrong counts right.

describe('places kept on the session for the lists', () => {
  let app: Express;
  before(async () => {
    app = await buildApp();
  });

  async function world(fields: { capacity: number; requiresApproval?: boolean }) {
    const w = await buildWorld({
      countries: { country: {} },
      institutions: { institution: { country: 'country' } },
      people: { coordinator: { roles: ['coordinator'], at: 'institution', scope: ['institution'] } },
      sessions: { session: { at: 'institution', ...fields } },
    });
    return { ...w.institutions, ...w.sessions, ...w.people };
  }

  const oid = (id: unknown) => new mongoose.Types.ObjectId(String(id));
  const kept = async (id: unknown) => (await TrainingSession.findById(id).lean())?.places;
  const counted = async (id: unknown) => {
    const rows = await Enrolment.find({ session: oid(id) }).lean();
    const n = (state: string) => rows.filter((r) => r.state === state).length;
    return { seated: n('enrolled'), waiting: n('waitlisted'), requested: n('requested') };
  };

  it('follow enrolling, waiting, withdrawing, a removal and a cancellation', async () => {
    const { institution, session, coordinator } = await world({ capacity: 2 });
    const id = session.id as string;
    const people = await Promise.all([0, 1, 2, 3].map(() => buildUser({ institution })));
    for (const person of people) {
      expect((await post(await signIn(app, person.email!), `/sessions/${id}/enrolments/enrol`)).status).to.equal(303);
    }
    expect(await kept(id)).to.deep.equal({ seated: 2, waiting: 2, requested: 0 });

    // a seated person withdraws: the first waiting takes the seat
    await post(await signIn(app, people[0]!.email!), `/sessions/${id}/enrolments/withdraw`);
    expect(await kept(id)).to.deep.equal({ seated: 2, waiting: 1, requested: 0 });
    expect(await kept(id)).to.deep.equal(await counted(id));

    const boss = await signIn(app, coordinator.email!);
    const waiting = await Enrolment.findOne({ session: oid(id), state: 'waitlisted' });
    expect((await post(boss, `/enrolments/${waiting!.id as string}/remove`)).status).to.equal(303);
    expect(await kept(id)).to.deep.equal({ seated: 2, waiting: 0, requested: 0 });

    await releaseCancelledSession(session);
    expect(await kept(id)).to.deep.equal({ seated: 0, waiting: 0, requested: 0 });
    expect(await kept(id)).to.deep.equal(await counted(id));
  });

  it('follow requests, their approval and their decline', async () => {
    const { institution, session, coordinator } = await world({ capacity: 1, requiresApproval: true });
    const id = session.id as string;
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => buildUser({ institution })));
    for (const person of [a, b, c]) await post(await signIn(app, person!.email!), `/sessions/${id}/enrolments/enrol`);
    expect(await kept(id)).to.deep.equal({ seated: 0, waiting: 0, requested: 3 });
    const boss = await signIn(app, coordinator.email!);
    const requestOf = async (person: { _id: unknown }) =>
      (await Enrolment.findOne({ session: oid(id), person: oid(person._id) }))!.id as string;
    await post(boss, `/enrolments/${await requestOf(a!)}/approve`);
    await post(boss, `/enrolments/${await requestOf(b!)}/approve`);
    await post(boss, `/enrolments/${await requestOf(c!)}/decline`);
    expect(await kept(id)).to.deep.equal({ seated: 1, waiting: 1, requested: 0 });
  });

  it('stay right when many enrol at once', async () => {
    const { institution, session } = await world({ capacity: 3 });
    const id = session.id as string;
    const people = await Promise.all(Array.from({ length: 10 }, () => buildUser({ institution })));
    const agents = await Promise.all(people.map((p) => signIn(app, p.email!)));
    await Promise.all(agents.map((agent) => post(agent, `/sessions/${id}/enrolments/enrol`)));
    expect(await kept(id)).to.deep.equal({ seated: 3, waiting: 7, requested: 0 });
  });

  it('a session never counted is counted when first listed, and the counts recorded', async () => {
    const { institution, session } = await world({ capacity: 2 });
    const person = await buildUser({ institution });
    await post(await signIn(app, person.email!), `/sessions/${session.id as string}/enrolments/enrol`);
    await TrainingSession.updateOne({ _id: session._id }, { $unset: { places: 1 } });
    const rates = await fillRates([{ _id: session._id, capacity: 2 }]);
    expect(rates.get(session.id as string)).to.deep.equal({ seated: 1, capacity: 2, waiting: 0, requested: 0 });
    expect(await kept(session._id)).to.deep.equal({ seated: 1, waiting: 0, requested: 0 });
  });

  it('the session page puts counts right that a missed recount left wrong', async () => {
    const { institution, session } = await world({ capacity: 2 });
    const person = await buildUser({ institution });
    const agent = await signIn(app, person.email!);
    await post(agent, `/sessions/${session.id as string}/enrolments/enrol`);
    await TrainingSession.updateOne(
      { _id: session._id },
      { $set: { places: { seated: 9, waiting: 9, requested: 9 } } },
    );
    expect((await agent.get(`/sessions/${session.id as string}`)).status).to.equal(200);
    expect(await kept(session._id)).to.deep.equal({ seated: 1, waiting: 0, requested: 0 });
  });

  it('a recount asked while one is queued is the same recount; neither moves the revision', async () => {
    const { session } = await world({ capacity: 2 });
    const before = await TrainingSession.findById(session._id).lean();
    await Promise.all([placesChanged(session._id), placesChanged(session._id), placesChanged(session._id)]);
    const after = await TrainingSession.findById(session._id).lean();
    expect(after!.places).to.deep.equal({ seated: 0, waiting: 0, requested: 0 });
    expect(after!.__v).to.equal(before!.__v);
    expect(after!.updatedAt.getTime()).to.equal(before!.updatedAt.getTime());
  });
});
