import mongoose from 'mongoose';
import { cardOf, onCardChanged, type PersonCard } from '../people/person-cards.ts';
import { personSummaries } from '../people/people.service.ts';
import { Enrolment } from './enrolment.model.ts';

// Each enrolment keeps its person's card (decision 0018), so that a roster, a session page and
// the attendance and score grids read one query by the session instead of a person by id each
// (on FerretDB about 1 ms of its own work a read, 29 of them a roster). Cards follow the person:
// every change of a card is written to the person's enrolments (one query by the person) before
// the change's caller goes on.

onCardChanged(async (person, card) => {
  await Enrolment.updateMany({ person }, { $set: { personCard: card } }, { timestamps: false });
});

/** The card of someone about to be enrolled, read now; undefined for an unknown id. */
export async function currentCard(person: mongoose.Types.ObjectId): Promise<PersonCard | undefined> {
  const [found] = await personSummaries([person]);
  return found && cardOf(found);
}

/**
 * Gives a card to every enrolment made before cards existed (a start after the upgrade, once:
 * server.ts): every enrolment read once, then each person's enrolments given their card with
 * one update by the person, as a change of their card does. Safe to run twice; the number of
 * enrolments given one.
 */
export async function fillMissingCards(): Promise<number> {
  const missing = new Map<string, number>();
  // every enrolment, on purpose: once, at the start after the upgrade
  for await (const row of Enrolment.find({}, { person: 1, personCard: 1 }).lean().cursor({ batchSize: 1000 })) {
    if (!row.personCard) missing.set(row.person.toHexString(), (missing.get(row.person.toHexString()) ?? 0) + 1);
  }
  for (const id of missing.keys()) {
    const person = new mongoose.Types.ObjectId(id);
    // someone no longer there gets an empty name: the roster showed them so before
    const card = (await currentCard(person)) ?? { fullName: '' };
    await Enrolment.updateMany({ person, personCard: null }, { $set: { personCard: card } }, { timestamps: false });
  }
  return [...missing.values()].reduce((sum, n) => sum + n, 0);
}
