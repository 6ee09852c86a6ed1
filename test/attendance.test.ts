import { expect } from 'chai';
import type mongoose from 'mongoose';
import type { Express } from 'express';
import { AttendanceChange } from '../src/attendance/attendance-change.model.ts';
import { AttendanceMark } from '../src/attendance/attendance-mark.model.ts';
import { attendanceOfSession, attendanceSharesOfSession } from '../src/attendance/attendance-queries.service.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { Person } from '../src/people/person.model.ts';
import { PaperScan } from '../src/sign-in-sheets/paper-scan.model.ts';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { buildApp } from './support/context.ts';
import { daysFromNow } from './support/factories.ts';
import { post, signIn, type Agent } from './support/http.ts';
import { buildWorld } from './support/world.ts';
import { expectLabelledControls, expectNoMissingTranslations, fieldError, links, visibleText } from './page-helpers.ts';

// Attendance per session day, through the pages: who may see and mark it, marking and "mark all
// present", reasons after the day and after closing, the history, and bad rows refused beside
// their row with nothing saved.

describe('attendance', () => {
  let app: Express;
  before(async () => {
    app = await buildApp();
  });

  const past = daysFromNow(-2);
  const today = daysFromNow(0);
  const future = daysFromNow(3);

  async function world() {
    const w = await buildWorld({
      countries: { kz: {} },
      institutions: { academy: { country: 'kz' }, elsewhere: { country: 'kz' } },
      people: {
        admin: { roles: ['admin'], at: null },
        coordinator: { roles: ['coordinator'], at: 'academy' },
        otherCoordinator: { roles: ['coordinator'], at: 'elsewhere' },
        trainer: { roles: ['trainer'], at: 'academy' },
        otherTrainer: { roles: ['trainer'], at: 'academy' },
        staff: { roles: ['staff'], at: 'academy' },
        ana: { roles: ['staff'], at: 'academy', fullName: 'Ana Okello', serviceNumber: 'KZ-1' },
        boris: { roles: ['staff'], at: 'academy', fullName: 'Борис Ахметов', serviceNumber: 'KZ-2' },
        waiting: { roles: ['staff'], at: 'academy', fullName: 'Waiting Person' },
      },
      sessions: {
        session: {
          at: 'academy',
          trainers: ['trainer'],
          status: 'in_progress',
          days: [
            { date: past, start: '09:00', end: '17:00' },
            { date: today, start: '00:00', end: '23:59' },
            { date: future, start: '09:00', end: '17:00' },
          ],
        },
        other: { at: 'academy', trainers: ['otherTrainer'], status: 'open' },
      },
    });
    const { session } = w.sessions;
    const { ana, boris, waiting } = w.people;
    await Enrolment.create([
      { session: session._id, person: ana._id, state: 'enrolled', seat: 1, source: 'coordinator' },
      { session: session._id, person: boris._id, state: 'enrolled', seat: 2, source: 'coordinator' },
      { session: session._id, person: waiting._id, state: 'waitlisted', waitlistPosition: 1, source: 'self' },
    ]);
    const as = (name: keyof typeof w.people): Promise<Agent> => signIn(app, w.people[name].email!);
    const base = `/sessions/${session.id as string}/attendance`;
    return { ...w.people, session, other: w.sessions.other, as, base, a: ana.id as string, b: boris.id as string };
  }

  const marksOf = async (sessionId: mongoose.Types.ObjectId, date: string) =>
    Object.fromEntries(
      (await AttendanceMark.find({ session: sessionId, date }).lean()).map((m) => [
        m.person.toHexString(),
        { status: m.status, minutes: m.minutes, note: m.note },
      ]),
    );

  describe('who may see and mark it', () => {
    it('lets the session’s trainer, the coordinator in scope and an admin open both pages and mark', async () => {
      const w = await world();
      for (const who of ['trainer', 'coordinator', 'admin'] as const) {
        const agent = await w.as(who);
        const overview = await agent.get(w.base);
        expect(overview.status, who).to.equal(200);
        expect(visibleText(overview.text))
          .to.include('Ana Okello')
          .and.include('Борис Ахметов')
          .and.not.include('Waiting');
        expect((await agent.get(`${w.base}/${today}`)).status, who).to.equal(200);
      }
      const res = await post(await w.as('coordinator'), `${w.base}/${today}`, { [`status_${w.a}`]: 'present' });
      expect(res.status).to.equal(303);
      expect(await marksOf(w.session._id, today)).to.have.property(w.a);
    });

    it('refuses (403) a trainer of another session, a coordinator out of scope and staff, on every route, and changes nothing', async () => {
      const w = await world();
      for (const who of ['otherTrainer', 'otherCoordinator', 'staff'] as const) {
        const agent = await w.as(who);
        expect((await agent.get(w.base)).status, `${who} overview`).to.equal(403);
        expect((await agent.get(`${w.base}/${today}`)).status, `${who} day`).to.equal(403);
        const res = await post(agent, `${w.base}/${today}`, { [`status_${w.a}`]: 'present' });
        expect(res.status, `${who} post`).to.equal(403);
      }
      expect(await AttendanceMark.countDocuments({ session: w.session._id })).to.equal(0);
    });

    it('links the attendance from the session page for its trainer, and not for staff', async () => {
      const w = await world();
      const page = await (await w.as('trainer')).get(`/sessions/${w.session.id as string}`);
      expect(links(page.text)).to.include(w.base);
      const staffPage = await (await w.as('staff')).get(`/sessions/${w.session.id as string}`);
      expect(staffPage.status).to.equal(200);
      expect(links(staffPage.text)).not.to.include(w.base);
    });
  });

  describe('marking a day', () => {
    it('shows one labelled fieldset per participant, and saves statuses and minutes', async () => {
      const w = await world();
      const agent = await w.as('trainer');
      const page = await agent.get(`${w.base}/${today}`);
      expect(page.text.match(/<fieldset class="attendance-row/g)).to.have.length(2);
      expect(page.text).to.include('<legend><bdi>Ana Okello</bdi>');
      expectLabelledControls(page.text);
      expectNoMissingTranslations(page.text);
      const res = await post(agent, `${w.base}/${today}`, {
        [`status_${w.a}`]: 'present',
        [`status_${w.b}`]: 'late',
        [`minutes_${w.b}`]: '600',
        [`note_${w.b}`]: 'bus',
      });
      expect(res.status).to.equal(303);
      expect(await marksOf(w.session._id, today)).to.deep.equal({
        [w.a]: { status: 'present', minutes: null, note: '' },
        [w.b]: { status: 'late', minutes: 600, note: 'bus' },
      });
      const overview = await agent.get(w.base);
      expect(visibleText(overview.text)).to.include('Present').and.include('Late').and.include('1 of 3 days');
    });

    it('saves a day of a large session whole: 60 participants, four boxes each (the form limits allow 1,000)', async () => {
      const w = await world();
      const extra = await Person.insertMany(
        Array.from({ length: 58 }, (_, i) => ({
          fullName: `Participant ${i}`,
          roles: ['staff'],
          institution: w.ana.institution,
          country: w.ana.country,
        })),
      );
      await Enrolment.insertMany(
        extra.map((person, i) => ({ session: w.session._id, person: person._id, state: 'enrolled', seat: i + 3 })),
      );
      const fields: Record<string, string> = {};
      for (const id of [w.a, w.b, ...extra.map((p) => p.id as string)]) {
        Object.assign(fields, {
          [`status_${id}`]: 'late',
          [`minutes_${id}`]: '90',
          [`note_${id}`]: '',
          [`reason_${id}`]: '',
        });
      }
      const res = await post(await w.as('trainer'), `${w.base}/${today}`, fields);
      expect(res.status, res.text.slice(0, 300)).to.equal(303);
      expect(await AttendanceMark.countDocuments({ session: w.session._id, date: today })).to.equal(60);
    });

    it('says whether the day’s signed sheet came back, and links the sheet and its paper page', async () => {
      const w = await world();
      const agent = await w.as('trainer');
      const before = await agent.get(`${w.base}/${today}`).expect(200);
      expect(visibleText(before.text)).to.include('No signed sheet has come back for this day yet.');
      const paperPage = `/sessions/${w.session.id as string}/days/${today}/paper`;
      expect(links(before.text)).to.include(paperPage);
      await PaperScan.create({
        session: w.session._id,
        date: today,
        number: 1,
        storageKey: 'k',
        originalName: 'sheet.png',
        mimeType: 'image/png',
        size: 1,
        sha256: '1',
        uploadedBy: w.trainer._id,
      });
      const after = await agent.get(`${w.base}/${today}`).expect(200);
      expect(visibleText(after.text)).to.include('Scans of the signed sheet: 1 (not yet confirmed from paper).');
    });

    it('“mark the others present” fills every unmarked row and keeps the exceptions chosen', async () => {
      const w = await world();
      const agent = await w.as('trainer');
      const res = await post(agent, `${w.base}/${today}`, { [`status_${w.b}`]: 'absent', allPresent: '1' });
      expect(res.status).to.equal(303);
      expect(await marksOf(w.session._id, today)).to.deep.equal({
        [w.a]: { status: 'present', minutes: null, note: '' },
        [w.b]: { status: 'absent', minutes: null, note: '' },
      });
      // pressed again, it changes no row already marked
      await post(agent, `${w.base}/${today}`, { [`status_${w.b}`]: 'absent', allPresent: '1' });
      expect((await marksOf(w.session._id, today))[w.b]!.status).to.equal('absent');
      expect(await AttendanceChange.countDocuments({ session: w.session._id })).to.equal(0);
    });

    it('lets a trainer change a mark freely until the day is over, and records the change', async () => {
      const w = await world();
      const agent = await w.as('trainer');
      await post(agent, `${w.base}/${today}`, { [`status_${w.a}`]: 'present' });
      const res = await post(agent, `${w.base}/${today}`, {
        [`status_${w.a}`]: 'left_early',
        [`minutes_${w.a}`]: '300',
      });
      expect(res.status).to.equal(303);
      const [change] = await AttendanceChange.find({ session: w.session._id }).lean();
      expect(change).to.deep.include({ date: today, reason: '' });
      expect(change!.before.status).to.equal('present');
      expect(change!.after).to.include({ status: 'left_early', minutes: 300 });
    });

    it('takes a first mark after the day without a reason, then asks one to change it, and shows the history', async () => {
      const w = await world();
      const agent = await w.as('trainer');
      expect((await post(agent, `${w.base}/${past}`, { [`status_${w.a}`]: 'present' })).status).to.equal(303);
      const refused = await post(agent, `${w.base}/${past}`, { [`status_${w.a}`]: 'absent', [`reason_${w.a}`]: ' ' });
      expect(refused.status).to.equal(422);
      expect(fieldError(refused.text, `reason_${w.a}`)).to.equal('Give a reason for changing this mark.');
      expect(refused.text).to.match(
        new RegExp(`name="status_${w.a}" id="status_${w.a}_absent" value="absent" checked`),
      );
      expect((await marksOf(w.session._id, past))[w.a]!.status).to.equal('present');

      const res = await post(agent, `${w.base}/${past}`, {
        [`status_${w.a}`]: 'absent',
        [`reason_${w.a}`]: 'Signed the sheet for a colleague',
      });
      expect(res.status).to.equal(303);
      const [change] = await AttendanceChange.find({ session: w.session._id, date: past }).lean();
      expect(change).to.deep.include({ reason: 'Signed the sheet for a colleague' });
      expect(change!.by.toHexString()).to.equal(w.trainer.id);
      expect([change!.before.status, change!.after.status]).to.deep.equal(['present', 'absent']);
      const page = visibleText((await agent.get(`${w.base}/${past}`)).text);
      expect(page).to.include(`First marked by ${w.trainer.fullName}`);
      expect(page).to.include(`Changed by ${w.trainer.fullName}`).and.include('Present → Absent');
      expect(page).to.include('Signed the sheet for a colleague');
    });

    it('once the session is closed, refuses its trainer (403) and asks the coordinator for a reason', async () => {
      const w = await world();
      await TrainingSession.updateOne(
        { _id: w.session._id },
        { $set: { closedAt: new Date(), closedBy: w.coordinator._id } },
      );
      const trainer = await w.as('trainer');
      expect((await post(trainer, `${w.base}/${past}`, { [`status_${w.a}`]: 'present' })).status).to.equal(403);
      const page = await trainer.get(`${w.base}/${past}`);
      expect(page.status).to.equal(200);
      expect(visibleText(page.text)).to.include('only a coordinator can change');
      const coordinator = await w.as('coordinator');
      const refused = await post(coordinator, `${w.base}/${past}`, { [`status_${w.a}`]: 'present' });
      expect(refused.status).to.equal(422);
      expect(fieldError(refused.text, `reason_${w.a}`)).to.equal('Give a reason for changing this mark.');
      const res = await post(coordinator, `${w.base}/${past}`, {
        [`status_${w.a}`]: 'present',
        [`reason_${w.a}`]: 'From the signed sheet',
      });
      expect(res.status).to.equal(303);
      expect(await marksOf(w.session._id, past)).to.have.property(w.a);
    });
  });

  describe('bad input', () => {
    it('refuses an unknown status, minutes out of range and an excused day without a note, beside their rows, and saves nothing', async () => {
      const w = await world();
      const agent = await w.as('trainer');
      const res = await post(agent, `${w.base}/${today}`, {
        [`status_${w.a}`]: 'asleep',
        [`status_${w.b}`]: 'late',
        [`minutes_${w.b}`]: '5000',
      });
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, `status_${w.a}`)).to.equal('Choose one of the statuses.');
      expect(fieldError(res.text, `minutes_${w.b}`)).to.equal('Enter whole minutes from 0 to 1439.');
      const excused = await post(agent, `${w.base}/${past}`, {
        [`status_${w.a}`]: 'excused',
        [`status_${w.b}`]: 'present',
      });
      expect(excused.status).to.equal(422);
      expect(fieldError(excused.text, `note_${w.a}`)).to.equal('An excused absence needs a note.');
      expect(await AttendanceMark.countDocuments({ session: w.session._id })).to.equal(0);
    });

    it('refuses a row for someone not enrolled, keeps the valid rows as typed, and saves nothing', async () => {
      const w = await world();
      const agent = await w.as('trainer');
      const res = await post(agent, `${w.base}/${today}`, {
        [`status_${w.a}`]: 'late',
        [`minutes_${w.a}`]: '42',
        [`status_${w.waiting.id as string}`]: 'present',
      });
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('someone who is not a participant of this session');
      expect(res.text).to.include(`name="minutes_${w.a}" value="42"`);
      expect(await AttendanceMark.countDocuments({ session: w.session._id })).to.equal(0);
    });

    it('answers 404 with a message for a day outside the session, on both verbs', async () => {
      const w = await world();
      const agent = await w.as('trainer');
      for (const date of [daysFromNow(-30), 'not-a-date']) {
        const page = await agent.get(`${w.base}/${date}`);
        expect(page.status).to.equal(404);
        expect(visibleText(page.text)).to.include('This session has no such day.');
        expect((await post(agent, `${w.base}/${date}`, { [`status_${w.a}`]: 'present' })).status).to.equal(404);
      }
    });

    it('refuses to mark a day that has not begun, and shows it read-only', async () => {
      const w = await world();
      const agent = await w.as('trainer');
      const res = await post(agent, `${w.base}/${future}`, { [`status_${w.a}`]: 'present' });
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('This day has not begun yet');
      expect(await AttendanceMark.countDocuments({ session: w.session._id })).to.equal(0);
    });
  });

  describe('what other features read', () => {
    it('gives every mark of the session by person and date, and each participant’s share and counts', async () => {
      const w = await world();
      const agent = await w.as('trainer');
      await post(agent, `${w.base}/${past}`, {
        [`status_${w.a}`]: 'present',
        [`status_${w.b}`]: 'excused',
        [`note_${w.b}`]: 'ill',
      });
      await post(agent, `${w.base}/${today}`, { [`status_${w.a}`]: 'late', [`status_${w.b}`]: 'absent' });
      const attendance = await attendanceOfSession(w.session._id);
      expect(attendance.marks).to.have.length(4);
      expect(attendance.byPerson.get(w.b)!.get(past)).to.include({ status: 'excused', note: 'ill' });
      const shares = await attendanceSharesOfSession(w.session);
      expect([...shares.keys()].sort()).to.deep.equal([w.a, w.b].sort());
      const ana = shares.get(w.a)!;
      expect(ana.counts).to.deep.equal({ present: 1, late: 1, left_early: 0, absent: 0, excused: 0, unmarked: 1 });
      expect(ana.attendedMinutes).to.equal(480 + Math.round(1439 / 2));
      expect(ana.scheduledMinutes).to.equal(480 + 1439 + 480);
      expect(shares.get(w.b)!).to.include({ attendedMinutes: 0, daysAttended: 0 });
    });
  });
});
