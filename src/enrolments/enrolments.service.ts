import type { Actor } from '../auth/actor.ts';

// placeholder with the final signatures: the enrolment feature is being written

export type FillRate = { seated: number; capacity: number; waiting: number; requested: number };

/** Seated, waiting and pending counts of each session, by session id. */
export async function fillRates(_sessions: { _id: { toHexString(): string }; capacity: number }[]) {
  return new Map<string, FillRate>();
}

/** What the session page shows about enrolment to this person (their state, the buttons). */
export async function enrolmentPanel(_actor: Actor, _session: { _id: { toHexString(): string } }) {
  return undefined as undefined | Record<string, unknown>;
}

/** Releases every participant of a cancelled session and tells them. */
export async function releaseCancelledSession(_sessionId: string, _reason: string): Promise<void> {}

/** Everyone with a live place in the session (enrolled, waitlisted or requested): whom a change concerns. */
export async function peopleInSession(_sessionId: string): Promise<string[]> {
  return [];
}
