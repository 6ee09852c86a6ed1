import { expect } from 'chai';
import type { Express } from 'express';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { buildApp } from './support/context.ts';
import { buildModule } from './support/factories.ts';
import { signIn, post, type Agent } from './support/http.ts';
import { fieldError, inputValue, links, visibleText } from './page-helpers.ts';
import { sessionForm, sessionIn, sessionsWorld, type World } from './support/sessions.ts';

// A trainer or a room in two places at once is refused, the clash named, unless a
// coordinator overrides it with a reason, which the session keeps and shows. A clashing
// session is named and linked only to those who may open it.

/** The clash list of the session form. */
const clashList = (html: string) => /<div class="clashes"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';

describe('sessions: conflicts (file)', () => {
  let app: Express;
  let w: World;
  let coordinator: Agent;

  before(async () => {
    app = await buildApp();
  });

  beforeEach(async () => {
    w = await sessionsWorld();
    coordinator = await signIn(app, w.people.coordinator.email!);
  });

  describe('sessions: conflicts', () => {
    it('refuses a trainer booked at an overlapping time, naming and linking the clash', async () => {
      const other = await sessionIn(w, {
        room: 'Hall',
        days: [{ date: '2026-03-02', start: '16:00', end: '18:00' }],
      });
      const res = await post(coordinator, '/sessions', sessionForm(w, { room: 'Room 9' }));
      expect(res.status).to.equal(422);
      const text = visibleText(res.text);
      expect(text).to.include('clashes with other sessions');
      expect(text).to.include('Understanding extremism');
      expect(text).to.include('same trainer');
      expect(links(res.text)).to.include(`/sessions/${other.id}`);
      expect(inputValue(res.text, 'room')).to.equal('Room 9');
      expect(await TrainingSession.countDocuments()).to.equal(1);
    });

    it('refuses a trainer booked at another venue at an overlapping time, naming and linking the clash', async () => {
      const other = await sessionIn(w, {
        institution: w.partner,
        room: 'Room 1',
        days: [{ date: '2026-03-02', start: '08:00', end: '10:00' }],
      });
      const res = await post(coordinator, '/sessions', sessionForm(w, { room: 'Room 1' }));
      expect(res.status).to.equal(422);
      const clashes = visibleText(clashList(res.text));
      expect(clashes).to.include('Understanding extremism');
      expect(clashes).to.include('same trainer');
      // the same room name at another venue is no clash
      expect(clashes).not.to.include('same room');
      expect(links(clashList(res.text))).to.deep.equal([`/sessions/${other.id}`]);
      // another trainer is free at that time
      expect((await post(coordinator, '/sessions', sessionForm(w, { lead: w.people.coTrainer.id }))).status).to.equal(
        303,
      );
    });

    it('names and links a clash only for who may open it: a draft abroad is "another session" to the coordinator, then on the page', async () => {
      const secret = await buildModule({ status: 'published', institution: w.kampala, title: 'Kampala only module' });
      // 11:00–13:00 in Kampala is 08:00–10:00Z, inside 09:00–17:00 in Almaty (04:00–12:00Z)
      const hidden = await sessionIn(w, {
        status: 'draft',
        institution: w.kampala,
        module: secret,
        timeZone: 'Africa/Kampala',
        room: 'Kampala Hall',
        days: [{ date: '2026-03-02', start: '11:00', end: '13:00' }],
      });
      await coordinator.get(`/sessions/${hidden.id}`).expect(404);
      const expectUntold = (html: string) => {
        expect(html).not.to.include(hidden.id);
        expect(html).not.to.include('Kampala only module');
        expect(links(html)).not.to.include(`/sessions/${hidden.id}`);
      };

      const refused = await post(coordinator, '/sessions', sessionForm(w));
      expect(refused.status).to.equal(422);
      const clashes = visibleText(clashList(refused.text));
      expect(clashes).to.include('Another session, which you cannot open (same trainer)');
      expect(clashes).not.to.include('Africa/Kampala');
      expect(clashes).not.to.match(/2 Mar|11:00|08:00/);
      expectUntold(refused.text);

      // editing a session onto it: the same
      const mine = await sessionIn(w, { days: [{ date: '2026-03-09', start: '09:00', end: '17:00' }] });
      const moved = await post(coordinator, `/sessions/${mine.id}`, sessionForm(w));
      expect(moved.status).to.equal(422);
      expect(visibleText(clashList(moved.text))).to.include('Another session, which you cannot open');
      expectUntold(moved.text);

      const saved = await post(coordinator, '/sessions', sessionForm(w, { override: 'on', overrideReason: 'Agreed' }));
      expect(saved.status).to.equal(303);
      const session = (await TrainingSession.find({ institution: w.almaty._id })).find((s) => !s._id.equals(mine._id))!;
      expect(session.conflictOverrides[0]!.clashes.map(String)).to.deep.equal([hidden.id]);
      await TrainingSession.updateOne({ _id: session._id }, { $set: { status: 'open' } });

      for (const who of ['coordinator', 'staff'] as const) {
        const agent = who === 'coordinator' ? coordinator : await signIn(app, w.people.staff.email!);
        await agent.get(`/sessions/${hidden.id}`).expect(404);
        const page = await agent.get(`/sessions/${session.id}`).expect(200);
        const text = visibleText(page.text);
        expect(text, who).to.include('Clashes accepted');
        expect(text, who).to.include('Another session, which you cannot open');
        expectUntold(page.text);
      }
      // those who may open it see what it is
      for (const email of [w.people.admin.email!, w.people.trainer.email!]) {
        const page = await (await signIn(app, email)).get(`/sessions/${session.id}`).expect(200);
        expect(visibleText(page.text)).to.include('Kampala only module');
        expect(links(page.text)).to.include(`/sessions/${hidden.id}`);
      }
    });

    it('refuses the same room of the same venue whatever its case, not another venue or a free room', async () => {
      await sessionIn(w, { room: 'room 1', trainers: [w.people.coTrainer] });
      const refused = await post(coordinator, '/sessions', sessionForm(w, { room: 'ROOM 1 ' }));
      expect(refused.status).to.equal(422);
      expect(visibleText(refused.text)).to.include('same room');
      expect((await post(coordinator, '/sessions', sessionForm(w, { room: 'Room 2' }))).status).to.equal(303);
      const partner = sessionForm(w, { room: 'Room 1', institution: w.partner.id, lead: '' });
      expect((await post(coordinator, '/sessions', partner)).status).to.equal(303);
    });

    it('any overlapping day counts; touching times, other days and cancelled sessions do not', async () => {
      await sessionIn(w, {
        days: [
          { date: '2026-03-01', start: '09:00', end: '17:00' },
          { date: '2026-03-04', start: '09:00', end: '12:00' },
        ],
      });
      await sessionIn(w, { status: 'cancelled', days: [{ date: '2026-03-05', start: '09:00', end: '17:00' }] });
      const clash = sessionForm(w, {
        date: ['2026-03-03', '2026-03-04', '', '', ''],
        start: ['09:00', '11:00', '', '', ''],
        end: ['17:00', '13:00', '', '', ''],
      });
      expect((await post(coordinator, '/sessions', clash)).status).to.equal(422);
      const touching = sessionForm(w, {
        date: ['2026-03-04', '', '', '', ''],
        start: ['12:00', '', '', '', ''],
        end: ['13:00', '', '', '', ''],
      });
      expect((await post(coordinator, '/sessions', touching)).status).to.equal(303);
      const overCancelled = sessionForm(w, { room: 'Other', date: ['2026-03-05', '', '', '', ''] });
      expect((await post(coordinator, '/sessions', overCancelled)).status).to.equal(303);
    });

    it('an override needs a reason; then it is recorded and shown on the session page', async () => {
      const other = await sessionIn(w);
      const noReason = await post(coordinator, '/sessions', sessionForm(w, { override: 'on' }));
      expect(noReason.status).to.equal(422);
      expect(fieldError(noReason.text, 'overrideReason')).to.equal('Say why the clash is accepted.');
      const res = await post(
        coordinator,
        '/sessions',
        sessionForm(w, { override: 'on', overrideReason: 'Joint <session>' }),
      );
      expect(res.status).to.equal(303);
      const saved = (await TrainingSession.find()).find((s) => !s._id.equals(other._id))!;
      expect(saved.conflictOverrides).to.have.length(1);
      const override = saved.conflictOverrides[0]!;
      expect(override.by.toHexString()).to.equal(w.people.coordinator.id);
      expect(override.reason).to.equal('Joint <session>');
      expect(override.clashes.map(String)).to.deep.equal([other.id]);
      const page = await coordinator.get(`/sessions/${saved.id}`).expect(200);
      expect(visibleText(page.text)).to.include('Clashes accepted');
      expect(visibleText(page.text)).to.include('Joint <session>');
      expect(page.text).not.to.include('Joint <session>');
      expect(links(page.text)).to.include(`/sessions/${other.id}`);
    });

    it('saving a session does not clash with itself; moving it onto another does', async () => {
      const first = await sessionIn(w);
      await sessionIn(w, { days: [{ date: '2026-03-10', start: '09:00', end: '17:00' }] });
      expect(
        (await post(coordinator, `/sessions/${first.id}`, sessionForm(w, { notes: 'same times' }))).status,
      ).to.equal(303);
      const moved = sessionForm(w, { date: ['2026-03-10', '', '', '', ''] });
      expect((await post(coordinator, `/sessions/${first.id}`, moved)).status).to.equal(422);
      expect((await TrainingSession.findById(first.id).orFail()).days[0]!.date).to.equal('2026-03-02');
    });
  });
});
