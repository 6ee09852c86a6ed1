import mongoose from 'mongoose';
import { institutionScope, type Actor } from '../access/actor.ts';
import { institutionPolicy, isInstitutionAdmin } from '../access/institution.policy.ts';
import { authorize, type ActionOf } from '../access/policy.ts';
import { Country } from './country.model.ts';
import { anyOfIds, containsPattern, findLeanById } from '../db/query.ts';
import { frozenRows, rowsWithIds, StampedCopy } from '../db/collection-stamps.ts';
import { fieldError, forbidden, StaleFormError } from '../http/errors.ts';
import type { Page } from '../db/pagination.ts';
import { Institution, type InstitutionFields } from './institution.model.ts';
import type { InstitutionFilter, InstitutionInput } from './institutions.schemas.ts';
import { findPage } from '../db/find-page.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import { findByIdOr404 } from '../db/object-id.ts';

type InstitutionRecord = InstitutionFields & { _id: mongoose.Types.ObjectId };

function scopeFilter(actor: Actor): mongoose.QueryFilter<InstitutionRecord> {
  const scope = institutionScope(actor);
  return scope ? { _id: anyOfIds(scope) } : {};
}

export async function listInstitutions(actor: Actor, filter: InstitutionFilter): Promise<Page<InstitutionRecord>> {
  const query: mongoose.QueryFilter<InstitutionRecord> = scopeFilter(actor);
  if (filter.type) query.type = filter.type;
  if (filter.country) query.country = new mongoose.Types.ObjectId(filter.country);
  if (filter.status !== 'all') query.active = filter.status === 'active';
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query.$or = [{ name: pattern }, { code: pattern }, { city: pattern }];
  }
  return findPage<InstitutionRecord>(Institution, query, filter.page, {
    sort: { name: 1 },
    populate: [['country', 'code name']],
  });
}

type OptionsWanted = {
  /** every institution in scope, for filters: people stay in deactivated institutions */
  includeInactive?: boolean;
  /** deactivated ones to offer anyway: where the person being edited already is */
  keep?: (string | undefined)[];
};

/** Institutions the actor may pick in a form (active ones, in scope), by name. */
export async function listInstitutionOptions(actor: Actor, wanted: OptionsWanted = {}) {
  const keep = new Set((wanted.keep ?? []).filter((id): id is string => id !== undefined));
  const scope = institutionScope(actor);
  const inScope = scope ? new Set(scope) : undefined;
  return (await everyInstitution.get())
    .filter((i) => !inScope || inScope.has(i._id.toHexString()))
    .filter((i) => wanted.includeInactive || i.active || keep.has(i._id.toHexString()))
    .map(({ _id, name, code, active }) => ({ _id, name, code, active }));
}

/**
 * An institution the actor may do this to (see it, unless another action is named; the
 * institution policy): out of scope is 404, as if it did not exist; seen but not allowed, 403.
 */
export async function getInstitution(actor: Actor, id: string, action: ActionOf<typeof institutionPolicy> = 'read') {
  const institution = await findByIdOr404(Institution, id);
  authorize(actor, institutionPolicy, action, institution);
  return institution;
}

/**
 * What institutions ask of the people in them. People are built on institutions (decision 8),
 * so the answers come from the people feature, passed in by app.ts.
 */
export type InstitutionMembers = {
  /** how many active people belong to the institution: shown beside the link to them */
  countActive(institutionId: string): Promise<number>;
  /** whether anyone, active or not, belongs to it */
  any(institutionId: string): Promise<boolean>;
};

export type InstitutionSummary = Pick<InstitutionRecord, '_id' | 'name' | 'code' | 'country' | 'timeZone' | 'active'>;

/**
 * Every institution's summary, by name, kept in memory while no institution changes (decision
 * 0017): nearly every page names institutions or offers them, and a site has tens of them.
 */
const everyInstitution = new StampedCopy('institutions', async () =>
  frozenRows(
    await Institution.find({}, 'name code country timeZone active')
      .sort({ name: 1, _id: 1 })
      .lean<InstitutionSummary[]>(),
  ),
);

/** An institution's name, code, country, zone and state, for other features; null when there is none. */
export async function institutionSummary(id: unknown): Promise<InstitutionSummary | null> {
  return rowsWithIds(await everyInstitution.get(), [id])[0] ?? null;
}

/** The same for several institutions, by name; unknown ids are left out. */
export async function institutionSummaries(ids: readonly unknown[]): Promise<InstitutionSummary[]> {
  return rowsWithIds(await everyInstitution.get(), ids);
}

/** Every institution's summary (deactivated ones too), by name. */
export async function everyInstitutionSummary(): Promise<InstitutionSummary[]> {
  return [...(await everyInstitution.get())];
}

/** Someone who signs an institution's certificates. */
export type Signatory = { name: string; role: string };

/** What a certificate says of the institution that issues it: the completion record keeps a copy at issue. */
export type CertificateIssuer = {
  name: string;
  country: { code: string; name: string };
  /** the days of the issue and expiry dates are the institution's */
  timeZone: string;
  signatories: Signatory[];
};

/** The issuer of the certificates an institution gives; null when there is no such institution. */
export async function certificateIssuer(id: unknown): Promise<CertificateIssuer | null> {
  type Stored = Pick<InstitutionRecord, 'name' | 'country' | 'timeZone' | 'signatories'>;
  const institution = await findLeanById<Stored>(Institution, id, 'name country timeZone signatories');
  if (!institution) return null;
  const country = await findLeanById<{ code: string; name: string }>(Country, institution.country, 'code name');
  return {
    name: institution.name,
    country: { code: country?.code ?? '', name: country?.name ?? '' },
    timeZone: institution.timeZone,
    signatories: institution.signatories.map(({ name, role }) => ({ name, role })),
  };
}

async function save(
  institution: InstanceType<typeof Institution>,
  input: InstitutionInput,
  members?: InstitutionMembers,
) {
  const country = await Country.findById(input.country, { timeZone: 1 }).lean();
  if (!country) throw fieldError('country', 'institutions:country.unknown');
  // people carry their institution's country (service numbers are unique per country)
  const movesCountry = !institution.isNew && institution.country?.toHexString() !== input.country;
  if (movesCountry && members && (await members.any(institution.id as string))) {
    throw fieldError('country', 'institutions:country.locked');
  }
  // the check names the clash; the unique index still decides when two saves race
  const others = { _id: mongoose.trusted({ $ne: institution._id }) };
  if (await Institution.exists({ ...others, code: input.code })) throw fieldError('code', 'institutions:code.taken');
  // revision is the edit form's, checked by updateInstitution: not a field of the institution
  const { revision, ...fields } = input;
  institution.set({ ...fields, timeZone: input.timeZone ?? country.timeZone });
  try {
    await institution.save();
  } catch (error) {
    if (isDuplicateKey(error)) throw fieldError('code', 'institutions:code.taken');
    if (error instanceof mongoose.Error.VersionError) throw staleInstitution();
    throw error;
  }
  return institution;
}

export async function createInstitution(actor: Actor, input: InstitutionInput) {
  if (!isInstitutionAdmin(actor)) throw forbidden();
  return save(new Institution(), input);
}

const staleInstitution = () => new StaleFormError('institutions:changedMeanwhile');

export async function updateInstitution(
  actor: Actor,
  id: string,
  input: InstitutionInput,
  members: InstitutionMembers,
) {
  const institution = await getInstitution(actor, id, 'update');
  if (input.revision !== undefined && input.revision !== institution.__v) throw staleInstitution();
  return save(institution, input, members);
}

/** Deactivated institutions leave pick lists; their people and records stay. */
export async function setInstitutionActive(actor: Actor, id: string, active: boolean) {
  const institution = await getInstitution(actor, id, 'update');
  if (institution.active === active) return institution;
  institution.active = active;
  await institution.save();
  return institution;
}
