import type { TFunction } from 'i18next';
import { DateTime } from 'luxon';
import { dateLocale, leftToRight, RIGHT_TO_LEFT, type Language } from '../i18n/i18n.ts';
import type { CertificatePage } from './certificate-pdf.ts';

// The words of one certificate, in its language, from the facts its completion record keeps
// (decision 0014): nothing here reads the person, the module or the institution as they are
// now, so the same record always gives the same certificate.

export type Signatory = { name: string; role: string };

/** What a completion record keeps for its certificate, as it was at issue. */
export type CertificateFacts = {
  number: string;
  /** the code of the verification address, `<baseUrl>/verify/<verifyCode>` */
  verifyCode: string;
  nameAsIssued: string;
  /** for the agreement of a verb in Russian; any other value (or none) reads the neutral form */
  gender?: string | null;
  moduleCode: string;
  /** already chosen in the certificate's language (moduleTitleIn) */
  moduleTitle: string;
  hours: number;
  /** the session's first and last day, YYYY-MM-DD, in the venue's calendar */
  startedOn: string;
  endedOn: string;
  issuedAt: Date;
  expiresAt: Date | null;
  issuer: {
    name: string;
    /** the country's name as stored, printed when it has no code */
    country: string;
    /** ISO 3166 code: the country is then named in the certificate's language */
    countryCode?: string;
    /** the zone whose calendar the issue, expiry and reprint dates are in (UTC when absent) */
    timeZone?: string;
  };
  signatories: Signatory[];
  /** set when this copy is printed again after issue: when it was printed */
  reprintedAt?: Date | null;
};

export type ContentOptions = { language: Language; baseUrl: string; t: TFunction };

/** British English reads "4 March 2030"; other languages their own way. */

/** A calendar date (YYYY-MM-DD) in words: "4 March 2030", "4 марта 2030 г.". */
export function formatCertificateDate(date: string, language: string): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).setLocale(dateLocale(language)).toLocaleString(DateTime.DATE_FULL);
}

/** The day of an instant in a zone, in words. */
export function formatCertificateDay(instant: Date, zone: string, language: string): string {
  return formatCertificateDate(DateTime.fromJSDate(instant, { zone }).toISODate()!, language);
}

/** The days of a session: one date, or a range the language writes its own way ("4–6 mars 2030"). */
export function formatDates(from: string, to: string, language: string): string {
  if (from === to) return formatCertificateDate(from, language);
  const format = new Intl.DateTimeFormat(dateLocale(language), { dateStyle: 'long', timeZone: 'UTC' });
  return format.formatRange(new Date(`${from}T00:00:00Z`), new Date(`${to}T00:00:00Z`));
}

/** The country in the certificate's language when its code is known, else as stored. */
function countryName(issuer: CertificateFacts['issuer'], language: string): string {
  if (!issuer.countryCode || !/^[A-Z]{2}$/i.test(issuer.countryCode)) return issuer.country;
  try {
    return new Intl.DisplayNames([dateLocale(language)], { type: 'region' }).of(issuer.countryCode.toUpperCase()) ?? '';
  } catch {
    return issuer.country;
  }
}

/** The verification page of a certificate. */
export const verifyUrl = (baseUrl: string, verifyCode: string) =>
  `${baseUrl.replace(/\/+$/, '')}/verify/${encodeURIComponent(verifyCode)}`;

/** Typed text in a sentence keeps its own direction (FSI … PDI): an English name in an Arabic line. */
const isolated = (text: string) => `\u2068${text}\u2069`;

const gendered = (gender: string | null | undefined) =>
  gender === 'female' || gender === 'male' ? { context: gender } : {};

/** The certificate's page, every string in its language. */
export function certificateContent(facts: CertificateFacts, options: ContentOptions): CertificatePage {
  const { t, language } = options;
  const zone = facts.issuer.timeZone ?? 'UTC';
  const day = (instant: Date) => formatCertificateDay(instant, zone, language);
  const dates = formatDates(facts.startedOn, facts.endedOn, language);
  const lines = [
    t('certificates:duration', { count: facts.hours }),
    facts.startedOn === facts.endedOn ? t('certificates:heldOn', { date: dates }) : t('certificates:held', { dates }),
    t('certificates:issuedOn', { date: day(facts.issuedAt) }),
    ...(facts.expiresAt ? [t('certificates:validUntil', { date: day(facts.expiresAt) })] : []),
  ];
  const country = countryName(facts.issuer, language);
  const issuer = country
    ? t('certificates:issuer', { institution: isolated(facts.issuer.name), country: isolated(country) })
    : facts.issuer.name;
  return {
    language,
    rtl: RIGHT_TO_LEFT.includes(language),
    title: t('certificates:title'),
    certifies: t('certificates:certifies'),
    nameAsIssued: facts.nameAsIssued,
    completed: t('certificates:completed', gendered(facts.gender)),
    moduleTitle: facts.moduleTitle,
    moduleCode: leftToRight(facts.moduleCode, language),
    lines,
    issuer,
    signatories: facts.signatories.map(({ name, role }) => ({ name, role })),
    numberLabel: t('certificates:number'),
    number: leftToRight(facts.number, language),
    verifyCaption: t('certificates:verify'),
    verifyUrl: verifyUrl(options.baseUrl, facts.verifyCode),
    ...(facts.reprintedAt ? { reprintMark: t('certificates:reprint', { date: day(facts.reprintedAt) }) } : {}),
    issuedAt: facts.issuedAt,
  };
}
