import type mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { personPolicy } from '../access/person.policy.ts';
import { authorize, can } from '../access/policy.ts';
import { pageWindow, type Page } from '../db/pagination.ts';
import { notFound } from '../http/errors.ts';
import { recordsOfSessions, trainedSomeone } from '../completions/completion-chain-queries.service.ts';
import { institutionSummary } from '../institutions/institutions.service.ts';
import { moduleAsDelivered } from '../modules/module-lookups.service.ts';
import { personSummaries, personSummary } from '../people/people.service.ts';
import {
  countCertifiedBy,
  qualificationsCertifiedBy,
  qualificationsOf,
  withProvenance,
} from '../qualifications/qualifications.service.ts';
import { sessionsTaughtBy, withNames, type TaughtSession } from '../sessions/session-queries.service.ts';
import { isDelivered } from './chain-rules.ts';

// A trainer's record (decision 0016): the sessions they delivered, the hours they taught and the
// people they trained, their qualifications with where each came from, and whom they certified in
// turn. Seen by the trainer, and by whoever records their qualifications (the person policy's
// readTrainerRecord).

type Id = mongoose.Types.ObjectId;

/** A trainer's sessions read at most: decades of weekly sessions. */
const MAX_SESSIONS = 5000;
/** Whom they certified, listed at most (the count is of all). */
export const CERTIFIED_SHOWN = 100;

/** The hours of each session as delivered: its module's hours in the version it was scheduled with. */
async function hoursOf(sessions: readonly TaughtSession[]): Promise<Map<string, number>> {
  const key = (s: TaughtSession) => `${s.module.toHexString()}:${s.moduleVersion}`;
  const versions = new Map(sessions.map((s) => [key(s), s]));
  const hours = new Map<string, number>();
  await Promise.all(
    [...versions].map(async ([k, s]) => hours.set(k, (await moduleAsDelivered(s.module, s.moduleVersion))?.hours ?? 0)),
  );
  return new Map(sessions.map((s) => [s._id.toHexString(), hours.get(key(s)) ?? 0]));
}

/** The people each session trained: its completions that trained someone (trainedSomeone). */
async function trainedBySession(sessions: readonly TaughtSession[]): Promise<Map<string, Set<string>>> {
  const closed = sessions.filter((s) => s.closedAt).map((s) => s._id);
  const trained = new Map<string, Set<string>>();
  for (const record of await recordsOfSessions(closed)) {
    if (!record.session || !trainedSomeone(record)) continue;
    const key = record.session.toHexString();
    const people = trained.get(key) ?? new Set<string>();
    people.add(record.person.toHexString());
    trained.set(key, people);
  }
  return trained;
}

export async function trainerRecord(actor: Actor, personId: string, requestedPage: number, now = new Date()) {
  const trainer = await personSummary(personId);
  if (!trainer) throw notFound();
  authorize(actor, personPolicy, 'readTrainerRecord', trainer);
  const [taught, held, certified, certifiedCount, institution] = await Promise.all([
    sessionsTaughtBy(trainer._id, MAX_SESSIONS),
    qualificationsOf(trainer._id),
    qualificationsCertifiedBy(trainer._id, CERTIFIED_SHOWN),
    countCertifiedBy(trainer._id),
    trainer.institution ? institutionSummary(trainer.institution) : null,
  ]);
  const delivered = taught.filter((s) => isDelivered(s, now));
  const [hours, trained] = await Promise.all([hoursOf(delivered), trainedBySession(delivered)]);
  const people = new Set([...trained.values()].flatMap((set) => [...set]));
  const totals = {
    sessions: delivered.length,
    hours: [...hours.values()].reduce((sum, h) => sum + h, 0),
    people: people.size,
  };

  const window = pageWindow(delivered.length, requestedPage);
  const shown = await withNames(delivered.slice(window.skip, window.skip + window.limit));
  const sessions: Page<(typeof shown)[number] & { lead: boolean; hours: number; trained: number }> = {
    items: shown.map((s) => ({
      ...s,
      lead: s.trainers.some((t) => t.lead && t.person.equals(trainer._id)),
      hours: hours.get(s._id.toHexString()) ?? 0,
      trained: trained.get(s._id.toHexString())?.size ?? 0,
    })),
    page: window.page,
    pageCount: window.pageCount,
    total: delivered.length,
  };

  const others = await personSummaries(certified.map((q) => q.trainer));
  const otherById = new Map(others.map((p) => [p._id.toHexString(), p]));
  const personOf = (id: Id) => {
    const other = otherById.get(id.toHexString());
    return other
      ? { _id: other._id, name: other.fullName, canOpen: can(actor, personPolicy, 'readTrainerRecord', other) }
      : null;
  };
  return {
    trainer,
    institution,
    isTrainer: trainer.roles.includes('trainer'),
    totals,
    sessions,
    qualifications: await withProvenance(held),
    certified: (await withProvenance(certified)).map((q) => ({ ...q, person: personOf(q.trainer) })),
    certifiedCount,
    canRecord: can(actor, personPolicy, 'recordQualifications', trainer),
  };
}
