import type { Role } from '../../src/access/actor.ts';
import type { InstitutionType } from '../../src/institutions/institution.model.ts';
import {
  buildCountry,
  buildInstitution,
  buildModule,
  buildTrainingSession,
  buildUser,
  type ModuleFields,
  type SessionSeed,
} from './factories.ts';

// The one world builder: a test names the countries, institutions, people, modules and sessions it
// needs (with the names and codes its assertions rely on) and gets typed handles back, built in the
// order written: countries, institutions, people, modules, sessions.

/** code: a generated one unless told */
type CountrySeed = { code?: string; name?: string; timeZone?: string };
type InstitutionSeed<C> = { country: C; name?: string; code?: string; type?: InstitutionType; timeZone?: string };
type PersonSeed<I> = {
  roles: Role[];
  /** their institution; null for an administrator of no institution */
  at: I | null;
  /** the institutions they act in besides their own */
  scope?: I[];
  fullName?: string;
  serviceNumber?: string;
  language?: 'en' | 'ru' | 'fr' | 'ar';
  gender?: 'female' | 'male' | 'other' | 'undisclosed';
  rank?: string;
};
type ModuleSeed<I> = Partial<Omit<ModuleFields, 'institution'>> & { owner?: I | null };
type SessionWorldSeed<I, P, M> = Omit<SessionSeed, 'venue' | 'module' | 'trainers'> & {
  at: I;
  module?: M;
  trainers?: P[];
};

export type WorldSpec<C extends string, I extends string, P extends string, M extends string, S extends string> = {
  countries: Record<C, CountrySeed>;
  institutions: Record<I, InstitutionSeed<NoInfer<C>>>;
  people?: Record<P, PersonSeed<NoInfer<I>>>;
  modules?: Record<M, ModuleSeed<NoInfer<I>>>;
  sessions?: Record<S, SessionWorldSeed<NoInfer<I>, NoInfer<P>, NoInfer<M>>>;
};

type Built<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

export type World<C extends string, I extends string, P extends string, M extends string, S extends string> = {
  countries: Record<C, Built<typeof buildCountry>>;
  institutions: Record<I, Built<typeof buildInstitution>>;
  people: Record<P, Built<typeof buildUser>>;
  modules: Record<M, Built<typeof buildModule>>;
  sessions: Record<S, Built<typeof buildTrainingSession>>;
};

const entries = <K extends string, V>(record: Record<K, V> | undefined) => Object.entries(record ?? {}) as [K, V][];

export async function buildWorld<
  C extends string,
  I extends string,
  P extends string = never,
  M extends string = never,
  S extends string = never,
>(spec: WorldSpec<C, I, P, M, S>): Promise<World<C, I, P, M, S>> {
  const w = { countries: {}, institutions: {}, people: {}, modules: {}, sessions: {} } as World<C, I, P, M, S>;
  for (const [key, seed] of entries(spec.countries)) w.countries[key] = await buildCountry(seed);
  for (const [key, { country, ...seed }] of entries(spec.institutions))
    w.institutions[key] = await buildInstitution({ ...seed, country: w.countries[country]._id });
  for (const [key, { at, scope, ...seed }] of entries(spec.people))
    w.people[key] = await buildUser({
      ...seed,
      institution: at === null ? null : w.institutions[at],
      ...(scope ? { scopeInstitutions: scope.map((i) => w.institutions[i]) } : {}),
    });
  for (const [key, { owner, ...seed }] of entries(spec.modules))
    w.modules[key] = await buildModule({ ...seed, institution: owner ? w.institutions[owner] : null });
  for (const [key, { at, module, trainers, ...seed }] of entries(spec.sessions))
    w.sessions[key] = await buildTrainingSession({
      ...seed,
      venue: w.institutions[at],
      ...(module ? { module: w.modules[module] } : {}),
      ...(trainers ? { trainers: trainers.map((p) => w.people[p]) } : {}),
    });
  return w;
}
