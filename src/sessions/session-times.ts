import { DateTime } from 'luxon';
import { dateLocale, leftToRight } from '../i18n/i18n.ts';

// Session times are typed and read in the venue's zone, and stored as UTC instants too.
// Every time shown names its zone: "Mon 2 Mar 2026, 09:00–17:00 (Asia/Almaty)".

/** The UTC instant of a local date (YYYY-MM-DD) and time (HH:MM) in a zone; undefined when it is not a real time there. */
export function localToUtc(date: string, time: string, zone: string): Date | undefined {
  const local = DateTime.fromISO(`${date}T${time}`, { zone });
  if (!local.isValid) return undefined;
  // a time skipped by a clock change moves forward: refuse it rather than store another time
  if (local.toFormat('yyyy-MM-dd') !== date || local.toFormat('HH:mm') !== time) return undefined;
  return local.toJSDate();
}

/** "YYYY-MM-DD" and "HH:MM" of an instant in a zone (for forms). */
export function utcToLocal(instant: Date, zone: string): { date: string; time: string } {
  const local = DateTime.fromJSDate(instant, { zone });
  return { date: local.toFormat('yyyy-MM-dd'), time: local.toFormat('HH:mm') };
}

/** A date of the venue, in the reader's language: "Mon 2 Mar 2026". */
export function formatDate(date: string, zone: string, language: string): string {
  return DateTime.fromISO(date, { zone }).setLocale(dateLocale(language)).toFormat('ccc d LLL yyyy');
}

/** British English reads "Mon 2 Mar 2026"; other languages their own way. */

type Day = { date: string; start: string; end: string };

/**
 * One day of a session with its zone named. In Arabic the time range and the zone are isolated
 * left to right: unisolated, "08:30–13:00" reads "13:00–08:30" in a right-to-left line.
 */
export function formatDay(day: Day, zone: string, language: string): string {
  const ltr = (text: string) => leftToRight(text, language);
  return `${formatDate(day.date, zone, language)}, ${ltr(`${day.start}–${day.end}`)} (${ltr(zone)})`;
}

/** An instant shown in the venue's zone, with the zone named (isolated as in formatDay). */
export function formatInstant(instant: Date, zone: string, language: string): string {
  const local = DateTime.fromJSDate(instant, { zone }).setLocale(dateLocale(language));
  const ltr = (text: string) => leftToRight(text, language);
  return `${local.toFormat('ccc d LLL yyyy')}, ${ltr(local.toFormat('HH:mm'))} (${ltr(zone)})`;
}

/** formatInstant in one reader's language, for views: venueTime(instant, zone). */
export const venueTimeIn = (language: string) => (instant: Date, zone: string) =>
  formatInstant(instant, zone, language);

/** A local date moved by whole days (copying a session a week later). */
export function shiftDate(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toFormat('yyyy-MM-dd');
}
