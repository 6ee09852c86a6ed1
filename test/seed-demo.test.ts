import { expect } from 'chai';
import mongoose from 'mongoose';
import { Country } from '../src/institutions/country.model.ts';
import { DEMO_ACCOUNTS, DEMO_MODULES, DEMO_PEOPLE } from '../src/demo/demo-world.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { Institution } from '../src/institutions/institution.model.ts';
import { ModuleVersion } from '../src/modules/module-version.model.ts';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import { GENDERS, Person } from '../src/people/person.model.ts';
import { buildApp, testConfig } from './support/context.ts';
import { signIn } from './support/http.ts';

const PASSWORD = 'demo password for the tests';
const seed = () => seedDemo(PASSWORD, testConfig.passwordHashCost);
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

  it('writes Kazakhstan staff in Cyrillic with Russian, Uganda staff with English, each in their country', async () => {
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
      } else {
        expect(String(person.country)).to.equal(String(ug._id));
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
    const modules = await TrainingModule.find({ institution: pats._id }).sort({ code: 1 }).lean();
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
