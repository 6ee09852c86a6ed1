import mongoose from 'mongoose';
import { canActIn, chosenWithin, hasRole, institutionScope, type Actor, type Role } from '../access/actor.ts';
import { assignableRoles, personPolicy } from '../access/person.policy.ts';
import { authorize, type ActionOf } from '../access/policy.ts';
import { anyOf } from '../db/query.ts';
import { fieldError, FieldValidationError, notFound, StaleFormError, type FieldErrors } from '../http/errors.ts';
import { pageWindow, type Page } from '../db/pagination.ts';
import { isLanguage } from '../i18n/i18n.ts';
import {
  institutionSummaries,
  institutionSummary,
  type InstitutionMembers,
} from '../institutions/institutions.service.ts';
import { uniqueKeys, Person, SUMMARY_FIELDS, type PersonFields } from './person.model.ts';
import { peopleWhere, peopleWithIds, type PersonSummary } from './people-directory.ts';
import type { PeopleFilter, PersonInput } from './people.schemas.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';
import { audit, fieldChanges } from '../audit/audit.ts';
import { findByIdOr404, isObjectId } from '../db/object-id.ts';

type PersonRecord = PersonFields & { _id: mongoose.Types.ObjectId };

/** What a person is made of as an actor: a signed-in person, or one a rule is asked about as if signed in. */
type ActorSource = Pick<
  PersonRecord,
  '_id' | 'email' | 'fullName' | 'roles' | 'institution' | 'country' | 'scopeInstitutions' | 'language'
> & { mustChangePassword?: boolean };

export function toActor(user: ActorSource): Actor {
  const institutionId = user.institution?.toHexString();
  const scope = new Set(user.scopeInstitutions.map((id) => id.toHexString()));
  if (institutionId) scope.add(institutionId);
  return {
    id: user._id.toHexString(),
    email: user.email ?? '',
    fullName: user.fullName,
    roles: user.roles as Role[],
    institutionId,
    countryId: user.country?.toHexString(),
    scopeInstitutionIds: [...scope],
    language: isLanguage(user.language) ? user.language : 'en',
    mustChangePassword: user.mustChangePassword ?? false,
  };
}

/** Which people a list shows: its filters without the page. */
export type PeopleCriteria = Omit<PeopleFilter, 'page'>;

/**
 * People of the actor's scope, by name: cut from the people directory (people-directory.ts) by
 * scope, role, gender, state and the words searched.
 */
function peopleListed(actor: Actor, filter: PeopleCriteria): Promise<Readonly<PersonSummary>[]> {
  const institutions = chosenWithin(institutionScope(actor), filter.institution);
  const inInstitutions = institutions && new Set(institutions);
  return peopleWhere({
    words: filter.q || undefined,
    where: (p) =>
      (!inInstitutions || (!!p.institution && inInstitutions.has(p.institution.toHexString()))) &&
      (!filter.role || p.roles.includes(filter.role)) &&
      (!filter.gender || p.gender === filter.gender) &&
      (filter.status === 'all' || p.active === (filter.status === 'active')),
  });
}

/** People of the actor's scope, by name, a page at a time. */
export async function listPeople(actor: Actor, filter: PeopleFilter): Promise<Page<PersonListRow>> {
  const people = await peopleListed(actor, filter);
  const { page, pageCount, skip, limit } = pageWindow(people.length, filter.page);
  const items = await withInstitutionNames(people.slice(skip, skip + limit));
  return { items, page, pageCount, total: people.length };
}

/**
 * The first `limit` people the list would show after the person `after`, in the order of their
 * ids (which never changes, unlike names): the API's pages (decision 0022).
 */
export async function peopleAfter(
  actor: Actor,
  filter: PeopleCriteria,
  after: mongoose.Types.ObjectId | undefined,
  limit: number,
): Promise<PersonListRow[]> {
  const later = (await peopleListed(actor, filter)).filter((p) => !after || p._id.toHexString() > after.toHexString());
  later.sort((a, b) => a._id.toHexString().localeCompare(b._id.toHexString()));
  return withInstitutionNames(later.slice(0, limit));
}

/** One person as the list shows them, when the actor may see them (else 404, as getPerson). */
export async function personRow(actor: Actor, id: string): Promise<PersonListRow> {
  const person = await getPerson(actor, id);
  const [summary] = await peopleWithIds([person.id as string]);
  if (!summary) throw notFound(); // removed since it was read
  const [row] = await withInstitutionNames([summary]);
  return row!;
}

/**
 * Records that the actor opened another person's record, on their page or through the API
 * (decision 0019); opening one's own is not recorded.
 */
export async function personViewed(
  actor: Actor,
  person: mongoose.Types.ObjectId,
  institution: mongoose.Types.ObjectId | null | undefined,
  details?: Record<string, unknown>,
): Promise<void> {
  if (person.toHexString() === actor.id) return;
  await audit(actor, {
    action: 'person.view',
    subject: { collection: 'users', id: person },
    institutions: institution ? [institution] : [],
    ...(details ? { details } : {}),
  });
}

/** Rows with their institution's name and code. */
async function withInstitutionNames(rows: readonly Readonly<PersonSummary>[]): Promise<PersonListRow[]> {
  const names = new Map(
    (await institutionSummaries(rows.flatMap((p) => p.institution ?? []))).map((i) => [i._id.toHexString(), i]),
  );
  return rows.map((p) => {
    const institution = p.institution ? names.get(p.institution.toHexString()) : undefined;
    return {
      ...p,
      institution: institution ? { _id: institution._id, name: institution.name, code: institution.code } : null,
    };
  });
}

export type PersonListRow = Omit<PersonSummary, 'institution'> & {
  institution: { _id: mongoose.Types.ObjectId; name: string; code: string } | null;
};

export type PersonAction = ActionOf<typeof personPolicy>;

/**
 * A person the actor may do this to (see them, unless another action is named; the person
 * policy): out of scope answers 404 like a missing one, so ids reveal nothing; seen but not
 * allowed is 403, with the reason when there is one (oneself, no e-mail address…).
 */
export async function getPerson(actor: Actor, id: string, action: PersonAction = 'read') {
  const person = await findByIdOr404(Person, id);
  authorize(actor, personPolicy, action, person);
  return person;
}

type Person = InstanceType<typeof Person>;

/** Scope institutions mean something only to coordinators and trainers. */
const usesScope = (roles: readonly Role[]) => roles.includes('coordinator') || roles.includes('trainer');

/**
 * Checks who may be put where, and returns the institution (for its country). A person may stay
 * in a deactivated institution, but no one new joins one.
 */
export async function checkAssignment(
  actor: Actor,
  input: PersonInput,
  current?: Pick<PersonSummary, 'scopeInstitutions' | 'institution'>,
) {
  const isAdminOnly = input.roles.length === 1 && input.roles[0] === 'admin';
  if (!input.institution && !isAdminOnly) throw fieldError('institution', 'validation.required');
  if (!hasRole(actor, 'admin')) {
    if (!input.roles.every((role) => assignableRoles(actor).includes(role))) {
      throw fieldError('roles', 'people:roles.notAllowed');
    }
    if (!canActIn(actor, input.institution)) throw fieldError('institution', 'people:institution.outOfScope');
    if (!input.scopeInstitutions.every((id) => canActIn(actor, id))) {
      throw fieldError('scopeInstitutions', 'people:institution.outOfScope');
    }
  }
  const currentScope = new Set(current?.scopeInstitutions.map((id) => id.toHexString()));
  const newScope = input.scopeInstitutions.filter((id) => !currentScope.has(id));
  if (newScope.length > 0) {
    const known = await institutionSummaries(newScope);
    if (known.length !== newScope.length) throw fieldError('scopeInstitutions', 'people:institution.unknown');
    if (known.some((i) => !i.active)) throw fieldError('scopeInstitutions', 'people:institution.inactive');
  }
  if (!input.institution) return undefined;
  const institution = await institutionSummary(input.institution);
  if (!institution) throw fieldError('institution', 'people:institution.unknown');
  const stays = current?.institution?.toHexString() === input.institution;
  if (!institution.active && !stays) throw fieldError('institution', 'people:institution.inactive');
  return institution;
}

/**
 * The scope to store. A coordinator sees and sends only the scope institutions in their own
 * scope; the ones an admin gave beyond it are kept, not silently dropped.
 */
function scopeToStore(actor: Actor, input: PersonInput, current?: Person): string[] {
  if (!usesScope(input.roles)) return [];
  const hidden = (current?.scopeInstitutions ?? []).map((id) => id.toHexString()).filter((id) => !canActIn(actor, id));
  return [...new Set([...input.scopeInstitutions, ...hidden])];
}

function applyInput(person: Person, input: PersonInput, scope: string[], country: mongoose.Types.ObjectId | undefined) {
  person.set({
    fullName: input.fullName,
    email: input.email,
    serviceNumber: input.serviceNumber,
    rank: input.rank,
    gender: input.gender,
    institution: input.institution,
    country,
    roles: input.roles,
    scopeInstitutions: scope,
    language: input.language,
  });
}

/** The fields whose unique key someone else already holds, each with its message. */
async function clashes(person: Person): Promise<FieldErrors> {
  const { emailKey, serviceKey } = uniqueKeys(person);
  const others = { _id: mongoose.trusted({ $ne: person._id }) };
  const [email, service] = await Promise.all([
    person.email ? Person.exists({ ...others, emailKey }) : null,
    person.serviceNumber && person.country ? Person.exists({ ...others, serviceKey }) : null,
  ]);
  const errors: FieldErrors = {};
  if (email) errors.email = { key: 'people:email.taken' };
  if (service) errors.serviceNumber = { key: 'people:serviceNumber.taken' };
  return errors;
}

/**
 * Saves, with a message beside each field that clashes. The check before saving names the
 * field; the unique index still decides when two saves race (FerretDB does not say which
 * index refused, so the check runs again to find out).
 */
async function saveUnique(person: Person) {
  const before = await clashes(person);
  if (Object.keys(before).length > 0) throw new FieldValidationError(before);
  try {
    await person.save();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const after = await clashes(person);
    throw new FieldValidationError(Object.keys(after).length > 0 ? after : { email: { key: 'people:email.taken' } });
  }
}

/** What the audit log keeps of a change of a person (decision 0019): their profile, never a password. */
const AUDITED_FIELDS = [
  ...['fullName', 'email', 'serviceNumber', 'rank', 'gender', 'institution'],
  ...['roles', 'scopeInstitutions', 'language', 'active'],
] as const;
const auditedValues = (person: Person) => Object.fromEntries(AUDITED_FIELDS.map((f) => [f, person.get(f) as unknown]));

async function audited(
  actor: Actor,
  action: 'person.create' | 'person.update' | 'person.activate' | 'person.deactivate',
  person: Person,
  before: Record<string, unknown>,
) {
  await audit(actor, {
    action,
    subject: { collection: 'users', id: person._id },
    institutions: person.institution ? [person.institution] : [],
    changes: fieldChanges(before, auditedValues(person)),
  });
}

/** A new person; `id` gives them the id a staff import planned (applying it again finds them). */
export async function createPerson(actor: Actor, input: PersonInput, id?: mongoose.Types.ObjectId) {
  const institution = await checkAssignment(actor, input);
  const person = new Person(id ? { _id: id } : {});
  applyInput(person, input, scopeToStore(actor, input), institution?.country);
  await saveUnique(person);
  await audited(actor, 'person.create', person, {});
  return person;
}

export async function updatePerson(actor: Actor, id: string, input: PersonInput) {
  const person = await getPerson(actor, id, 'update');
  const before = auditedValues(person);
  if (person._id.toHexString() === actor.id && !input.roles.includes('admin') && person.roles.includes('admin')) {
    throw fieldError('roles', 'people:roles.keepOwnAdmin');
  }
  if (input.revision !== undefined && input.revision !== person.profileRevision) {
    throw new StaleFormError('people:changedMeanwhile');
  }
  const institution = await checkAssignment(actor, input, person);
  applyInput(person, input, scopeToStore(actor, input, person), institution?.country);
  person.profileRevision += 1;
  await saveUnique(person);
  await audited(actor, 'person.update', person, before);
  return person;
}

/**
 * Deactivated people cannot sign in, their open login sessions end at once, and so does their
 * password link: an activation later does not bring an old link back.
 */
export async function setPersonActive(actor: Actor, id: string, active: boolean) {
  const person = await getPerson(actor, id, active ? 'activate' : 'deactivate');
  if (person.active === active) return person;
  const before = auditedValues(person);
  person.active = active;
  if (!active) {
    person.authVersion += 1;
    person.passwordResetTokenHash = undefined;
    person.passwordResetExpiresAt = undefined;
  }
  await person.save();
  await audited(actor, active ? 'person.activate' : 'person.deactivate', person, before);
  return person;
}

export async function setOwnLanguage(actor: Actor, language: string) {
  if (!isLanguage(language)) throw fieldError('language', 'validation.choice');
  await Person.updateOne({ _id: actor.id }, { $set: { language } });
}

/** What institutions ask of their people (decision 8): passed to the institutions' router by app.ts. */
export const institutionMembers: InstitutionMembers = {
  countActive: (institutionId) => Person.countDocuments({ institution: institutionId, active: true }),
  any: async (institutionId) => (await Person.exists({ institution: institutionId })) !== null,
};

// Reads for other features (decision 8): they see people through these, never the model.

export type { PersonSummary };
export { GENDERS, type Gender } from './person.model.ts';
const SUMMARY = SUMMARY_FIELDS.join(' ');

/** One person's name, contact, language, roles and institution; null for a malformed or unknown id. */
export async function personSummary(id: unknown): Promise<PersonSummary | null> {
  const [found] = await personSummaries([id]);
  return found ?? null;
}

/** The same for several people (from the people directory), each once; unknown ids are left out. */
export function personSummaries(ids: readonly unknown[]): Promise<PersonSummary[]> {
  const wanted = new Set(ids.map((id) => String(id).toLowerCase()).filter(isObjectId));
  return peopleWithIds([...wanted]);
}

/** Names by id (hex), for pages that list people. */
export async function personNames(ids: readonly unknown[]): Promise<Map<string, string>> {
  const people = await personSummaries(ids);
  return new Map(people.map((p) => [p._id.toHexString(), p.fullName]));
}

/** The people with these service keys (country id + ":" + upper-case service number). */
export function peopleByServiceKeys(keys: string[]): Promise<(PersonSummary & { serviceKey: string })[]> {
  return Person.find({ serviceKey: anyOf(keys) }, `${SUMMARY} serviceKey`).lean<
    (PersonSummary & { serviceKey: string })[]
  >();
}

/** Active trainers, by name; only those of these institutions when given. */
export function activeTrainers(institutionIds?: readonly string[]): Promise<PersonSummary[]> {
  const wanted = institutionIds && new Set(institutionIds);
  return peopleWhere({ where: (p) => p.active && p.roles.includes('trainer') && (!wanted || belongsTo(p, wanted)) });
}

/** Active staff (the staff role), by name; only those of these institutions when given. */
export function activeStaff(institutionIds?: readonly string[]): Promise<PersonSummary[]> {
  const wanted = institutionIds && new Set(institutionIds);
  return peopleWhere({ where: (p) => p.active && p.roles.includes('staff') && (!wanted || belongsTo(p, wanted)) });
}

/** The active people of an institution, by name: a roster offers its venue's people until a search. */
export function activePeopleOf(institutionId: string): Promise<PersonSummary[]> {
  return peopleWhere({ where: (p) => p.active && p.institution?.toHexString() === institutionId });
}

/**
 * Every active coordinator, with their institution and scope, for a job that tells the
 * coordinators of many institutions at once (a coordinator acts in their own institution and
 * those of their scope).
 */
export function activeCoordinators(): Promise<PersonSummary[]> {
  return peopleWhere({ where: (p) => p.active && p.roles.includes('coordinator') });
}

const belongsTo = (person: PersonSummary, institutions: ReadonlySet<string>) =>
  !!person.institution && institutions.has(person.institution.toHexString());

export type PeopleSearch = {
  /** only people of these institutions (undefined: every institution) */
  institutions?: readonly string[];
  /** words the name, service number or e-mail has a word starting with (search-tokens.ts) */
  words?: string;
  /**
   * only people who may reach a session at this venue: of its country, of the venue or with the
   * venue in their scope, or admins (a wider net than any rule: the caller asks its policy)
   */
  reaching?: { institution: string; country?: string };
  /** how many to skip, and to return at most */
  skip?: number;
  limit: number;
};

/** Active people matching a search, by name (people-directory.ts). */
export async function searchActivePeople(search: PeopleSearch): Promise<PersonSummary[]> {
  const institutions = search.institutions && new Set(search.institutions);
  const reaching = search.reaching;
  const reaches = (p: PersonSummary) =>
    !reaching ||
    (!!reaching.country && p.country?.toHexString() === reaching.country) ||
    p.institution?.toHexString() === reaching.institution ||
    p.scopeInstitutions.some((id) => id.toHexString() === reaching.institution) ||
    p.roles.includes('admin');
  const found = await peopleWhere({
    words: search.words,
    where: (p) => p.active && (!institutions || belongsTo(p, institutions)) && reaches(p),
  });
  const skip = search.skip ?? 0;
  return found.slice(skip, skip + search.limit);
}

/**
 * People saved before the people directory (decision 0017) still carry the search tokens a
 * search once matched by equality: no query reads them now, and FerretDB decodes them on every
 * read of those people (2 KB a person). Removed once, at start-up (server.ts, runOnce); says
 * from how many people. Past the model: the tokens are in no copy, so no stamp is due.
 */
export async function dropStoredSearchTokens(): Promise<number> {
  const { modifiedCount } = await Person.collection.updateMany(
    { searchTokens: { $exists: true } },
    { $unset: { searchTokens: '' } },
  );
  return modifiedCount;
}
