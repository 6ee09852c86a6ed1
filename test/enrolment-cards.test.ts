import { expect } from 'chai';
import type { Express } from 'express';
import mongoose from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { fillMissingCards } from '../src/enrolments/enrolment-cards.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { Person } from '../src/people/person.model.ts';
import { buildApp } from './support/context.ts';
import { buildInstitution, buildUser } from './support/factories.ts';
import { post, signIn } from './support/http.ts';
import { visibleText } from './page-helpers.ts';
import { buildWorld } from './support/world.ts';

// Each enrolment keeps its person's card (decision 0018): the roster reads no person by id, and
// every change of a person's name, e-mail, service number or institution reaches their cards.

describe("enrolments keep their person's card", () => {
  let app: Express;
  before(async () => {
    app = await buildApp();
  });

  async function world() {
    const w = await buildWorld({
      countries: { country: {} },
      institutions: { academy: { country: 'country', name: 'Almaty Academy' } },
      people: { coordinator: { roles: ['coordinator'], at: 'academy', scope: ['academy'] } },
      sessions: { session: { at: 'academy', capacity: 5 } },
    });
    return { ...w.institutions, ...w.sessions, ...w.people };
  }

  const rosterOf = (sessionId: string) => `/sessions/${sessionId}/enrolments`;

  it('is written with the enrolment, and the roster then reads none of its people by id', async () => {
    const w = await world();
    const amina = await buildUser({ institution: w.academy, fullName: 'Amina Okello', serviceNumber: 'KZ-1001' });
    const bolat = await buildUser({ institution: w.academy, fullName: 'Bolat Serikov' });
    for (const person of [amina, bolat]) {
      await post(await signIn(app, person.email!), `/sessions/${w.session.id as string}/enrolments/enrol`).then((r) =>
        expect(r.status).to.equal(303),
      );
    }
    const card = (await Enrolment.findOne({ person: amina._id }).lean())!.personCard!;
    expect(card).to.deep.include({ fullName: 'Amina Okello', email: amina.email, serviceNumber: 'KZ-1001' });
    expect(String(card.institution)).to.equal(w.academy.id);

    const coordinator = await signIn(app, w.coordinator.email!);
    const sent: CommandStartedEvent[] = [];
    const listen = (event: CommandStartedEvent) => sent.push(event);
    mongoose.connection.getClient().on('commandStarted', listen);
    try {
      const page = visibleText((await coordinator.get(rosterOf(w.session.id as string)).expect(200)).text);
      expect(page).to.include('Amina Okello').and.to.include('Bolat Serikov').and.to.include('Almaty Academy');
    } finally {
      mongoose.connection.getClient().off('commandStarted', listen);
    }
    const participants = [amina.id, bolat.id];
    const peopleRead = sent.filter(
      (e) =>
        e.commandName === 'find' &&
        e.command.find === 'users' &&
        participants.includes(String((e.command.filter as { _id?: unknown })._id)),
    );
    expect(peopleRead).to.deep.equal([]);
  });

  it('follows a change of name, e-mail, service number or institution, by save or by update', async () => {
    const w = await world();
    const amina = await buildUser({ institution: w.academy, fullName: 'Amina Okello' });
    await post(await signIn(app, amina.email!), `/sessions/${w.session.id as string}/enrolments/enrol`);
    const moved = await buildInstitution({ country: w.academy.country, name: 'Kapshagay Prison' });

    const person = await Person.findById(amina._id).orFail();
    person.fullName = 'Amina Okello-Nur';
    person.serviceNumber = 'KZ-2002';
    person.institution = moved._id;
    await person.save();
    let card = (await Enrolment.findOne({ person: amina._id }).lean())!.personCard!;
    expect(card).to.deep.include({ fullName: 'Amina Okello-Nur', serviceNumber: 'KZ-2002' });
    expect(String(card.institution)).to.equal(moved.id);

    await Person.updateOne({ _id: amina._id }, { $set: { email: 'amina.nur@test.example' } });
    card = (await Enrolment.findOne({ person: amina._id }).lean())!.personCard!;
    expect(card.email).to.equal('amina.nur@test.example');

    const coordinator = await signIn(app, w.coordinator.email!);
    const page = visibleText((await coordinator.get(rosterOf(w.session.id as string)).expect(200)).text);
    expect(page).to.include('Amina Okello-Nur').and.to.include('Kapshagay Prison');
  });

  it('an enrolment made before cards existed still shows its person, and gets its card once filled', async () => {
    const w = await world();
    const amina = await buildUser({ institution: w.academy, fullName: 'Amina Okello' });
    await post(await signIn(app, amina.email!), `/sessions/${w.session.id as string}/enrolments/enrol`);
    await Enrolment.collection.updateMany({}, { $unset: { personCard: '' } });

    const coordinator = await signIn(app, w.coordinator.email!);
    expect(visibleText((await coordinator.get(rosterOf(w.session.id as string)).expect(200)).text)).to.include(
      'Amina Okello',
    );
    expect(await fillMissingCards()).to.equal(1);
    expect((await Enrolment.findOne({ person: amina._id }).lean())!.personCard?.fullName).to.equal('Amina Okello');
    expect(await fillMissingCards()).to.equal(0);
  });
});
