import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../src/auth/password.ts';
import type { Role } from '../../src/access/actor.ts';
import { Country } from '../../src/institutions/country.model.ts';
import type { Types } from 'mongoose';
import {
  TrainingModule,
  type DeliveryLanguage,
  type DeliveryMode,
  type ModuleStatus,
} from '../../src/modules/training-module.model.ts';
import { Institution, type InstitutionType } from '../../src/institutions/institution.model.ts';
import { localToUtc } from '../../src/sessions/session-times.ts';
import { TrainingSession, type SessionStatus } from '../../src/sessions/training-session.model.ts';
import { Person } from '../../src/people/person.model.ts';
import { testConfig } from './context.ts';

// Each test builds the data it needs; unique values come from a counter and random bytes.

let counter = 0;
const unique = () => `${++counter}${randomBytes(2).toString('hex')}`;

export const DEFAULT_PASSWORD = 'correct horse battery staple';
let defaultHash: Promise<string> | undefined;

export async function buildCountry(fields: Partial<{ code: string; name: string; timeZone: string }> = {}) {
  const code = fields.code ?? String.fromCharCode(65 + (counter % 26), 65 + (++counter % 26));
  return Country.findOneAndUpdate(
    { code },
    { $setOnInsert: { code, name: fields.name ?? `Country ${code}`, timeZone: fields.timeZone ?? 'UTC' } },
    { upsert: true, returnDocument: 'after' },
  ).orFail();
}

type InstitutionFields = {
  name: string;
  code: string;
  country: Types.ObjectId;
  type: InstitutionType;
  timeZone: string;
  active: boolean;
};

export async function buildInstitution(fields: Partial<InstitutionFields> = {}) {
  const country = fields.country ?? (await buildCountry())._id;
  const id = unique();
  return Institution.create({
    name: fields.name ?? `Institution ${id}`,
    code: fields.code ?? `INST-${id}`.toUpperCase(),
    type: fields.type ?? 'academy',
    country,
    timeZone: fields.timeZone ?? 'UTC',
    active: fields.active ?? true,
  });
}

type PersonFields = {
  roles: Role[];
  email: string | null;
  password: string;
  fullName: string;
  institution: InstanceType<typeof Institution> | null;
  scopeInstitutions: InstanceType<typeof Institution>[];
  serviceNumber: string;
  gender: 'female' | 'male' | 'other' | 'undisclosed';
  rank: string;
  active: boolean;
  mustChangePassword: boolean;
  language: 'en' | 'ru' | 'fr' | 'ar';
};

export async function buildUser(fields: Partial<PersonFields> = {}) {
  const id = unique();
  const institution = fields.institution === undefined ? await buildInstitution() : fields.institution;
  const passwordHash =
    fields.password === undefined
      ? await (defaultHash ??= hashPassword(DEFAULT_PASSWORD, testConfig.passwordHashCost))
      : await hashPassword(fields.password, testConfig.passwordHashCost);
  const user = new Person({
    email: fields.email === null ? undefined : (fields.email ?? `person${id}@test.example`),
    passwordHash: fields.email === null ? undefined : passwordHash,
    fullName: fields.fullName ?? `Person ${id}`,
    roles: fields.roles ?? ['staff'],
    institution: institution?._id,
    country: institution?.country,
    scopeInstitutions: (fields.scopeInstitutions ?? []).map((i) => i._id),
    serviceNumber: fields.serviceNumber,
    gender: fields.gender ?? 'undisclosed',
    rank: fields.rank,
    active: fields.active ?? true,
    mustChangePassword: fields.mustChangePassword ?? false,
    language: fields.language ?? 'en',
  });
  await user.save();
  return user;
}

export type ModuleFields = {
  code: string;
  title: string;
  summary: string;
  objectives: string[];
  /** the owner; null or absent = a national module */
  institution: { _id: Types.ObjectId; country?: Types.ObjectId | null } | null;
  status: ModuleStatus;
  tags: string[];
  languages: DeliveryLanguage[];
  deliveryMode: DeliveryMode;
  prerequisites: Types.ObjectId[];
  passMark: number | null;
  attendanceThreshold: number;
  certificateValidityMonths: number;
  hours: number;
  audience: string;
};

/** A training module stored directly (a draft unless told otherwise): tests exercise the services, not set up through them. */
export async function buildModule(fields: Partial<ModuleFields> = {}) {
  const id = unique();
  const { institution, ...rest } = fields;
  return TrainingModule.create({
    code: `MOD-${id}`.toUpperCase(),
    title: `Module ${id}`,
    objectives: ['Explain the basics.'],
    hours: 6,
    languages: ['en'],
    status: 'draft',
    ...rest,
    institution: institution?._id,
    country: institution?.country ?? undefined,
    ...(rest.status === 'published' ? { publishedAt: new Date() } : {}),
  });
}

/** A local date (YYYY-MM-DD) some days from today; negative for the past. */
export const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

export type SessionDay = { date: string; start: string; end: string };

export type SessionSeed = {
  venue: { _id: Types.ObjectId; country?: Types.ObjectId | null };
  /** default: a published module owned by the venue */
  module?: { _id: Types.ObjectId };
  /** the day, in the venue's zone; default: ten days from now */
  date?: string;
  /** local times, default 09:00–17:00 */
  start?: string;
  end?: string;
  /** several local days instead of date/start/end */
  days?: SessionDay[];
  /** an exact instant instead of local days: one eight-hour day from it */
  startsAt?: Date;
  timeZone?: string;
  room?: string;
  language?: DeliveryLanguage;
  capacity?: number;
  status?: SessionStatus;
  requiresApproval?: boolean;
  withdrawalCutoffHours?: number;
  enrolmentOpensAt?: Date;
  enrolmentClosesAt?: Date;
  /** the first one leads */
  trainers?: { _id: Types.ObjectId }[];
};

const EIGHT_HOURS = 8 * 3_600_000;

/** The session's days with their instants: local days converted in its zone, or one day from an instant. */
function sessionDays(seed: SessionSeed, zone: string) {
  if (seed.startsAt) {
    const startsAt = seed.startsAt;
    const date = startsAt.toISOString().slice(0, 10);
    return [{ date, start: '09:00', end: '17:00', startsAt, endsAt: new Date(startsAt.getTime() + EIGHT_HOURS) }];
  }
  const local = seed.days ?? [
    { date: seed.date ?? daysFromNow(10), start: seed.start ?? '09:00', end: seed.end ?? '17:00' },
  ];
  return local.map((d) => ({
    ...d,
    startsAt: localToUtc(d.date, d.start, zone)!,
    endsAt: localToUtc(d.date, d.end, zone)!,
  }));
}

/** A session of the module at the venue, stored directly, its local times converted in its zone. */
export async function buildTrainingSession(seed: SessionSeed) {
  const zone = seed.timeZone ?? 'UTC';
  const days = sessionDays(seed, zone);
  const module = seed.module ?? (await buildModule({ status: 'published', institution: seed.venue }));
  return TrainingSession.create({
    module: module._id,
    moduleVersion: 1,
    institution: seed.venue._id,
    country: seed.venue.country ?? undefined,
    room: seed.room ?? '',
    timeZone: zone,
    days,
    startsAt: days[0]!.startsAt,
    endsAt: days.at(-1)!.endsAt,
    language: seed.language ?? 'en',
    capacity: seed.capacity ?? 20,
    status: seed.status ?? 'open',
    requiresApproval: seed.requiresApproval,
    withdrawalCutoffHours: seed.withdrawalCutoffHours,
    enrolmentOpensAt: seed.enrolmentOpensAt,
    enrolmentClosesAt: seed.enrolmentClosesAt,
    trainers: (seed.trainers ?? []).map((t, i) => ({ person: t._id, lead: i === 0 })),
  });
}
