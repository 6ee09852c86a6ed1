import { expect } from 'chai';
import type { Express } from 'express';
import { peopleInSession } from '../src/enrolments/enrolment-queries.service.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { buildApp } from './support/context.ts';
import { buildInstitution, buildUser, type SessionSeed } from './support/factories.ts';
import { buildWorld } from './support/world.ts';
import { post, signIn } from './support/http.ts';
import { expectNoMissingTranslations, fieldError, optionValues, visibleText } from './page-helpers.ts';
import { placesOf } from './support/places.ts';

// Who may be enrolled, and how a place ends: a coordinator adds exactly who could enrol
// themselves (never themself, never the session's trainers); trainers cannot enrol in a session
// they teach; a removal says who removed; withdrawing asks first and says what becomes of the place.

const HOUR = 3_600_000;

describe('enrolments: who, and how a place ends', () => {
  let app: Express;
  before(async () => {
    app = await buildApp();
  });

  async function world(sessionFields: Omit<SessionSeed, 'venue' | 'module' | 'trainers'> = {}) {
    const w = await buildWorld({
      countries: { country: {} },
      institutions: { institution: { country: 'country' }, partner: { country: 'country' } },
      people: {
        coordinator: { roles: ['coordinator'], at: 'institution', scope: ['institution'] },
        partnerCoordinator: { roles: ['coordinator'], at: 'partner', scope: ['partner', 'institution'] },
      },
      sessions: { session: { at: 'institution', ...sessionFields } },
    });
    return { ...w.countries, ...w.institutions, ...w.sessions, ...w.people };
  }

  const enrolAs = async (email: string, sessionId: string) => {
    const agent = await signIn(app, email);
    const res = await post(agent, `/sessions/${sessionId}/enrolments/enrol`);
    return { agent, res };
  };

  it("offers exactly who could enrol themselves: staff of another prison of the country, not the session's trainers, nobody abroad", async () => {
    const { country, institution, session, coordinator } = await world();
    const prison = await buildInstitution({ country: country._id, name: 'Far Prison' });
    const neighbour = await buildUser({ institution: prison, fullName: 'Neighbour Person' });
    const trainer = await buildUser({ roles: ['trainer'], institution, fullName: 'Teaching Trainer' });
    const other = await buildUser({ roles: ['trainer'], institution, fullName: 'Other Trainer' });
    const abroad = await buildUser({ fullName: 'Abroad Person' });
    await TrainingSession.updateOne(
      { _id: session._id },
      { $set: { trainers: [{ person: trainer._id, lead: true }] } },
    );
    const boss = await signIn(app, coordinator.email!);
    const roster = `/sessions/${session.id as string}/enrolments`;
    const offered = async (query: string) => {
      const page = await boss.get(`${roster}${query}`).expect(200);
      return { ids: optionValues(page.text, 'person').filter(Boolean), text: visibleText(page.text) };
    };
    // without a search the venue's own people; the rest of the country through a search
    const venue = await offered('');
    expect(venue.ids).to.include(other.id);
    for (const left of [trainer.id, coordinator.id, neighbour.id]) expect(venue.ids).not.to.include(left);
    const searched = await offered('?q=neighbour');
    expect(searched.ids).to.deep.equal([neighbour.id]);
    expect(searched.text).to.include('Far Prison');
    expect((await offered('?q=trainer')).ids).to.deep.equal([other.id]);
    expect((await offered('?q=abroad')).ids).not.to.include(abroad.id);

    const teacher = await post(boss, roster, { person: trainer.id as string });
    expect(teacher.status).to.equal(422);
    expect(fieldError(teacher.text, 'person')).to.equal('Not found among the people you may enrol');
    expect((await post(boss, roster, { person: coordinator.id as string })).status).to.equal(422);
    expect((await post(boss, roster, { person: neighbour.id as string })).status).to.equal(303);
    expect(await peopleInSession(session.id as string)).to.deep.equal([neighbour.id]);
  });

  it("refuses a trainer's own enrolment in the session he teaches, and offers him no button", async () => {
    const { institution, session } = await world();
    const trainer = await buildUser({ roles: ['trainer'], institution });
    await TrainingSession.updateOne(
      { _id: session._id },
      { $set: { trainers: [{ person: trainer._id, lead: true }] } },
    );
    const agent = await signIn(app, trainer.email!);
    const page = await agent.get(`/sessions/${session.id as string}`).expect(200);
    expect(page.text).not.to.include('/enrolments/enrol"');
    expect(visibleText(page.text)).to.include('You teach this session.');
    const res = await post(agent, `/sessions/${session.id as string}/enrolments/enrol`);
    expect(res.status).to.equal(403);
    expect(await peopleInSession(session.id as string)).to.deep.equal([]);
  });

  it('says who ended a place: "Removed by <name>" to who may see the remover, "Withdrew" for one who left', async () => {
    const { institution, session, coordinator, partnerCoordinator } = await world();
    const left = await buildUser({ institution, fullName: 'Left Alone' });
    const removed = await buildUser({ institution, fullName: 'Put Out' });
    const alsoRemoved = await buildUser({ institution, fullName: 'Put Out Too' });
    const { agent: leaver } = await enrolAs(left.email!, session.id as string);
    const { agent: removedAgent } = await enrolAs(removed.email!, session.id as string);
    const { agent: otherAgent } = await enrolAs(alsoRemoved.email!, session.id as string);
    expect((await post(leaver, `/sessions/${session.id as string}/enrolments/withdraw`)).status).to.equal(303);
    const boss = await signIn(app, coordinator.email!);
    const partner = await signIn(app, partnerCoordinator.email!);
    const one = await Enrolment.findOne({ person: removed._id }).orFail();
    const two = await Enrolment.findOne({ person: alsoRemoved._id }).orFail();
    expect((await post(boss, `/enrolments/${one.id as string}/remove`)).status).to.equal(303);
    expect((await post(partner, `/enrolments/${two.id as string}/remove`)).status).to.equal(303);
    expect((await Enrolment.findById(one._id).orFail()).removedBy?.toHexString()).to.equal(coordinator.id);

    const roster = await boss.get(`/sessions/${session.id as string}/enrolments`).expect(200);
    expectNoMissingTranslations(roster.text);
    const ended = visibleText(/id="roster-ended"[\s\S]*?<\/section>/.exec(roster.text)![0]);
    expect(ended).to.include('Withdrew');
    expect(ended).to.include(`Removed by ${coordinator.fullName}`);
    // the partner's coordinator belongs to an institution the academy's coordinator does not see
    expect(ended).to.include('Removed by a coordinator');

    const mine = async (agent: typeof boss) => visibleText((await agent.get('/my-training').expect(200)).text);
    expect(await mine(removedAgent)).to.include(`Removed by ${coordinator.fullName}`);
    expect(await mine(otherAgent)).to.include('Removed by a coordinator');
    expect(await mine(otherAgent)).not.to.include(partnerCoordinator.fullName);
    expect(await mine(leaver)).to.include('Withdrew');
  });

  it('asks before withdrawing, on a page that says what becomes of a seat, a waiting place, a request', async () => {
    const { institution, session } = await world({ capacity: 1, startsAt: new Date(Date.now() + 240 * HOUR) });
    const seated = await buildUser({ institution });
    const waiting = await buildUser({ institution });
    const { agent } = await enrolAs(seated.email!, session.id as string);
    const { agent: waiter } = await enrolAs(waiting.email!, session.id as string);
    const withdraw = `/sessions/${session.id as string}/enrolments/withdraw`;

    const sessionPage = await agent.get(`/sessions/${session.id as string}`).expect(200);
    expect(sessionPage.text).to.include(`href="${withdraw}"`);
    expect(sessionPage.text).not.to.include(`action="${withdraw}"`);
    const confirm = await agent.get(withdraw).expect(200);
    expectNoMissingTranslations(confirm.text);
    const said = visibleText(confirm.text);
    expect(said).to.include(
      'You hold seat 1. If you withdraw, it goes at once to the first person on the waiting list',
    );
    expect(said).to.include('enrolment is closed: you cannot take a place back');
    expect(confirm.text).to.include(`action="${withdraw}"`);
    expect((await placesOf(session._id)).seats).to.have.length(1); // asking changed nothing

    expect(visibleText((await waiter.get(withdraw).expect(200)).text)).to.include(
      'You are number 1 on the waiting list. If you withdraw, you lose that place',
    );
    expect((await post(agent, withdraw)).status).to.equal(303);
    expect(await peopleInSession(session.id as string)).to.deep.equal([waiting.id]);
    // nothing to withdraw from any more: the page says so, with no button
    const after = await agent.get(withdraw).expect(200);
    expect(visibleText(after.text)).to.include('You are not enrolled in this session.');
    expect(after.text).not.to.include(`action="${withdraw}"`);
  });

  it('after the cut-off, the page says it is too late and offers no button', async () => {
    const { institution, session } = await world({
      startsAt: new Date(Date.now() + 24 * HOUR),
      withdrawalCutoffHours: 48,
    });
    const person = await buildUser({ institution });
    const { agent } = await enrolAs(person.email!, session.id as string);
    const page = await agent.get(`/sessions/${session.id as string}/enrolments/withdraw`).expect(200);
    expect(visibleText(page.text)).to.include('It is too late to withdraw');
    expect(page.text).not.to.include('class="danger"');
  });

  it('answers the confirmation page of a session one cannot see with 404', async () => {
    const { session } = await world({ status: 'draft' });
    const outsider = await buildUser({});
    const agent = await signIn(app, outsider.email!);
    expect((await agent.get(`/sessions/${session.id as string}/enrolments/withdraw`)).status).to.equal(404);
  });
});
