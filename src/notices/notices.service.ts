import path from 'node:path';
import mongoose from 'mongoose';
import type { i18n } from 'i18next';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { notFound } from '../http/errors.ts';
import { createLogger } from '../http/logger.ts';
import { pageWindow, type Page } from '../db/pagination.ts';
import { upsertRacing } from '../db/duplicate-key.ts';
import { createI18n, isLanguage, type Language } from '../i18n/i18n.ts';
import { institutionSummary } from '../institutions/institutions.service.ts';
import { personSummaries, personSummary } from '../people/people.service.ts';
import { UnreadCount } from './unread-count.model.ts';
import { createMailer, type Mailer } from './mailer.ts';
import { Notice, type NoticeKind } from './notice.model.ts';
import { isolatedText } from '../http/bidi.ts';

export type { NoticeKind };
import { mailBody, noticeText } from './notice-text.ts';
import { isObjectId } from '../db/object-id.ts';

export type NoticeRequest = {
  /** people to tell (user ids) */
  people: string[];
  kind: NoticeKind;
  /** the session it is about, if any */
  sessionId?: string;
  /**
   * message values; dates already formatted are NOT wanted: pass ISO instants and the zone.
   * Known names: module (title), startsAt, endsAt (ISO instants), timeZone (IANA), reason,
   * position (waitlist place), venue; for certificates: certificate (number), expiresOn
   * (YYYY-MM-DD), days (left), holder (whom a coordinator's notice is about), moduleId (the
   * catalogue page it links to), module_<language> (the title in that language).
   */
  params?: Record<string, string>;
};

// notify() is a plain function that other services call, so what it needs beyond the
// database (configuration, logger, translations, mailer) is set once at start-up, by
// configureNotices: server.ts, the CLI scripts that send notices, and the tests' setup.

type NoticeDeps = { config?: Config; logger?: Logger; i18n?: i18n; mailer?: Mailer | null };
const deps: NoticeDeps = {};
let fallbackI18n: Promise<i18n> | undefined;
let fallbackLogger: Logger | undefined;

/**
 * Sets what notify() uses. A new config or logger rebuilds the mailer unless one is given;
 * `mailer: null` turns e-mail off (tests pass a failing mailer here).
 */
export function configureNotices(next: NoticeDeps): void {
  if (next.config && next.config !== deps.config) fallbackI18n = undefined;
  if ((next.config || next.logger) && !('mailer' in next)) deps.mailer = undefined;
  Object.assign(deps, next);
}

function logger(): Logger | undefined {
  if (deps.logger) return deps.logger;
  if (!deps.config) return undefined;
  return (fallbackLogger ??= createLogger(deps.config.logLevel, false));
}

function mailer(): Mailer | undefined {
  if (deps.mailer === undefined && deps.config) deps.mailer = createMailer(deps.config, logger()) ?? null;
  return deps.mailer ?? undefined;
}

function translations(config: Config): Promise<i18n> {
  if (deps.i18n) return Promise.resolve(deps.i18n);
  return (fallbackI18n ??= createI18n(path.join(config.projectRoot, 'locales'), config.defaultLanguage));
}

type Recipient = { _id: mongoose.Types.ObjectId; fullName: string; email?: string | null; language?: string | null };

/**
 * Records a notice for each active person named (unknown and deactivated people are
 * skipped), then e-mails those with an address, in their own language. A mail that fails is
 * logged and the notice stays: the caller's request never fails because of e-mail.
 */
export async function notify(request: NoticeRequest): Promise<void> {
  // String(): an ObjectId passed by mistake still names its person
  const ids = [...new Set(request.people.map((id) => String(id).toLowerCase()).filter(isObjectId))];
  if (ids.length === 0) return;
  const found = await personSummaries(ids);
  const people = found.filter((person) => person.active);
  if (people.length === 0) return;
  const params = Object.fromEntries(Object.entries(request.params ?? {}).map(([k, v]) => [k, String(v ?? '')]));
  const session = isObjectId(request.sessionId) ? new mongoose.Types.ObjectId(request.sessionId) : undefined;
  const notices = await Notice.insertMany(
    people.map((person) => ({ person: person._id, kind: request.kind, params, session, readAt: null })),
  );
  await Promise.all(people.map((person) => countUnread(person._id, 1)));
  const out = mailer();
  if (!out || !deps.config) return;
  const config = deps.config;
  const t9n = await translations(config);
  const jobs = people.flatMap((person, i) => {
    const notice = notices[i]!;
    if (!person.email) return [];
    return [() => mailOne(out, t9n, config, person, notice._id, request.kind, params)];
  });
  // a few at a time: an SMTP server may refuse many connections at once
  for (let i = 0; i < jobs.length; i += 5) await Promise.all(jobs.slice(i, i + 5).map((job) => job()));
}

async function mailOne(
  out: Mailer,
  t9n: i18n,
  config: Config,
  person: Recipient,
  noticeId: mongoose.Types.ObjectId,
  kind: NoticeKind,
  params: Record<string, string>,
): Promise<void> {
  try {
    const language: Language = isLanguage(person.language) ? person.language : config.defaultLanguage;
    const t = t9n.getFixedT(language);
    const text = noticeText(t, language, kind, params, { marked: true });
    const noticesUrl = config.publicUrl ? `${config.publicUrl}/notices` : undefined;
    const dir = t9n.dir(language);
    const body = mailBody(t, language, dir, text, noticesUrl, config.publicUrl);
    const subject = isolatedText(text.subject, dir === 'rtl');
    await out.send({ to: { name: person.fullName, address: person.email! }, subject, language, ...body });
    await Notice.updateOne({ _id: noticeId }, { $set: { emailedAt: new Date() } });
  } catch (error) {
    logger()?.error(
      { err: error, notice: noticeId.toHexString(), person: person._id.toHexString() },
      'notice e-mail failed',
    );
  }
}

export type NoticeFilter = { page: number };

/** A person's notices, newest first, with the zone their times are shown in (their institution's). */
export async function listNotices(personId: string, filter: NoticeFilter) {
  const person = new mongoose.Types.ObjectId(personId);
  const [total, timeZone] = await Promise.all([
    Notice.countDocuments({ person }),
    personTimeZone(person),
    recountUnread(person),
  ]);
  const window = pageWindow(total, filter.page);
  const items = await Notice.find({ person })
    .sort({ createdAt: -1, _id: -1 })
    .skip(window.skip)
    .limit(window.limit)
    .lean();
  const page: Page<(typeof items)[number]> = { items, page: window.page, pageCount: window.pageCount, total };
  return { ...page, timeZone };
}

async function personTimeZone(person: mongoose.Types.ObjectId): Promise<string> {
  const user = await personSummary(person);
  const institution = user?.institution ? await institutionSummary(user.institution) : null;
  return institution?.timeZone || 'UTC';
}

/**
 * How many of a person's notices are unread (the header's badge, on every page): the count kept
 * for them (unread-count.model.ts), read by _id; counted from the notices when there is none yet.
 * Two notices landing at the same instant may leave it off by one on FerretDB, whose $inc is not
 * atomic; opening the notice list sets it right.
 */
export async function unreadCount(personId: string): Promise<number> {
  if (!isObjectId(personId)) return 0;
  const kept = await UnreadCount.findById(personId).lean();
  if (kept) return Math.max(0, kept.unread);
  return recountUnread(new mongoose.Types.ObjectId(personId));
}

/** Adds to (or takes from) the kept count. */
async function countUnread(person: mongoose.Types.ObjectId, change: number): Promise<void> {
  await upsertRacing(() => UnreadCount.updateOne({ _id: person }, { $inc: { unread: change } }, { upsert: true }));
}

/** Counts the unread notices themselves and keeps the result. */
async function recountUnread(person: mongoose.Types.ObjectId): Promise<number> {
  const unread = await Notice.countDocuments({ person, readAt: null });
  await upsertRacing(() => UnreadCount.updateOne({ _id: person }, { $set: { unread } }, { upsert: true }));
  return unread;
}

/** Marks one of the person's own notices read; another person's notice is "not found". */
export async function markRead(personId: string, noticeId: string): Promise<void> {
  if (!isObjectId(noticeId)) throw notFound();
  // by _id alone, then the owner checked here: the one filter FerretDB answers from its index
  const notice = await Notice.findById(noticeId, { person: 1, readAt: 1 }).lean();
  if (!notice || !notice.person.equals(personId)) throw notFound();
  if (notice.readAt) return;
  await Notice.updateOne({ _id: notice._id }, { $set: { readAt: new Date() } });
  await countUnread(notice.person, -1);
}

/** Marks every unread notice of the person read. */
export async function markAllRead(personId: string): Promise<number> {
  const person = new mongoose.Types.ObjectId(personId);
  const result = await Notice.updateMany({ person, readAt: null }, { $set: { readAt: new Date() } });
  await upsertRacing(() => UnreadCount.updateOne({ _id: person }, { $set: { unread: 0 } }, { upsert: true }));
  return result.modifiedCount;
}
