import type { Actor } from '../access/actor.ts';
import { personPolicy } from '../access/person.policy.ts';
import { can } from '../access/policy.ts';
import { recordsOfModule, trainedSomeone } from '../completions/completion-chain-queries.service.ts';
import { listCountryOptions } from '../institutions/countries.service.ts';
import { trainingsQualifyingFor } from '../modules/module-lookups.service.ts';
import { getModule } from '../modules/modules.service.ts';
import { personSummaries, type PersonSummary } from '../people/people.service.ts';
import { qualificationsForModule } from '../qualifications/qualifications.service.ts';
import { sessionsOfModule } from '../sessions/session-queries.service.ts';
import { cascadeOf, isDelivered, MAX_GENERATION, type CascadeNode } from './chain-rules.ts';

// A module's cascade (decision 0016): its trainers, then the people they trained and the
// trainers they certified, generation by generation, counted by country. Four indexed queries,
// each with the module as its equality (its qualifications, sessions and completion records,
// and the trainings of trainers that qualify for it), grouped in memory; each read is capped,
// and the page says when a cap was reached.

const MAX_QUALIFICATIONS = 5000;
const MAX_SESSIONS = 20_000;
const MAX_RECORDS = 50_000;
/** Trainers named per generation; the counts are of all. */
export const TRAINERS_SHOWN = 100;

type CountryCount = { country: string; trainers: number; trained: number };

export type CascadeTrainer = {
  id: string;
  /** null when the actor may not see the person (the person policy's read) */
  name: string | null;
  canOpen: boolean;
  country: string;
  qualified: boolean;
  how: CascadeNode['how'];
  /** whether someone certified or trained them (for a root: certified them from outside the cascade) */
  fromSomeone: boolean;
  /** their name; null when the actor may not see them */
  from: string | null;
  trainedCount: number;
};

export type Generation = {
  generation: number;
  trainers: CascadeTrainer[];
  trainerCount: number;
  trainedCount: number;
  byCountry: CountryCount[];
};

export async function moduleCascade(actor: Actor, moduleId: string, now = new Date()) {
  const module = await getModule(actor, moduleId, 'readCascade');
  const [qualifications, sessions, records, trainings, countries] = await Promise.all([
    qualificationsForModule(module._id, MAX_QUALIFICATIONS),
    sessionsOfModule(module._id, MAX_SESSIONS),
    recordsOfModule(module._id, MAX_RECORDS),
    trainingsQualifyingFor(module._id),
    listCountryOptions(),
  ]);
  const capped =
    qualifications.length === MAX_QUALIFICATIONS || sessions.length === MAX_SESSIONS || records.length === MAX_RECORDS;
  const delivered = sessions.filter((s) => isDelivered(s, now));
  const { nodes, beyond } = cascadeOf({
    qualifications: qualifications.map((q) => ({
      trainer: q.trainer.toHexString(),
      certifiedBy: q.certifiedBy?.toHexString(),
    })),
    sessions: delivered.map((s) => ({
      id: s._id.toHexString(),
      trainers: s.trainers.map((t) => t.person.toHexString()),
    })),
    trainings: records
      .filter((r) => r.session && trainedSomeone(r))
      .map((r) => ({
        person: r.person.toHexString(),
        session: r.session!.toHexString(),
        country: r.issuingCountry.toHexString(),
      })),
  });

  const trainerNodes = nodes.filter((n) => n.trainer);
  const named = await personSummaries([
    ...new Set([...trainerNodes.map((n) => n.person), ...nodes.flatMap((n) => (n.from ? [n.from] : []))]),
  ]);
  const people = new Map(named.map((p) => [p._id.toHexString(), p]));
  const countryName = new Map(countries.map((c) => [c._id.toHexString(), c.name]));
  const nameOf = (person: PersonSummary | undefined) =>
    person && can(actor, personPolicy, 'read', person) ? person.fullName : null;
  const countryOf = (node: CascadeNode) => {
    const id = node.trainer ? people.get(node.person)?.country?.toHexString() : node.trainedIn;
    return (id && countryName.get(id)) ?? '';
  };

  const generations: Generation[] = [];
  for (let generation = 0; generation <= MAX_GENERATION; generation++) {
    const here = nodes.filter((n) => n.generation === generation);
    if (here.length === 0) break;
    const counts = new Map<string, CountryCount>();
    for (const node of here) {
      const country = countryOf(node);
      const count = counts.get(country) ?? { country, trainers: 0, trained: 0 };
      if (node.trainer) count.trainers++;
      else count.trained++;
      counts.set(country, count);
    }
    const trainers = here
      .filter((n) => n.trainer)
      .map((node): CascadeTrainer => {
        const person = people.get(node.person);
        return {
          id: node.person,
          name: nameOf(person),
          canOpen: !!person && can(actor, personPolicy, 'readTrainerRecord', person),
          country: countryOf(node),
          qualified: node.qualified,
          how: node.how,
          fromSomeone: !!node.from,
          from: node.from ? nameOf(people.get(node.from)) : null,
          trainedCount: node.trainedCount,
        };
      })
      .sort((a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') || a.id.localeCompare(b.id));
    generations.push({
      generation,
      trainers: trainers.slice(0, TRAINERS_SHOWN),
      trainerCount: trainers.length,
      trainedCount: here.length - trainers.length,
      byCountry: [...counts.values()].sort((a, b) => a.country.localeCompare(b.country)),
    });
  }
  return {
    module,
    trainings,
    generations,
    totals: { trainers: trainerNodes.length, trained: nodes.length - trainerNodes.length, beyond },
    capped,
  };
}
