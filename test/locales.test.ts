import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createI18n, LANGUAGES, NAMESPACES } from '../src/i18n/i18n.ts';

// Every translation must carry every English key (plural keys in the language's own plural
// forms), keep the English {{placeholders}}, and hold no key that English lacks.
// English is the source: a key added there fails here until it is translated.

const localesDir = path.join(import.meta.dirname, '..', 'locales');
const TRANSLATIONS = LANGUAGES.filter((language) => language !== 'en');
const PLURAL_SUFFIX = /^(.+)_(zero|one|two|few|many|other)$/;

function readNamespace(language: string, namespace: string): unknown {
  return JSON.parse(readFileSync(path.join(localesDir, language, `${namespace}.json`), 'utf8'));
}

/** Nested JSON to a map of dotted keys ("errors.title.404") to leaf values. */
function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

/** The names of a text's placeholders; a format is the language's own ({{count, number}} is count). */
function placeholders(text: unknown): Set<string> {
  const found = new Set<string>();
  if (typeof text !== 'string') return found;
  for (const match of text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) found.add(match[1]!.split(',')[0]!.trim());
  return found;
}

function pluralCategories(language: string): string[] {
  return new Intl.PluralRules(language).resolvedOptions().pluralCategories;
}

/**
 * A category that only ever means one number (Arabic zero, one and two) may spell the number
 * out ("نتيجتان", two results) instead of showing {{count}}; every other must show it.
 */
function mayOmitCount(language: string, category: string): boolean {
  const rules = new Intl.PluralRules(language);
  let numbers = 0;
  for (let n = 0; n <= 1000; n++) if (rules.select(n) === category) numbers++;
  return numbers === 1;
}

type Expected = { english: string; required: Set<string>; allowed: Set<string>; omitCount: boolean };

/** The keys a translation must have, each with the English text it translates and the placeholders that text allows. */
function expectedKeys(english: Map<string, unknown>, language: string): Map<string, Expected> {
  const expected = new Map<string, Expected>();
  const pluralBases = new Set<string>();
  for (const key of english.keys()) {
    const match = PLURAL_SUFFIX.exec(key);
    if (match && english.has(`${match[1]}_other`)) pluralBases.add(match[1]!);
  }
  for (const [key, value] of english) {
    const match = PLURAL_SUFFIX.exec(key);
    if (match && pluralBases.has(match[1]!)) continue;
    const names = placeholders(value);
    expected.set(key, { english: String(value), required: names, allowed: names, omitCount: false });
  }
  for (const base of pluralBases) {
    const forms = [...english.keys()].filter((key) => PLURAL_SUFFIX.exec(key)?.[1] === base);
    const allowed = new Set(forms.flatMap((key) => [...placeholders(english.get(key))]));
    const categories = new Set(pluralCategories(language));
    if (english.has(`${base}_zero`)) categories.add('zero'); // i18next uses _zero for a count of 0 in any language
    for (const category of categories) {
      const source = english.get(`${base}_${category}`) ?? english.get(`${base}_other`);
      expected.set(`${base}_${category}`, {
        english: String(source),
        required: placeholders(source),
        allowed,
        omitCount: mayOmitCount(language, category),
      });
    }
  }
  return expected;
}

/** Keys a translation may have beyond the expected ones: an optional _zero form of a plural. */
function optionalKeys(english: Map<string, unknown>): Set<string> {
  const optional = new Set<string>();
  for (const key of english.keys()) {
    const match = PLURAL_SUFFIX.exec(key);
    if (match && match[2] === 'other') optional.add(`${match[1]}_zero`);
  }
  return optional;
}

const englishNamespaces = readdirSync(path.join(localesDir, 'en'))
  .filter((file) => file.endsWith('.json'))
  .map((file) => path.basename(file, '.json'))
  .sort();

describe('locales', () => {
  it('has a file for every namespace in every language', () => {
    expect(englishNamespaces).to.have.members([...NAMESPACES]);
    for (const language of TRANSLATIONS) {
      const files = readdirSync(path.join(localesDir, language))
        .filter((file) => file.endsWith('.json'))
        .map((file) => path.basename(file, '.json'))
        .sort();
      expect(files, language).to.deep.equal(englishNamespaces);
    }
  });

  for (const language of TRANSLATIONS) {
    describe(language, () => {
      for (const namespace of englishNamespaces) {
        describe(namespace, () => {
          const english = flatten(readNamespace('en', namespace));
          const translated = flatten(readNamespace(language, namespace));
          const expected = expectedKeys(english, language);

          it('has every English key, translated', () => {
            const missing = [...expected.keys()].filter((key) => {
              const value = translated.get(key);
              return typeof value !== 'string' || value.trim() === '';
            });
            expect(missing, `${language}/${namespace}.json is missing or has empty`).to.deep.equal([]);
          });

          it('keeps every {{placeholder}} and adds none', () => {
            const problems: string[] = [];
            for (const [key, { english: source, required, allowed, omitCount }] of expected) {
              const value = translated.get(key);
              if (typeof value !== 'string') continue; // reported above
              const found = placeholders(value);
              for (const name of required) {
                if (!found.has(name) && !(name === 'count' && omitCount)) {
                  problems.push(`${key}: lacks {{${name}}} (English: ${source})`);
                }
              }
              for (const name of found) {
                if (!allowed.has(name)) problems.push(`${key}: has {{${name}}}, which English lacks`);
              }
            }
            expect(problems).to.deep.equal([]);
          });

          it('has no key that English lacks', () => {
            const optional = optionalKeys(english);
            const extra = [...translated.keys()].filter((key) => !expected.has(key) && !optional.has(key));
            expect(extra, `${language}/${namespace}.json has keys English lacks`).to.deep.equal([]);
          });
        });
      }

      it('names every language in that language', () => {
        const names = (readNamespace(language, 'common') as { language?: { names?: unknown } }).language?.names;
        const englishNames = (readNamespace('en', 'common') as { language: { names: unknown } }).language.names;
        expect(names).to.deep.equal(englishNames);
      });
    });
  }

  it('resolves plurals through i18next in every language', async () => {
    const i18n = await createI18n(localesDir, 'en');
    for (const language of TRANSLATIONS) {
      const t = i18n.getFixedT(language);
      for (const namespace of englishNamespaces) {
        const bases = [...flatten(readNamespace('en', namespace)).keys()]
          .map((key) => PLURAL_SUFFIX.exec(key))
          .filter((match) => match?.[2] === 'other')
          .map((match) => match![1]!);
        for (const base of bases) {
          for (const count of [0, 1, 2, 3, 5, 11, 21, 22, 25, 100, 101, 1.5, 1_000_000]) {
            const text = t(`${namespace}:${base}`, { count, fallbackLng: false });
            expect(text, `${language} ${namespace}:${base} count=${count}`).to.not.equal(base);
            expect(text, `${language} ${namespace}:${base} count=${count}`).to.not.equal(`${namespace}:${base}`);
          }
        }
      }
    }
  });

  it('writes Arabic right to left and the others left to right', async () => {
    const i18n = await createI18n(localesDir, 'en');
    expect(i18n.dir('ar')).to.equal('rtl');
    for (const language of ['en', 'ru', 'fr']) expect(i18n.dir(language), language).to.equal('ltr');
  });
});
