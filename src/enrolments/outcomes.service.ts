import type mongoose from 'mongoose';
import { anyOfIds } from '../db/query.ts';
import { Enrolment, type EnrolmentOutcome } from './enrolment.model.ts';

// Participants' outcomes, written by closing and reopening a session (src/results, decision
// 0013). Only seated participants (state `enrolled`) have one: a withdrawn or waiting person did
// not take part.

export type { EnrolmentOutcome };
export { ENROLMENT_OUTCOMES } from './enrolment.model.ts';

type Id = mongoose.Types.ObjectId;

/**
 * Sets each listed participant's outcome (null removes it), one update per outcome. Idempotent:
 * a closing that stopped half-way is finished by closing again.
 */
export async function recordOutcomes(sessionId: Id, outcomes: Map<string, EnrolmentOutcome | null>): Promise<void> {
  const byOutcome = new Map<EnrolmentOutcome | null, string[]>();
  for (const [person, outcome] of outcomes) byOutcome.set(outcome, [...(byOutcome.get(outcome) ?? []), person]);
  for (const [outcome, people] of byOutcome) {
    const filter = { session: sessionId, person: anyOfIds(people), state: 'enrolled' as const };
    await Enrolment.updateMany(filter, outcome === null ? { $unset: { outcome: 1 } } : { $set: { outcome } });
  }
}
