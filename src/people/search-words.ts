// The words a person is found by (decision 0005): a search finds the people with, for each word
// typed, a word starting with it in their name, e-mail or service number, both sides normalised
// the same way. The people directory (people-directory.ts) keeps each person's words in memory
// and matches there. Pure functions: no database here.

/** The Arabic definite article, which a search may leave out ("الحسن" is found by "حسن"). */
const ARTICLE = 'ال';

/**
 * Lower case, without diacritics (é → e, й → и, ё → е, أ → ا, harakat), without the Arabic
 * tatweel, with ى and ة written as ي and ه (as people type them either way).
 */
export function normaliseText(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/\u0640/g, '')
    .replace(/\u0649/g, '\u064a')
    .replace(/\u0629/g, '\u0647')
    .normalize('NFC');
}

/** The words of a text: runs of letters and digits (any script), normalised. */
export function wordsOf(text: string | null | undefined): string[] {
  if (!text) return [];
  return normaliseText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/** The forms of a word a search may start with: itself, its letter and digit runs, without the article. */
function formsOf(word: string): string[] {
  const forms = [word];
  const runs = word.match(/\p{L}+|\p{N}+/gu) ?? [];
  if (runs.length > 1) forms.push(...runs);
  if (word.startsWith(ARTICLE) && word.length >= ARTICLE.length + 2) forms.push(word.slice(ARTICLE.length));
  return forms;
}

export type SearchableFields = {
  fullName?: string | null;
  email?: string | null;
  serviceNumber?: string | null;
};

/**
 * The words a person is found by: each word of the name, the e-mail and the service number in
 * each of its forms, and the service number written without its separators ("UG-1234" is found
 * by "ug", "1234" and "ug1234"). Sorted, without repeats.
 */
export function searchWordsOf(person: SearchableFields): string[] {
  const service = wordsOf(person.serviceNumber);
  const words = [...wordsOf(person.fullName), ...wordsOf(person.email), ...service];
  if (service.length > 1) words.push(service.join(''));
  return [...new Set(words.flatMap(formsOf))].sort();
}

/**
 * Whether a person with these words (searchWordsOf) is found by what was typed: each typed word
 * is the start of one of theirs. Text without a letter or a digit finds nobody.
 */
export function findsWords(typed: string | null | undefined): (words: readonly string[]) => boolean {
  const wanted = [...new Set(wordsOf(typed))];
  if (wanted.length === 0) return () => false;
  return (words) => wanted.every((start) => words.some((word) => word.startsWith(start)));
}
