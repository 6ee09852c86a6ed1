import type { TFunction } from 'i18next';
import { DateTime } from 'luxon';
import { escapeHtml, isolatedHtml, isolatedText, mark } from '../http/bidi.ts';
import type { NoticeKind } from './notice.model.ts';

// A notice's words come from its kind and params, in the reader's language, when it is read
// or mailed. Callers pass instants (ISO) and the venue's zone; they are formatted here, in the
// reader's language, with the zone named: "Mon 2 Mar 2026, 09:00 (Asia/Almaty)".

/** The values every message may use; a missing one reads as empty rather than as "{{module}}". */
const KNOWN_PARAMS = ['module', 'when', 'until', 'reason', 'position', 'venue'] as const;

/** An instant in a zone, in a language, with the zone named; undefined when it is not an instant. */
export function formatWhen(iso: string | undefined, zone: string | undefined, language: string): string | undefined {
  if (!iso) return undefined;
  let local = DateTime.fromISO(iso, { zone: zone || 'UTC' });
  if (!local.isValid) local = DateTime.fromISO(iso, { zone: 'UTC' }); // an unknown zone: UTC, named as such
  if (!local.isValid) return undefined;
  // British order for English ("Mon 2 Mar 2026"): the deployments that read English write dates so
  local = local.setLocale(language === 'en' ? 'en-GB' : language);
  const date = local.toLocaleString({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
  return `${date}, ${local.toFormat('HH:mm')} (${local.zoneName ?? 'UTC'})`;
}

/** The interpolation values of a notice for one reader. */
export function messageParams(params: Record<string, string>, language: string): Record<string, string> {
  const values: Record<string, string> = Object.fromEntries(KNOWN_PARAMS.map((name) => [name, '']));
  for (const [name, value] of Object.entries(params)) values[name] = value.trim();
  values.when = formatWhen(params.startsAt, params.timeZone, language) ?? params.when ?? '';
  values.until = formatWhen(params.endsAt, params.timeZone, language) ?? params.until ?? '';
  return values;
}

export type NoticeText = { subject: string; body: string };

/**
 * Sentences added after the body when their value is there, in this order: a value that a
 * notice may lack (a reason not given, a queue place already left) never leaves a gap in it.
 */
const OPTIONAL_SENTENCES = ['position', 'venue', 'reason'] as const;

/** The body's own key: an approval that ends on the waiting list says so. */
function bodyKey(kind: NoticeKind, values: Record<string, string>): string {
  if (kind === 'enrolment.approved' && values.placement === 'waitlisted') return 'bodyWaitlisted';
  return 'body';
}

/** The values people typed or that name places: isolated in the text (see http/bidi.ts). */
const ISOLATED = ['module', 'reason', 'venue', 'when', 'until'] as const;

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
  const sentences = [t(`notices:kinds.${kind}.${bodyKey(kind, values)}`, values)];
  for (const name of OPTIONAL_SENTENCES) {
    if (values[name]) sentences.push(t(`notices:optional.${name}`, values));
  }
  return {
    subject: t(`notices:kinds.${kind}.subject`, values),
    body: sentences.join(' '),
  };
}

export type MailText = { text: string; html: string };

/**
 * The plain-text and the minimal HTML body of a notice mail, from a notice text (marked or
 * not). Every value is escaped in the HTML: a module title is typed by people, and i18next
 * does not escape (EJS does, for pages). Marked values are isolated: <bdi> in the HTML, and
 * Unicode isolates in the text of a right-to-left reader.
 */
export function mailBody(
  t: TFunction,
  language: string,
  dir: string,
  notice: NoticeText,
  noticesUrl: string | undefined,
): MailText {
  const footer = noticesUrl ? t('notices:mail.seeAll', { url: noticesUrl }) : t('notices:mail.signIn');
  const text = `${isolatedText(notice.body, dir === 'rtl')}\n\n${footer}\n`;
  const paragraphs = notice.body
    .split(/\n{2,}/)
    .map((p) => `<p>${isolatedHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  const link = noticesUrl
    ? `<p><a href="${escapeHtml(noticesUrl)}">${escapeHtml(t('notices:mail.open'))}</a></p>`
    : `<p>${escapeHtml(footer)}</p>`;
  const html =
    `<!doctype html>\n<html lang="${escapeHtml(language)}" dir="${escapeHtml(dir)}">\n<head><meta charset="utf-8">` +
    `<title>${escapeHtml(isolatedText(notice.subject, false))}</title></head>\n<body>\n${paragraphs}\n${link}\n</body>\n</html>\n`;
  return { text, html };
}
