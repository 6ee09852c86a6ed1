import type { Policy } from './policy.ts';
import { managesSession, sessionPolicy, teaches, type SessionRecord } from './session.policy.ts';

// A session day's paper: its printed sign-in sheet and the signed scans that come back.
// - Seeing that the day exists: whoever sees the session (its page lists the days).
// - Printing the sheet, reading and uploading its scans: the session's trainers, and admins and
//   coordinators with the venue in their scope (the sheet lists names and service numbers, as
//   the roster does). Staff who only see the session are refused (403).
// - Confirming the day from paper (and undoing it): admins and coordinators in scope only; a
//   trainer uploads the evidence, someone else vouches for it.

export const signInSheetPolicy = {
  read: (actor, session) => sessionPolicy.read(actor, session),
  print: (actor, session) => managesSession(actor, session) || teaches(actor, session),
  upload: (actor, session) => managesSession(actor, session) || teaches(actor, session),
  confirm: (actor, session) => managesSession(actor, session),
} satisfies Policy<SessionRecord>;
