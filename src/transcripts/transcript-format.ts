import { DateTime } from 'luxon';
import type { TFunction } from 'i18next';
import type { PersonRecord } from '../completions/completion-queries.service.ts';
import { dateLocale, leftToRight, RIGHT_TO_LEFT, type Language } from '../i18n/i18n.ts';
import { standingOf, totalsOf, type Standing } from './learning-rules.ts';
import type { TranscriptPdfContent } from './transcript-pdf.ts';
import { titleIn, type Transcript } from './transcripts.service.ts';

// A transcript's records in one language: the page and the PDF show the same words, dates and
// numbers. Dates of training are calendar days (YYYY-MM-DD as issued); the day printed is the
// person's institution's.

export function formatsIn(language: string) {
  const number = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  return {
    /** a calendar day: "2 Mar 2026", "2 мар. 2026 г.", "2 مارس 2026" */
    day: (iso: string) =>
      DateTime.fromISO(iso, { zone: 'utc' }).setLocale(dateLocale(language)).toLocaleString(DateTime.DATE_MED),
    /** the day of an instant in a zone */
    dayOf: (instant: Date, zone: string) =>
      DateTime.fromJSDate(instant, { zone }).setLocale(dateLocale(language)).toLocaleString(DateTime.DATE_MED),
    number: (value: number) => number.format(value),
  };
}

export type RecordLine = {
  id: string;
  code: string;
  title: string;
  issuer: string;
  from: string;
  /** the last day, when the training ran over more than one */
  to?: string;
  hours: string;
  result: PersonRecord['result'];
  standing: Standing;
  /** the status as a reader is told it: "Valid until 2 Mar 2028", "Expired on …", "Revoked"; none for not completed */
  status: string;
  certificateNumber?: string;
};

/** A record as a line of the transcript, in this language. */
export function recordLine(record: PersonRecord, language: string, t: TFunction): RecordLine {
  const f = formatsIn(language);
  const standing = standingOf(record);
  const expiry = record.expiresAt ? f.day(record.expiresAt.toISOString().slice(0, 10)) : undefined;
  const status =
    standing === 'not_completed'
      ? ''
      : standing === 'valid' && expiry
        ? t('transcripts:standings.validUntil', { date: expiry })
        : standing === 'expired' && expiry
          ? t('transcripts:standings.expiredOn', { date: expiry })
          : t(`transcripts:standings.${standing}`);
  return {
    id: record._id.toHexString(),
    code: record.moduleCode,
    title: titleIn(record, language),
    issuer: record.issuerName,
    from: f.day(record.startedOn),
    to: record.endedOn === record.startedOn ? undefined : f.day(record.endedOn),
    hours: f.number(record.hours),
    result: record.result,
    standing,
    status,
    certificateNumber: record.certificateNumber ?? undefined,
  };
}

/** The totals as one sentence: hours of training completed, modules completed, records. */
export function totalsText(records: readonly PersonRecord[], language: string, t: TFunction): string {
  const totals = totalsOf(records);
  const f = formatsIn(language);
  return [
    t('transcripts:totals.hoursLine', { value: f.number(totals.hours) }),
    t('transcripts:totals.completedLine', { value: totals.completed }),
    t('transcripts:totals.recordsLine', { value: totals.records }),
  ].join(' · ');
}

/** Everything the PDF says, in the transcript's language. */
export function transcriptPdfContent(
  transcript: Transcript,
  options: { t: TFunction; language: Language; now: Date },
): TranscriptPdfContent {
  const { t, language } = options;
  const { person, records } = transcript;
  const f = formatsIn(language);
  const ltr = (text: string) => leftToRight(text, language);
  const place = [person.institution, person.country].filter(Boolean).join(language === 'ar' ? '، ' : ', ');
  return {
    rtl: RIGHT_TO_LEFT.includes(language),
    language,
    documentTitle: `${t('transcripts:pdf.title')} – ${person.fullName}`,
    title: t('transcripts:pdf.title'),
    name: person.fullName,
    details: [
      ...(person.serviceNumber ? [t('transcripts:pdf.serviceNumber', { value: ltr(person.serviceNumber) })] : []),
      ...(place ? [t('transcripts:pdf.institution', { value: place })] : []),
      t('transcripts:pdf.printed', { date: f.dayOf(options.now, person.timeZone) }),
    ],
    totals: totalsText(records, language, t),
    columns: {
      module: t('transcripts:columns.module'),
      dates: t('transcripts:columns.dates'),
      hours: t('transcripts:columns.hours'),
      result: t('transcripts:columns.result'),
      certificate: t('transcripts:columns.certificate'),
    },
    rows: records.map((record) => {
      const line = recordLine(record, language, t);
      return {
        title: line.title,
        subtitle: `${ltr(line.code)} · ${line.issuer}`,
        from: line.from,
        to: line.to,
        hours: line.hours,
        result: t(`transcripts:results.${line.result}`),
        status: line.status,
        certificate: line.certificateNumber ? ltr(line.certificateNumber) : '—',
      };
    }),
    empty: t('transcripts:empty'),
    note: t('transcripts:totals.note'),
    continued: `${t('transcripts:pdf.title')} – ${person.fullName}`,
    pageOf: (page, pages) => t('transcripts:pdf.pageOf', { page, pages }),
  };
}
