import type mongoose from 'mongoose';
import { StampedCopy } from '../db/collection-stamps.ts';
import { Person, SUMMARY_FIELDS, type PersonFields } from './person.model.ts';
import { findsWords, searchWordsOf } from './search-words.ts';

// Every person's summary and search words, by name, kept in memory while nobody's summary
// changes (decision 0017): the people list, its search, a roster's people to add and the
// trainers offered are cut from it. A search matches words anywhere in a name, which no index
// serves; on FerretDB, reading the people a search matches cost 100 ms of its CPU a request.
// This copy costs one read of everyone per change of someone's summary (a sign-in, a password
// is none: person.model.ts), and one read of the stamp a use. About 400 bytes a person.

export type PersonSummary = Pick<PersonFields, (typeof SUMMARY_FIELDS)[number]> & { _id: mongoose.Types.ObjectId };

type Entry = { readonly person: Readonly<PersonSummary>; readonly words: readonly string[] };

const directory = new StampedCopy('users', async (): Promise<readonly Entry[]> => {
  // everyone, on purpose: the one read of them all, once per change (decision 0017)
  const people = await Person.find({}, SUMMARY_FIELDS.join(' ')).sort({ fullName: 1, _id: 1 }).lean<PersonSummary[]>();
  return Object.freeze(
    people.map((person) =>
      Object.freeze({ person: Object.freeze(person), words: Object.freeze(searchWordsOf(person)) }),
    ),
  );
});

export type PeopleWanted = {
  /** only those this says yes to */
  where?: (person: Readonly<PersonSummary>) => boolean;
  /** only those found by these words (search-words.ts) */
  words?: string;
};

/** The people wanted, by name (then _id), as MongoDB sorts `{ fullName: 1, _id: 1 }`. */
export async function peopleWhere(wanted: PeopleWanted): Promise<Readonly<PersonSummary>[]> {
  const everyone = await directory.get();
  const found = wanted.words === undefined ? undefined : findsWords(wanted.words);
  const where = wanted.where;
  return everyone
    .filter((entry) => (!found || found(entry.words)) && (!where || where(entry.person)))
    .map((entry) => entry.person);
}
