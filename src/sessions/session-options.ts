import type mongoose from 'mongoose';
import { institutionScope, type Actor } from '../access/actor.ts';
import { listInstitutionOptions } from '../institutions/institutions.service.ts';
import { schedulableModules } from '../modules/module-lookups.service.ts';
import { activeTrainers } from '../people/people.service.ts';

// What the session form (and the calendar's filters) offer: published modules the actor may see,
// venues in scope, and the trainers of those venues.

export type PersonOption = { _id: mongoose.Types.ObjectId; fullName: string };

export async function moduleOptions(actor: Actor) {
  const modules = await schedulableModules(actor);
  return modules.map((m) => ({ _id: m._id, code: m.code, title: m.title, languages: m.languages as string[] }));
}

export const venueOptions = (actor: Actor) => listInstitutionOptions(actor);

/** Active people with the trainer role whose institution is in the actor's scope. */
export const trainerOptions = (actor: Actor): Promise<PersonOption[]> => activeTrainers(institutionScope(actor));
