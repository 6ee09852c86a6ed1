import mongoose from 'mongoose';
import { hashPassword } from '../auth/password.ts';
import { Country } from '../institutions/country.model.ts';
import { anyOf } from '../db/query.ts';
import { Institution } from '../institutions/institution.model.ts';
import { seedDemoCurricula } from './demo-curricula.ts';
import { ModuleVersion } from '../modules/module-version.model.ts';
import { insertSnapshot } from '../modules/module-versioning.ts';
import { TrainingModule } from '../modules/training-module.model.ts';
import { Person } from '../people/person.model.ts';
import { DEMO_COUNTRIES, DEMO_INSTITUTIONS, DEMO_MODULES, DEMO_PEOPLE, type DemoPerson } from './demo-world.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import { seedDemoSessions } from './seed-sessions.ts';
import { seedDemoCompletions, type CompletionsSeedCount } from './seed-completions.ts';

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
  modules: SeedCount;
  curricula: SeedCount;
  /** made once per database (seed-sessions.ts); on later runs, the sessions at the demo venues */
  sessions: SeedCount;
  /** completion records: those of closed sessions made now, and the demo's revoked and hand-entered ones */
  completions: CompletionsSeedCount;
};

type Ids = Map<string, mongoose.Types.ObjectId>;

export async function seedDemo(password: string, hashCost: number): Promise<SeedSummary> {
  const countries = await seedCountries();
  const institutions = await seedInstitutions(countries.ids);
  const people = await seedPeople(institutions.records, password, hashCost);
  const modules = await seedModules(institutions.records);
  const { created, existing } = await seedDemoCurricula(); // after the modules they list
  const sessions = await seedDemoSessions(); // after the people and modules they are made of
  const completions = await seedDemoCompletions(); // after the sessions whose closing makes them
  return {
    countries: countries.count,
    institutions: institutions.count,
    people: people.count,
    accountsCreated: people.accountsCreated,
    modules,
    curricula: { created, existing },
    sessions,
    completions,
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
        signatories: [...(spec.signatories ?? [])],
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
    const person = new Person({
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
      language: spec.language ?? languageOf.get(spec.institutionCode ?? '') ?? 'en',
    });
    try {
      await person.save();
    } catch (error) {
      // someone already holds the e-mail or service number in a way the lookup missed
      // (different letter case, or a second seed:demo running at the same time)
      if (!isDuplicateKey(error)) throw error;
      count.existing += 1;
      continue;
    }
    count.created += 1;
    if (spec.email) accountsCreated += 1;
  }
  return { count, accountsCreated };
}

type Taken = { emails: Set<string>; serviceKeys: Set<string> };

/** The demo people already in the database, found by their unique keys: the e-mail, the service number within a country. */
async function existingPeople(institutions: Map<string, InstitutionRecord>): Promise<Taken> {
  const emails = DEMO_PEOPLE.flatMap((p) => (p.email ? [p.email.toLowerCase()] : []));
  const serviceKeys = DEMO_PEOPLE.flatMap((p) => {
    const institution = p.institutionCode ? institutions.get(p.institutionCode) : undefined;
    return p.serviceNumber && institution ? [serviceKeyOf(institution.country, p.serviceNumber)] : [];
  });
  // each alternative is served by its unique index on MongoDB
  const found = await Person.find(
    { $or: [{ emailKey: anyOf(emails) }, { serviceKey: anyOf(serviceKeys) }] },
    { emailKey: 1, serviceKey: 1 },
  ).lean();
  return {
    emails: new Set(found.map((u) => u.emailKey)),
    serviceKeys: new Set(found.map((u) => u.serviceKey)),
  };
}

function isTaken(spec: DemoPerson, institution: InstitutionRecord | undefined, taken: Taken): boolean {
  if (spec.email && taken.emails.has(spec.email.toLowerCase())) return true;
  return Boolean(
    institution && spec.serviceNumber && taken.serviceKeys.has(serviceKeyOf(institution.country, spec.serviceNumber)),
  );
}

/**
 * The demo modules, published at version 1 with its snapshot, matched by code. Modules already
 * there are left as they are (someone may have edited them); new ones find their prerequisites
 * by code among those seeded before them.
 */
async function seedModules(institutions: Map<string, InstitutionRecord>): Promise<SeedCount> {
  const count: SeedCount = { created: 0, existing: 0 };
  const codes = DEMO_MODULES.map((m) => m.code);
  const found = await TrainingModule.find({ code: anyOf(codes) }, { code: 1 }).lean();
  const ids = new Map(found.map((m) => [m.code, m._id]));
  for (const spec of DEMO_MODULES) {
    if (ids.has(spec.code)) {
      count.existing += 1;
      continue;
    }
    const institution = spec.institutionCode ? institutions.get(spec.institutionCode) : undefined;
    const module = new TrainingModule({
      code: spec.code,
      title: spec.title,
      summary: spec.summary,
      objectives: spec.objectives,
      hours: spec.hours,
      deliveryMode: spec.deliveryMode,
      audience: spec.audience,
      passMark: spec.passMark,
      hasPreTest: spec.hasPreTest,
      hasPostTest: spec.hasPostTest,
      attendanceThreshold: spec.attendanceThreshold,
      certificateValidityMonths: spec.certificateValidityMonths,
      tags: spec.tags,
      languages: spec.languages,
      prerequisites: spec.prerequisites.flatMap((code) => (ids.has(code) ? [ids.get(code)!] : [])),
      qualifiesFor: (spec.qualifiesFor ?? []).flatMap((code) => (ids.has(code) ? [ids.get(code)!] : [])),
      institution: institution?.id,
      country: institution?.country,
      status: 'published',
      version: 1,
      publishedAt: new Date(),
    });
    // the snapshot first, as the module service does; taken back if the module cannot be saved
    await insertSnapshot(module, undefined);
    try {
      await module.save();
    } catch (error) {
      await ModuleVersion.deleteOne({ module: module._id });
      // the code was taken meanwhile (a second seed:demo running at the same time)
      if (!isDuplicateKey(error)) throw error;
      count.existing += 1;
      continue;
    }
    ids.set(spec.code, module._id);
    count.created += 1;
  }
  return count;
}
