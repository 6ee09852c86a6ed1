import { expect } from 'chai';
import type { Express } from 'express';
import type { Types } from 'mongoose';
import { AttendanceMark } from '../src/attendance/attendance-mark.model.ts';
import type { AttendanceStatus } from '../src/attendance/attendance-rules.ts';
import { AssessmentScore } from '../src/assessments/assessment-score.model.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { enrolInManaged } from '../src/enrolments/enrolments.service.ts';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import { Notice } from '../src/notices/notice.model.ts';
import { SessionClosing, SessionResult } from '../src/results/session-result.model.ts';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { toActor } from '../src/people/people.service.ts';
import { Person as PersonModel } from '../src/people/person.model.ts';
import { buildApp } from './support/context.ts';
import { buildUser, daysFromNow } from './support/factories.ts';
import { post, signIn, type Agent } from './support/http.ts';
import { expectNoMissingTranslations, fieldError, visibleText } from './page-helpers.ts';
import { sessionIn, sessionsWorld, type World } from './support/sessions.ts';

// Closing a session (decision 0013): the proposal from attendance and the post-test, a change
// that needs a reason, the results kept with what they rest on, each participant told, and
// reopening with a reason.

type Person = Awaited<ReturnType<typeof buildUser>>;

describe('closing a session and its results', () => {
  let app: Express;
  let w: World;
  let coordinator: Agent;
  let session: Awaited<ReturnType<typeof sessionIn>>;
  let people: Record<'full' | 'half' | 'failed' | 'absent', Person>;

  before(async () => {
    app = await buildApp();
  });

  beforeEach(async () => {
    w = await sessionsWorld();
    await TrainingModule.updateOne(
      { _id: w.modules.pve._id },
      { $set: { attendanceThreshold: 80, hasPostTest: true, passMark: 70 } },
    );
    const [first, second] = [daysFromNow(-3), daysFromNow(-2)];
    session = await sessionIn(w, {
      status: 'in_progress',
      days: [
        { date: first, start: '09:00', end: '16:30' },
        { date: second, start: '09:00', end: '16:30' },
      ],
    });
    const staff = (fullName: string) =>
      buildUser({ roles: ['staff'], institution: w.almaty, fullName, serviceNumber: fullName.slice(0, 3) });
    people = {
      full: await staff('Aida Full'),
      half: await staff('Berik Half'),
      failed: await staff('Chingiz Failed'),
      absent: await staff('Dana Absent'),
    };
    const admin = toActor(
      (await PersonModel.findById(w.people.admin._id).lean().orFail()) as Parameters<typeof toActor>[0],
    );
    for (const person of Object.values(people)) {
      expect(await enrolInManaged(admin, session, person.id as string, 'coordinator')).to.equal('enrolled');
    }
    const marks: [Person, string, AttendanceStatus][] = [
      [people.full, first, 'present'],
      [people.full, second, 'present'],
      [people.half, first, 'present'],
      [people.half, second, 'absent'],
      [people.failed, first, 'present'],
      [people.failed, second, 'present'],
      [people.absent, first, 'absent'],
      [people.absent, second, 'absent'],
    ];
    for (const [person, date, status] of marks) await mark(person, date, status);
    await score(people.full, 60, 85);
    await score(people.half, 55, 90);
    await score(people.failed, 50, 65.5);
    await Notice.deleteMany({});
    coordinator = await signIn(app, w.people.coordinator.email!);
  });

  async function mark(person: Person, date: string, status: AttendanceStatus) {
    const enrolment = await Enrolment.findOne({ session: session._id, person: person._id }).orFail();
    await AttendanceMark.create({
      session: session._id,
      date,
      person: person._id,
      enrolment: enrolment._id,
      status,
      markedBy: w.people.trainer._id,
      markedAt: new Date(),
    });
  }

  const score = (person: Person, pre: number, post: number) =>
    AssessmentScore.create({
      session: session._id,
      person: person._id,
      pre,
      post,
      enteredBy: w.people.trainer._id,
      enteredAt: new Date(),
    });

  const outcomeOf = async (person: Person) =>
    (await Enrolment.findOne({ session: session._id, person: person._id }).lean().orFail()).outcome;
  const field = (kind: 'outcome' | 'reason', person: Person) =>
    `${kind}-${(person._id as Types.ObjectId).toHexString()}`;

  it('proposes each result with its reasons, from attendance and the post-test', async () => {
    const page = await coordinator.get(`/sessions/${session.id}/close`).expect(200);
    expectNoMissingTranslations(page.text);
    const text = visibleText(page.text);
    expect(text).to.include('Attended 50%, below the 80% required.');
    expect(text).to.include('Post-test score 65.5, below the pass mark of 70.');
    const proposed = (person: Person) =>
      new RegExp(`<option value="(\\w+)" selected>[^<]*\\(proposed\\)`).exec(
        page.text.slice(page.text.indexOf(field('outcome', person))),
      )?.[1];
    expect(proposed(people.full)).to.equal('completed');
    expect(proposed(people.half)).to.equal('not_completed');
    expect(proposed(people.failed)).to.equal('not_completed');
    expect(proposed(people.absent)).to.equal('no_show');
  });

  it('a changed result needs a reason: without one nothing is saved and the choice is kept', async () => {
    const refused = await post(coordinator, `/sessions/${session.id}/close`, {
      [field('outcome', people.failed)]: 'completed',
      [field('reason', people.failed)]: '',
    });
    expect(refused.status).to.equal(422);
    expect(fieldError(refused.text, field('reason', people.failed))).to.equal('Give a reason.');
    expect(refused.text).to.match(
      new RegExp(`name="${field('outcome', people.failed)}">[\\s\\S]*?<option value="completed" selected`),
    );
    expect(await SessionResult.countDocuments({ session: session._id })).to.equal(0);
    expect((await TrainingSession.findById(session._id).orFail()).closedAt).to.equal(undefined);
  });

  it('confirming keeps the results, shows them on the enrolments, tells each participant and closes the session', async () => {
    const closed = await post(coordinator, `/sessions/${session.id}/close`, {
      [field('outcome', people.failed)]: 'completed',
      [field('reason', people.failed)]: 'Retook the post-test orally and passed.',
    });
    expect(closed.status, closed.text).to.equal(303);
    expect(closed.headers.location).to.equal(`/sessions/${session.id}/results`);

    const stored = await TrainingSession.findById(session._id).orFail();
    expect(stored.closedAt).to.be.instanceOf(Date);
    expect(stored.closedBy!.toHexString()).to.equal(w.people.coordinator.id);
    expect(stored.status).to.equal('completed');

    const results = await SessionResult.find({ session: session._id }).lean();
    const byPerson = new Map(results.map((r) => [r.person.toHexString(), r]));
    const failed = byPerson.get(people.failed.id as string)!;
    expect(failed.outcome).to.equal('completed');
    expect(failed.proposed!.outcome).to.equal('not_completed');
    expect(failed.changeReason).to.equal('Retook the post-test orally and passed.');
    expect(failed.post).to.equal(65.5);
    expect(byPerson.get(people.half.id as string)!.attendance!.percent).to.equal(50);
    expect(results.every((r) => r.confirmedAt)).to.equal(true);

    expect(await outcomeOf(people.full)).to.equal('completed');
    expect(await outcomeOf(people.half)).to.equal('not_completed');
    expect(await outcomeOf(people.failed)).to.equal('completed');
    expect(await outcomeOf(people.absent)).to.equal('no_show');

    const notices = await Notice.find({}).lean(); // emptied before the test
    const kindOf = new Map(notices.map((n) => [n.person.toHexString(), n.kind]));
    expect(kindOf.get(people.full.id as string)).to.equal('result.completed');
    expect(kindOf.get(people.half.id as string)).to.equal('result.notCompleted');
    expect(kindOf.get(people.absent.id as string)).to.equal('result.noShow');
    expect(notices).to.have.length(4);

    const trainer = await signIn(app, w.people.trainer.email!);
    const page = await trainer.get(`/sessions/${session.id}/results`).expect(200);
    expectNoMissingTranslations(page.text);
    const text = visibleText(page.text);
    expect(text).to.include('Retook the post-test orally and passed.');
    expect(text).to.include('No-show');
    expect(text).not.to.include('Reopen the session');

    const roster = visibleText((await trainer.get(`/sessions/${session.id}/enrolments`).expect(200)).text);
    expect(roster).to.include('Result');
    expect(roster).to.match(/Dana Absent.*Did not attend \(no-show\)/);
  });

  it('a participant sees their result in My training', async () => {
    await post(coordinator, `/sessions/${session.id}/close`, {});
    const participant = await signIn(app, people.half.email!);
    const page = await participant.get('/my-training').expect(200);
    expect(visibleText(page.text)).to.include('Not completed');
  });

  it('refuses to close a session before its last day is over, or twice', async () => {
    await TrainingSession.updateOne(
      { _id: session._id },
      { $set: { 'days.1.endsAt': new Date(Date.now() + 3_600_000), endsAt: new Date(Date.now() + 3_600_000) } },
    );
    await coordinator.get(`/sessions/${session.id}/close`).expect(409);
    await TrainingSession.updateOne({ _id: session._id }, { $set: { endsAt: new Date(Date.now() - 3_600_000) } });
    expect((await post(coordinator, `/sessions/${session.id}/close`, {})).status).to.equal(303);
    expect((await post(coordinator, `/sessions/${session.id}/close`, {})).status).to.equal(409);
    expect(await SessionClosing.countDocuments({ session: session._id })).to.equal(1);
  });

  it('reopening needs a reason, unconfirms the results and shows who attended; closing again confirms anew', async () => {
    await post(coordinator, `/sessions/${session.id}/close`, {});
    const refused = await post(coordinator, `/sessions/${session.id}/reopen`, { reason: ' ' });
    expect(refused.status).to.equal(422);
    expect(fieldError(refused.text, 'reason')).to.equal('Give a reason.');

    const reopened = await post(coordinator, `/sessions/${session.id}/reopen`, { reason: 'Day 2 was marked wrongly.' });
    expect(reopened.status).to.equal(303);
    expect((await TrainingSession.findById(session._id).orFail()).closedAt).to.equal(undefined);
    const unconfirmed = await SessionResult.find({ session: session._id }).lean();
    expect(unconfirmed.filter((r) => r.confirmedAt)).to.have.length(0);
    expect(await outcomeOf(people.half)).to.equal('attended');
    expect(await outcomeOf(people.absent)).to.equal(undefined);

    // reopened, the session's trainer may correct the day again (with a reason: the day is over)
    const trainer = await signIn(app, w.people.trainer.email!);
    const second = session.days[1]!.date;
    const corrected = await post(trainer, `/sessions/${session.id}/attendance/${second}`, {
      [`status_${people.half.id as string}`]: 'present',
      [`reason_${people.half.id as string}`]: 'Signed the paper sheet; marked absent by mistake.',
    });
    expect(corrected.status, corrected.text.slice(0, 500)).to.equal(303);
    expect((await post(coordinator, `/sessions/${session.id}/close`, {})).status).to.equal(303);
    expect(await outcomeOf(people.half)).to.equal('completed');
    const half = await SessionResult.findOne({ session: session._id, person: people.half._id }).lean().orFail();
    expect(half.history.map((h) => h.action)).to.deep.equal(['confirmed', 'reopened', 'confirmed']);
    const page = await coordinator.get(`/sessions/${session.id}/results`).expect(200);
    expect(visibleText(page.text)).to.include('Day 2 was marked wrongly.');
  });

  it('the record downloads as CSV: each day’s mark and minutes, attendance, scores, gain and the result', async () => {
    await AttendanceMark.updateOne(
      { session: session._id, person: people.half._id, status: 'absent' },
      { $set: { status: 'late', minutes: 90 } },
    );
    await post(coordinator, `/sessions/${session.id}/close`, {});
    const trainer = await signIn(app, w.people.trainer.email!);
    const csv = await trainer.get(`/sessions/${session.id}/results.csv`).expect(200);
    expect(csv.headers['content-type']).to.equal('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).to.match(/^attachment; filename="?results-[0-9a-f]{24}\.csv"?$/);
    const [header, ...rows] = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const [first, second] = session.days.map((d) => d.date);
    expect(header).to.equal(
      `Name,Service number,Institution,${first},${first} minutes,${second},${second} minutes,Attendance (%),Pre-test,Post-test,Gain,Result`,
    );
    expect(rows).to.include(`Berik Half,Ber,Almaty Academy,Present,,Late,90,60,55,90,35,Not completed`);
    expect(rows).to.include(`Aida Full,Aid,Almaty Academy,Present,,Present,,100,60,85,25,Completed`);
    expect(rows).to.include(`Dana Absent,Dan,Almaty Academy,Absent,,Absent,,0,,,,No-show`);
    expect(rows).to.have.length(4);
    const staff = await signIn(app, w.people.staff.email!);
    await staff.get(`/sessions/${session.id}/results.csv`).expect(403);
  });

  it('only admins and coordinators of the venue close or reopen; others of the country are refused (403), others do not see it (404)', async () => {
    const refusals: [string, number][] = [
      [w.people.trainer.email!, 403],
      [w.people.staff.email!, 403],
      [w.people.outsideCoordinator.email!, 403],
      [w.people.otherTrainer.email!, 403],
      [w.people.ugandanStaff.email!, 404],
    ];
    for (const [email, status] of refusals) {
      const agent = await signIn(app, email);
      await agent.get(`/sessions/${session.id}/close`).expect(status);
      expect((await post(agent, `/sessions/${session.id}/close`, {})).status, email).to.equal(status);
      expect((await post(agent, `/sessions/${session.id}/reopen`, { reason: 'x' })).status, email).to.equal(status);
    }
    expect(await SessionResult.countDocuments({})).to.equal(0);
    const admin = await signIn(app, w.people.admin.email!);
    expect((await post(admin, `/sessions/${session.id}/close`, {})).status).to.equal(303);
  });
});
