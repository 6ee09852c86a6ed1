import mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { assessmentPolicy } from '../access/assessment.policy.ts';
import { authorize, can } from '../access/policy.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import { isObjectId } from '../db/object-id.ts';
import { roster } from '../enrolments/enrolment-queries.service.ts';
import { moduleRulesAt } from '../modules/module-lookups.service.ts';
import { getSession } from '../sessions/sessions.service.ts';
import type { TrainingSessionDocument } from '../sessions/session-queries.service.ts';
import { gainOf, knowledgeGain, resultOf, type Scores } from './assessment-rules.ts';
import { AssessmentScore } from './assessment-score.model.ts';

export { knowledgeGain, type KnowledgeGain, type Scores } from './assessment-rules.ts';

// A session's assessment: what its module asks (the tests, the pass mark), each enrolled
// participant's scores and result, and the knowledge gain. Other features (closing a session,
// the roster's export, reports) read scores through scoresOfSession and assessmentRules.

export type AssessmentRules = { hasPreTest: boolean; hasPostTest: boolean; passMark: number | null };

/**
 * The tests and pass mark a session goes by: those of the module version it was scheduled with
 * (its snapshot keeps them), else the module's current ones (moduleRulesAt says which).
 */
export async function assessmentRules(session: {
  module: mongoose.Types.ObjectId;
  moduleVersion: number;
}): Promise<AssessmentRules> {
  const rules = await moduleRulesAt(session.module, session.moduleVersion);
  return {
    hasPreTest: rules?.hasPreTest ?? false,
    hasPostTest: rules?.hasPostTest ?? false,
    passMark: rules?.passMark ?? null,
  };
}

/** Every score recorded in a session, by person id (hex); for services, no access check. */
export async function scoresOfSession(sessionId: unknown): Promise<Map<string, Scores>> {
  if (!isObjectId(String(sessionId))) return new Map();
  const rows = await AssessmentScore.find({ session: String(sessionId) }, { person: 1, pre: 1, post: 1 }).lean();
  return new Map(rows.map((r) => [r.person.toHexString(), { pre: r.pre ?? null, post: r.post ?? null }]));
}

/** The session, if the actor may read its scores (404 out of sight, 403 in sight). */
export async function sessionForScores(actor: Actor, sessionId: string, action: 'readScores' | 'enterScores') {
  const session = await getSession(actor, sessionId);
  authorize(actor, assessmentPolicy, action, session);
  return session;
}

export type SheetRow = {
  personId: string;
  fullName: string;
  serviceNumber: string;
  scores: Scores;
  gain: number | null;
  result: 'passed' | 'failed' | null;
};

/** What the assessment page shows: a row per enrolled participant, the rules and the gain. */
export async function scoreSheet(actor: Actor, sessionId: string) {
  const session = await sessionForScores(actor, sessionId, 'readScores');
  const [people, scores, rules] = await Promise.all([
    roster(actor, sessionId),
    scoresOfSession(session._id),
    assessmentRules(session),
  ]);
  const rows: SheetRow[] = people.enrolled.map((row) => {
    const personId = row.person._id.toHexString();
    const own = scores.get(personId) ?? { pre: null, post: null };
    return {
      personId,
      fullName: row.person.fullName,
      serviceNumber: row.person.serviceNumber ?? '',
      scores: own,
      gain: gainOf(own),
      result: resultOf(own, rules.passMark),
    };
  });
  return {
    session,
    module: people.module,
    venue: people.venue,
    rules,
    rows,
    gain: knowledgeGain(rows.map((r) => r.scores)),
    mayEnter: can(actor, assessmentPolicy, 'enterScores', session),
  };
}
export type ScoreSheet = Awaited<ReturnType<typeof scoreSheet>>;

/** The knowledge gain panel of a session page: only for those who may read the scores. */
export async function gainPanel(actor: Actor, session: TrainingSessionDocument) {
  if (!can(actor, assessmentPolicy, 'readScores', session)) return undefined;
  const sheet = await scoreSheet(actor, session.id as string);
  if (!sheet.rules.hasPreTest && !sheet.rules.hasPostTest) return undefined;
  return { sessionId: session.id as string, rules: sheet.rules, gain: sheet.gain, participants: sheet.rows.length };
}

/** A change to one participant's scores: a test left out is left as it is. */
export type ScoreChange = { personId: string } & Partial<Scores>;

/**
 * Writes the changes, all already checked (nothing is written unless every one is valid). Each
 * participant's record is updated, or inserted the first time; an insert that loses a race
 * with another (11000, decision 0002) updates the record the other made.
 */
export async function writeScores(actor: Actor, session: TrainingSessionDocument, changes: readonly ScoreChange[]) {
  const existing = await AssessmentScore.find({ session: session._id }, { person: 1 }).lean();
  const ids = new Map(existing.map((r) => [r.person.toHexString(), r._id]));
  const enteredAt = new Date();
  for (const { personId, ...scores } of changes) {
    const fields = { ...scores, enteredBy: new mongoose.Types.ObjectId(actor.id), enteredAt };
    const id = ids.get(personId);
    if (id) {
      await AssessmentScore.updateOne({ _id: id }, { $set: fields });
      continue;
    }
    try {
      await AssessmentScore.create({ session: session._id, person: personId, pre: null, post: null, ...fields });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      await AssessmentScore.updateOne({ session: session._id, person: personId }, { $set: fields });
    }
  }
}
