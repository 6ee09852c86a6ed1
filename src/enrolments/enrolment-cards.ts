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

const BATCH = 500;

/**
 * Gives a card to every enrolment made before cards existed (a start after the upgrade, once:
 * server.ts): every enrolment read once, then those without a card written 500 at a time.
 * Safe to run twice; the number of enrolments given one.
 */
export async function fillMissingCards(): Promise<number> {
  const missing: { _id: mongoose.Types.ObjectId; person: mongoose.Types.ObjectId }[] = [];
  // every enrolment, on purpose: once, at the start after the upgrade
  for await (const row of Enrolment.find({}, { person: 1, personCard: 1 }).lean().cursor({ batchSize: 1000 })) {
    if (!row.personCard) missing.push({ _id: row._id, person: row.person });
  }
  for (let i = 0; i < missing.length; i += BATCH) {
    const batch = missing.slice(i, i + BATCH);
    const people = new Map((await personSummaries(batch.map((r) => r.person))).map((p) => [p._id.toHexString(), p]));
    await Enrolment.bulkWrite(
      batch.map((row) => {
        const person = people.get(row.person.toHexString());
        // someone no longer there gets an empty name: the roster showed them so before
        const card = person ? cardOf(person) : { fullName: '' };
        return { updateOne: { filter: { _id: row._id }, update: { $set: { personCard: card } }, timestamps: false } };
      }),
    );
  }
  return missing.length;
}
