import type mongoose from 'mongoose';
import { StampedCopy } from '../db/collection-stamps.ts';
import { Person, SUMMARY_FIELDS, type PersonFields } from './person.model.ts';
import { findsWords, searchWordsOf } from './search-words.ts';

// Every person's summary and search words, by name, kept in memory while nobody's summary
// changes (decision 0017): the people list, its search, a roster's people to add, the trainers
// offered and every person's summary asked for by id are cut from it. A search matches words anywhere in a name, which no index
// serves; on FerretDB, reading the people a search matches cost 100 ms of its CPU a request.
// This copy costs one read of everyone per change of someone's summary (a sign-in, a password
// is none: person.model.ts), and one read of the stamp a use. About 400 bytes a person.

export type PersonSummary = Pick<PersonFields, (typeof SUMMARY_FIELDS)[number]> & { _id: mongoose.Types.ObjectId };

type Entry = { readonly person: Readonly<PersonSummary>; readonly words: readonly string[] };

type Directory = { readonly byName: readonly Entry[]; readonly byId: ReadonlyMap<string, Entry> };

const directory = new StampedCopy('users', async (): Promise<Directory> => {
  // everyone, on purpose: the one read of them all, once per change (decision 0017)
  const people = await Person.find({}, SUMMARY_FIELDS.join(' ')).sort({ fullName: 1, _id: 1 }).lean<PersonSummary[]>();
  const byName = Object.freeze(
    people.map((person) =>
      Object.freeze({ person: Object.freeze(person), words: Object.freeze(searchWordsOf(person)) }),
    ),
  );
  return { byName, byId: new Map(byName.map((entry) => [entry.person._id.toHexString(), entry])) };
});

export type PeopleWanted = {
  /** only those this says yes to */
  where?: (person: Readonly<PersonSummary>) => boolean;
  /** only those found by these words (search-words.ts) */
  words?: string;
};

/** The people wanted, by name (then _id), as MongoDB sorts `{ fullName: 1, _id: 1 }`. */
export async function peopleWhere(wanted: PeopleWanted): Promise<Readonly<PersonSummary>[]> {
  const { byName } = await directory.get();
  const found = wanted.words === undefined ? undefined : findsWords(wanted.words);
  const where = wanted.where;
  return byName
    .filter((entry) => (!found || found(entry.words)) && (!where || where(entry.person)))
    .map((entry) => entry.person);
}

/** The people with these ids (hex strings), in the order asked; unknown ids are left out. */
export async function peopleWithIds(ids: readonly string[]): Promise<Readonly<PersonSummary>[]> {
  const { byId } = await directory.get();
  return ids.flatMap((id) => byId.get(id)?.person ?? []);
}
