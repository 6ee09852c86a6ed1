import mongoose from 'mongoose';
import { canActIn, hasRole, institutionScope, type Actor, type Role } from '../auth/actor.ts';
import { fieldError, forbidden, notFound } from '../http/errors.ts';
import { containsPattern, pageWindow, type Page } from '../http/pagination.ts';
import { isLanguage } from '../i18n/i18n.ts';
import { Institution } from '../institutions/institution.model.ts';
import { User, type UserFields } from './user.model.ts';
import type { PeopleFilter, PersonInput } from './users.schemas.ts';

type UserRecord = UserFields & { _id: mongoose.Types.ObjectId };

/** Roles a coordinator may give and people a coordinator may change; the rest is for admins. */
const COORDINATOR_MANAGEABLE_ROLES: readonly Role[] = ['staff', 'trainer'];

export function toActor(user: UserRecord): Actor {
  const institutionId = user.institution?.toHexString();
  const scope = new Set(user.scopeInstitutions.map((id) => id.toHexString()));
  if (institutionId) scope.add(institutionId);
  return {
    id: user._id.toHexString(),
    email: user.email ?? '',
    fullName: user.fullName,
    roles: user.roles as Role[],
    institutionId,
    scopeInstitutionIds: [...scope],
    language: isLanguage(user.language) ? user.language : 'en',
    mustChangePassword: user.mustChangePassword,
  };
}

/** Whether the actor may edit this person: admins anyone, coordinators staff and trainers in their scope. */
export function canManage(actor: Actor, person: Pick<UserRecord, 'institution' | 'roles'>): boolean {
  if (hasRole(actor, 'admin')) return true;
  if (!hasRole(actor, 'coordinator')) return false;
  return (
    canActIn(actor, person.institution?.toHexString()) &&
    person.roles.every((role) => COORDINATOR_MANAGEABLE_ROLES.includes(role as Role))
  );
}

export async function listPeople(actor: Actor, filter: PeopleFilter): Promise<Page<UserRecord>> {
  const query: mongoose.QueryFilter<UserRecord> = {};
  const scope = institutionScope(actor);
  if (filter.institution) {
    if (scope && !scope.includes(filter.institution)) return { items: [], page: 1, pageCount: 1, total: 0 };
    query.institution = new mongoose.Types.ObjectId(filter.institution);
  } else if (scope) {
    query.institution = { $in: scope.map((id) => new mongoose.Types.ObjectId(id)) };
  }
  if (filter.role) query.roles = filter.role;
  if (filter.gender) query.gender = filter.gender;
  if (filter.status !== 'all') query.active = filter.status === 'active';
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query.$or = [{ fullName: pattern }, { email: pattern }, { serviceNumber: pattern }];
  }
  const total = await User.countDocuments(query);
  const window = pageWindow(total, filter.page);
  const items = await User.find(query)
    .sort({ fullName: 1, _id: 1 })
    .skip(window.skip)
    .limit(window.limit)
    .populate('institution', 'name code')
    .lean<UserRecord[]>();
  return { items, page: window.page, pageCount: window.pageCount, total };
}

/** A person the actor may see; out of scope answers 404 like a missing one, so ids reveal nothing. */
export async function getPerson(actor: Actor, id: string) {
  if (!mongoose.isValidObjectId(id)) throw notFound();
  const person = await User.findById(id);
  if (!person) throw notFound();
  if (!canActIn(actor, person.institution?.toHexString()) && person._id.toHexString() !== actor.id) throw notFound();
  return person;
}

async function checkAssignment(actor: Actor, input: PersonInput) {
  const isAdminOnly = input.roles.length === 1 && input.roles[0] === 'admin';
  if (!input.institution && !isAdminOnly) throw fieldError('institution', 'validation.required');
  if (!hasRole(actor, 'admin')) {
    if (!input.roles.every((role) => COORDINATOR_MANAGEABLE_ROLES.includes(role))) {
      throw fieldError('roles', 'people:roles.notAllowed');
    }
    if (!canActIn(actor, input.institution)) throw fieldError('institution', 'people:institution.outOfScope');
    if (!input.scopeInstitutions.every((id) => canActIn(actor, id))) {
      throw fieldError('scopeInstitutions', 'people:institution.outOfScope');
    }
  }
  if (!input.institution) return undefined;
  const institution = await Institution.findById(input.institution).lean();
  if (!institution) throw fieldError('institution', 'people:institution.unknown');
  const known = await Institution.countDocuments({ _id: { $in: input.scopeInstitutions } });
  if (known !== new Set(input.scopeInstitutions).size)
    throw fieldError('scopeInstitutions', 'people:institution.unknown');
  return institution;
}

function applyInput(
  person: InstanceType<typeof User>,
  input: PersonInput,
  country: mongoose.Types.ObjectId | undefined,
) {
  person.set({
    fullName: input.fullName,
    email: input.email,
    serviceNumber: input.serviceNumber,
    rank: input.rank,
    gender: input.gender,
    institution: input.institution,
    country,
    roles: input.roles,
    scopeInstitutions: [...new Set(input.scopeInstitutions)],
    language: input.language,
  });
}

/** Saves and turns a unique-index clash into a message beside the field that clashed. */
async function saveUnique(person: InstanceType<typeof User>) {
  try {
    await person.save();
  } catch (error) {
    const keys =
      (error as { code?: number; keyPattern?: Record<string, unknown> }).code === 11000
        ? Object.keys((error as { keyPattern?: Record<string, unknown> }).keyPattern ?? {})
        : undefined;
    if (keys?.includes('emailKey')) throw fieldError('email', 'people:email.taken');
    if (keys?.includes('serviceKey')) throw fieldError('serviceNumber', 'people:serviceNumber.taken');
    if (keys) throw fieldError('email', 'people:email.taken');
    throw error;
  }
}

export async function createPerson(actor: Actor, input: PersonInput) {
  const institution = await checkAssignment(actor, input);
  const person = new User();
  applyInput(person, input, institution?.country);
  await saveUnique(person);
  return person;
}

export async function updatePerson(actor: Actor, id: string, input: PersonInput) {
  const person = await getPerson(actor, id);
  if (!canManage(actor, person)) throw forbidden();
  if (person._id.toHexString() === actor.id && !input.roles.includes('admin') && person.roles.includes('admin')) {
    throw fieldError('roles', 'people:roles.keepOwnAdmin');
  }
  const institution = await checkAssignment(actor, input);
  applyInput(person, input, institution?.country);
  await saveUnique(person);
  return person;
}

/** Deactivated people cannot sign in, and their open login sessions end at once. */
export async function setPersonActive(actor: Actor, id: string, active: boolean) {
  const person = await getPerson(actor, id);
  if (!canManage(actor, person)) throw forbidden();
  if (!active && person._id.toHexString() === actor.id) throw forbidden('people:deactivate.self');
  if (person.active === active) return person;
  person.active = active;
  if (!active) person.authVersion += 1;
  await person.save();
  return person;
}

export async function setOwnLanguage(actor: Actor, language: string) {
  if (!isLanguage(language)) throw fieldError('language', 'validation.choice');
  await User.updateOne({ _id: actor.id }, { $set: { language } });
}
