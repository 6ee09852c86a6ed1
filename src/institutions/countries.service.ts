import mongoose from 'mongoose';
import type { Actor } from '../access/actor.ts';
import { countryPolicy, isInstitutionAdmin } from '../access/institution.policy.ts';
import { authorize, type ActionOf } from '../access/policy.ts';
import { conflict, fieldError, forbidden } from '../http/errors.ts';
import { Institution } from './institution.model.ts';
import { Country } from './country.model.ts';
import type { CountryInput } from './countries.schemas.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import { findByIdOr404 } from '../db/object-id.ts';
import { findLeanById } from '../db/query.ts';

export function listCountryOptions() {
  return Country.find({}, { code: 1, name: 1, timeZone: 1 }).sort({ name: 1 }).lean();
}

/** Countries by name, each with how many institutions it has (0 means it can be deleted). */
export async function listCountries() {
  const [countries, counts] = await Promise.all([
    listCountryOptions(),
    Institution.aggregate<{ _id: mongoose.Types.ObjectId; count: number }>([
      { $group: { _id: '$country', count: { $sum: 1 } } },
    ]),
  ]);
  const byCountry = new Map(counts.map((c) => [c._id.toHexString(), c.count]));
  return countries.map((country) => ({ ...country, institutionCount: byCountry.get(country._id.toHexString()) ?? 0 }));
}

/** A country, if the actor may do this to it (the country policy: everyone sees, admins change). */
export async function getCountry(actor: Actor, id: string, action: ActionOf<typeof countryPolicy> = 'read') {
  const country = await findByIdOr404(Country, id);
  authorize(actor, countryPolicy, action, country);
  return country;
}

/** Countries are few and set up once: admins only. */
export async function saveCountry(actor: Actor, id: string | undefined, input: CountryInput) {
  if (!id && !isInstitutionAdmin(actor)) throw forbidden();
  const country = id ? await getCountry(actor, id, 'update') : new Country();
  // the check names the clash; the unique index still decides when two saves race
  if (await Country.exists({ _id: mongoose.trusted({ $ne: country._id }), code: input.code })) {
    throw fieldError('code', 'countries:code.taken');
  }
  country.set(input);
  try {
    await country.save();
  } catch (error) {
    if (isDuplicateKey(error)) throw fieldError('code', 'countries:code.taken');
    throw error;
  }
  return country;
}

export async function countInstitutions(countryId: mongoose.Types.ObjectId) {
  return Institution.countDocuments({ country: countryId });
}

/**
 * Deletes a country entered by mistake. One with institutions stays: they (and their people,
 * whose service numbers are unique per country) point at it.
 */
export async function deleteCountry(actor: Actor, id: string) {
  const country = await getCountry(actor, id, 'update');
  if ((await countInstitutions(country._id)) > 0) throw conflict('countries:delete.inUse');
  await country.deleteOne();
  return country;
}

export type CountrySummary = { _id: mongoose.Types.ObjectId; code: string; name: string };

/** A country's code and name, for other features; null when there is none. */
export function countrySummary(id: unknown): Promise<CountrySummary | null> {
  return findLeanById<CountrySummary>(Country, id, 'code name');
}
