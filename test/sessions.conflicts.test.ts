import { expect } from 'chai';
import type { Express } from 'express';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { buildApp } from './support/context.ts';
import { signIn, post, type Agent } from './support/http.ts';
import { fieldError, inputValue, links, visibleText } from './page-helpers.ts';
import { buildSession, sessionForm, sessionsWorld, type World } from './sessions-world.ts';

// A trainer or a room in two places at once is refused, the clash named, unless a
// coordinator overrides it with a reason, which the session keeps and shows.

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
      const other = await buildSession(w, {
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

    it('refuses the same room of the same venue whatever its case, not another venue or a free room', async () => {
      await buildSession(w, { room: 'room 1', trainers: [w.people.coTrainer] });
      const refused = await post(coordinator, '/sessions', sessionForm(w, { room: 'ROOM 1 ' }));
      expect(refused.status).to.equal(422);
      expect(visibleText(refused.text)).to.include('same room');
      expect((await post(coordinator, '/sessions', sessionForm(w, { room: 'Room 2' }))).status).to.equal(303);
      const partner = sessionForm(w, { room: 'Room 1', institution: w.partner.id, lead: '' });
      expect((await post(coordinator, '/sessions', partner)).status).to.equal(303);
    });

    it('any overlapping day counts; touching times, other days and cancelled sessions do not', async () => {
      await buildSession(w, {
        days: [
          { date: '2026-03-01', start: '09:00', end: '17:00' },
          { date: '2026-03-04', start: '09:00', end: '12:00' },
        ],
      });
      await buildSession(w, { status: 'cancelled', days: [{ date: '2026-03-05', start: '09:00', end: '17:00' }] });
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
      const other = await buildSession(w);
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
      const first = await buildSession(w);
      await buildSession(w, { days: [{ date: '2026-03-10', start: '09:00', end: '17:00' }] });
      expect(
        (await post(coordinator, `/sessions/${first.id}`, sessionForm(w, { notes: 'same times' }))).status,
      ).to.equal(303);
      const moved = sessionForm(w, { date: ['2026-03-10', '', '', '', ''] });
      expect((await post(coordinator, `/sessions/${first.id}`, moved)).status).to.equal(422);
      expect((await TrainingSession.findById(first.id).orFail()).days[0]!.date).to.equal('2026-03-02');
    });
  });
});
