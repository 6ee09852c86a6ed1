import mongoose from 'mongoose';
import { hasRole, type Actor } from '../auth/actor.ts';
import { fieldError, forbidden, notFound } from '../http/errors.ts';
import { Country } from './country.model.ts';
import type { CountryInput } from './countries.schemas.ts';

export function listCountryOptions() {
  return Country.find({}, { code: 1, name: 1, timeZone: 1 }).sort({ name: 1 }).lean();
}

export async function getCountry(id: string) {
  if (!mongoose.isValidObjectId(id)) throw notFound();
  const country = await Country.findById(id);
  if (!country) throw notFound();
  return country;
}

/** Countries are few and set up once: admins only. */
export async function saveCountry(actor: Actor, id: string | undefined, input: CountryInput) {
  if (!hasRole(actor, 'admin')) throw forbidden();
  const country = id ? await getCountry(id) : new Country();
  country.set(input);
  try {
    await country.save();
  } catch (error) {
    if ((error as { code?: number }).code === 11000) throw fieldError('code', 'countries:code.taken');
    throw error;
  }
  return country;
}
