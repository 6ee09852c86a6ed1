import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Role } from '../src/access/actor.ts';
import { CompletionRecord } from '../src/completions/completion-record.model.ts';
import { ExpiryNotice } from '../src/completions/expiry-notice.model.ts';
import { expirySummaryLine, sendExpiryReminders } from '../src/completions/expiry-reminders.ts';
import { DAY_MS, expiryStageAt, stagesBefore } from '../src/completions/expiry-stages.ts';
import { createRecord, reviseRecord } from '../src/completions/revisions.ts';
import { newVerifyCode } from '../src/completions/verify-codes.ts';
import { Notice } from '../src/notices/notice.model.ts';
import { configureNotices } from '../src/notices/notices.service.ts';
import { Person } from '../src/people/person.model.ts';
import type { LoginSessionStore } from '../src/auth/login-session-store.ts';
import { cadreJobs, DEFAULT_JOB_INTERVALS, type JobIntervals } from '../src/background-jobs.ts';
import { testConfig } from './support/context.ts';
import { buildCountry, buildInstitution, buildModule, buildUser } from './support/factories.ts';

// Expiry reminders (issue 13, item 5; decision 0015): the holder of a valid certificate and the
// coordinators of its issuing institution and of the holder's own are told at 90 and 30 days and
// on the day, each stage once per record whatever runs, and only the most urgent stage reached.

const now = new Date('2026-06-01T10:00:00Z');
const at = (days: number) => new Date(now.getTime() + days * DAY_MS);
const MODULE = 'Preventing violent extremism';

type Built = Awaited<ReturnType<typeof buildUser>>;

async function world() {
  const country = await buildCountry({ code: 'KZ' });
  const academy = await buildInstitution({ name: 'Almaty Academy', country: country._id });
  const prison = await buildInstitution({ name: 'Prison 12', country: country._id });
  const elsewhere = await buildInstitution({ name: 'Elsewhere', country: country._id });
  const module = await buildModule({ title: MODULE, status: 'published', institution: academy });
  const coordinator = (institution: typeof academy, fields: Parameters<typeof buildUser>[0] = {}) =>
    buildUser({ roles: ['coordinator'] as Role[], institution, ...fields });
  return {
    country,
    academy,
    prison,
    module,
    holder: await buildUser({ roles: ['staff'], institution: prison, fullName: 'Aida Holder' }),
    /** of the issuing institution */
    academyCoordinator: await coordinator(academy),
    /** of another institution, with the holder's prison in scope */
    scopeCoordinator: await coordinator(elsewhere, { scopeInstitutions: [prison] }),
    /** neither */
    otherCoordinator: await coordinator(elsewhere),
    inactiveCoordinator: await coordinator(academy, { active: false }),
    staffOfAcademy: await buildUser({ roles: ['staff'], institution: academy }),
  };
}
type World = Awaited<ReturnType<typeof world>>;

let sequence = 0;

/** A completed, valid record of the module for the holder, expiring `days` from now. */
function recordExpiringIn(w: World, days: number | null, fields: Record<string, unknown> = {}, holder?: Built) {
  const id = new mongoose.Types.ObjectId();
  return createRecord(
    {
      _id: id,
      person: (holder ?? w.holder)._id,
      module: w.module._id,
      moduleVersion: 1,
      source: 'manual',
      sourceKey: `manual:${id.toHexString()}`,
      nameAsIssued: (holder ?? w.holder).fullName,
      moduleCode: 'PVE-1',
      moduleTitle: MODULE,
      hours: 15,
      startedOn: '2024-05-01',
      endedOn: '2024-05-02',
      result: 'completed',
      certificateNumber: `KZ-2024-${String(++sequence).padStart(6, '0')}`,
      verifyCode: newVerifyCode(),
      issuingInstitution: w.academy._id,
      issuingCountry: w.country._id,
      issuerName: 'Almaty Academy',
      issuedAt: at(-400),
      expiresAt: days === null ? null : at(days),
      status: 'valid',
      ...fields,
    } as Parameters<typeof createRecord>[0],
    { action: 'issued', at: at(-400) },
  );
}

const noticesOf = (person: { _id: mongoose.Types.ObjectId }) =>
  Notice.find({ person: person._id }).sort({ createdAt: -1, _id: -1 }).lean();

/** A notice's params: a lean read gives the stored map as a plain object. */
const paramsOf = (notice: { params: unknown }) =>
  (notice.params instanceof Map ? Object.fromEntries(notice.params) : notice.params) as Record<string, string>;

async function kindsOf(person: { _id: mongoose.Types.ObjectId }) {
  return (await noticesOf(person)).map((n) => `${n.kind} ${paramsOf(n).days}`).reverse();
}

describe('expiry stages', () => {
  it('reaches 90 and 30 days before the expiry, and 0 on it for a week', () => {
    const expiry = at(0);
    const stage = (msBefore: number) => expiryStageAt(expiry, new Date(expiry.getTime() - msBefore));
    expect(stage(90 * DAY_MS + 1)).to.equal(null);
    expect(stage(90 * DAY_MS)).to.equal(90);
    expect(stage(30 * DAY_MS + 1)).to.equal(90);
    expect(stage(30 * DAY_MS)).to.equal(30);
    expect(stage(1)).to.equal(30);
    expect(stage(0)).to.equal(0);
    expect(stage(-7 * DAY_MS + 1)).to.equal(0);
    expect(stage(-7 * DAY_MS)).to.equal(null);
    expect(stagesBefore(0)).to.deep.equal([90, 30]);
    expect(stagesBefore(30)).to.deep.equal([90]);
    expect(stagesBefore(90)).to.deep.equal([]);
  });
});

describe('expiry reminders', () => {
  let w: World;
  beforeEach(async () => {
    configureNotices({ config: testConfig, logger: undefined, mailer: null });
    w = await world();
  });
  after(() => configureNotices({ config: testConfig, logger: undefined }));

  it('tells each holder the stage reached: none at 100 days, 90 at 89, 30 at 29, expired at 0 and -1, none long past', async () => {
    const people = await Promise.all([100, 89, 29, 0, -1, -30].map(() => buildUser({ institution: w.prison })));
    const [far, early, late, today, yesterday, longAgo] = people as [Built, Built, Built, Built, Built, Built];
    for (const [person, days] of [
      [far, 100],
      [early, 89],
      [late, 29],
      [today, 0],
      [yesterday, -1],
      [longAgo, -30],
    ] as const)
      await recordExpiringIn(w, days, {}, person);

    const summary = await sendExpiryReminders(now);
    // each: the holder, the academy's coordinator, the coordinator with the prison in scope
    expect(summary).to.deep.equal({ records: 4, sent: { 90: 1, 30: 1, 0: 2 }, people: 4 * 3 });
    expect(await kindsOf(far)).to.deep.equal([]);
    expect(await kindsOf(early)).to.deep.equal(['completion.expiring 89']);
    expect(await kindsOf(late)).to.deep.equal(['completion.expiring 29']);
    expect(await kindsOf(today)).to.deep.equal(['completion.expired 0']);
    expect(await kindsOf(yesterday)).to.deep.equal(['completion.expired 0']);
    expect(await kindsOf(longAgo)).to.deep.equal([]);
    expect(expirySummaryLine(summary)).to.equal(
      'Expiry reminders: 4 certificates reached a stage (90 days: 1, 30 days: 1, expired: 2), 12 people told; ' +
        '4 valid certificates expire within 90 days or expired in the last 7 days.',
    );
  });

  it('sends each stage once as the expiry comes closer, and nothing new when run again', async () => {
    const record = await recordExpiringIn(w, 95);
    const runs: [number, number][] = [];
    for (const day of [0, 5, 5, 6, 64, 65, 65, 80, 95, 96, 101]) {
      const { sent } = await sendExpiryReminders(at(day));
      runs.push([day, sent[90] + sent[30] + sent[0]]);
    }
    expect(runs.filter(([, sent]) => sent > 0).map(([day]) => day)).to.deep.equal([5, 65, 95]);
    expect(await kindsOf(w.holder)).to.deep.equal([
      'completion.expiring 90',
      'completion.expiring 30',
      'completion.expired 0',
    ]);
    const claims = await ExpiryNotice.find({ record: record._id }).lean();
    expect(claims.map((c) => [c.stage, c.sent]).sort()).to.deep.equal([
      [0, true],
      [30, true],
      [90, true],
    ]);
  });

  it('sends each notice once when two runs overlap', async () => {
    await recordExpiringIn(w, 10);
    await recordExpiringIn(w, 60);
    const results = await Promise.all([sendExpiryReminders(now), sendExpiryReminders(now)]);
    expect(results.map((r) => r.sent[30] + r.sent[90]).reduce((a, b) => a + b)).to.equal(2);
    expect(await kindsOf(w.holder)).to.have.members(['completion.expiring 10', 'completion.expiring 60']);
    expect(await Notice.countDocuments({ person: w.academyCoordinator._id })).to.equal(2);
    expect((await ExpiryNotice.find({}).lean()).filter((c) => c.sent)).to.have.length(2);
  });

  it('tells a record first seen at 20 days only the 30-day stage, never the 90-day one afterwards', async () => {
    const record = await recordExpiringIn(w, 20);
    expect((await sendExpiryReminders(now)).sent).to.deep.equal({ 90: 0, 30: 1, 0: 0 });
    // a run with a clock 70 days behind sees 90 days left: the 90-day stage was passed over
    expect((await sendExpiryReminders(at(-70))).sent).to.deep.equal({ 90: 0, 30: 0, 0: 0 });
    expect(await kindsOf(w.holder)).to.deep.equal(['completion.expiring 20']);
    const claims = await ExpiryNotice.find({ record: record._id }).lean();
    expect(claims.map((c) => [c.stage, c.sent]).sort()).to.deep.equal([
      [30, true],
      [90, false],
    ]);
  });

  it('tells a record first seen after its expiry only that it expired, within a week', async () => {
    const record = await recordExpiringIn(w, -3);
    expect((await sendExpiryReminders(now)).sent).to.deep.equal({ 90: 0, 30: 0, 0: 1 });
    expect(await kindsOf(w.holder)).to.deep.equal(['completion.expired 0']);
    expect(await ExpiryNotice.countDocuments({ record: record._id, sent: false })).to.equal(2);
    // eight days late (a database restored after months, say): nothing
    const other = await buildUser({ institution: w.prison });
    await recordExpiringIn(w, -8, {}, other);
    expect((await sendExpiryReminders(now)).records).to.equal(1);
    expect(await kindsOf(other)).to.deep.equal([]);
  });

  it('tells nobody of revoked, superseded, withdrawn, not completed or never-expiring records', async () => {
    await recordExpiringIn(w, 20, { status: 'revoked', statusReason: 'Fraud' });
    await recordExpiringIn(w, 20, { status: 'superseded' });
    await recordExpiringIn(w, 20, { status: 'withdrawn' });
    await recordExpiringIn(w, 20, { result: 'not_completed', certificateNumber: undefined });
    await recordExpiringIn(w, null);
    expect(await sendExpiryReminders(now)).to.deep.equal({ records: 0, sent: { 90: 0, 30: 0, 0: 0 }, people: 0 });
    expect(await Notice.countDocuments({})).to.equal(0);
    expect(await ExpiryNotice.countDocuments({})).to.equal(0);
  });

  it('tells the coordinators of the issuing institution and of the holder’s, once each, and no others', async () => {
    // this one coordinates both the academy and the holder's prison: told once
    const both = await buildUser({ roles: ['coordinator'], institution: w.academy, scopeInstitutions: [w.prison] });
    const record = await recordExpiringIn(w, 25);
    await sendExpiryReminders(now);

    for (const coordinator of [w.academyCoordinator, w.scopeCoordinator, both]) {
      const notices = await noticesOf(coordinator);
      expect(notices, coordinator.fullName).to.have.length(1);
      expect(notices[0]!.kind).to.equal('completion.expiring');
      expect(paramsOf(notices[0]!).holder).to.equal('Aida Holder');
    }
    for (const person of [w.otherCoordinator, w.inactiveCoordinator, w.staffOfAcademy]) {
      expect(await Notice.countDocuments({ person: person._id }), person.fullName).to.equal(0);
    }
    const [own] = await noticesOf(w.holder);
    expect(paramsOf(own!).holder).to.equal(undefined);
    expect(paramsOf(own!)).to.deep.include({
      module: MODULE,
      certificate: record.certificateNumber,
      expiresOn: '2026-06-26',
      days: '25',
      moduleId: w.module.id as string,
    });
  });

  it('tells a coordinator whose own certificate expires once, as its holder', async () => {
    await recordExpiringIn(w, 25, {}, w.academyCoordinator);
    await sendExpiryReminders(now);
    const notices = await noticesOf(w.academyCoordinator);
    expect(notices).to.have.length(1);
    expect(paramsOf(notices[0]!).holder).to.equal(undefined);
    expect(await Notice.countDocuments({ person: w.scopeCoordinator._id })).to.equal(0); // not the prison's
  });

  it('tells nobody about someone who has left (deactivated)', async () => {
    await recordExpiringIn(w, 25);
    await Person.updateOne({ _id: w.holder._id }, { $set: { active: false } });
    expect((await sendExpiryReminders(now)).people).to.equal(0);
    expect(await Notice.countDocuments({})).to.equal(0);
  });

  it('reminds again when a correction moves the expiry', async () => {
    const record = await recordExpiringIn(w, 20);
    await sendExpiryReminders(now);
    await reviseRecord(record, { expiresAt: at(80) }, { action: 'corrected', at: now, reason: 'Wrong end date' });
    expect((await sendExpiryReminders(now)).sent).to.deep.equal({ 90: 1, 30: 0, 0: 0 });
    expect((await sendExpiryReminders(at(50))).sent).to.deep.equal({ 90: 0, 30: 1, 0: 0 });
    expect(await kindsOf(w.holder)).to.deep.equal([
      'completion.expiring 20',
      'completion.expiring 80',
      'completion.expiring 30',
    ]);
  });

  it('links to the module only while the catalogue offers it', async () => {
    await recordExpiringIn(w, 25);
    await w.module.updateOne({ $set: { status: 'archived' } });
    await sendExpiryReminders(now);
    const [notice] = await noticesOf(w.holder);
    expect(paramsOf(notice!)).not.to.have.property('moduleId');
    expect(await CompletionRecord.countDocuments({ person: w.holder._id })).to.equal(1);
  });
});

describe('expiry reminders as a server job', () => {
  const loginSessions = { removeExpired: () => Promise.resolve(0) } as unknown as LoginSessionStore;

  it('runs hourly unless told otherwise, and sends what is due now', async () => {
    configureNotices({ config: testConfig, logger: undefined, mailer: null });
    const job = (intervals?: JobIntervals) =>
      cadreJobs(loginSessions, intervals).find((j) => j.name === 'expiry reminders')!;
    expect(job().everyMs).to.equal(3_600_000);
    expect(job({ ...DEFAULT_JOB_INTERVALS, expiryRemindersMs: 2_000 }).everyMs).to.equal(2_000);
    const w = await world();
    // the job runs at the real time: a certificate expiring 20 days from it
    await recordExpiringIn(w, null, { expiresAt: new Date(Date.now() + 20 * DAY_MS) });
    const summary = (await job().run()) as Awaited<ReturnType<typeof sendExpiryReminders>>;
    expect(summary.sent[30]).to.equal(1);
    configureNotices({ config: testConfig, logger: undefined });
  });
});
