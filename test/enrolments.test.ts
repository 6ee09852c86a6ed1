import path from 'node:path';
import { expect } from 'chai';
import ejs from 'ejs';
import type { Express } from 'express';
import {
  CANDIDATES_SHOWN,
  enrolmentPanel,
  fillRates,
  peopleInSession,
} from '../src/enrolments/enrolment-queries.service.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { promoteWaiting, releaseCancelledSession } from '../src/enrolments/enrolments.service.ts';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { formatInstant } from '../src/sessions/session-times.ts';
import { Person } from '../src/people/person.model.ts';
import { toActor } from '../src/people/people.service.ts';
import { buildApp, testConfig, testI18n } from './support/context.ts';
import {
  buildCountry,
  buildInstitution,
  buildTrainingSession,
  buildUser,
  type SessionSeed,
} from './support/factories.ts';
import { buildWorld } from './support/world.ts';
import { post, signIn } from './support/http.ts';
import { expectNoMissingTranslations, fieldError, optionValues, visibleText } from './page-helpers.ts';
import { placesOf } from './support/places.ts';

const HOUR = 3_600_000;

describe('enrolments', () => {
  let app: Express;
  before(async () => {
    app = await buildApp();
  });

  async function world(sessionFields: Omit<SessionSeed, 'venue' | 'module' | 'trainers'> = {}) {
    const w = await buildWorld({
      countries: { country: {} },
      institutions: { institution: { country: 'country' } },
      people: { coordinator: { roles: ['coordinator'], at: 'institution', scope: ['institution'] } },
      sessions: { session: { at: 'institution', ...sessionFields } },
    });
    return { ...w.countries, ...w.institutions, ...w.sessions, ...w.people };
  }

  const enrolAs = async (email: string, sessionId: string) => {
    const agent = await signIn(app, email);
    const res = await post(agent, `/sessions/${sessionId}/enrolments/enrol`);
    return { agent, res };
  };

  describe('self-enrolment', () => {
    it('seats staff of the same country, then waitlists them when full, and shows their place', async () => {
      const { institution, session } = await world({ capacity: 1 });
      const first = await buildUser({ institution });
      const elsewhere = await buildInstitution({ country: institution.country });
      const second = await buildUser({ institution: elsewhere });
      const a = await enrolAs(first.email!, session.id as string);
      expect(a.res.status).to.equal(303);
      expect(a.res.headers.location).to.equal(`/sessions/${session.id as string}`);
      const b = await enrolAs(second.email!, session.id as string);
      expect(b.res.status).to.equal(303);
      const places = await placesOf(session._id);
      expect(places.byState('enrolled').map((e) => e.person.toHexString())).to.deep.equal([first.id]);
      expect(places.byState('waitlisted').map((e) => e.waitlistPosition)).to.deep.equal([1]);

      const actor = await actorOf(second.email!);
      const panel = await enrolmentPanel(actor, session);
      expect(panel?.state).to.equal('waitlisted');
      expect(panel?.position).to.equal(1);

      const page = await b.agent.get('/my-training');
      expect(page.status).to.equal(200);
      expectNoMissingTranslations(page.text);
      expect(visibleText(page.text)).to.include('You are number 1 on the waiting list');
      expect(visibleText(page.text)).to.include('(UTC)');
      // the date in the reader's language
      await Person.updateOne({ _id: second._id }, { $set: { language: 'fr' } });
      const french = visibleText((await b.agent.get('/my-training')).text);
      expect(french).to.include(formatInstant(session.startsAt, 'UTC', 'fr'));
    });

    it('a session of another country or a draft is 404, like its page; one not open or outside its window is a flash', async () => {
      const { session } = await world();
      const stranger = await buildUser({
        institution: await buildInstitution({ country: (await buildCountry({ code: 'ZZ' }))._id }),
      });
      const { agent: strangerAgent, res } = await enrolAs(stranger.email!, session.id as string);
      // was 403 ("not offered to you"), which told a session exists that the page denies
      expect(res.status).to.equal(404);
      await strangerAgent.get(`/sessions/${session.id as string}`).expect(404);

      const { institution, session: draft } = await world({ status: 'draft' });
      const person = await buildUser({ institution });
      const hidden = await enrolAs(person.email!, draft.id as string);
      await hidden.agent.get(`/sessions/${draft.id as string}`).expect(404);
      expect(hidden.res.status).to.equal(404);

      const started = await buildTrainingSession({ venue: institution, status: 'in_progress' });
      const refused = await post(hidden.agent, `/sessions/${started.id as string}/enrolments/enrol`);
      expect(refused.status).to.equal(303);
      const page = await hidden.agent.get('/my-training');
      expect(visibleText(page.text)).to.include('not open for enrolment');

      const closed = await buildTrainingSession({ venue: institution, enrolmentClosesAt: new Date(Date.now() - HOUR) });
      await post(hidden.agent, `/sessions/${closed.id as string}/enrolments/enrol`);
      const notYet = await buildTrainingSession({ venue: institution, enrolmentOpensAt: new Date(Date.now() + HOUR) });
      await post(hidden.agent, `/sessions/${notYet.id as string}/enrolments/enrol`);
      expect(await Enrolment.countDocuments({})).to.equal(0);
    });

    it('a trainer whose scope holds a venue of another country cannot enrol in a session there they cannot see', async () => {
      const { institution, session } = await world();
      const home = await buildInstitution({ country: (await buildCountry({ code: 'YY' }))._id });
      const trainer = await buildUser({
        roles: ['trainer'],
        institution: home,
        scopeInstitutions: [home, institution],
      });
      const { agent, res } = await enrolAs(trainer.email!, session.id as string);
      await agent.get(`/sessions/${session.id as string}`).expect(404);
      expect(res.status).to.equal(404);
      expect((await post(agent, `/sessions/${session.id as string}/enrolments/withdraw`)).status).to.equal(404);
      expect(await Enrolment.countDocuments({})).to.equal(0);
    });

    it('shows Almaty times in Almaty time, named', async () => {
      const { institution } = await world();
      const session = await buildTrainingSession({
        venue: institution,
        timeZone: 'Asia/Almaty',
        startsAt: new Date('2040-03-03T04:00:00Z'),
      });
      const person = await buildUser({ institution });
      const { agent } = await enrolAs(person.email!, session.id as string);
      const page = await agent.get('/my-training');
      expect(visibleText(page.text)).to.match(/3 Mar 2040, (09|10):00 \(Asia\/Almaty\)/);
    });

    it('lets a withdrawn person come back, at the end of the queue', async () => {
      const { institution, session } = await world({ capacity: 1 });
      const [a, b] = [await buildUser({ institution }), await buildUser({ institution })];
      const first = await enrolAs(a.email!, session.id as string);
      await enrolAs(b.email!, session.id as string);
      await post(first.agent, `/sessions/${session.id as string}/enrolments/withdraw`);
      // b was promoted into the freed seat; a comes back on the waitlist
      await post(first.agent, `/sessions/${session.id as string}/enrolments/enrol`);
      const places = await placesOf(session._id);
      expect(places.byState('enrolled').map((e) => e.person.toHexString())).to.deep.equal([b.id]);
      expect(places.byState('waitlisted').map((e) => e.person.toHexString())).to.deep.equal([a.id]);
      expect(places.enrolments).to.have.length(2);
    });
  });

  describe('withdrawal and promotion', () => {
    it('promotes the first waiting person when a seat frees, and when capacity is raised', async () => {
      const { institution, session } = await world({ capacity: 1 });
      const people = [
        await buildUser({ institution }),
        await buildUser({ institution }),
        await buildUser({ institution }),
      ];
      const agents = [];
      for (const p of people) agents.push((await enrolAs(p.email!, session.id as string)).agent);
      const res = await post(agents[0]!, `/sessions/${session.id as string}/enrolments/withdraw`);
      expect(res.status).to.equal(303);
      let places = await placesOf(session._id);
      expect(places.byState('enrolled').map((e) => [e.person.toHexString(), e.seat])).to.deep.equal([
        [people[1]!.id, 1],
      ]);

      await TrainingSession.updateOne({ _id: session._id }, { $set: { capacity: 2 } });
      await promoteWaiting(session.id as string);
      places = await placesOf(session._id);
      expect(
        places
          .byState('enrolled')
          .map((e) => e.person.toHexString())
          .sort(),
      ).to.deep.equal([people[1]!.id, people[2]!.id].sort());
      expect(places.waits).to.have.length(0);
      const rates = await fillRates([{ _id: session._id, capacity: 2 }]);
      expect(rates.get(session.id as string)).to.deep.equal({ seated: 2, capacity: 2, waiting: 0, requested: 0 });
    });

    it('refuses a seated person after the cut-off but lets a coordinator remove them', async () => {
      const { institution, session, coordinator } = await world({
        startsAt: new Date(Date.now() + 24 * HOUR),
        withdrawalCutoffHours: 48,
      });
      const person = await buildUser({ institution });
      const { agent } = await enrolAs(person.email!, session.id as string);
      await post(agent, `/sessions/${session.id as string}/enrolments/withdraw`);
      const enrolment = await Enrolment.findOne({ person: person._id }).orFail();
      expect(enrolment.state).to.equal('enrolled');
      const page = await agent.get('/my-training');
      expect(visibleText(page.text)).to.include('withdrawals close 48 hours before the start');
      const sessionPage = await agent.get(`/sessions/${session.id as string}`).expect(200);
      expect(visibleText(sessionPage.text)).to.include('You can withdraw yourself until 48 hours before the start.');

      const boss = await signIn(app, coordinator.email!);
      const confirm = await boss.get(`/enrolments/${enrolment.id as string}/remove`);
      expect(confirm.status).to.equal(200);
      expect(visibleText(confirm.text)).to.include(person.fullName);
      const removed = await post(boss, `/enrolments/${enrolment.id as string}/remove`);
      expect(removed.status).to.equal(303);
      expect((await Enrolment.findById(enrolment._id).orFail()).state).to.equal('withdrawn');
      expect((await placesOf(session._id)).seats).to.have.length(0);
    });
  });

  describe('approval', () => {
    it('turns a self-enrolment into a request; approval seats or waitlists, decline declines', async () => {
      const { institution, session, coordinator } = await world({ requiresApproval: true, capacity: 1 });
      const [a, b, c] = [
        await buildUser({ institution }),
        await buildUser({ institution }),
        await buildUser({ institution }),
      ];
      for (const p of [a, b, c]) await enrolAs(p.email!, session.id as string);
      let places = await placesOf(session._id);
      expect(places.byState('requested')).to.have.length(3);
      expect(places.seats).to.have.length(0);

      const boss = await signIn(app, coordinator.email!);
      const list = await boss.get('/enrolments/approvals');
      expect(list.status).to.equal(200);
      expectNoMissingTranslations(list.text);
      expect(visibleText(list.text)).to.include(a.fullName);
      const id = (person: { _id: unknown }) => places.enrolments.find((e) => e.person.equals(person._id as never))!._id;
      expect(
        (await post(boss, `/enrolments/${id(a).toHexString()}/approve`, { back: '/enrolments/approvals' })).status,
      ).to.equal(303);
      await post(boss, `/enrolments/${id(b).toHexString()}/approve`);
      await post(boss, `/enrolments/${id(c).toHexString()}/decline`);
      // deciding twice is refused with a message, not an error page
      const again = await post(boss, `/enrolments/${id(c).toHexString()}/approve`);
      expect(again.status).to.equal(303);
      places = await placesOf(session._id);
      expect(places.byState('enrolled').map((e) => e.person.toHexString())).to.deep.equal([a.id]);
      expect(places.byState('waitlisted').map((e) => e.person.toHexString())).to.deep.equal([b.id]);
      expect(places.byState('declined').map((e) => e.person.toHexString())).to.deep.equal([c.id]);
    });

    it('refuses approvals to staff, trainers and coordinators of another scope', async () => {
      const { institution, session } = await world({ requiresApproval: true });
      const person = await buildUser({ institution });
      await enrolAs(person.email!, session.id as string);
      const enrolment = await Enrolment.findOne({ person: person._id }).orFail();
      const staff = await signIn(app, person.email!);
      expect((await post(staff, `/enrolments/${enrolment.id as string}/approve`)).status).to.equal(403);
      expect((await staff.get('/enrolments/approvals')).status).to.equal(403);
      const other = await buildInstitution();
      const stranger = await buildUser({ roles: ['coordinator'], institution: other, scopeInstitutions: [other] });
      const strangerAgent = await signIn(app, stranger.email!);
      expect((await post(strangerAgent, `/enrolments/${enrolment.id as string}/approve`)).status).to.equal(404);
      expect(visibleText((await strangerAgent.get('/enrolments/approvals')).text)).to.not.include(person.fullName);
      expect((await Enrolment.findById(enrolment._id).orFail()).state).to.equal('requested');
    });
  });

  describe('roster', () => {
    it('shows contact details to coordinators of the scope only, exports a safe CSV', async () => {
      const { institution, session, coordinator } = await world();
      const person = await buildUser({ institution, fullName: '=HYPERLINK("x")', serviceNumber: 'SN-1' });
      await enrolAs(person.email!, session.id as string);
      const trainer = await buildUser({ roles: ['trainer'], institution });
      await TrainingSession.updateOne(
        { _id: session._id },
        { $set: { trainers: [{ person: trainer._id, lead: true }] } },
      );

      const boss = await signIn(app, coordinator.email!);
      const page = await boss.get(`/sessions/${session.id as string}/enrolments`);
      expect(page.status).to.equal(200);
      expectNoMissingTranslations(page.text);
      expect(visibleText(page.text)).to.include(person.email!);
      expect(page.text).to.include(`action="/sessions/${session.id as string}/enrolments/upload"`);

      const trainerPage = await (await signIn(app, trainer.email!)).get(`/sessions/${session.id as string}/enrolments`);
      expect(trainerPage.status).to.equal(200);
      expect(visibleText(trainerPage.text)).to.include(person.fullName);
      expect(visibleText(trainerPage.text)).to.not.include(person.email!);

      const staffPage = await (await signIn(app, person.email!)).get(`/sessions/${session.id as string}/enrolments`);
      expect(staffPage.status).to.equal(403); // sees the session, may not read its roster (decision 0009)

      const csv = await boss.get(`/sessions/${session.id as string}/enrolments.csv`);
      expect(csv.status).to.equal(200);
      expect(csv.headers['content-type']).to.match(/^text\/csv/);
      expect(csv.headers['content-disposition']).to.match(/^attachment/);
      expect(csv.text.charCodeAt(0)).to.equal(0xfeff);
      expect(csv.text).to.include(`"'=HYPERLINK(""x"")"`);
      expect(csv.text).to.include('SN-1');
    });

    it('lists people to add by words and institution, leaves out those in already, and says when it shows only some', async () => {
      const { country, institution, session, coordinator } = await world();
      const annex = await buildInstitution({ country: country._id, name: 'Annex Prison' });
      await Person.updateOne({ _id: coordinator._id }, { $push: { scopeInstitutions: annex._id } });
      const amina = await buildUser({ institution, fullName: 'Amina Okello', serviceNumber: 'UG-77' });
      const bakhyt = await buildUser({ institution: annex, fullName: 'Bakhyt Amanov' });
      const inside = await buildUser({ institution, fullName: 'Already Inside' });
      await enrolAs(inside.email!, session.id as string);
      const boss = await signIn(app, coordinator.email!);
      const roster = `/sessions/${session.id as string}/enrolments`;
      const offered = async (query: string) => {
        const page = await boss.get(`${roster}?${query}`).expect(200);
        return { ids: optionValues(page.text, 'person').filter(Boolean), text: visibleText(page.text) };
      };
      const venueOnly = "Without a search, only the people of the session's venue are listed.";

      // without a search: the venue's own people, and a word that a search finds the others
      const all = await offered('');
      expect(all.ids).to.include(amina.id);
      expect(all.ids, 'of another institution: found by a search').not.to.include(bakhyt.id);
      expect(all.ids).not.to.include(inside.id);
      expect(all.ids, 'the coordinator enrols through the session page').not.to.include(coordinator.id);
      expect(all.text).to.include(venueOnly);
      expect(all.text).not.to.include('Narrow the search');
      // a search reaches the country: by the start of a word of the name or the service number
      expect((await offered('q=ug-77')).ids).to.deep.equal([amina.id]);
      expect((await offered('q=bakh')).ids).to.deep.equal([bakhyt.id]);
      expect((await offered('q=bakh')).text).not.to.include(venueOnly);
      expect((await offered('q=akhyt')).ids, 'not the middle of a word').to.deep.equal([]);
      expect((await offered('q=already')).ids, 'in already').to.deep.equal([]);
      expect((await offered(`institution=${annex.id as string}`)).ids).to.deep.equal([bakhyt.id]);
      expect((await offered(`institution=${annex.id as string}&q=amina`)).ids).to.deep.equal([]);
      const elsewhere = await buildInstitution({ country: country._id });
      expect((await offered(`institution=${elsewhere.id as string}`)).ids).to.deep.equal([]);
      // abroad: out of reach, whatever the search
      const abroad = await buildUser({ fullName: 'Bakhyt Abroad' });
      expect((await offered('q=bakhyt')).ids).to.deep.equal([bakhyt.id]);
      expect((await offered('q=abroad')).ids).not.to.include(abroad.id);

      const crowd = await Person.insertMany(
        Array.from({ length: CANDIDATES_SHOWN }, (_, i) => ({
          fullName: `Crowd ${String(i).padStart(3, '0')}`,
          institution: institution._id,
          country: country._id,
          roles: ['staff'],
        })),
      );
      const many = await offered('');
      expect(many.ids).to.have.length(CANDIDATES_SHOWN);
      expect(many.text).to.include(`Only the first ${CANDIDATES_SHOWN} people who match are listed.`);
      expect((await offered('q=Crowd%20199')).ids).to.deep.equal([crowd[199]!.id]);
      // all of them, and no more: the message stays away
      const searched = await offered('q=crowd');
      expect(searched.ids).to.have.length(CANDIDATES_SHOWN);
      expect(searched.text).not.to.include('Narrow the search');
    });

    it('adds one person, and refuses one who could not enrol themselves beside the field exactly like an unknown id', async () => {
      const { country, institution, session, coordinator } = await world();
      const person = await buildUser({ institution });
      const outsider = await buildUser({ fullName: 'Outside Person' });
      // a trainer of the country whose scope holds the venue, but who teaches it
      const neighbour = await buildUser({
        roles: ['trainer'],
        institution: await buildInstitution({ country: country._id }),
        fullName: 'Neighbour Person',
      });
      await TrainingSession.updateOne({ _id: session._id }, { $set: { trainers: [{ person: neighbour._id }] } });
      const boss = await signIn(app, coordinator.email!);
      const added = await post(boss, `/sessions/${session.id as string}/enrolments`, { person: person.id as string });
      expect(added.status).to.equal(303);
      const errors: (string | undefined)[] = [];
      for (const id of [outsider.id as string, neighbour.id as string, '0123456789abcdef01234567']) {
        const refused = await post(boss, `/sessions/${session.id as string}/enrolments`, { person: id });
        expect(refused.status).to.equal(422);
        expect(visibleText(refused.text)).not.to.include('Outside Person');
        expect(visibleText(refused.text)).not.to.include('Neighbour Person');
        errors.push(fieldError(refused.text, 'person'));
      }
      expect(errors).to.deep.equal(Array(3).fill('Not found among the people you may enrol'));
      const empty = await post(boss, `/sessions/${session.id as string}/enrolments`, { person: '' });
      expect(empty.status).to.equal(422);
      expect(await peopleInSession(session.id as string)).to.deep.equal([person.id]);
      const staff = await signIn(app, person.email!);
      expect(
        (await post(staff, `/sessions/${session.id as string}/enrolments`, { person: person.id as string })).status,
      ).to.equal(403);
    });
  });

  it('renders the session page panel: place, position and the buttons as CSRF forms', async () => {
    const { institution, session } = await world({ capacity: 1 });
    const [a, b, c] = [
      await buildUser({ institution }),
      await buildUser({ institution }),
      await buildUser({ institution }),
    ];
    await enrolAs(a.email!, session.id as string);
    await enrolAs(b.email!, session.id as string);
    const i18n = await testI18n();
    const render = async (email: string) =>
      ejs.renderFile(path.join(testConfig.projectRoot, 'views/enrolments/_panel.ejs'), {
        panel: await enrolmentPanel(await actorOf(email), session),
        session,
        t: i18n.getFixedT('en'),
        csrfToken: () => 'token',
      });
    const waiting = visibleText(await render(b.email!));
    expect(waiting).to.include('You are number 1 on the waiting list');
    expect(waiting).to.include('Withdraw');
    const newcomer = await render(c.email!);
    expect(newcomer).to.include(`action="/sessions/${session.id as string}/enrolments/enrol"`);
    expect(newcomer).to.include('name="_csrf" value="token"');
    expect(visibleText(newcomer)).to.include('Join the waiting list');
    expect(visibleText(await render(a.email!))).to.include('You are enrolled (seat 1)');
  });

  it('cancellation releases everyone', async () => {
    const { institution, session } = await world({ capacity: 1 });
    const [a, b] = [await buildUser({ institution }), await buildUser({ institution })];
    await enrolAs(a.email!, session.id as string);
    await enrolAs(b.email!, session.id as string);
    await TrainingSession.updateOne({ _id: session._id }, { $set: { status: 'cancelled' } });
    await releaseCancelledSession(session);
    const places = await placesOf(session._id);
    expect(places.byState('cancelled')).to.have.length(2);
    expect(places.seats).to.have.length(0);
    expect(places.waits).to.have.length(0);
    expect(await peopleInSession(session.id as string)).to.deep.equal([]);
  });
});

async function actorOf(email: string) {
  return toActor(await Person.findOne({ email }).orFail());
}
