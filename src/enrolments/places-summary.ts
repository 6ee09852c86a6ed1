import type mongoose from 'mongoose';
import { recordPlaces, type PlacesSummary } from '../sessions/sessions.service.ts';
import { Enrolment } from './enrolment.model.ts';

// How many people a session seats, keeps waiting and has asking, kept on the session record for
// the lists (the sessions list, the catalogue): on the embedded FerretDB each query costs a few
// milliseconds of its own, and counting each listed session's enrolments was 25 queries a page.
// For display only: placing and capacity checks ask the claims (decision 0002), a session's own
// page counts its enrolments (and puts the summary right when it differs). Every change of an
// enrolment's state in a session ends with placesChanged; within this process the recounts of a
// session run one at a time, and a change while one is reading is followed by another recount,
// so the last recount starts after the last change. Decision 0005.

type Id = mongoose.Types.ObjectId;

/** The counts of a session's enrolments by state, from the enrolments (one query, the session's). */
export async function countPlaces(session: Id): Promise<PlacesSummary> {
  const rows = await Enrolment.find({ session }, { state: 1 }).lean();
  return summarise(rows);
}

export function summarise(rows: readonly { state: string }[]): PlacesSummary {
  const count = (state: string) => rows.filter((row) => row.state === state).length;
  return { seated: count('enrolled'), waiting: count('waitlisted'), requested: count('requested') };
}

type Recounts = { queued?: Promise<void>; tail: Promise<void> };
const recounts = new Map<string, Recounts>();

/** Recounts the session's places and records them; a recount already queued covers this change too. */
export function placesChanged(session: Id): Promise<void> {
  const key = session.toHexString();
  const entry = recounts.get(key) ?? { tail: Promise.resolve() };
  recounts.set(key, entry);
  if (entry.queued) return entry.queued;
  const queued = entry.tail.then(async () => {
    // from here on a change may be missed by this read: it queues the next recount
    entry.queued = undefined;
    await recordPlaces(session, await countPlaces(session));
  });
  entry.queued = queued;
  const tail = queued.catch(() => undefined);
  entry.tail = tail;
  void tail.then(() => {
    if (entry.tail === tail && !entry.queued) recounts.delete(key);
  });
  return queued;
}
