import { dateLocale } from '../i18n/i18n.ts';
import type { TFunction } from 'i18next';
import { DateTime } from 'luxon';
import { escapeHtml, isolatedHtml, isolatedText, mark } from '../http/bidi.ts';
import { isObjectId } from '../db/object-id.ts';
import type { NoticeKind } from './notice.model.ts';

// A notice's words come from its kind and params, in the reader's language, when it is read
// or mailed. Callers pass instants (ISO) and the venue's zone; they are formatted here, in the
// reader's language, with the zone named: "Mon 2 Mar 2026, 09:00 (Asia/Almaty)".

/** The values every message may use; a missing one reads as empty rather than as "{{module}}". */
const KNOWN_PARAMS = [
  'module',
  'when',
  'until',
  'reason',
  'position',
  'venue',
  'certificate',
  'expires',
  'holder',
] as const;

/** An instant in a zone, in a language, with the zone named; undefined when it is not an instant. */
export function formatWhen(iso: string | undefined, zone: string | undefined, language: string): string | undefined {
  if (!iso) return undefined;
  let local = DateTime.fromISO(iso, { zone: zone || 'UTC' });
  if (!local.isValid) local = DateTime.fromISO(iso, { zone: 'UTC' }); // an unknown zone: UTC, named as such
  if (!local.isValid) return undefined;
  // British order for English ("Mon 2 Mar 2026"): the deployments that read English write dates so
  local = local.setLocale(dateLocale(language));
  const date = local.toLocaleString({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
  return `${date}, ${local.toFormat('HH:mm')} (${local.zoneName ?? 'UTC'})`;
}

/** A day (YYYY-MM-DD), in a language, without time or zone: "5 May 2026"; undefined when it is not a day. */
export function formatDate(day: string | undefined, language: string): string | undefined {
  if (!day) return undefined;
  const date = DateTime.fromISO(day, { zone: 'UTC' });
  if (!date.isValid) return undefined;
  return date.setLocale(dateLocale(language)).toLocaleString(DateTime.DATE_FULL);
}

/** The interpolation values of a notice for one reader. */
export function messageParams(params: Record<string, string>, language: string): Record<string, string> {
  const values: Record<string, string> = Object.fromEntries(KNOWN_PARAMS.map((name) => [name, '']));
  for (const [name, value] of Object.entries(params)) values[name] = value.trim();
  // a title issued in the reader's language too (completion records keep them): that one
  values.module = params[`module_${language}`]?.trim() || values.module!;
  values.when = formatWhen(params.startsAt, params.timeZone, language) ?? params.when ?? '';
  values.until = formatWhen(params.endsAt, params.timeZone, language) ?? params.until ?? '';
  values.expires = formatDate(params.expiresOn, language) ?? '';
  return values;
}

/** Where a notice leads (a path of Cadre's, e.g. the module to recertify through) and what the link says. */
export type NoticeLink = { path: string; label: string };
export type NoticeText = { subject: string; body: string; link?: NoticeLink };

/**
 * Sentences added after the body when their value is there, in this order: a value that a
 * notice may lack (a reason not given, a queue place already left) never leaves a gap in it.
 */
const OPTIONAL_SENTENCES = ['position', 'venue', 'reason', 'certificate'] as const;

/** Kinds also sent to others than the person they are about, who are named (`holder`): their coordinators. */
const ABOUT_SOMEONE = new Set<NoticeKind>(['completion.expiring', 'completion.expired']);

/** The body's own key: an approval that ends on the waiting list says so; a coordinator reads of someone else. */
function bodyKey(kind: NoticeKind, values: Record<string, string>): string {
  if (kind === 'enrolment.approved' && values.placement === 'waitlisted') return 'bodyWaitlisted';
  if (ABOUT_SOMEONE.has(kind) && values.holder) return 'bodyForCoordinator';
  return 'body';
}

function subjectKey(kind: NoticeKind, values: Record<string, string>): string {
  return ABOUT_SOMEONE.has(kind) && values.holder ? 'subjectForCoordinator' : 'subject';
}

/** A number the message is plural on (days left), or none. */
function countOf(values: Record<string, string>): { count?: number } {
  return /^\d+$/.test(values.days ?? '') ? { count: Number(values.days) } : {};
}

/** Kinds that lead somewhere: a certificate expiring leads to its module in the catalogue, with its next sessions. */
function linkPath(kind: NoticeKind, values: Record<string, string>): string | undefined {
  if (ABOUT_SOMEONE.has(kind) && isObjectId(values.moduleId)) return `/catalogue/${values.moduleId}`;
  return undefined;
}

/** The values people typed or that name places: isolated in the text (see http/bidi.ts). */
const ISOLATED = ['module', 'reason', 'venue', 'when', 'until', 'certificate', 'expires', 'holder'] as const;

/**
 * Subject and body of a notice, with t fixed to the reader's language. With `marked`, the
 * values are marked for isolation; isolatedHtml or isolatedText then turn the marks into
 * <bdi> or Unicode isolates.
 */
export function noticeText(
  t: TFunction,
  language: string,
  kind: NoticeKind,
  params: Record<string, string> | Map<string, string> | undefined,
  options: { marked?: boolean } = {},
): NoticeText {
  const plain = params instanceof Map ? Object.fromEntries(params) : { ...params };
  const values = messageParams(plain, language);
  if (options.marked) for (const name of ISOLATED) values[name] = mark(values[name] ?? '');
  const sentences = [t(`notices:kinds.${kind}.${bodyKey(kind, values)}`, { ...values, ...countOf(values) })];
  for (const name of OPTIONAL_SENTENCES) {
    if (values[name]) sentences.push(t(`notices:optional.${name}`, values));
  }
  const text: NoticeText = {
    subject: t(`notices:kinds.${kind}.${subjectKey(kind, values)}`, values),
    body: sentences.join(' '),
  };
  const path = linkPath(kind, values);
  if (path) text.link = { path, label: t(`notices:kinds.${kind}.link`, values) };
  return text;
}

export type MailText = { text: string; html: string };

/**
 * The plain-text and the minimal HTML body of a notice mail, from a notice text (marked or
 * not). Every value is escaped in the HTML: a module title is typed by people, and i18next
 * does not escape (EJS does, for pages). Marked values are isolated: <bdi> in the HTML, and
 * Unicode isolates in the text of a right-to-left reader. The notice's own link (a module to
 * recertify through) follows the body, made absolute with `publicUrl`; without one it is left out.
 */
export function mailBody(
  t: TFunction,
  language: string,
  dir: string,
  notice: NoticeText,
  noticesUrl: string | undefined,
  publicUrl?: string,
): MailText {
  const footer = noticesUrl ? t('notices:mail.seeAll', { url: noticesUrl }) : t('notices:mail.signIn');
  const own =
    notice.link && publicUrl ? { url: `${publicUrl}${notice.link.path}`, label: notice.link.label } : undefined;
  const ownText = own ? `\n\n${isolatedText(own.label, dir === 'rtl')}: ${own.url}` : '';
  const text = `${isolatedText(notice.body, dir === 'rtl')}${ownText}\n\n${footer}\n`;
  const paragraphs = notice.body
    .split(/\n{2,}/)
    .map((p) => `<p>${isolatedHtml(p).replace(/\n/g, '<br>')}</p>`)
    .concat(own ? [`<p><a href="${escapeHtml(own.url)}">${isolatedHtml(own.label)}</a></p>`] : [])
    .join('\n');
  const link = noticesUrl
    ? `<p><a href="${escapeHtml(noticesUrl)}">${escapeHtml(t('notices:mail.open'))}</a></p>`
    : `<p>${escapeHtml(footer)}</p>`;
  const html =
    `<!doctype html>\n<html lang="${escapeHtml(language)}" dir="${escapeHtml(dir)}">\n<head><meta charset="utf-8">` +
    `<title>${escapeHtml(isolatedText(notice.subject, false))}</title></head>\n<body>\n${paragraphs}\n${link}\n</body>\n</html>\n`;
  return { text, html };
}
