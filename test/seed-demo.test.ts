import { expect } from 'chai';
import mongoose from 'mongoose';
import { Country } from '../src/institutions/country.model.ts';
import { DEMO_ACCOUNTS, DEMO_MODULES, DEMO_PEOPLE } from '../src/demo/demo-world.ts';
import { DateTime } from 'luxon';
import { seedDemo, type SeedSummary } from '../src/demo/seed.ts';
import { DEMO_SESSIONS } from '../src/demo/demo-sessions.ts';
import { AssessmentScore } from '../src/assessments/assessment-score.model.ts';
import { AttendanceMark } from '../src/attendance/attendance-mark.model.ts';
import { anyOf } from '../src/db/query.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { myTraining } from '../src/enrolments/enrolment-queries.service.ts';
import { SeatClaim } from '../src/enrolments/seat-claim.model.ts';
import { rulesOf } from '../src/modules/module-rules.ts';
import { Notice } from '../src/notices/notice.model.ts';
import { toActor } from '../src/people/people.service.ts';
import { SessionResult } from '../src/results/session-result.model.ts';
import { CompletionRecord } from '../src/completions/completion-record.model.ts';
import { statusAt } from '../src/completions/completion-rules.ts';
import { TrainerQualification } from '../src/qualifications/trainer-qualification.model.ts';
import { localToUtc } from '../src/sessions/session-times.ts';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { databaseSnapshot } from './support/database.ts';
import { DEMO_SESSIONS_STEP } from '../src/demo/seed-sessions.ts';
import { Institution } from '../src/institutions/institution.model.ts';
import { ModuleVersion } from '../src/modules/module-version.model.ts';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import { GENDERS, Person } from '../src/people/person.model.ts';
import { buildApp, testConfig } from './support/context.ts';
import { signIn } from './support/http.ts';

const PASSWORD = 'demo password for the tests';
/**
 * The demo world without its sessions, which take seconds to make: their step is marked done
 * first, as a later run finds it. The sessions are tested once, in 'demo seed: sessions' below.
 */
const seed = async () => {
  await mongoose.connection
    .db!.collection<{ _id: string }>('completed_steps')
    .updateOne({ _id: DEMO_SESSIONS_STEP }, { $setOnInsert: { completedAt: new Date() } }, { upsert: true });
  return seedDemo(PASSWORD, testConfig.passwordHashCost);
};
// our own operator, not input: sanitizeFilter (src/db/connection.ts) would otherwise neutralise it
const exists = (yes: boolean) => mongoose.trusted({ $exists: yes });

describe('demo seed', () => {
  it('creates two countries, four institutions and about sixty staff with their roles', async () => {
    const summary = await seed();
    expect(summary.countries).to.deep.equal({ created: 2, existing: 0 });
    expect(summary.institutions).to.deep.equal({ created: 4, existing: 0 });
    expect(summary.people).to.deep.equal({ created: DEMO_PEOPLE.length, existing: 0 });
    expect(summary.modules).to.deep.equal({ created: DEMO_MODULES.length, existing: 0 });

    const countries = await Country.find().sort({ code: 1 }).lean();
    expect(countries.map((c) => [c.code, c.timeZone])).to.deep.equal([
      ['KZ', 'Asia/Almaty'],
      ['UG', 'Africa/Kampala'],
    ]);
    expect(await Institution.countDocuments()).to.equal(4);

    const staff = await Person.countDocuments({ institution: exists(true) });
    expect(staff).to.be.within(55, 65);
    expect(await Person.countDocuments({ roles: 'trainer' })).to.equal(4);
    expect(await Person.countDocuments({ roles: 'admin' })).to.equal(1);

    const coordinators = await Person.find({ roles: 'coordinator' }).lean();
    expect(coordinators).to.have.length(2);
    for (const c of coordinators) {
      expect(c.scopeInstitutions.map(String), c.fullName).to.deep.equal([String(c.institution)]);
    }
    // one coordinator per country
    expect(new Set(coordinators.map((c) => String(c.country))).size).to.equal(2);
  });

  it('records gender for everyone, with women, men and undisclosed, so every count splits by it', async () => {
    await seed();
    const total = await Person.countDocuments({ institution: exists(true) });
    const byGender: Record<string, number> = {};
    for (const gender of GENDERS) {
      byGender[gender] = await Person.countDocuments({ institution: exists(true), gender });
    }
    expect(byGender.female).to.be.greaterThan(10);
    expect(byGender.male).to.be.greaterThan(10);
    expect(byGender.undisclosed).to.be.greaterThan(0);
    expect(Object.values(byGender).reduce((a, b) => a + b, 0)).to.equal(total);

    // split by institution and gender too, as the donor report does
    for (const institution of await Institution.find().lean()) {
      const inInstitution = await Person.countDocuments({ institution: institution._id });
      const women = await Person.countDocuments({ institution: institution._id, gender: 'female' });
      const men = await Person.countDocuments({ institution: institution._id, gender: 'male' });
      expect(women, institution.code).to.be.greaterThan(0);
      expect(men, institution.code).to.be.greaterThan(0);
      expect(inInstitution, institution.code).to.be.greaterThan(10);
    }
  });

  it('writes Kazakhstan staff in Cyrillic with Russian, Uganda staff with English (guests in Arabic), each in their country', async () => {
    await seed();
    const kz = await Country.findOne({ code: 'KZ' }).orFail();
    const ug = await Country.findOne({ code: 'UG' }).orFail();
    const institutions = new Map((await Institution.find().lean()).map((i) => [String(i._id), i]));
    const people = await Person.find({ institution: exists(true) }).lean();
    for (const person of people) {
      const institution = institutions.get(String(person.institution))!;
      expect(String(person.country), person.fullName).to.equal(String(institution.country));
      if (String(person.country) === String(kz._id)) {
        expect(person.fullName).to.match(/^[\u0400-\u04FF -]+$/);
        expect(person.language, person.fullName).to.equal('ru');
      } else if (/[\u0600-\u06FF]/.test(person.fullName)) {
        // the guest officers of the regional exchange, at the Uganda academy
        expect(String(person.country)).to.equal(String(ug._id));
        expect(person.fullName).to.match(/^[\u0600-\u06FF ]+$/);
        expect(person.language, person.fullName).to.equal('ar');
      } else {
        expect(String(person.country)).to.equal(String(ug._id));
        expect(person.fullName).to.match(/^[A-Za-z ]+$/);
        expect(person.language, person.fullName).to.equal('en');
      }
      expect(person.rank, person.fullName).to.be.a('string').and.not.empty;
    }
  });

  it('lets the demo accounts sign in with the demo password; people without an e-mail cannot', async () => {
    await seed();
    const app = await buildApp();
    for (const email of ['admin@demo.test', 'coordinator@demo.test', 'trainer@demo.test', 'staff@demo.test']) {
      const agent = await signIn(app, email, PASSWORD);
      expect((await agent.get('/')).status, email).to.equal(200);
    }
    expect(DEMO_ACCOUNTS.map((a) => a.email)).to.include.members(['coordinator.kz@demo.test', 'staff.kz@demo.test']);
    for (const { email } of DEMO_ACCOUNTS) {
      const account = await Person.findOne({ email }).lean();
      expect(account?.passwordHash, email).to.be.a('string');
      expect(account?.mustChangePassword, email).to.equal(false);
    }
    const roles = async (email: string) => (await Person.findOne({ email }).lean())?.roles;
    expect(await roles('admin@demo.test')).to.deep.equal(['admin']);
    expect(await roles('coordinator@demo.test')).to.deep.equal(['coordinator']);
    expect(await roles('trainer@demo.test')).to.deep.equal(['trainer']);
    expect(await roles('staff@demo.test')).to.deep.equal(['staff']);

    const withoutEmail = await Person.find({ email: exists(false) }).lean();
    expect(withoutEmail.length).to.be.greaterThan(10);
    for (const person of withoutEmail) expect(person.passwordHash, person.fullName).to.equal(undefined);

    // one hash, made once, for every account
    const hashes = await Person.distinct('passwordHash', { passwordHash: exists(true) });
    expect(hashes).to.have.length(1);
  });

  it('creates nothing new when run again, and leaves what was there as it was', async () => {
    await seed();
    const before = await Person.find().sort({ _id: 1 }).lean();
    const summary = await seed();
    expect(summary.countries).to.deep.equal({ created: 0, existing: 2 });
    expect(summary.institutions).to.deep.equal({ created: 0, existing: 4 });
    expect(summary.people).to.deep.equal({ created: 0, existing: DEMO_PEOPLE.length });
    expect(summary.accountsCreated).to.equal(0);
    expect(summary.modules).to.deep.equal({ created: 0, existing: DEMO_MODULES.length });
    expect(await TrainingModule.countDocuments()).to.equal(DEMO_MODULES.length);
    expect(await ModuleVersion.countDocuments()).to.equal(DEMO_MODULES.length);
    expect(await Country.countDocuments()).to.equal(2);
    expect(await Institution.countDocuments()).to.equal(4);
    const after = await Person.find().sort({ _id: 1 }).lean();
    expect(after.map((u) => [String(u._id), u.passwordHash, u.updatedAt?.getTime()])).to.deep.equal(
      before.map((u) => [String(u._id), u.passwordHash, u.updatedAt?.getTime()]),
    );
  });

  it('completes a database that already holds part of the world', async () => {
    const kz = await Country.create({ code: 'KZ', name: 'Казахстан', timeZone: 'Asia/Almaty' });
    await seed();
    await Person.deleteOne({ email: 'trainer@demo.test' });
    await Institution.deleteOne({ code: 'UG-LUP' }); // its people stay, so they are matched by service number
    const summary = await seed();
    expect(summary.countries).to.deep.equal({ created: 0, existing: 2 });
    expect(summary.institutions).to.deep.equal({ created: 1, existing: 3 });
    expect(summary.people).to.deep.equal({ created: 1, existing: DEMO_PEOPLE.length - 1 });
    expect((await Country.findById(kz._id).lean())?.name).to.equal('Казахстан');
    expect(await Person.countDocuments()).to.equal(DEMO_PEOPLE.length);
  });

  it('counts as already there a person whose service number was typed in another letter case', async () => {
    await seed();
    const original = await Person.findOne({ serviceNumber: 'UPS/13364' }).orFail();
    await Person.deleteOne({ _id: original._id });
    const typedByHand = new Person({
      fullName: 'Kiiza Tumwesigye',
      serviceNumber: 'ups/13364',
      institution: original.institution,
      country: original.country,
    });
    await typedByHand.save();
    const summary = await seed();
    expect(summary.people).to.deep.equal({ created: 0, existing: DEMO_PEOPLE.length });
  });

  it('gives every staff member a service number unique within their country', async () => {
    await seed();
    const people = await Person.find({ institution: exists(true) }).lean();
    const seen = new Set<string>();
    for (const person of people) {
      expect(person.serviceNumber, person.fullName).to.be.a('string').and.not.empty;
      const key = `${String(person.country)}:${person.serviceNumber!.toUpperCase()}`;
      expect(seen.has(key), `${person.serviceNumber} twice`).to.equal(false);
      seen.add(key);
    }
    expect(seen.size).to.equal(people.length);
  });

  it('publishes the six PVE modules of the Uganda academy, in English, in order of their prerequisites', async () => {
    await seed();
    const pats = await Institution.findOne({ code: 'UG-PATS' }).lean().orFail();
    const all = await TrainingModule.find({ institution: pats._id }).sort({ code: 1 }).lean();
    // and a training of trainers that qualifies its completers to deliver the first two
    const tot = all.find((m) => m.code === 'UG-TOT-01');
    expect(tot?.tags).to.deep.equal(['tot']);
    const byId = new Map(all.map((m) => [String(m._id), m.code]));
    expect(tot?.qualifiesFor.map((id) => byId.get(String(id)))).to.deep.equal(['UG-PVE-01', 'UG-PVE-02']);
    const modules = all.filter((m) => m !== tot);
    expect(modules.map((m) => m.code)).to.deep.equal([
      'UG-PVE-01',
      'UG-PVE-02',
      'UG-PVE-03',
      'UG-PVE-04',
      'UG-PVE-05',
      'UG-PVE-06',
    ]);
    const ids = new Map(modules.map((m) => [String(m._id), m.code]));
    for (const m of modules) {
      expect(m.status, m.code).to.equal('published');
      expect(m.version, m.code).to.equal(1);
      expect(m.publishedAt, m.code).to.be.instanceOf(Date);
      expect(String(m.country), m.code).to.equal(String(pats.country));
      expect(m.tags, m.code).to.include('pve');
      expect(m.languages, m.code).to.deep.equal(['en']);
      expect(m.objectives.length, m.code).to.be.within(3, 5);
      expect(m.hours, m.code).to.be.greaterThan(0);
      expect(m.summary, m.code).to.match(/^[A-Z].{60,}\.$/);
      // prerequisites point to earlier modules of the same curriculum
      for (const p of m.prerequisites) expect(ids.get(String(p))! < m.code, m.code).to.equal(true);
      const snapshot = await ModuleVersion.findOne({ module: m._id, version: 1 }).lean().orFail();
      expect((snapshot.content as { title: string }).title).to.equal(m.title);
    }
    expect(modules.find((m) => m.code === 'UG-PVE-04')?.prerequisites).to.have.length(2);
  });

  it('gives the Kazakhstan centre its own modules in Russian, taught in Russian and Kazakh', async () => {
    await seed();
    const pstc = await Institution.findOne({ code: 'KZ-PSTC' }).lean().orFail();
    const modules = await TrainingModule.find({ institution: pstc._id }).lean();
    expect(modules.length).to.be.within(2, 3);
    for (const m of modules) {
      expect(m.title, m.code).to.match(/^[\u0400-\u04FF ,.-]+$/);
      expect(m.objectives.join(' '), m.code).to.match(/[\u0400-\u04FF]/);
      expect(m.languages, m.code).to.deep.equal(['ru', 'kk']);
      expect(m.status, m.code).to.equal('published');
      expect(String(m.country), m.code).to.equal(String(pstc.country));
    }
  });

  it('shows each country’s staff their own modules in the catalogue', async () => {
    await seed();
    const app = await buildApp();
    const uganda = await signIn(app, 'staff@demo.test', PASSWORD);
    const ugPage = await uganda.get('/catalogue?tag=pve');
    expect(ugPage.text.match(/href="\/catalogue\/[0-9a-f]{24}"/g)).to.have.length(6);
    expect(ugPage.text).not.to.include('KZ-PVE');
    const kazakhstan = await signIn(app, 'staff.kz@demo.test', PASSWORD);
    const kzPage = await kazakhstan.get('/catalogue');
    expect(kzPage.text.match(/href="\/catalogue\/[0-9a-f]{24}"/g)).to.have.length(3);
    expect(kzPage.text).not.to.include('UG-PVE');
  });

  it('leaves a demo module someone edited as it is, and adds one that was removed', async () => {
    await seed();
    await TrainingModule.updateOne({ code: 'UG-PVE-01' }, { title: 'Edited by the academy' });
    const removed = await TrainingModule.findOneAndDelete({ code: 'KZ-DS-01' }).orFail();
    await ModuleVersion.deleteMany({ module: removed._id });
    const summary = await seed();
    expect(summary.modules).to.deep.equal({ created: 1, existing: DEMO_MODULES.length - 1 });
    expect((await TrainingModule.findOne({ code: 'UG-PVE-01' }).lean())?.title).to.equal('Edited by the academy');
    const readded = await TrainingModule.findOne({ code: 'KZ-DS-01' }).lean().orFail();
    expect(await ModuleVersion.countDocuments({ module: readded._id })).to.equal(1);
  });
});

describe('demo seed: sessions', () => {
  // Made once: the root hook empties the database before each test, so each test starts from a
  // copy of what the one seed made (every document as stored, ids and dates included).
  let copy: Map<string, mongoose.mongo.Document[]>;
  let firstRun: SeedSummary;
  const db = () => mongoose.connection.db!;
  const collectionNames = async () =>
    (await db().listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name)
      .filter((n) => n !== 'login_sessions');

  before(async function () {
    this.timeout(120_000);
    for (const name of await collectionNames()) await db().collection(name).deleteMany({});
    firstRun = await seedDemo(PASSWORD, testConfig.passwordHashCost);
    copy = new Map();
    for (const name of await collectionNames()) copy.set(name, await db().collection(name).find({}).toArray());
  });

  beforeEach(async () => {
    for (const [name, documents] of copy) if (documents.length) await db().collection(name).insertMany(documents);
  });

  const now = new Date();
  const countryId = async (code: string) => (await Country.findOne({ code }).lean().orFail())._id;
  const sessionsOf = async (code: string) =>
    TrainingSession.find({ country: await countryId(code) })
      .sort({ startsAt: 1 })
      .lean();
  const personByEmail = async (email: string) => Person.findOne({ email }).lean().orFail();
  const moduleCode = async (id: mongoose.Types.ObjectId) => (await TrainingModule.findById(id).lean().orFail()).code;
  const today = (zone: string) => DateTime.now().setZone(zone).toFormat('yyyy-MM-dd');

  it('makes sessions in both countries: closed past ones, one running this week, upcoming ones', async () => {
    expect(firstRun.sessions).to.deep.equal({ created: DEMO_SESSIONS.length, existing: 0 });
    for (const [code, language] of [
      ['UG', 'en'],
      ['KZ', 'ru'],
    ] as const) {
      const sessions = await sessionsOf(code);
      const past = sessions.filter((s) => s.endsAt < now);
      const upcoming = sessions.filter((s) => s.startsAt > now);
      const running = sessions.filter((s) => s.startsAt <= now && s.endsAt >= now);
      expect(past.length, code).to.be.at.least(2);
      expect(upcoming.length, code).to.be.at.least(3);
      expect(running, code).to.have.length(1);
      for (const s of sessions) expect(s.language, code).to.equal(language);
      for (const s of past) {
        expect(s.status, code).to.equal('completed');
        expect(s.closedAt, code).to.be.instanceOf(Date);
      }
      for (const s of upcoming) expect(s.status, code).to.equal('open');
      const [week] = running;
      expect(week!.status).to.equal('in_progress');
      expect(week!.days.map((d) => d.date)).to.include(today(week!.timeZone));
      // each session at the version its module is published at, its days in the venue's zone
      for (const s of sessions) {
        const module = await TrainingModule.findById(s.module).lean().orFail();
        expect(s.moduleVersion).to.equal(module.version);
        for (const d of s.days)
          expect(d.startsAt.getTime()).to.equal(localToUtc(d.date, d.start, s.timeZone)?.getTime());
      }
    }
  });

  it('records every day held, the scores and the confirmed results of the past sessions, with a mix of outcomes', async () => {
    const outcomes: string[] = [];
    const changed: string[] = [];
    for (const code of ['UG', 'KZ']) {
      for (const s of (await sessionsOf(code)).filter((x) => x.endsAt < now)) {
        const seated = await Enrolment.find({ session: s._id, state: 'enrolled' }).lean();
        const marks = await AttendanceMark.find({ session: s._id }).lean();
        expect(marks, (await moduleCode(s.module)) + ' marks').to.have.length(seated.length * s.days.length);
        const results = await SessionResult.find({ session: s._id }).lean();
        expect(results).to.have.length(seated.length);
        for (const r of results) {
          expect(r.confirmedAt).to.be.instanceOf(Date);
          outcomes.push(r.outcome);
          if (r.changeReason) changed.push(r.changeReason);
        }
        // the enrolments show the results
        for (const e of seated) expect(results.find((r) => r.person.equals(e.person))?.outcome).to.equal(e.outcome);
        const rules = rulesOf(
          (await ModuleVersion.findOne({ module: s.module, version: s.moduleVersion }).lean())!.content as object,
        );
        const scores = await AssessmentScore.find({ session: s._id }).lean();
        if (rules.hasPostTest) expect(scores.some((x) => x.post !== null)).to.equal(true);
        if (rules.hasPreTest) expect(scores.some((x) => x.pre !== null)).to.equal(true);
        else expect(scores.every((x) => x.pre === null)).to.equal(true);
      }
    }
    expect(new Set(outcomes)).to.deep.equal(new Set(['completed', 'not_completed', 'no_show']));
    expect(changed).to.have.length(1);
    // modules with a pre-test, a post-test and a pass mark, and one without any test
    const modules = await TrainingModule.find({ code: anyOf(DEMO_MODULES.map((m) => m.code)) }).lean();
    expect(modules.some((m) => m.hasPreTest && m.hasPostTest && m.passMark !== null)).to.equal(true);
    expect(modules.some((m) => m.hasPreTest === false && m.hasPostTest === false)).to.equal(true);
  });

  it('marks the days of the sessions running this week held before today, and none from today on', async () => {
    for (const code of ['UG', 'KZ']) {
      const [week] = (await sessionsOf(code)).filter((s) => s.status === 'in_progress');
      const marks = await AttendanceMark.find({ session: week!._id }).lean();
      const dates = new Set(marks.map((m) => m.date));
      const before = week!.days.filter((d) => d.date < today(week!.timeZone));
      expect(before.length, code).to.be.at.least(1);
      expect([...dates].sort(), code).to.deep.equal(before.map((d) => d.date));
      expect(await SessionResult.countDocuments({ session: week!._id })).to.equal(0);
    }
  });

  it('shows staff@demo.test a past session with its result, this week’s and upcoming ones, and a request', async () => {
    const staff = toActor(await personByEmail('staff@demo.test'));
    const mine = await myTraining(staff);
    expect(mine.past.map((r) => r.outcome)).to.include('completed');
    expect(mine.enrolled.some((r) => r.session.startsAt <= now && r.session.status === 'in_progress')).to.equal(true);
    expect(mine.enrolled.some((r) => r.session.startsAt > now)).to.equal(true);
    expect(mine.requests).to.have.length(1);

    const agent = await signIn(await buildApp(), 'staff@demo.test', PASSWORD);
    const page = (await agent.get('/my-training')).text;
    const section = (id: string) => page.split(`id="my-${id}"`)[1]!.split('</section>')[0]!;
    expect(section('past')).to.include('Understanding Violent Extremism').and.include('Completed');
    expect(section('enrolled')).to.include('Dynamic Security').and.include('Human Rights');
    expect(section('requests')).to.include('Disengagement');

    const kz = await myTraining(toActor(await personByEmail('staff.kz@demo.test')));
    expect(kz.past.map((r) => r.outcome)).to.include('completed');
    expect(kz.enrolled.length).to.be.at.least(2);
  });

  it('lists the sessions trainer@demo.test and trainer.kz@demo.test teach on “My teaching”', async () => {
    const app = await buildApp();
    for (const [email, codes] of [
      ['trainer@demo.test', ['UG-PVE-01', 'UG-PVE-03', 'UG-PVE-04']],
      ['trainer.kz@demo.test', ['KZ-PVE-01', 'KZ-PVE-02']],
    ] as const) {
      const agent = await signIn(app, email, PASSWORD);
      const page = await agent.get('/my-teaching');
      expect(page.status).to.equal(200);
      const links = page.text.match(/href="\/sessions\/[0-9a-f]{24}"/g) ?? [];
      expect(links.length, email).to.be.at.least(4);
      for (const code of codes) {
        const module = await TrainingModule.findOne({ code }).lean().orFail();
        expect(page.text, `${email} ${code}`).to.include(module.title);
      }
    }
  });

  it('makes an upcoming session full with a waiting list, and one that needs approval with a request', async () => {
    let full = 0;
    let approval = 0;
    for (const code of ['UG', 'KZ']) {
      for (const s of (await sessionsOf(code)).filter((x) => x.startsAt > now)) {
        const enrolments = await Enrolment.find({ session: s._id }).lean();
        const count = (state: string) => enrolments.filter((e) => e.state === state).length;
        expect(s.places).to.deep.equal({
          seated: count('enrolled'),
          waiting: count('waitlisted'),
          requested: count('requested'),
        });
        // seats and waiting places are claims, one per enrolment (decision 0002)
        expect(await SeatClaim.countDocuments({ session: s._id })).to.equal(count('enrolled'));
        if (count('enrolled') === s.capacity && count('waitlisted') > 0) full += 1;
        if (s.requiresApproval && count('requested') > 0) approval += 1;
        if (!s.requiresApproval) expect(count('requested')).to.equal(0);
      }
    }
    expect(full).to.be.at.least(1);
    expect(approval).to.be.at.least(1);
  });

  it('puts people whose names are written in Latin, Cyrillic and Arabic among the participants', async () => {
    const people = new Set<string>();
    for (const code of ['UG', 'KZ']) {
      for (const s of await sessionsOf(code)) {
        for (const e of await Enrolment.find({ session: s._id, state: 'enrolled' }).lean())
          people.add(String(e.person));
      }
    }
    const names = (await Person.find({ _id: anyOf([...people]) }).lean()).map((p) => p.fullName);
    expect(names.some((n) => /^[A-Za-z ]+$/.test(n))).to.equal(true);
    expect(names.some((n) => /^[\u0400-\u04FF -]+$/.test(n))).to.equal(true);
    expect(names.filter((n) => /^[\u0600-\u06FF ]+$/.test(n))).to.have.length(3);
    // the guests read their result in Arabic: told in their own language
    const guest = await personByEmail('staff.ar@demo.test');
    expect(guest.language).to.equal('ar');
    expect(await Notice.countDocuments({ person: guest._id, kind: 'result.completed' })).to.equal(1);
  });

  it('issues completion records: certificates for staff@demo.test, one revoked, one expiring within 30 days', async () => {
    const staff = await personByEmail('staff@demo.test');
    const own = await CompletionRecord.find({ person: staff._id }).lean();
    const fromSessions = own.filter((r) => r.source === 'session' && r.result === 'completed');
    expect(fromSessions.length).to.be.greaterThan(0);
    for (const record of fromSessions) expect(record.certificateNumber).to.match(/^UG-\d{4}-\d{6}$/);
    const byHand = own.find((r) => r.source === 'manual');
    expect(byHand?.manualReason).to.include('Regional Training School');
    const daysLeft = (byHand!.expiresAt!.getTime() - Date.now()) / 86_400_000;
    expect(daysLeft).to.be.within(1, 30);
    expect(statusAt(byHand!, new Date())).to.equal('valid');

    const geoffrey = await Person.findOne({ fullName: 'Geoffrey Odongo' }).lean().orFail();
    const revoked = (await CompletionRecord.find({ person: geoffrey._id }).lean()).filter(
      (r) => r.status === 'revoked',
    );
    expect(revoked).to.have.length(1);
    expect(revoked[0]!.statusReason).to.include('Issued in error');
    // the training of trainers: trainer@demo.test completed it and was granted PVE-01 from it
    const moses = await personByEmail('trainer@demo.test');
    const pve01 = await TrainingModule.findOne({ code: 'UG-PVE-01' }).lean().orFail();
    const qualification = await TrainerQualification.findOne({ trainer: moses._id, module: pve01._id }).lean().orFail();
    const sarah = await Person.findOne({ fullName: 'Sarah Nakato' }).lean().orFail();
    expect(String(qualification.certifiedBy)).to.equal(String(sarah._id));
    const tot = await CompletionRecord.findById(qualification.fromRecord).lean().orFail();
    expect(tot.moduleCode).to.equal('UG-TOT-01');
    // every closed demo session's participants who came have a record
    const venues = await Institution.find({ code: anyOf(DEMO_SESSIONS.map((d) => d.venue)) }, { _id: 1 }).lean();
    const sessions = [];
    for (const venue of venues) sessions.push(...(await TrainingSession.find({ institution: venue._id }).lean()));
    const closed = sessions.filter((session) => session.closedAt);
    expect(closed.length).to.be.greaterThan(3);
    for (const session of closed) {
      const results = (await SessionResult.find({ session: session._id }).lean()).filter(
        (r) => r.outcome !== 'no_show',
      );
      expect(await CompletionRecord.countDocuments({ session: session._id })).to.equal(results.length);
    }
  });

  it('creates nothing and changes nothing when run again', async () => {
    const before = await databaseSnapshot();
    const summary = await seedDemo(PASSWORD, testConfig.passwordHashCost);
    expect(summary.sessions.created).to.equal(0);
    expect(summary.sessions.existing).to.equal(DEMO_SESSIONS.length);
    expect(summary.people).to.deep.equal({ created: 0, existing: DEMO_PEOPLE.length });
    expect(await databaseSnapshot()).to.deep.equal(before);
  });
});
