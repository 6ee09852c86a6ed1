import { DateTime } from 'luxon';
import { CompletionRecord } from '../completions/completion-record.model.ts';
import { expiryOf } from '../completions/completion-rules.ts';
import { issueSessionRecords, numberRecord } from '../completions/issuing.service.ts';
import { createRecord, reviseRecord } from '../completions/revisions.ts';
import { newVerifyCode } from '../completions/verify-codes.ts';
import { anyOf } from '../db/query.ts';
import { runOnce } from '../db/steps-done-once.ts';
import { Country } from '../institutions/country.model.ts';
import { Institution } from '../institutions/institution.model.ts';
import { TrainingModule } from '../modules/training-module.model.ts';
import { Person } from '../people/person.model.ts';
import { TrainingSession } from '../sessions/training-session.model.ts';
import { toActor } from '../people/people.service.ts';
import { grantFromCompletion } from '../trainer-chain/grant.service.ts';
import { DEMO_SESSIONS } from './demo-sessions.ts';

// The demo's completion records (decision 0015). Those of the closed demo sessions are made by
// their closing; a database seeded before completion records existed gets them here (issuing is
// idempotent). Then, once per database: one record revoked with its reason, and a record entered
// by hand for staff@demo.test, of training held at another school two years ago, whose
// certificate expires within the month, so that every completions page has something to show.

export const DEMO_COMPLETIONS_STEP = 'demo-completions';

/** Whose record the demo revokes, in which module, and why. */
const REVOKED = {
  name: 'Geoffrey Odongo',
  module: 'UG-PVE-01',
  reason: 'Issued in error: the post-test was sat for him by another officer (investigation UPS/INV/2026/114).',
};

/** The record entered by hand for staff@demo.test: a module with a validity, ended so that it expires in 20 days. */
const ENTERED_BY_HAND = {
  email: 'staff@demo.test',
  module: 'UG-PVE-04',
  issuer: 'UG-PATS',
  by: 'coordinator@demo.test',
  reason:
    'Completed at the Regional Training School in Gulu before the academy used Cadre; the paper certificate was seen and is kept on file.',
  expiresInDays: 20,
};

export type CompletionsSeedCount = { issued: number; revoked: number; enteredByHand: number; granted: number };

/** The qualification the demo grants from the training of trainers, and who grants it. */
const GRANTED = {
  trainer: 'trainer@demo.test',
  training: 'UG-TOT-01',
  module: 'UG-PVE-01',
  by: 'coordinator@demo.test',
};

export async function seedDemoCompletions(now = new Date()): Promise<CompletionsSeedCount> {
  const issued = await issueClosedDemoSessions();
  const once = await runOnce(DEMO_COMPLETIONS_STEP, async () => ({
    revoked: await revokeOne(now),
    enteredByHand: await enterOneByHand(now),
    granted: await grantFromTrainingOfTrainers(now),
  }));
  return {
    issued,
    revoked: once?.revoked ?? 0,
    enteredByHand: once?.enteredByHand ?? 0,
    granted: once?.granted ?? 0,
  };
}

async function issueClosedDemoSessions(): Promise<number> {
  const venues = await Institution.find(
    { code: anyOf([...new Set(DEMO_SESSIONS.map((s) => s.venue))]) },
    { _id: 1 },
  ).lean();
  let issued = 0;
  for (const venue of venues) {
    const sessions = await TrainingSession.find({ institution: venue._id }, 'closedAt closedBy').lean();
    for (const session of sessions) {
      if (!session.closedAt || !session.closedBy) continue;
      issued += (await issueSessionRecords(session._id, session.closedBy, session.closedAt)).issued;
    }
  }
  return issued;
}

async function revokeOne(now: Date): Promise<number> {
  const [person, module] = await Promise.all([
    Person.findOne({ fullName: REVOKED.name }, { _id: 1 }).lean(),
    TrainingModule.findOne({ code: REVOKED.module }, { _id: 1 }).lean(),
  ]);
  if (!person || !module) return 0;
  const records = await CompletionRecord.find({ person: person._id });
  const record = records.find((r) => r.module.equals(module._id) && r.status === 'valid' && r.result === 'completed');
  if (!record) return 0;
  const coordinator = await Person.findOne({ emailKey: ENTERED_BY_HAND.by }, { _id: 1 }).lean();
  await reviseRecord(
    record,
    { status: 'revoked', statusReason: REVOKED.reason },
    { action: 'revoked', at: now, by: coordinator?._id, reason: REVOKED.reason },
  );
  return 1;
}

async function enterOneByHand(now: Date): Promise<number> {
  const [person, module, issuer, coordinator] = await Promise.all([
    Person.findOne({ emailKey: ENTERED_BY_HAND.email }).lean(),
    TrainingModule.findOne({ code: ENTERED_BY_HAND.module }).lean(),
    Institution.findOne({ code: ENTERED_BY_HAND.issuer }).lean(),
    Person.findOne({ emailKey: ENTERED_BY_HAND.by }, { _id: 1 }).lean(),
  ]);
  if (!person || !module || !issuer || !coordinator) return 0;
  const country = await Country.findById(issuer.country).lean();
  if (!country) return 0;
  const months = module.certificateValidityMonths || 24;
  const expires = DateTime.fromJSDate(now, { zone: 'utc' })
    .startOf('day')
    .plus({ days: ENTERED_BY_HAND.expiresInDays });
  const ended = expires.minus({ months });
  const record = await createRecord(
    {
      person: person._id,
      module: module._id,
      moduleVersion: module.version,
      source: 'manual',
      sourceKey: `manual:demo:${ENTERED_BY_HAND.email}:${ENTERED_BY_HAND.module}`,
      nameAsIssued: person.fullName,
      gender: person.gender,
      moduleCode: module.code,
      moduleTitle: module.title,
      moduleTitles: (module.titleTranslations ?? []).map(({ language, title }) => ({ language, title })),
      hours: module.hours,
      startedOn: ended.minus({ days: 2 }).toISODate()!,
      endedOn: ended.toISODate()!,
      result: 'completed',
      verifyCode: newVerifyCode(),
      issuingInstitution: issuer._id,
      issuingCountry: country._id,
      issuerName: issuer.name,
      issuerCountryName: country.name,
      issuerCountryCode: country.code,
      issuerTimeZone: issuer.timeZone,
      signatories: (issuer.signatories ?? []).map(({ name, role }) => ({ name, role })),
      issuedAt: now,
      expiresAt: expiryOf(ended.toISODate()!, months),
      status: 'valid',
      manualReason: ENTERED_BY_HAND.reason,
      createdBy: coordinator._id,
    },
    { action: 'issued', at: now, by: coordinator._id, reason: ENTERED_BY_HAND.reason },
  );
  await numberRecord(record, country);
  return 1;
}

async function grantFromTrainingOfTrainers(now: Date): Promise<number> {
  const [trainer, training, module, coordinator] = await Promise.all([
    Person.findOne({ emailKey: GRANTED.trainer }, { _id: 1 }).lean(),
    TrainingModule.findOne({ code: GRANTED.training }, { _id: 1 }).lean(),
    TrainingModule.findOne({ code: GRANTED.module }, { _id: 1 }).lean(),
    Person.findOne({ emailKey: GRANTED.by }).lean(),
  ]);
  if (!trainer || !training || !module || !coordinator) return 0;
  const records = await CompletionRecord.find({ person: trainer._id }).lean();
  const record = records.find((r) => r.module.equals(training._id) && r.status === 'valid' && r.result === 'completed');
  if (!record) return 0;
  await grantFromCompletion(
    toActor(coordinator as Parameters<typeof toActor>[0]),
    trainer._id.toHexString(),
    { record: record._id.toHexString(), module: module._id.toHexString() },
    now,
  );
  return 1;
}
