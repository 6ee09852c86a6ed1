// The words a person is found by (decision 0005): every prefix of every word of the name, the
// e-mail and the service number, normalised, stored on the person as `searchTokens`. A search
// then asks for one word's prefix as a top-level equality, which FerretDB hands to PostgreSQL
// (an index serves it, on arrays too), instead of a pattern it checks in Go on every person.
// Pure functions: no database here.

/** Prefixes are kept up to this many characters; a longer query word is cut to it. */
export const TOKEN_MAX_LENGTH = 20;

/**
 * Prefixes start at this many characters: a one-letter token would match most people (no faster
 * than reading them all) and make every person's document, which FerretDB decodes on each read,
 * larger. A one-character word is matched by a pattern on the tokens instead.
 */
export const TOKEN_MIN_LENGTH = 2;

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

/** Every prefix of the word, from TOKEN_MIN_LENGTH characters up to TOKEN_MAX_LENGTH; a shorter word as it is (an initial). */
function prefixesOf(word: string): string[] {
  const characters = [...word]; // by code point: no half of a surrogate pair
  if (characters.length < TOKEN_MIN_LENGTH) return [word];
  const prefixes: string[] = [];
  for (let n = TOKEN_MIN_LENGTH; n <= Math.min(characters.length, TOKEN_MAX_LENGTH); n++) {
    prefixes.push(characters.slice(0, n).join(''));
  }
  return prefixes;
}

export type SearchableFields = {
  fullName?: string | null;
  email?: string | null;
  serviceNumber?: string | null;
};

/**
 * A person's search tokens: the prefixes of each word of the name, the e-mail and the service
 * number, and of the service number written without its separators ("UG-1234" is found by "ug",
 * "1234" and "ug1234"). Sorted, without repeats.
 */
export function searchTokensOf(person: SearchableFields): string[] {
  const service = wordsOf(person.serviceNumber);
  const words = [...wordsOf(person.fullName), ...wordsOf(person.email), ...service];
  if (service.length > 1) words.push(service.join(''));
  const tokens = new Set(words.flatMap(formsOf).flatMap(prefixesOf));
  return [...tokens].sort();
}

/**
 * The tokens a search asks for: each word of what was typed, normalised and cut to
 * TOKEN_MAX_LENGTH, without repeats, the longest first (the most selective: the one a query
 * matches by equality). Empty when nothing typed is a letter or a digit. A word shorter than
 * TOKEN_MIN_LENGTH is no token: the caller matches it as the start of a token.
 */
export function queryTokens(typed: string | null | undefined): string[] {
  const tokens = new Set(wordsOf(typed).map((word) => [...word].slice(0, TOKEN_MAX_LENGTH).join('')));
  return [...tokens].sort((a, b) => [...b].length - [...a].length);
}
