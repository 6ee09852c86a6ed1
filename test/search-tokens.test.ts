import { expect } from 'chai';
import { queryTokens, searchTokensOf, TOKEN_MAX_LENGTH, wordsOf } from '../src/people/search-tokens.ts';

// The words people are found by (decision 0005): prefixes of each word, normalised the same way
// on both sides, so that what is typed is one of the person's tokens.

/** Whether a search for the typed text finds a person with these fields. */
function finds(typed: string, fields: Parameters<typeof searchTokensOf>[0]): boolean {
  const tokens = new Set(searchTokensOf(fields));
  const words = queryTokens(typed);
  return words.length > 0 && words.every((word) => tokens.has(word));
}

describe('search tokens', () => {
  it('keeps every prefix of each word, lower case, from two characters, sorted and without repeats', () => {
    expect(searchTokensOf({ fullName: 'Ann Anna' })).to.deep.equal(['an', 'ann', 'anna']);
    expect(searchTokensOf({ fullName: 'J. Smith' }), 'an initial as it is').to.deep.equal([
      'j',
      'sm',
      'smi',
      'smit',
      'smith',
    ]);
    expect(searchTokensOf({})).to.deep.equal([]);
    expect(searchTokensOf({ fullName: '— / —' })).to.deep.equal([]);
  });

  it('strips Latin diacritics on both sides', () => {
    const person = { fullName: 'José Ñúñez Müller-Łukasz' };
    expect(wordsOf(person.fullName)).to.deep.equal(['jose', 'nunez', 'muller', 'łukasz']);
    for (const typed of ['jose', 'JOSÉ', 'Nún', 'muller', 'Müll', 'łuk'])
      expect(finds(typed, person), typed).to.equal(true);
  });

  it('finds the start of a word, not its middle', () => {
    const person = { fullName: 'Amina Okello' };
    for (const typed of ['okel', 'OKELLO', 'am ok', 'okello amina']) expect(finds(typed, person), typed).to.equal(true);
    for (const typed of ['kello', 'mina', 'okellos', 'amina x']) expect(finds(typed, person), typed).to.equal(false);
  });

  it('reads Cyrillic and Kazakh words, with й and ё found by и and е', () => {
    const person = { fullName: 'Ерлан Жақсылықов Ёлкин Айгүл' };
    for (const typed of ['ерлан', 'ЖАҚС', 'елкин', 'Ёлк', 'айгүл', 'аи'])
      expect(finds(typed, person), typed).to.equal(true);
    expect(finds('жакс', person), 'қ is a letter of its own, not к with a mark').to.equal(false);
  });

  it('finds an Arabic name with or without ال, and without harakat or hamza', () => {
    const person = { fullName: 'أحمد الحسن مُحَمَّد' };
    for (const typed of ['احمد', 'أحمد', 'الحسن', 'حسن', 'الح', 'محمد', 'مُحَمَّد']) {
      expect(finds(typed, person), typed).to.equal(true);
    }
    expect(finds('سن', person)).to.equal(false);
    // a word that is only the article with one letter keeps its whole form
    expect(searchTokensOf({ fullName: 'الف' })).to.deep.equal(['ال', 'الف']);
  });

  it('finds an e-mail address by its parts', () => {
    const person = { fullName: 'Zawadi Akello', email: 'Z.Akello@Prisons.Example' };
    for (const typed of ['z.akello@prisons', 'prisons', 'akello@pris', 'example']) {
      expect(finds(typed, person), typed).to.equal(true);
    }
  });

  it('finds a service number by its letters, its digits, or written without separators', () => {
    const person = { fullName: 'Sam Staff', serviceNumber: 'UG-1234' };
    for (const typed of ['UG-1234', 'ug', '1234', '12', 'ug1234', 'UG12'])
      expect(finds(typed, person), typed).to.equal(true);
    expect(finds('234', person)).to.equal(false);
    const joined = { fullName: 'Sam Staff', serviceNumber: 'UPS447190233' };
    for (const typed of ['ups', '4471', 'ups-447', 'UPS447190233']) expect(finds(typed, joined), typed).to.equal(true);
  });

  it('cuts long words to the same length on both sides', () => {
    const long = 'a'.repeat(TOKEN_MAX_LENGTH + 10);
    const tokens = searchTokensOf({ fullName: long });
    expect(tokens).to.have.length(TOKEN_MAX_LENGTH - 1);
    expect(queryTokens(long)).to.deep.equal(['a'.repeat(TOKEN_MAX_LENGTH)]);
    expect(finds(long, { fullName: long })).to.equal(true);
  });

  it('asks for the longest word first, each once, and for nothing when nothing typed is a letter or a digit', () => {
    expect(queryTokens('  ok Okello, (Jr.) OK ')).to.deep.equal(['okello', 'ok', 'jr']);
    expect(queryTokens('.*')).to.deep.equal([]);
    expect(queryTokens('')).to.deep.equal([]);
    expect(queryTokens(undefined)).to.deep.equal([]);
  });
});
