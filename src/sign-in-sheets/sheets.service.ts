import mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { authorize, can, type ActionOf } from '../access/policy.ts';
import { signInSheetPolicy } from '../access/sign-in-sheet.policy.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import { roster } from '../enrolments/enrolment-queries.service.ts';
import { institutionSummary } from '../institutions/institutions.service.ts';
import { moduleSummary } from '../modules/module-lookups.service.ts';
import { personNames } from '../people/people.service.ts';
import { getSession } from '../sessions/sessions.service.ts';
import { PaperConfirmation } from './paper-confirmation.model.ts';
import { PaperScan } from './paper-scan.model.ts';

// A session day's paper: the sheet printed for it, the signed scans that come back, and a
// coordinator's "confirmed from paper". Who may do which is the sign-in sheet policy's
// (src/access/sign-in-sheet.policy.ts): a session the actor cannot see is 404, a day it does not
// have is 404, and an action they may not take on a session they see is 403.

export type SheetAction = ActionOf<typeof signInSheetPolicy>;
export type SessionDay = { date: string; start: string; end: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The session and its day, if the actor may do this to its paper. */
export async function loadSessionDay(actor: Actor, sessionId: string, date: string, action: SheetAction) {
  const session = await getSession(actor, sessionId);
  authorize(actor, signInSheetPolicy, action, session);
  const day = DATE.test(date) ? session.days.find((d) => d.date === date) : undefined;
  if (!day) throw notFound();
  const index = session.days.indexOf(day);
  return { session, day: { date: day.date, start: day.start, end: day.end } as SessionDay, index };
}

/** Everything a sign-in sheet shows, read as the actor (the roster is the enrolments feature's). */
export async function signInSheet(actor: Actor, sessionId: string, date: string) {
  const { session, day, index } = await loadSessionDay(actor, sessionId, date, 'print');
  const [data, module, venue, trainerNames] = await Promise.all([
    roster(actor, sessionId),
    moduleSummary(session.module),
    institutionSummary(session.institution),
    personNames(session.trainers.map((t) => t.person)),
  ]);
  const participants = data.enrolled.map((row) => ({
    name: row.person.fullName,
    serviceNumber: row.person.serviceNumber ?? '',
    institution: row.person.institution?.name ?? '',
  }));
  return {
    session,
    day,
    dayNumber: index + 1,
    module: { title: module?.title ?? '', code: module?.code ?? '' },
    venue: { name: venue?.name ?? '', room: session.room },
    trainers: session.trainers.map((t) => trainerNames.get(t.person.toHexString()) ?? ''),
    participants,
  };
}
export type SignInSheet = Awaited<ReturnType<typeof signInSheet>>;

/** What other pages show of a day's paper (the attendance day page: "paper uploaded / confirmed"). */
export type PaperOfDay = {
  scans: { count: number; latest?: { number: number; uploadedAt: Date; uploadedBy: string } };
  confirmed?: { by: string; byName: string; at: Date };
};

/**
 * The paper of each day of a session, by date (YYYY-MM-DD): how many scans came back and the
 * latest, and whether (by whom, when) the day was confirmed from paper. Days with neither are
 * absent from the map. Not access-checked: for a page that has already authorized the actor
 * for the session (two queries, each on the session: decision 0005).
 */
export async function paperOfSession(sessionId: string | mongoose.Types.ObjectId): Promise<Map<string, PaperOfDay>> {
  const session = new mongoose.Types.ObjectId(String(sessionId));
  const [scans, confirmations] = await Promise.all([
    PaperScan.find({ session }, { date: 1, number: 1, uploadedAt: 1, uploadedBy: 1 })
      .sort({ date: 1, number: 1 })
      .lean(),
    PaperConfirmation.find({ session }).lean(),
  ]);
  const names = await personNames(confirmations.map((c) => c.confirmedBy));
  const days = new Map<string, PaperOfDay>();
  const dayOf = (date: string) => days.get(date) ?? days.set(date, { scans: { count: 0 } }).get(date)!;
  for (const scan of scans) {
    const day = dayOf(scan.date);
    day.scans.count++;
    day.scans.latest = { number: scan.number, uploadedAt: scan.uploadedAt, uploadedBy: scan.uploadedBy.toHexString() };
  }
  for (const c of confirmations) {
    const by = c.confirmedBy.toHexString();
    dayOf(c.date).confirmed = { by, byName: names.get(by) ?? '', at: c.confirmedAt };
  }
  return days;
}

/** The paper page of a day: its scans (with who uploaded them), its confirmation, what the actor may do. */
export async function paperDay(actor: Actor, sessionId: string, date: string) {
  const { session, day, index } = await loadSessionDay(actor, sessionId, date, 'upload');
  const [scans, confirmation, module, venue] = await Promise.all([
    PaperScan.find({ session: session._id, date: day.date }).sort({ number: 1 }).lean(),
    PaperConfirmation.findOne({ session: session._id, date: day.date }).lean(),
    moduleSummary(session.module),
    institutionSummary(session.institution),
  ]);
  const names = await personNames([
    ...scans.map((s) => s.uploadedBy),
    ...(confirmation ? [confirmation.confirmedBy] : []),
  ]);
  const nameOf = (id: mongoose.Types.ObjectId) => names.get(id.toHexString()) ?? '';
  return {
    session,
    day,
    dayNumber: index + 1,
    module: { title: module?.title ?? '', code: module?.code ?? '' },
    venue: { name: venue?.name ?? '', room: session.room },
    scans: scans.map((s) => ({
      number: s.number,
      originalName: s.originalName,
      mimeType: s.mimeType,
      size: s.size,
      uploadedAt: s.uploadedAt,
      uploadedBy: nameOf(s.uploadedBy),
    })),
    confirmed: confirmation && { byName: nameOf(confirmation.confirmedBy), at: confirmation.confirmedAt },
    canConfirm: can(actor, signInSheetPolicy, 'confirm', session),
  };
}
export type PaperDayPage = Awaited<ReturnType<typeof paperDay>>;

/** A scan's stored file, for the session's trainers and managers. */
export async function scanOf(actor: Actor, sessionId: string, date: string, number: number) {
  const { session, day } = await loadSessionDay(actor, sessionId, date, 'upload');
  const scan = await PaperScan.findOne({ session: session._id, date: day.date, number }).lean();
  if (!scan) throw notFound();
  return scan;
}

/**
 * Marks the day "confirmed from paper" (an insert guarded by a unique index: confirming twice
 * keeps the first). Only a day with at least one scan can be confirmed: the scan is the evidence.
 */
export async function confirmDay(actor: Actor, sessionId: string, date: string): Promise<'confirmed' | 'already'> {
  const { session, day } = await loadSessionDay(actor, sessionId, date, 'confirm');
  if (!(await PaperScan.exists({ session: session._id, date: day.date }))) throw noScanYet();
  try {
    await PaperConfirmation.create({ session: session._id, date: day.date, confirmedBy: actor.id });
    return 'confirmed';
  } catch (error) {
    if (isDuplicateKey(error)) return 'already';
    throw error;
  }
}

/** Takes the confirmation back (a confirmation given by mistake, or a scan found wanting). */
export async function unconfirmDay(actor: Actor, sessionId: string, date: string): Promise<void> {
  const { session, day } = await loadSessionDay(actor, sessionId, date, 'confirm');
  await PaperConfirmation.deleteOne({ session: session._id, date: day.date });
}

const noScanYet = () => new HttpError(409, 'sheets:confirm.noScan');

/** The session and day a printed code names, if the actor may upload its scan; 404 otherwise, whatever the reason. */
export async function dayOfCode(actor: Actor, found: { sessionId: string; date: string } | undefined) {
  if (!found) throw notFound();
  try {
    const { session, day } = await loadSessionDay(actor, found.sessionId, found.date, 'upload');
    return { sessionId: session._id.toHexString(), date: day.date };
  } catch (error) {
    // a code tells nothing to those who may not use it: not even that the session exists
    if (error instanceof HttpError && error.status === 403) throw notFound();
    throw error;
  }
}
