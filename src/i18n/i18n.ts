import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type Resource } from 'i18next';

// Translations live in locales/<language>/<namespace>.json and are read once at start.
// English is complete; a key missing in another language falls back to English.

export const LANGUAGES = ['en', 'ru', 'fr', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];
/** One file per namespace in locales/<language>/; a new feature adds its name here. */
export const NAMESPACES = [
  'common',
  'auth',
  'people',
  'institutions',
  'countries',
  'modules',
  'curricula',
  'resources',
  'catalogue',
  'sessions',
  'enrolments',
  'notices',
  'attendance',
  'results',
  'assessments',
  'sheets',
  'certificates',
  'trainers',
  'transcripts',
  'completions',
  'reports',
  'api',
] as const;

/** The locale dates and numbers are written in: British English for English (day before month). */
export const dateLocale = (language: string): string => (language === 'en' ? 'en-GB' : language);

/** The interface languages written right to left. */
export const RIGHT_TO_LEFT: readonly string[] = ['ar'];

/**
 * A left-to-right run (a time range, a zone name, a code) kept in its own order inside a
 * right-to-left sentence, between LRI and PDI; in other languages the text is left as it is.
 * Plain characters, so they hold in HTML, e-mails and .ics text alike.
 */
export function leftToRight(text: string, language: string): string {
  return RIGHT_TO_LEFT.includes(language) && text ? `\u2066${text}\u2069` : text;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

function loadResources(localesDir: string): Resource {
  const resources: Resource = {};
  for (const language of LANGUAGES) {
    const dir = path.join(localesDir, language);
    resources[language] = {};
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      resources[language][path.basename(file, '.json')] = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    }
  }
  return resources;
}

export async function createI18n(localesDir: string, fallbackLanguage: Language): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance.init({
    resources: loadResources(localesDir),
    supportedLngs: [...LANGUAGES],
    fallbackLng: fallbackLanguage === 'en' ? 'en' : [fallbackLanguage, 'en'],
    ns: [...NAMESPACES],
    defaultNS: 'common',
    interpolation: { escapeValue: false }, // EJS escapes on output; escaping twice would show &amp;
    returnNull: false,
  });
  return instance;
}

/** The language for a request: the person's preference, then their choice this visit, then Accept-Language. */
export function chooseLanguage(
  preferred: unknown,
  chosen: unknown,
  acceptLanguages: (...langs: string[]) => string | false,
  fallback: Language,
): Language {
  if (isLanguage(preferred)) return preferred;
  if (isLanguage(chosen)) return chosen;
  const accepted = acceptLanguages(...LANGUAGES);
  return isLanguage(accepted) ? accepted : fallback;
}

/** Languages a module or session may be delivered in: the interface's, and Kazakh. */
export const DELIVERY_LANGUAGES = ['en', 'ru', 'kk', 'fr', 'ar'] as const;
export type DeliveryLanguage = (typeof DELIVERY_LANGUAGES)[number];
