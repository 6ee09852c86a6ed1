import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { CalendarFeed } from '../src/calendar/calendar-feed.model.ts';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { Person } from '../src/people/person.model.ts';
import { buildApp } from './support/context.ts';
import { signIn, post, type Agent } from './support/http.ts';
import { expectNoMissingTranslations, links, visibleText } from './page-helpers.ts';
import { sessionForm, sessionIn, sessionsWorld, type World } from './support/sessions.ts';

// The calendar pages, "My teaching", and iCalendar files and feeds read back.

type Event = Record<string, string>;

/** A small iCalendar reader: unfolds lines, splits NAME;PARAMS:VALUE, returns each VEVENT. */
function parseIcs(text: string): Event[] {
  const lines = text.replace(/\r\n[ \t]/g, '').split(/\r\n/);
  const events: Event[] = [];
  let current: Event | undefined;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT' && current) {
      events.push(current);
      current = undefined;
    } else if (current) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).split(';')[0]!;
      current[name] = line.slice(colon + 1);
    }
  }
  return events;
}

describe('calendar', () => {
  let app: Express;
  let w: World;
  const agents: Partial<Record<keyof World['people'], Agent>> = {};

  before(async () => {
    app = await buildApp();
  });

  beforeEach(async () => {
    w = await sessionsWorld();
    for (const key of Object.keys(agents)) delete agents[key as keyof World['people']];
  });

  async function as(who: keyof World['people']): Promise<Agent> {
    agents[who] ??= await signIn(app, w.people[who].email!);
    return agents[who];
  }

  describe('calendar: pages', () => {
    it('the month view puts each day in its local date, with prev/next links and filters', async () => {
      await sessionIn(w, {
        days: [
          { date: '2026-03-02', start: '09:00', end: '17:00' },
          { date: '2026-03-03', start: '09:00', end: '12:00' },
        ],
      });
      const draft = await sessionIn(w, {
        status: 'draft',
        module: w.modules.national,
        days: [{ date: '2026-03-10', start: '09:00', end: '10:00' }],
      });
      const staff = await as('staff');
      const page = await staff.get('/calendar?month=2026-03').expect(200);
      expectNoMissingTranslations(page.text);
      const text = visibleText(page.text);
      expect(text).to.include('March 2026');
      expect(text).to.include('09:00–17:00 Understanding extremism (Asia/Almaty)');
      expect(text).to.include('09:00–12:00 Understanding extremism');
      expect(links(page.text)).not.to.include(`/sessions/${draft.id}`);
      expect(links(page.text)).to.include('/calendar?month=2026-02&view=month');
      expect(links(page.text)).to.include('/calendar?month=2026-04&view=month');
      const coordinator = await (await as('coordinator')).get('/calendar?month=2026-03').expect(200);
      expect(links(coordinator.text)).to.include(`/sessions/${draft.id}`);
      const filtered = await (
        await as('coordinator')
      )
        .get(`/calendar?month=2026-03&module=${w.modules.national.id}`)
        .expect(200);
      expect(visibleText(filtered.text)).not.to.include('09:00–17:00 Understanding extremism');
      const april = await staff.get('/calendar?month=2026-04').expect(200);
      expect(visibleText(april.text)).not.to.include('09:00–17:00 Understanding extremism');
    });

    it('the list view names each day and its zone; other countries see nothing; anonymous is sent to sign in', async () => {
      await sessionIn(w);
      const list = await (await as('staff')).get('/calendar?month=2026-03&view=list').expect(200);
      expect(visibleText(list.text)).to.include('Mon 2 Mar 2026, 09:00–17:00 (Asia/Almaty)');
      const abroad = await (await as('ugandanStaff')).get('/calendar?month=2026-03&view=list').expect(200);
      expect(links(abroad.text).filter((l) => l.startsWith('/sessions/'))).to.deep.equal([]);
      expect((await request(app).get('/calendar')).status).to.equal(303);
      await (await as('staff')).get('/calendar?month=garbage&view=<x>').expect(200);
    });

    it('My teaching lists the trainer’s upcoming and past sessions with roster links', async () => {
      const upcoming = await sessionIn(w, { days: [{ date: '2099-01-05', start: '09:00', end: '10:00' }] });
      const past = await sessionIn(w, {
        status: 'completed',
        days: [{ date: '2020-01-05', start: '09:00', end: '10:00' }],
      });
      await sessionIn(w, {
        trainers: [w.people.coTrainer],
        room: 'X',
        days: [{ date: '2099-02-05', start: '09:00', end: '10:00' }],
      });
      const page = await (await as('trainer')).get('/my-teaching').expect(200);
      expectNoMissingTranslations(page.text);
      expect(links(page.text)).to.include.members([`/sessions/${upcoming.id}/enrolments`, `/sessions/${past.id}`]);
      expect(visibleText(page.text).indexOf('Upcoming')).to.be.lessThan(visibleText(page.text).indexOf('Past'));
      expect(page.text.match(/\/enrolments"/g)).to.have.length(2);
      await (await as('staff')).get('/my-teaching').expect(403);
    });
  });

  describe('calendar: iCalendar', () => {
    it('a session’s .ics has one event per day in UTC, a stable UID and a rising SEQUENCE', async () => {
      const agent = await as('coordinator');
      const session = await sessionIn(w, {
        days: [
          { date: '2026-03-02', start: '09:00', end: '17:00' },
          { date: '2026-03-03', start: '09:00', end: '12:00' },
        ],
      });
      const res = await agent.get(`/sessions/${session.id}.ics`).expect(200);
      expect(res.headers['content-type']).to.match(/^text\/calendar/);
      const events = parseIcs(res.text);
      expect(events).to.have.length(2);
      expect(events[0]!.DTSTART).to.equal('20260302T040000Z');
      expect(events[0]!.DTEND).to.equal('20260302T120000Z');
      expect(events[1]!.DTSTART).to.equal('20260303T040000Z');
      expect(events[0]!.SUMMARY).to.equal('Understanding extremism');
      expect(events[0]!.STATUS).to.equal('CONFIRMED');
      expect(events[0]!.SEQUENCE).to.equal('0');
      const uid = events[0]!.UID;
      const moved = sessionForm(w, {
        date: ['2026-03-02', '2026-03-04', '', '', ''],
        start: ['10:00', '09:00', '', '', ''],
        end: ['17:00', '12:00', '', '', ''],
      });
      expect((await post(agent, `/sessions/${session.id}`, moved)).status).to.equal(303);
      const after = parseIcs((await agent.get(`/sessions/${session.id}.ics`).expect(200)).text);
      expect(after[0]!.UID).to.equal(uid);
      expect(after[0]!.DTSTART).to.equal('20260302T050000Z');
      expect(after[0]!.SEQUENCE).to.equal('1');
      expect((await post(agent, `/sessions/${session.id}/cancel`, { reason: 'Flood' })).status).to.equal(303);
      const cancelled = parseIcs((await agent.get(`/sessions/${session.id}.ics`).expect(200)).text);
      expect(cancelled.map((e) => e.STATUS)).to.deep.equal(['CANCELLED', 'CANCELLED']);
      expect(cancelled[0]!.SEQUENCE).to.equal('2');
    });

    it('only people who may see the session get its .ics', async () => {
      const draft = await sessionIn(w, { status: 'draft' });
      await (await as('staff')).get(`/sessions/${draft.id}.ics`).expect(404);
      await (await as('trainer')).get(`/sessions/${draft.id}.ics`).expect(200);
      const res = await request(app).get(`/sessions/${draft.id}.ics`);
      expect(res.status).to.equal(303);
    });

    it('a personal feed lists sessions as participant and trainer, cancelled ones as cancelled, until revoked', async () => {
      const staff = await as('staff');
      const page = await staff.get('/account/calendar').expect(200);
      expectNoMissingTranslations(page.text);
      const created = await post(staff, '/account/calendar');
      expect(created.status).to.equal(200);
      const link = /\/feeds\/([A-Za-z0-9_-]{43})\.ics/.exec(created.text);
      expect(link).to.not.equal(null);
      const token = link![1]!;
      const feed = await CalendarFeed.findOne().orFail();
      expect(feed.tokenHash).to.not.include(token);
      expect(JSON.stringify(await CalendarFeed.find().lean())).not.to.include(token);

      const enrolled = await sessionIn(w, { days: [{ date: '2026-05-04', start: '09:00', end: '10:00' }] });
      const released = await sessionIn(w, {
        status: 'cancelled',
        room: 'B',
        days: [{ date: '2026-05-05', start: '09:00', end: '10:00' }],
      });
      const other = await sessionIn(w, { room: 'C', days: [{ date: '2026-05-06', start: '09:00', end: '10:00' }] });
      const waiting = await sessionIn(w, { room: 'D', days: [{ date: '2026-05-07', start: '09:00', end: '10:00' }] });
      const asked = await sessionIn(w, { room: 'E', days: [{ date: '2026-05-08', start: '09:00', end: '10:00' }] });
      await Enrolment.create({ session: waiting._id, person: w.people.staff._id, state: 'waitlisted' });
      await Enrolment.create({ session: asked._id, person: w.people.staff._id, state: 'requested' });
      await Enrolment.create({ session: enrolled._id, person: w.people.staff._id, state: 'enrolled' });
      await Enrolment.create({ session: released._id, person: w.people.staff._id, state: 'cancelled' });
      await Enrolment.create({ session: other._id, person: w.people.staff._id, state: 'withdrawn' });

      const ics = await request(app).get(`/feeds/${token}.ics`).expect(200);
      const events = parseIcs(ics.text);
      const byUid = new Map(events.map((e) => [e.UID!.split('-')[0], e]));
      expect(byUid.get(enrolled.id)?.STATUS).to.equal('CONFIRMED');
      expect(byUid.get(enrolled.id)?.DTSTART).to.equal('20260504T040000Z');
      expect(byUid.get(released.id)?.STATUS).to.equal('CANCELLED');
      expect(byUid.has(other.id)).to.equal(false);
      // no seat yet: tentative, as the feed's page says
      expect(byUid.get(waiting.id)?.STATUS).to.equal('TENTATIVE');
      expect(byUid.get(asked.id)?.STATUS).to.equal('TENTATIVE');
      expect(visibleText(page.text)).to.include('waiting list or your place awaits approval is marked as tentative');

      // a new link ends the old one; revoking ends any
      const again = await post(staff, '/account/calendar');
      const second = /\/feeds\/([A-Za-z0-9_-]{43})\.ics/.exec(again.text)![1]!;
      await request(app).get(`/feeds/${token}.ics`).expect(404);
      await request(app).get(`/feeds/${second}.ics`).expect(200);
      expect((await post(staff, '/account/calendar/revoke')).status).to.equal(303);
      await request(app).get(`/feeds/${second}.ics`).expect(404);
      await request(app).get('/feeds/not-a-token.ics').expect(404);
    });

    it('a trainer’s feed lists their teaching', async () => {
      const trainer = await as('trainer');
      const session = await sessionIn(w);
      await TrainingSession.updateOne({ _id: session._id }, { notes: 'Bring <b>' });
      const token = /\/feeds\/([A-Za-z0-9_-]{43})\.ics/.exec((await post(trainer, '/account/calendar')).text)![1]!;
      const events = parseIcs((await request(app).get(`/feeds/${token}.ics`).expect(200)).text);
      expect(events.map((e) => e.UID)).to.deep.equal([`${session.id}-2026-03-02@cadre`]);
    });

    it('a deactivated person’s feed stops answering, and no one else may manage the link', async () => {
      const trainer = await as('trainer');
      const token = /\/feeds\/([A-Za-z0-9_-]{43})\.ics/.exec((await post(trainer, '/account/calendar')).text)![1]!;
      await request(app).get(`/feeds/${token}.ics`).expect(200);
      await Person.updateOne({ _id: w.people.trainer._id }, { $set: { active: false } });
      await request(app).get(`/feeds/${token}.ics`).expect(404);
      const anonymous = await request(app).get('/account/calendar');
      expect(anonymous.status).to.equal(303);
      expect(anonymous.headers.location).to.match(/^\/login/);
      expect((await request(app).post('/account/calendar/revoke')).status).to.be.oneOf([401, 403]);
      expect(await CalendarFeed.countDocuments()).to.equal(1);
    });

    it('links are built from PUBLIC_URL, never from the Host header the request brings', async () => {
      const sited = await buildApp({ config: { publicUrl: 'http://cadre.example.org' } });
      const staff = await signIn(sited, w.people.staff.email!);
      const page = await staff.get('/account/calendar').expect(200);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
      const created = await staff
        .post('/account/calendar')
        .set('Host', 'evil.example')
        .type('form')
        .send({ _csrf: token });
      expect(created.status).to.equal(200);
      expect(created.text).to.match(/http:\/\/cadre\.example\.org\/feeds\/[A-Za-z0-9_-]{43}\.ics/);
      expect(created.text).not.to.include('evil.example');
    });

    it('in production without PUBLIC_URL, no feed link is made, and the answer says what to set', async () => {
      const unsited = await buildApp({ config: { env: 'production', publicUrl: undefined } });
      const staff = await signIn(unsited, w.people.staff.email!);
      const res = await post(staff, '/account/calendar');
      expect(res.status).to.equal(503);
      expect(visibleText(res.text)).to.include('PUBLIC_URL');
      expect(await CalendarFeed.countDocuments()).to.equal(0);
    });
  });
});
