import mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { modulePolicy } from '../access/module.policy.ts';
import { personPolicy } from '../access/person.policy.ts';
import { authorize, can } from '../access/policy.ts';
import { fieldError, notFound } from '../http/errors.ts';
import { moduleSummary } from '../modules/module-lookups.service.ts';
import { personSummaries, personSummary } from '../people/people.service.ts';
import { anyOf } from '../db/query.ts';
import type { QualificationInput } from './qualifications.schemas.ts';
import { TrainerQualification } from './trainer-qualification.model.ts';
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
  const qualifications = await TrainerQualification.find({ trainer: trainer._id })
    .populate<{ module: { _id: mongoose.Types.ObjectId; title: string; code: string } | null }>('module', 'title code')
    .sort({ qualifiedOn: -1 })
    .lean();
  return { trainer, qualifications };
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
