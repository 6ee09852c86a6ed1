import mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { modulePolicy } from '../access/module.policy.ts';
import { personPolicy } from '../access/person.policy.ts';
import { authorize, can } from '../access/policy.ts';
import { conflict, fieldError, notFound } from '../http/errors.ts';
import { moduleSummaries, moduleSummary } from '../modules/module-lookups.service.ts';
import { personNames, personSummaries, personSummary } from '../people/people.service.ts';
import { anyOf } from '../db/query.ts';
import type { QualificationInput } from './qualifications.schemas.ts';
import { TrainerQualification, type TrainerQualificationFields } from './trainer-qualification.model.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import { isObjectId } from '../db/object-id.ts';

// Which modules a trainer is qualified to deliver, and since when. Admins, and coordinators
// of the trainer's institution, record them (the person policy's recordQualifications).

/** A trainer whose qualifications the actor records: 404 when unseen or not a trainer, 403 when only seen. */
export async function getTrainer(actor: Actor, id: string) {
  const trainer = await personSummary(id);
  if (!trainer) throw notFound();
  authorize(actor, personPolicy, 'recordQualifications', trainer);
  if (!trainer.roles.includes('trainer')) throw notFound();
  return trainer;
}

export async function listQualifications(actor: Actor, trainerId: string) {
  const trainer = await getTrainer(actor, trainerId);
  return { trainer, qualifications: await withProvenance(await qualificationsOf(trainer._id)) };
}

type Id = mongoose.Types.ObjectId;
export type QualificationRow = Omit<TrainerQualificationFields, 'createdAt' | 'updatedAt'> & { _id: Id };

/** Newest first; the index serves the trainer, and a trainer holds a handful. */
const newestFirst = (a: QualificationRow, b: QualificationRow) => b.qualifiedOn.getTime() - a.qualifiedOn.getTime();

/** A trainer's qualifications, newest first, whoever asks: for a page that has asked its own policy. */
export async function qualificationsOf(trainerId: Id | string): Promise<QualificationRow[]> {
  if (!isObjectId(String(trainerId))) return [];
  const rows = await TrainerQualification.find({ trainer: String(trainerId) }).lean<QualificationRow[]>();
  return rows.sort(newestFirst);
}

/** The qualifications granted from sessions this trainer led (whom they certified), newest first, at most `limit`. */
export function qualificationsCertifiedBy(trainerId: Id | string, limit: number): Promise<QualificationRow[]> {
  return TrainerQualification.find({ certifiedBy: String(trainerId) })
    .sort({ qualifiedOn: -1 })
    .limit(limit)
    .lean<QualificationRow[]>()
    .exec();
}

/** How many qualifications this trainer certified. */
export function countCertifiedBy(trainerId: Id | string): Promise<number> {
  return TrainerQualification.countDocuments({ certifiedBy: String(trainerId) }).exec();
}

/**
 * The qualifications given within [from, until), of one module when asked (its index), else of
 * every module: trainers' qualifications are hundreds a site (a workplan's "trainers certified").
 */
export function qualificationsGivenBetween(from: Date, until: Date, moduleId?: Id): Promise<QualificationRow[]> {
  const when = { qualifiedOn: mongoose.trusted({ $gte: from, $lt: until }) };
  return TrainerQualification.find(moduleId ? { module: moduleId, ...when } : when)
    .lean<QualificationRow[]>()
    .exec();
}

/** Every qualification to deliver the module (its cascade), at most `limit`. */
export function qualificationsForModule(moduleId: Id, limit: number): Promise<QualificationRow[]> {
  return TrainerQualification.find({ module: moduleId }).limit(limit).lean<QualificationRow[]>().exec();
}

/** The rows with their module, the module they were granted from, and the names of who certified and recorded them. */
export async function withProvenance(rows: QualificationRow[]) {
  const people = await personNames(rows.flatMap((q) => [q.certifiedBy, q.recordedBy].filter((id) => !!id)));
  const modules = new Map(
    (await moduleSummaries(rows.flatMap((q) => [q.module, q.fromModule].filter((id) => !!id)))).map((m) => [
      m._id.toHexString(),
      { _id: m._id, code: m.code, title: m.title, status: m.status },
    ]),
  );
  const nameOf = (id: Id | null | undefined) => (id ? (people.get(id.toHexString()) ?? null) : null);
  const moduleOf = (id: Id | null | undefined) => (id ? (modules.get(id.toHexString()) ?? null) : null);
  return rows.map((q) => ({
    ...q,
    module: moduleOf(q.module),
    fromModule: moduleOf(q.fromModule),
    certifiedByName: nameOf(q.certifiedBy),
    recordedByName: nameOf(q.recordedBy),
  }));
}

/** A qualification granted from a completion of a training of trainers, with where it came from. */
export type Grant = {
  trainer: Id;
  module: Id;
  qualifiedOn: Date;
  recordedBy: string;
  fromRecord: Id;
  fromSession?: Id;
  fromModule: Id;
  certifiedBy?: Id;
};

/**
 * Records a granted qualification; the caller (src/trainer-chain) has asked the person policy
 * and checked the trainer and the record. One per trainer and module: the unique index decides
 * between two grants at once (decision 0002), and the second is refused (409).
 */
export async function recordGrant(grant: Grant): Promise<void> {
  const already = () => conflict('sessions:qualifications.already');
  if (await TrainerQualification.exists({ trainer: grant.trainer, module: grant.module })) throw already();
  try {
    await TrainerQualification.create(grant);
  } catch (error) {
    if (isDuplicateKey(error)) throw already();
    throw error;
  }
}

export async function addQualification(actor: Actor, trainerId: string, input: QualificationInput) {
  const trainer = await getTrainer(actor, trainerId);
  const module = await moduleSummary(input.module);
  if (!module || module.status !== 'published' || !can(actor, modulePolicy, 'read', module)) {
    throw fieldError('module', 'sessions:errors.moduleUnavailable');
  }
  const qualifiedOn = new Date(`${input.qualifiedOn}T00:00:00Z`);
  if (Number.isNaN(qualifiedOn.getTime())) throw fieldError('qualifiedOn', 'sessions:errors.date');
  if (await TrainerQualification.exists({ trainer: trainer._id, module: module._id })) {
    throw fieldError('module', 'sessions:qualifications.already');
  }
  try {
    await TrainerQualification.create({ trainer: trainer._id, module: module._id, qualifiedOn, recordedBy: actor.id });
  } catch (error) {
    if (isDuplicateKey(error)) throw fieldError('module', 'sessions:qualifications.already');
    throw error;
  }
}

/** One qualification of a trainer in the actor's reach, with its module named (for the confirmation page). */
export async function getQualification(actor: Actor, trainerId: string, qualificationId: string) {
  const trainer = await getTrainer(actor, trainerId);
  if (!isObjectId(qualificationId)) throw notFound();
  const qualification = await TrainerQualification.findOne({ _id: qualificationId, trainer: trainer._id })
    .populate<{ module: { title: string; code: string } | null }>('module', 'title code')
    .lean();
  if (!qualification) throw notFound();
  return { trainer, qualification };
}

export async function removeQualification(actor: Actor, trainerId: string, qualificationId: string) {
  const { qualification } = await getQualification(actor, trainerId, qualificationId);
  await TrainerQualification.deleteOne({ _id: qualification._id });
}

/** The trainers (ids) among these who hold no qualification for the module, by name. */
export async function unqualifiedTrainers(moduleId: mongoose.Types.ObjectId, trainerIds: mongoose.Types.ObjectId[]) {
  if (trainerIds.length === 0) return [];
  const held = await TrainerQualification.find({ module: moduleId, trainer: anyOf(trainerIds) }, { trainer: 1 }).lean();
  const qualified = new Set(held.map((q) => q.trainer.toHexString()));
  const people = await personSummaries(trainerIds.filter((id) => !qualified.has(id.toHexString())));
  return people.sort((a, b) => a.fullName.localeCompare(b.fullName));
}
