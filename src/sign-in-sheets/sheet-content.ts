import type { TFunction } from 'i18next';
import { isLanguage, leftToRight, RIGHT_TO_LEFT, type Language } from '../i18n/i18n.ts';
import { formatDate, formatDay } from '../sessions/session-times.ts';
import type { PaperSize, SheetContent } from './sheet-pdf.ts';
import type { SignInSheet } from './sheets.service.ts';

// The words of a sign-in sheet, in the session's language (whoever prints it: the paper is for
// the room). Kazakh has no interface translation yet: a Kazakh session's sheet is in Russian,
// which the Kazakh academies' staff read.

export function sheetLanguage(sessionLanguage: string): Language {
  return isLanguage(sessionLanguage) ? sessionLanguage : 'ru';
}

export function sheetContent(
  sheet: SignInSheet,
  options: { paper: PaperSize; url: string; t: TFunction; language: Language },
): SheetContent {
  const { t, language } = options;
  const { session, day } = sheet;
  const zone = session.timeZone;
  const ltr = (text: string) => leftToRight(text, language);
  const list = (names: string[]) => names.filter(Boolean).join(language === 'ar' ? '، ' : ', ');
  const first = session.days[0]?.date ?? day.date;
  const last = session.days.at(-1)?.date ?? day.date;
  const venue = sheet.venue.room ? `${sheet.venue.name}, ${sheet.venue.room}` : sheet.venue.name;
  const title = `${sheet.module.title} (${ltr(sheet.module.code)})`;
  return {
    paper: options.paper,
    rtl: RIGHT_TO_LEFT.includes(language),
    title: t('sheets:pdf.title'),
    headerLines: [
      t('sheets:pdf.module', { module: title }),
      t('sheets:pdf.session', {
        from: formatDate(first, zone, language),
        to: formatDate(last, zone, language),
        day: sheet.dayNumber,
        days: session.days.length,
      }),
      t('sheets:pdf.venue', { venue }),
      t('sheets:pdf.day', { day: formatDay(day, zone, language) }),
      t('sheets:pdf.trainers', { names: list(sheet.trainers) || '—' }),
    ],
    columns: {
      number: t('sheets:pdf.columns.number'),
      name: t('sheets:pdf.columns.name'),
      serviceNumber: t('sheets:pdf.columns.serviceNumber'),
      institution: t('sheets:pdf.columns.institution'),
      signature: t('sheets:pdf.columns.signature'),
    },
    qrCaption: t('sheets:pdf.scanCaption'),
    pageOf: (page, pages) => t('sheets:pdf.pageOf', { page, pages }),
    url: options.url,
    participants: sheet.participants,
    documentTitle: `${t('sheets:pdf.title')} – ${sheet.module.title} – ${day.date}`,
    language,
  };
}
