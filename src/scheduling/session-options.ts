import mongoose from 'mongoose';
import { institutionScope, type Actor } from '../access/actor.ts';
import { anyOf } from '../db/query.ts';
import { listInstitutionOptions } from '../institutions/institutions.service.ts';
import { canSeeModule } from '../modules/module-access.ts';
import { TrainingModule } from '../modules/training-module.model.ts';
import { activeTrainers, personSummaries } from '../people/people.service.ts';
import { TrainerQualification } from '../qualifications/trainer-qualification.model.ts';

// What the session form offers: published modules the actor may see, venues in scope,
// and the trainers of those venues.

export type ModuleOption = { _id: mongoose.Types.ObjectId; code: string; title: string; languages: string[] };
export type PersonOption = { _id: mongoose.Types.ObjectId; fullName: string };

export async function moduleOptions(actor: Actor): Promise<ModuleOption[]> {
  const modules = await TrainingModule.find(
    { status: 'published' },
    { code: 1, title: 1, languages: 1, institution: 1, country: 1, status: 1 },
  )
    .sort({ title: 1 })
    .lean();
  return modules
    .filter((m) => canSeeModule(actor, m))
    .map((m) => ({ _id: m._id, code: m.code, title: m.title, languages: m.languages as string[] }));
}

export const venueOptions = (actor: Actor) => listInstitutionOptions(actor);

/** Active people with the trainer role whose institution is in the actor's scope. */
export async function trainerOptions(actor: Actor): Promise<PersonOption[]> {
  return activeTrainers(institutionScope(actor));
}

/** The trainers (ids) among these who hold no qualification for the module. */
export async function unqualified(moduleId: mongoose.Types.ObjectId, trainerIds: mongoose.Types.ObjectId[]) {
  if (trainerIds.length === 0) return [];
  const held = await TrainerQualification.find({ module: moduleId, trainer: anyOf(trainerIds) }, { trainer: 1 }).lean();
  const qualified = new Set(held.map((q) => q.trainer.toHexString()));
  const missing = trainerIds.filter((id) => !qualified.has(id.toHexString()));
  const people = await personSummaries(missing);
  return people.sort((a, b) => a.fullName.localeCompare(b.fullName));
}
