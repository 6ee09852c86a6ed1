import { expect } from 'chai';
import mongoose from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { newStamp, readStamp, withStampsReadOnce } from '../src/db/collection-stamps.ts';
import { recordSignIn } from '../src/people/credentials.service.ts';
import { Institution } from '../src/institutions/institution.model.ts';
import {
  institutionSummaries,
  institutionSummary,
  listInstitutionOptions,
} from '../src/institutions/institutions.service.ts';
import { moduleSummary, schedulableModules } from '../src/modules/module-lookups.service.ts';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import { activePeopleOf, activeTrainers, listPeople } from '../src/people/people.service.ts';
import { Person } from '../src/people/person.model.ts';
import { buildInstitution, buildModule, buildUser } from './support/factories.ts';
import { buildApp } from './support/context.ts';
import { signIn } from './support/http.ts';
import { actors } from './support/policy-table.ts';

// Institutions, modules and the active trainers are kept in memory while their collection's
// stamp stays (decision 0017): every change must show at once, whoever made it.

describe('copies kept in memory', () => {
  const admin = actors.admin;

  it('institutions: a rename, a deactivation and a new one show at once', async () => {
    const almaty = await buildInstitution({ name: 'Almaty Academy' });
    expect((await institutionSummary(almaty.id))?.name).to.equal('Almaty Academy');

    almaty.name = 'Almaty Training Centre';
    await almaty.save();
    expect((await institutionSummary(almaty.id))?.name).to.equal('Almaty Training Centre');

    await Institution.updateOne({ _id: almaty._id }, { $set: { active: false } });
    expect((await listInstitutionOptions(admin)).map((i) => i.name)).not.to.include('Almaty Training Centre');
    expect((await listInstitutionOptions(admin, { keep: [almaty.id] })).map((i) => i.name)).to.include(
      'Almaty Training Centre',
    );

    const kampala = await buildInstitution({ name: 'Kampala Academy' });
    expect((await institutionSummaries([kampala.id, almaty.id, 'not-an-id'])).map((i) => i.name)).to.deep.equal([
      'Almaty Training Centre',
      'Kampala Academy',
    ]);
  });

  it('modules: a new title and an archived module show at once', async () => {
    const module = await buildModule({ title: 'Understanding extremism', status: 'published' });
    expect((await schedulableModules(admin)).map((m) => m.title)).to.include('Understanding extremism');
    await TrainingModule.updateOne({ _id: module._id }, { $set: { title: 'Preventing violent extremism' } });
    expect((await moduleSummary(module.id))?.title).to.equal('Preventing violent extremism');
    await TrainingModule.updateOne({ _id: module._id }, { $set: { status: 'archived' } });
    expect((await schedulableModules(admin)).map((m) => m.title)).not.to.include('Preventing violent extremism');
  });

  it('trainers: one deactivated is no longer offered, one given the role is', async () => {
    const venue = await buildInstitution();
    const aigerim = await buildUser({ roles: ['trainer'], institution: venue, fullName: 'Aigerim Trainer' });
    const bolat = await buildUser({ roles: ['staff'], institution: venue, fullName: 'Bolat Staff' });
    expect((await activeTrainers([venue.id])).map((t) => t.fullName)).to.deep.equal(['Aigerim Trainer']);

    aigerim.active = false;
    await aigerim.save();
    await Person.updateOne({ _id: bolat._id }, { $set: { roles: ['staff', 'trainer'] } });
    expect((await activeTrainers([venue.id])).map((t) => t.fullName)).to.deep.equal(['Bolat Staff']);
    expect((await activeTrainers()).map((t) => t.fullName)).to.deep.equal(['Bolat Staff']);
  });

  it("an institution's active people: a newcomer, someone deactivated and someone moved show at once", async () => {
    const venue = await buildInstitution();
    const other = await buildInstitution();
    const aigerim = await buildUser({ institution: venue, fullName: 'Aigerim Staff' });
    expect((await activePeopleOf(venue.id)).map((p) => p.fullName)).to.deep.equal(['Aigerim Staff']);

    await buildUser({ institution: venue, fullName: 'Bolat Staff' });
    expect((await activePeopleOf(venue.id)).map((p) => p.fullName)).to.deep.equal(['Aigerim Staff', 'Bolat Staff']);

    await Person.updateOne({ _id: aigerim._id }, { $set: { institution: other._id } });
    expect((await activePeopleOf(venue.id)).map((p) => p.fullName)).to.deep.equal(['Bolat Staff']);
    expect((await activePeopleOf(other.id)).map((p) => p.fullName)).to.deep.equal(['Aigerim Staff']);

    await Person.updateMany({ institution: venue._id }, { $set: { active: false } });
    expect(await activePeopleOf(venue.id)).to.deep.equal([]);
  });

  it('the people directory: a search shows a newcomer, a new name and a deactivation at once; reads nobody while nobody changed', async () => {
    const venue = await buildInstitution();
    const search = async (q: string) =>
      (await listPeople(admin, { q, status: 'active', page: 1 })).items.map((p) => p.fullName);
    const zarina = await buildUser({ institution: venue, fullName: 'Zarina Okonbayeva' });
    expect(await search('okon')).to.deep.equal(['Zarina Okonbayeva']);

    await buildUser({ institution: venue, fullName: 'Okonkwo Aliyu' });
    expect(await search('okon')).to.deep.equal(['Okonkwo Aliyu', 'Zarina Okonbayeva']);

    zarina.fullName = 'Zarina Bekova';
    await zarina.save();
    expect(await search('okon')).to.deep.equal(['Okonkwo Aliyu']);
    expect(await search('bek zar')).to.deep.equal(['Zarina Bekova']);

    await Person.updateOne({ fullName: 'Okonkwo Aliyu' }, { $set: { active: false } });
    expect(await search('okon')).to.deep.equal([]);

    // nobody changed since: the next search reads the stamp and no person
    const sent: CommandStartedEvent[] = [];
    const listen = (event: CommandStartedEvent) => sent.push(event);
    mongoose.connection.getClient().on('commandStarted', listen);
    try {
      expect(await search('zar')).to.deep.equal(['Zarina Bekova']);
    } finally {
      mongoose.connection.getClient().off('commandStarted', listen);
    }
    expect(sent.filter((e) => e.command.find === 'users')).to.deep.equal([]);
    expect(sent.filter((e) => e.command.find === 'collection_stamps')).to.have.length.greaterThan(0);
  });

  it("people: a sign-in or a password leaves the copies current; a summary's field does not", async () => {
    const venue = await buildInstitution();
    const aigerim = await buildUser({ institution: venue, fullName: 'Aigerim Staff' });
    await activePeopleOf(venue.id);
    const stamp = await readStamp('users');
    await recordSignIn(aigerim._id);
    await Person.updateOne({ _id: aigerim._id }, { $set: { passwordHash: 'x' } });
    expect(await readStamp('users')).to.equal(stamp);
    await Person.updateOne({ _id: aigerim._id }, { $set: { 'scopeInstitutions.0': venue._id } });
    expect(await readStamp('users')).not.to.equal(stamp);
  });

  it('a change written past the models shows once its writer sets the stamp, as another process does', async () => {
    const venue = await buildInstitution({ name: 'Before' });
    expect((await institutionSummary(venue.id))?.name).to.equal('Before');
    await mongoose.connection.db!.collection('institutions').updateOne({ _id: venue._id }, { $set: { name: 'After' } });
    await newStamp('institutions');
    expect((await institutionSummary(venue.id))?.name).to.equal('After');
  });

  it('within a request, reads the stamps once, all together, and sees its own writes', async () => {
    const venue = await buildInstitution({ name: 'Before' });
    const sent: CommandStartedEvent[] = [];
    const listen = (event: CommandStartedEvent) => sent.push(event);
    mongoose.connection.getClient().on('commandStarted', listen);
    try {
      await withStampsReadOnce(async () => {
        const first = await readStamp('institutions');
        expect(await readStamp('users')).to.be.a('string');
        expect(await readStamp('institutions')).to.equal(first);
        await Institution.updateOne({ _id: venue._id }, { $set: { name: 'After' } });
        expect(await readStamp('institutions')).not.to.equal(first);
        expect((await institutionSummary(venue.id))?.name).to.equal('After');
      });
    } finally {
      mongoose.connection.getClient().off('commandStarted', listen);
    }
    const stampReads = sent.filter((e) => e.command.find === 'collection_stamps');
    expect(stampReads.map((e) => e.command.filter)).to.deep.equal([{}]);
  });

  it('a page reads the stamps once, whatever copies it uses', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const agent = await signIn(await buildApp(), admin.email!);
    const sent: CommandStartedEvent[] = [];
    const listen = (event: CommandStartedEvent) => sent.push(event);
    mongoose.connection.getClient().on('commandStarted', listen);
    try {
      // the people list uses the people directory and the institutions' summaries
      await agent.get('/people?q=a').expect(200);
    } finally {
      mongoose.connection.getClient().off('commandStarted', listen);
    }
    expect(sent.filter((e) => e.command.find === 'collection_stamps')).to.have.length(1);
  });

  it('hands out rows that cannot be changed: one caller cannot alter what the next one reads', async () => {
    const venue = await buildInstitution({ name: 'Shared' });
    const row = (await institutionSummary(venue.id))!;
    expect(() => Object.assign(row, { name: 'Changed' })).to.throw(TypeError);
    expect((await institutionSummary(venue.id))?.name).to.equal('Shared');
  });
});
