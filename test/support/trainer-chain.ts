import type { Types } from 'mongoose';
import { CompletionRecord } from '../../src/completions/completion-record.model.ts';
import { sessionSourceKey } from '../../src/completions/issuing.service.ts';
import { newVerifyCode } from '../../src/completions/verify-codes.ts';
import { TrainingModule } from '../../src/modules/training-module.model.ts';
import { TrainerQualification } from '../../src/qualifications/trainer-qualification.model.ts';
import { TrainingSession } from '../../src/sessions/training-session.model.ts';
import { buildTrainingSession, daysFromNow } from './factories.ts';
import { buildWorld } from './world.ts';

// The trainer chain's world (test/trainer-chain.test.ts and its browser test): a training of
// trainers (TOT-PVE) that qualifies for a national module (PVE-01), a master trainer in
// Kazakhstan, the trainers she certified in Kazakhstan and Uganda, the one certified in Uganda in
// turn, and the people each of them trained. Sessions and records are stored directly: how a
// closing makes records is the completions' tests' business.

type Ref = { _id: Types.ObjectId };
type Named = Ref & { fullName: string };
type Venue = Ref & { country?: Types.ObjectId | null; timeZone?: string | null };
type ModuleRef = Ref & { code: string; title: string; hours: number };

export async function chainWorld() {
  const w = await buildWorld({
    countries: { kz: { code: 'KZ', name: 'Kazakhstan' }, ug: { code: 'UG', name: 'Uganda' } },
    institutions: {
      almaty: { country: 'kz', name: 'Almaty Academy', code: 'ALA', timeZone: 'Asia/Almaty' },
      partner: { country: 'kz', name: 'Partner Prison', code: 'PART', timeZone: 'Asia/Almaty' },
      elsewhere: { country: 'kz', name: 'Elsewhere Prison', code: 'ELSE', timeZone: 'Asia/Almaty' },
      kampala: { country: 'ug', name: 'Kampala Academy', code: 'KLA', timeZone: 'Africa/Kampala' },
    },
    people: {
      admin: { roles: ['admin'], at: null, fullName: 'Ada Admin' },
      coordinator: { roles: ['coordinator'], at: 'almaty', scope: ['partner'], fullName: 'Cora Coordinator' },
      outsideCoordinator: { roles: ['coordinator'], at: 'elsewhere', fullName: 'Oscar Outside' },
      master: { roles: ['trainer'], at: 'almaty', fullName: 'Aigerim Master' },
      kzTrainer: { roles: ['trainer'], at: 'partner', fullName: 'Bolat Second' },
      ugTrainer: { roles: ['trainer'], at: 'kampala', fullName: 'Grace Second' },
      ugThird: { roles: ['trainer'], at: 'kampala', fullName: 'Joseph Third' },
      otherTrainer: { roles: ['trainer'], at: 'elsewhere', fullName: 'Erlan Other' },
      staff: { roles: ['staff'], at: 'almaty', fullName: 'Saule Staff' },
      s1: { roles: ['staff'], at: 'almaty', fullName: 'Dana One' },
      s2: { roles: ['staff'], at: 'almaty', fullName: 'Ermek Two' },
      s3: { roles: ['staff'], at: 'partner', fullName: 'Farida Three' },
      u1: { roles: ['staff'], at: 'kampala', fullName: 'Hope Okello' },
      u2: { roles: ['staff'], at: 'kampala', fullName: 'Isaac Mugisha' },
      u3: { roles: ['staff'], at: 'kampala', fullName: 'Ruth Nakato' },
    },
    modules: {
      tot: { status: 'published', owner: null, code: 'TOT-PVE', title: 'Training of PVE trainers', hours: 24 },
      pve: { status: 'published', owner: null, code: 'PVE-01', title: 'Preventing violent extremism', hours: 6 },
      other: { status: 'published', owner: 'almaty', code: 'HR-01', title: 'Human rights', hours: 4 },
    },
  });
  await TrainingModule.updateOne({ _id: w.modules.tot._id }, { $set: { qualifiesFor: [w.modules.pve._id] } });
  return w;
}
export type ChainWorld = Awaited<ReturnType<typeof chainWorld>>;

/** A session held in the past (`daysAgo` its last day) and closed, unless told otherwise. */
export async function heldSession(
  venue: Venue,
  module: Ref,
  trainers: Ref[],
  options: { daysAgo?: number; days?: number; closed?: boolean; status?: 'completed' | 'in_progress' } = {},
) {
  const last = options.daysAgo ?? 10;
  const count = options.days ?? 1;
  const days = Array.from({ length: count }, (_, i) => ({
    date: daysFromNow(-(last + count - 1 - i)),
    start: '09:00',
    end: '17:00',
  }));
  const session = await buildTrainingSession({
    venue,
    module,
    trainers,
    days,
    timeZone: venue.timeZone ?? 'UTC',
    status: options.status ?? 'completed',
  });
  if (options.closed ?? true) {
    await TrainingSession.updateOne({ _id: session._id }, { $set: { closedAt: new Date(), status: 'completed' } });
  }
  return session;
}

type RecordOptions = {
  result?: 'completed' | 'not_completed';
  status?: 'valid' | 'revoked' | 'superseded' | 'withdrawn';
  expiresAt?: Date | null;
};

/** A completion record of the person in the session, as a closing would have issued it. */
export async function completion(
  person: Named,
  session: Awaited<ReturnType<typeof buildTrainingSession>>,
  module: ModuleRef,
  options: RecordOptions = {},
) {
  const dates = session.days.map((d) => d.date).sort();
  return CompletionRecord.create({
    person: person._id,
    module: module._id,
    moduleVersion: session.moduleVersion,
    source: 'session',
    session: session._id,
    sourceKey: sessionSourceKey(session._id, person._id),
    nameAsIssued: person.fullName,
    moduleCode: module.code,
    moduleTitle: module.title,
    hours: module.hours,
    startedOn: dates[0]!,
    endedOn: dates.at(-1)!,
    result: options.result ?? 'completed',
    verifyCode: newVerifyCode(),
    issuingInstitution: session.institution,
    issuingCountry: session.country!,
    issuerName: 'Issuer',
    issuedAt: new Date(),
    expiresAt: options.expiresAt ?? null,
    status: options.status ?? 'valid',
  });
}

/** A qualification granted from a record, as the grant stores it (certified by the session's lead). */
export async function grantedFrom(
  record: Awaited<ReturnType<typeof completion>>,
  module: Ref,
  certifiedBy: Ref,
  recordedBy: Ref,
) {
  return TrainerQualification.create({
    trainer: record.person,
    module: module._id,
    qualifiedOn: new Date(`${record.endedOn}T00:00:00Z`),
    recordedBy: recordedBy._id,
    fromRecord: record._id,
    fromSession: record.session,
    fromModule: record.module,
    certifiedBy: certifiedBy._id,
  });
}

/**
 * Three generations below the master across two countries: she (qualified by hand) certifies
 * Bolat (Kazakhstan) and Grace (Uganda) at a training of trainers in Almaty and trains Dana and
 * Ermek; Bolat trains Farida; Grace trains Hope and Isaac in Kampala and certifies Joseph there,
 * who trains Ruth.
 */
export async function threeGenerations(w: ChainWorld) {
  const p = w.people;
  const { tot, pve } = w.modules;
  const { almaty, partner, kampala } = w.institutions;
  await TrainerQualification.create({
    trainer: p.master._id,
    module: pve._id,
    qualifiedOn: new Date('2024-01-15T00:00:00Z'),
    recordedBy: p.admin._id,
  });
  const totAlmaty = await heldSession(almaty, tot, [p.master], { daysAgo: 60, days: 3 });
  for (const trainer of [p.kzTrainer, p.ugTrainer]) {
    await grantedFrom(await completion(trainer, totAlmaty, tot), pve, p.master, p.coordinator);
  }
  const masterPve = await heldSession(almaty, pve, [p.master], { daysAgo: 40 });
  await completion(p.s1, masterPve, pve);
  await completion(p.s2, masterPve, pve);
  await completion(p.staff, masterPve, pve, { result: 'not_completed' });
  const bolatPve = await heldSession(partner, pve, [p.kzTrainer], { daysAgo: 30 });
  await completion(p.s3, bolatPve, pve);
  const gracePve = await heldSession(kampala, pve, [p.ugTrainer], { daysAgo: 30 });
  await completion(p.u1, gracePve, pve);
  await completion(p.u2, gracePve, pve);
  const totKampala = await heldSession(kampala, tot, [p.ugTrainer], { daysAgo: 25, days: 3 });
  await grantedFrom(await completion(p.ugThird, totKampala, tot), pve, p.ugTrainer, p.admin);
  const josephPve = await heldSession(kampala, pve, [p.ugThird], { daysAgo: 5 });
  await completion(p.u3, josephPve, pve);
  return { totAlmaty, masterPve, bolatPve, gracePve, totKampala, josephPve };
}
