import mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { modulePolicy } from '../access/module.policy.ts';
import { personPolicy } from '../access/person.policy.ts';
import { authorize, can } from '../access/policy.ts';
import { conflict, notFound } from '../http/errors.ts';
import {
  chainRecord,
  standingCompletionsOf,
  standsNow,
  type ChainRecord,
} from '../completions/completion-chain-queries.service.ts';
import { moduleSummaries, qualifyingModules, type ModuleSummary } from '../modules/module-lookups.service.ts';
import { personNames, personSummary, type PersonSummary } from '../people/people.service.ts';
import { qualificationsOf, recordGrant } from '../qualifications/qualifications.service.ts';
import { sessionsByIds } from '../sessions/session-queries.service.ts';
import { certifierOf } from './chain-rules.ts';
import type { GrantInput } from './trainer-chain.schemas.ts';

// Granting the qualification to deliver a module from a completion of a training of trainers
// that qualifies for it (decision 0016): explicit, by whoever records the person's
// qualifications (admins, coordinators in scope), never on closing. The qualification keeps
// where it came from: the record, its session and module, and the session's lead trainer, who
// certified the person.

/** The person whose qualifications the actor records: 404 when unseen, 403 when only seen. */
export async function personToQualify(actor: Actor, personId: string): Promise<PersonSummary> {
  const person = await personSummary(personId);
  if (!person) throw notFound();
  authorize(actor, personPolicy, 'recordQualifications', person);
  return person;
}

const isTrainer = (person: PersonSummary) => person.roles.includes('trainer');

/** A module the actor may grant a qualification for: published and in their sight. */
const grantable = (actor: Actor, module: ModuleSummary | undefined) =>
  !!module && module.status === 'published' && can(actor, modulePolicy, 'read', module);

export type GrantTarget = { module: ModuleSummary; held: boolean };
export type QualifyingCompletion = {
  record: ChainRecord;
  training: ModuleSummary;
  certifiedBy?: { _id: string; name: string };
  targets: GrantTarget[];
};

/**
 * The person's completions that stand now (completed, valid, not expired) of trainings of
 * trainers, each with the modules it qualifies for that the actor may grant, and whether the
 * person holds that qualification already.
 */
export async function qualifyingCompletions(actor: Actor, personId: string, now = new Date()) {
  const person = await personToQualify(actor, personId);
  const records = await standingCompletionsOf(person._id, now);
  const trainings = new Map(
    (await qualifyingModules(records.map((r) => r.module)))
      .filter((m) => m.qualifiesFor.length > 0)
      .map((m) => [m._id.toHexString(), m]),
  );
  const chosen = records.filter((r) => trainings.has(r.module.toHexString()));
  const targetIds = [...trainings.values()].flatMap((m) => m.qualifiesFor);
  const [targets, held, sessions] = await Promise.all([
    moduleSummaries(targetIds),
    qualificationsOf(person._id),
    sessionsByIds(chosen.flatMap((r) => (r.session ? [r.session] : []))),
  ]);
  const targetById = new Map(targets.map((m) => [m._id.toHexString(), m]));
  const heldModules = new Set(held.map((q) => q.module.toHexString()));
  const certifierOfSession = new Map(sessions.map((s) => [s._id.toHexString(), certifierOf(s)]));
  const names = await personNames([...certifierOfSession.values()].filter((id) => id !== undefined));
  const rows: QualifyingCompletion[] = chosen.map((record) => {
    const training = trainings.get(record.module.toHexString())!;
    const certifier = record.session ? certifierOfSession.get(record.session.toHexString()) : undefined;
    return {
      record,
      training,
      certifiedBy: certifier ? { _id: certifier, name: names.get(certifier) ?? '' } : undefined,
      targets: training.qualifiesFor
        .map((id) => targetById.get(id.toHexString()))
        .filter((m) => grantable(actor, m))
        .map((module) => ({ module: module!, held: heldModules.has(module!._id.toHexString()) }))
        .sort((a, b) => a.module.code.localeCompare(b.module.code)),
    };
  });
  return { person, isTrainer: isTrainer(person), rows };
}

/**
 * Grants the person the qualification to deliver the module from one of their completions:
 * refused (409, with the reason) when they do not hold the trainer role, when the record does
 * not stand (revoked, withdrawn, superseded, expired, or not completed), when its module does
 * not qualify for this one, when the module is not one the actor may grant, or when the person
 * holds the qualification already (the unique index decides between two grants at once).
 */
export async function grantFromCompletion(actor: Actor, personId: string, input: GrantInput, now = new Date()) {
  const person = await personToQualify(actor, personId);
  if (!isTrainer(person)) throw conflict('trainers:grant.notTrainer', { name: person.fullName });
  const record = await chainRecord(input.record);
  if (!record || !record.person.equals(person._id)) throw notFound();
  if (!standsNow(record, now)) throw conflict('trainers:grant.notStanding', { code: record.moduleCode });
  const [training] = await qualifyingModules([record.module]);
  if (!training?.qualifiesFor.some((id) => id.toHexString() === input.module)) {
    throw conflict('trainers:grant.notQualifying', { code: record.moduleCode });
  }
  const [module] = await moduleSummaries([input.module]);
  if (!grantable(actor, module)) throw conflict('trainers:grant.moduleUnavailable');
  const [session] = record.session ? await sessionsByIds([record.session]) : [];
  const certifier = session ? certifierOf(session) : undefined;
  await recordGrant({
    trainer: person._id,
    module: module!._id,
    qualifiedOn: new Date(`${record.endedOn}T00:00:00Z`),
    recordedBy: actor.id,
    fromRecord: record._id,
    fromSession: session?._id,
    fromModule: record.module,
    certifiedBy: certifier ? new mongoose.Types.ObjectId(certifier) : undefined,
  });
  return { person, module: module! };
}
