import mongoose from 'mongoose';
import { hashPassword } from '../auth/password.ts';
import { Country } from '../countries/country.model.ts';
import { anyOf } from '../db/query.ts';
import { Institution } from '../institutions/institution.model.ts';
import { User } from '../users/user.model.ts';
import { DEMO_COUNTRIES, DEMO_INSTITUTIONS, DEMO_PEOPLE, type DemoPerson } from './demo-world.ts';

// Fills an empty or already seeded database with the demo world of ./demo-world.ts.
// Idempotent: what is already there (same country code, institution code, e-mail or service
// number) is counted and left as it is, never overwritten, so a rerun creates nothing and
// does not reset passwords people changed. Plain single-document writes: FerretDB has no
// transactions, and users must go through doc.save() for their key fields.

export type SeedCount = { created: number; existing: number };

export type SeedSummary = {
  countries: SeedCount;
  institutions: SeedCount;
  people: SeedCount;
  /** of the people created in this run, how many have an e-mail and so sign in with the demo password */
  accountsCreated: number;
};

type Ids = Map<string, mongoose.Types.ObjectId>;

export async function seedDemo(password: string, hashCost: number): Promise<SeedSummary> {
  const countries = await seedCountries();
  const institutions = await seedInstitutions(countries.ids);
  const people = await seedPeople(institutions.records, password, hashCost);
  // HOOK — the six PVE training modules: once the module model exists, seed them here
  // (matched by module code, like everything else) and add their count to SeedSummary.
  return {
    countries: countries.count,
    institutions: institutions.count,
    people: people.count,
    accountsCreated: people.accountsCreated,
  };
}

async function seedCountries(): Promise<{ count: SeedCount; ids: Ids }> {
  const count: SeedCount = { created: 0, existing: 0 };
  const ids: Ids = new Map();
  for (const spec of DEMO_COUNTRIES) {
    const existing = await Country.findOne({ code: spec.code }, { _id: 1 }).lean();
    if (existing) {
      count.existing += 1;
      ids.set(spec.code, existing._id);
    } else {
      const country = await Country.create({ code: spec.code, name: spec.name, timeZone: spec.timeZone });
      count.created += 1;
      ids.set(spec.code, country._id);
    }
  }
  return { count, ids };
}

type InstitutionRecord = { id: mongoose.Types.ObjectId; country: mongoose.Types.ObjectId };

async function seedInstitutions(
  countryIds: Ids,
): Promise<{ count: SeedCount; records: Map<string, InstitutionRecord> }> {
  const count: SeedCount = { created: 0, existing: 0 };
  const records = new Map<string, InstitutionRecord>();
  for (const spec of DEMO_INSTITUTIONS) {
    let institution = await Institution.findOne({ code: spec.code }, { _id: 1, country: 1 });
    if (institution) {
      count.existing += 1;
    } else {
      institution = await Institution.create({
        code: spec.code,
        name: spec.name,
        type: spec.type,
        country: countryIds.get(spec.countryCode)!,
        city: spec.city,
        timeZone: spec.timeZone,
        active: true,
      });
      count.created += 1;
    }
    records.set(spec.code, { id: institution._id, country: institution.country });
  }
  return { count, records };
}

/** a person's service number within their country, compared case-insensitively as the unique index does */
const serviceKeyOf = (country: mongoose.Types.ObjectId, serviceNumber: string) =>
  `${country.toHexString()}:${serviceNumber.toUpperCase()}`;

async function seedPeople(
  institutions: Map<string, InstitutionRecord>,
  password: string,
  hashCost: number,
): Promise<{ count: SeedCount; accountsCreated: number }> {
  const count: SeedCount = { created: 0, existing: 0 };
  const taken = await existingPeople(institutions);
  const languageOf = new Map(DEMO_INSTITUTIONS.map((i) => [i.code, i.language]));
  let passwordHash: string | undefined; // hashed once, at the first account created: hashing is slow
  let accountsCreated = 0;

  for (const spec of DEMO_PEOPLE) {
    const institution = spec.institutionCode ? institutions.get(spec.institutionCode) : undefined;
    if (isTaken(spec, institution, taken)) {
      count.existing += 1;
      continue;
    }
    if (spec.email) passwordHash ??= await hashPassword(password, hashCost);
    const person = new User({
      email: spec.email,
      passwordHash: spec.email ? passwordHash : undefined,
      fullName: spec.fullName,
      roles: spec.roles,
      gender: spec.gender,
      rank: spec.rank,
      serviceNumber: spec.serviceNumber,
      institution: institution?.id,
      country: institution?.country,
      // coordinators and trainers act in their own institution
      scopeInstitutions:
        institution && spec.roles.some((r) => r === 'coordinator' || r === 'trainer') ? [institution.id] : [],
      language: languageOf.get(spec.institutionCode ?? '') ?? 'en',
    });
    try {
      await person.save();
    } catch (error) {
      // someone already holds the e-mail or service number in a way the lookup missed
      // (different letter case, or a second seed:demo running at the same time)
      if ((error as { code?: number }).code !== 11000) throw error;
      count.existing += 1;
      continue;
    }
    count.created += 1;
    if (spec.email) accountsCreated += 1;
  }
  return { count, accountsCreated };
}

type Taken = { emails: Set<string>; serviceKeys: Set<string> };

/** The demo people already in the database, found by e-mail or by service number within a country. */
async function existingPeople(institutions: Map<string, InstitutionRecord>): Promise<Taken> {
  const emails = DEMO_PEOPLE.flatMap((p) => (p.email ? [p.email.toLowerCase()] : []));
  const serviceNumbers = DEMO_PEOPLE.flatMap((p) => (p.serviceNumber ? [p.serviceNumber] : []));
  const countries = [...new Map([...institutions.values()].map((i) => [i.country.toHexString(), i.country])).values()];
  const found = await User.find(
    { $or: [{ email: anyOf(emails) }, { country: anyOf(countries), serviceNumber: anyOf(serviceNumbers) }] },
    { email: 1, serviceNumber: 1, country: 1 },
  ).lean();
  return {
    emails: new Set(found.flatMap((u) => (u.email ? [u.email] : []))),
    serviceKeys: new Set(
      found.flatMap((u) => (u.country && u.serviceNumber ? [serviceKeyOf(u.country, u.serviceNumber)] : [])),
    ),
  };
}

function isTaken(spec: DemoPerson, institution: InstitutionRecord | undefined, taken: Taken): boolean {
  if (spec.email && taken.emails.has(spec.email.toLowerCase())) return true;
  return Boolean(
    institution && spec.serviceNumber && taken.serviceKeys.has(serviceKeyOf(institution.country, spec.serviceNumber)),
  );
}
