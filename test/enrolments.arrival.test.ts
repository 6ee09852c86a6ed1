import type { RequestListener } from 'node:http';
import { expect } from 'chai';
import type { Express } from 'express';
import type { Types } from 'mongoose';
import request from 'supertest';
import { buildApp } from './support/context.ts';
import { buildUser, DEFAULT_PASSWORD } from './support/factories.ts';
import { csrfToken, type Agent } from './support/http.ts';
import { placesOf } from './support/places.ts';
import { buildWorld } from './support/world.ts';

// Places in arrival order: a request that may place someone reserves its turn in the session's
// queue at the door (placement-door.ts), so however its login session, session load and insert
// race with the others', seats and waitlist places go out in the order the requests reached the
// app. A request refused (403, a 422 form) gives its turn up and holds nobody up.

const numbers = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('enrolment: places in arrival order', function () {
  this.timeout(300_000);
  let app: Express;
  /** The X-Arrival tags of requests, in the order the app received them. */
  const arrivals: string[] = [];
  const door: RequestListener = (req, res) => {
    const tag = req.headers['x-arrival'];
    if (typeof tag === 'string') arrivals.push(tag);
    app(req, res);
  };

  before(async () => {
    app = await buildApp({ throttle: { perAccountAndAddress: 1000, perAddress: 10_000, perAccount: 1000 } });
  });

  async function signedIn(email: string) {
    const agent: Agent = request.agent(door);
    const loginToken = await csrfToken(agent);
    const res = await agent.post('/login').type('form').send({ _csrf: loginToken, email, password: DEFAULT_PASSWORD });
    if (res.status !== 303) throw new Error(`sign-in as ${email} failed with ${res.status}`);
    // the form token fetched now, so that only the POSTs race
    return { agent, token: await csrfToken(agent, '/account') };
  }

  async function world(capacity: number) {
    const w = await buildWorld({
      countries: { country: {} },
      institutions: { institution: { country: 'country' } },
      people: {
        coordinator: { roles: ['coordinator'], at: 'institution', scope: ['institution'] },
        trainer: { roles: ['trainer'], at: 'institution' },
      },
      sessions: { session: { at: 'institution', capacity, trainers: ['trainer'] } },
    });
    return { ...w.institutions, ...w.sessions, ...w.people };
  }

  async function staff(institution: Awaited<ReturnType<typeof world>>['institution'], count: number) {
    const people = [];
    for (let i = 0; i < count; i++) people.push(await buildUser({ institution }));
    return people;
  }

  /** Each place's holder, seats then waitlist, checked gap-free and agreeing with the enrolments. */
  async function placedPeople(session: Types.ObjectId, seats: number, waiting: number) {
    const places = await placesOf(session);
    expect(places.byState('enrolled')).to.have.length(seats);
    expect(places.byState('waitlisted')).to.have.length(waiting);
    expect(places.seats.map((s) => s.number)).to.deep.equal(numbers(seats));
    expect(places.waits.map((w) => w.number)).to.deep.equal(numbers(waiting));
    const positions = places.byState('waitlisted').map((e) => e.waitlistPosition);
    expect(positions.sort((a, b) => a! - b!)).to.deep.equal(numbers(waiting));
    const byId = new Map(places.enrolments.map((e) => [e._id.toHexString(), e]));
    return [...places.seats, ...places.waits].map((c) => byId.get(c.enrolment.toHexString())!.person.toHexString());
  }

  /** The arrival ranks of the requests that placed these people, in place order: rising if first come is first served. */
  function arrivalRanks(placed: string[], tagOf: Map<string, string>) {
    return placed.map((person) => arrivals.indexOf(tagOf.get(person)!));
  }

  const rising = (ranks: number[]) => ranks.every((rank, i) => rank >= 0 && (i === 0 || rank > ranks[i - 1]!));

  it('seats exactly the capacity, queues the rest 1..n in arrival order, and a refused request holds nobody up', async () => {
    const SEATS = 4;
    const { institution, session, trainer } = await world(SEATS);
    const people = await staff(institution, 24);
    // the session's trainer may not enrol in it (403), and asks first
    const agents = await Promise.all([trainer, ...people].map((p) => signedIn(p.email!)));
    const tagOf = new Map(people.map((p, i) => [p.id as string, String(i + 1)]));

    arrivals.length = 0;
    const responses = await Promise.all(
      agents.map(({ agent, token }, i) =>
        agent
          .post(`/sessions/${session.id as string}/enrolments/enrol`)
          .set('X-Arrival', String(i))
          .type('form')
          .send({ _csrf: token }),
      ),
    );

    expect(responses[0]!.status).to.equal(403);
    expect(responses.slice(1).map((r) => r.status)).to.deep.equal(people.map(() => 303));
    const placed = await placedPeople(session._id, SEATS, people.length - SEATS);
    const ranks = arrivalRanks(placed, tagOf);
    expect(rising(ranks), `arrival ranks in place order: ${ranks.join(' ')}`).to.equal(true);
  });

  it("serves the coordinator's add-one through the same door, a refused add holding nobody up", async () => {
    const SEATS = 2;
    const { institution, session, coordinator } = await world(SEATS);
    const [added, ...selves] = await staff(institution, 7);
    const stranger = await buildUser(); // not among the people the coordinator may add: 422
    const boss = await signedIn(coordinator.email!);
    const bossAgain = await signedIn(coordinator.email!);
    const agents = await Promise.all(selves.map((p) => signedIn(p.email!)));
    const tagOf = new Map(selves.map((p, i) => [p.id as string, `self ${i}`]));
    tagOf.set(added!.id as string, 'add');

    arrivals.length = 0;
    const roster = `/sessions/${session.id as string}/enrolments`;
    const [refused, add, ...responses] = await Promise.all([
      bossAgain.agent
        .post(roster)
        .set('X-Arrival', 'refused add')
        .type('form')
        .send({ _csrf: bossAgain.token, person: stranger.id as string }),
      boss.agent
        .post(roster)
        .set('X-Arrival', 'add')
        .type('form')
        .send({ _csrf: boss.token, person: added!.id as string }),
      ...agents.map(({ agent, token }, i) =>
        agent.post(`${roster}/enrol`).set('X-Arrival', `self ${i}`).type('form').send({ _csrf: token }),
      ),
    ]);

    expect(refused!.status).to.equal(422);
    expect(add!.status).to.equal(303);
    expect(responses.map((r) => r.status)).to.deep.equal(selves.map(() => 303));
    const placed = await placedPeople(session._id, SEATS, selves.length + 1 - SEATS);
    expect(placed).to.include(added!.id as string);
    const ranks = arrivalRanks(placed, tagOf);
    expect(rising(ranks), `arrival ranks in place order: ${ranks.join(' ')}`).to.equal(true);
  });
});
