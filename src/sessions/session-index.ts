import type mongoose from 'mongoose';
import { frozenRows, StampedCopy } from '../db/collection-stamps.ts';
import { TrainingSession, type SessionStatus } from './training-session.model.ts';

// What a sessions list filters and sorts on, for every session, kept in memory (decision 0017):
// on FerretDB an administrator's list has no equality to narrow it, and decoding all the
// sessions costs 0.5 s a request over 2,000; this copy costs that once per change of a session
// (a change of its counted places is none: no list filters on them), and one read of the stamp
// a list. About 200 bytes a session.

export type SessionKey = {
  _id: mongoose.Types.ObjectId;
  status: SessionStatus;
  startsAt: Date;
  endsAt: Date;
  module: mongoose.Types.ObjectId;
  institution: mongoose.Types.ObjectId;
  trainers: { person: mongoose.Types.ObjectId }[];
};

const index = new StampedCopy('training_sessions', async () =>
  frozenRows(
    // every session, on purpose: the one read of them all, once per change (decision 0017)
    await TrainingSession.find({}, 'status startsAt endsAt module institution trainers.person')
      .sort({ startsAt: 1, _id: 1 })
      .lean<SessionKey[]>(),
  ),
);

/** Every session's list keys, soonest first (then _id). */
export function sessionKeys(): Promise<readonly Readonly<SessionKey>[]> {
  return index.get();
}
