import { expect } from 'chai';
import { findsWords, searchWordsOf, wordsOf } from '../src/people/search-words.ts';

// The words people are found by (decision 0005): each typed word is the start of one of the
// person's words, both normalised the same way.

/** Whether a search for the typed text finds a person with these fields. */
function finds(typed: string, fields: Parameters<typeof searchWordsOf>[0]): boolean {
  return findsWords(typed)(searchWordsOf(fields));
}

describe('search words', () => {
  it('keeps each word of the name, lower case, sorted and without repeats', () => {
    expect(searchWordsOf({ fullName: 'Ann Anna ann' })).to.deep.equal(['ann', 'anna']);
    expect(searchWordsOf({ fullName: 'J. Smith' }), 'an initial as it is').to.deep.equal(['j', 'smith']);
    expect(searchWordsOf({})).to.deep.equal([]);
    expect(searchWordsOf({ fullName: '— / —' })).to.deep.equal([]);
  });

  it('finds by one letter, and by several words in any order', () => {
    const person = { fullName: 'John Smith' };
    for (const typed of ['j', 'S', 'j s', 'smith john', 'sm jo']) expect(finds(typed, person), typed).to.equal(true);
    for (const typed of ['x', 'j x', 'johns']) expect(finds(typed, person), typed).to.equal(false);
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
    expect(searchWordsOf({ fullName: 'الف' })).to.deep.equal(['الف']);
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

  it('finds a long word only by its start, however long', () => {
    const long = 'a'.repeat(30);
    expect(finds(long, { fullName: long })).to.equal(true);
    expect(finds(`${'a'.repeat(25)}b`, { fullName: long })).to.equal(false);
  });

  it('finds nobody when nothing typed is a letter or a digit', () => {
    for (const typed of ['.*', '', '  ', '— / —']) expect(finds(typed, { fullName: 'Anyone' }), typed).to.equal(false);
    expect(findsWords(undefined)(['anyone'])).to.equal(false);
  });
});
