import type mongoose from 'mongoose';
import { frozenRows, newStamp, StampedCopy } from '../db/collection-stamps.ts';
import { TrainingSession, type TrainingSessionFields } from './training-session.model.ts';

// Every session as the lists show it, kept in memory (decision 0017): on FerretDB an
// administrator's list has no equality to narrow it, and decoding all the sessions costs 0.5 s
// a request over 2,000, reading its page's 25 by id still 17 ms of FerretDB's time. This copy
// costs that once per change of a session, and one read of the stamps a list.
//
// A session's counted places change with every enrolment, far more often than the sessions:
// they are no part of the rows, and are kept apart, one copy per venue, each under a stamp of
// its own that recordPlaces sets. A place taken at one venue sends the next list back to read
// that venue's places (one query, an equality), not every session.

/** What lists, their files and the API show of a session, and filter on; its counted places apart. */
const ROW_FIELDS = [
  'status',
  'module',
  'moduleVersion',
  'institution',
  'room',
  'timeZone',
  'days',
  'startsAt',
  'endsAt',
  'language',
  'capacity',
  'trainers',
  'requiresApproval',
  'closedAt',
  'updatedAt',
] as const;
export type SessionRow = Pick<TrainingSessionFields, (typeof ROW_FIELDS)[number]> & {
  _id: mongoose.Types.ObjectId;
};
export type PlacesSummary = { seated: number; waiting: number; requested: number };
/** A row with its places: null for a session not counted yet. */
export type RowWithPlaces = SessionRow & { places: PlacesSummary | null };

const rows = new StampedCopy('training_sessions', async () =>
  frozenRows(
    // every session, on purpose: the one read of them all, once per change (decision 0017)
    await TrainingSession.find({}, ROW_FIELDS.join(' ')).sort({ startsAt: 1, _id: 1 }).lean<SessionRow[]>(),
  ),
);

/** Every session's row, soonest first (then _id). */
export function sessionRows(): Promise<readonly Readonly<SessionRow>[]> {
  return rows.get();
}

const placesStamp = (venue: string) => `training_sessions.places:${venue}`;
const placesByVenue = new Map<string, StampedCopy<ReadonlyMap<string, PlacesSummary>>>();

/**
 * The counted places of a venue's sessions, by session: read again when the venue's places
 * stamp moves, or the sessions' (a session moved to another venue, or made).
 */
function placesAt(venue: string): Promise<ReadonlyMap<string, PlacesSummary>> {
  let copy = placesByVenue.get(venue);
  if (!copy) {
    copy = new StampedCopy(['training_sessions', placesStamp(venue)], async () => {
      const counted = await TrainingSession.find({ institution: venue }, 'places').lean();
      return new Map(counted.flatMap((s) => (s.places ? [[s._id.toHexString(), s.places] as const] : [])));
    });
    placesByVenue.set(venue, copy);
  }
  return copy.get();
}

/** The rows with their counted places, from each venue's copy. */
export async function withPlaces(sessions: readonly Readonly<SessionRow>[]): Promise<RowWithPlaces[]> {
  const venues = [...new Set(sessions.map((s) => s.institution.toHexString()))];
  const places = new Map(await Promise.all(venues.map(async (venue) => [venue, await placesAt(venue)] as const)));
  return sessions.map((s) => ({
    ...s,
    places: places.get(s.institution.toHexString())?.get(s._id.toHexString()) ?? null,
  }));
}

/** Records a session's counted places; the next list reads its venue's places again. */
export async function recordPlaces(sessionId: mongoose.Types.ObjectId, places: PlacesSummary): Promise<void> {
  // neither its revision (an edit form open meanwhile stays valid) nor its updatedAt move:
  // nothing about the session itself changed, and the rows' stamp stays (onlyPlacesSet). No
  // projection: FerretDB's findAndModify has none.
  const session = await TrainingSession.findOneAndUpdate(
    { _id: sessionId },
    { $set: { places } },
    { timestamps: false },
  ).lean();
  if (session) await newStamp(placesStamp(session.institution.toHexString()));
}
