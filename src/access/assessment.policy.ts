import { managesSession, sessionPolicy, teaches, type SessionRecord } from './session.policy.ts';
import { refuse, type Policy } from './policy.ts';

// A session's assessment scores (pre- and post-test), asked about the session they belong to.
// - Seeing the session: as its page (session.policy.ts); out of sight is 404.
// - Reading and entering scores: the session's trainers, and admins and coordinators with the
//   venue in their scope. Once the session is closed (results confirmed), only the latter: the
//   results were made from the scores, and whoever may reopen the session may correct them.
// - Nobody enters scores in a draft or cancelled session: nobody sat a test there.

export type AssessmentRecord = SessionRecord & { closedAt?: Date | null };

const mayRead = (actor: Parameters<typeof teaches>[0], session: AssessmentRecord) =>
  managesSession(actor, session) || teaches(actor, session);

export const assessmentPolicy = {
  read: sessionPolicy.read,
  readScores: mayRead,
  enterScores: (actor, session) => {
    if (!mayRead(actor, session)) return false;
    if (session.status === 'draft' || session.status === 'cancelled') return refuse('assessments:refused.notHeld');
    if (session.closedAt && !managesSession(actor, session)) return refuse('assessments:refused.closed');
    return true;
  },
} satisfies Policy<AssessmentRecord>;
