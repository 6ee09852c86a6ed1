import { expect } from 'chai';
import mongoose from 'mongoose';
import { AttendanceMark } from '../src/attendance/attendance-mark.model.ts';
import { formatCertificateNumber, claimCertificateNumber } from '../src/completions/certificate-numbers.ts';
import { CertificateNumber, CompletionRecord, CompletionRevision } from '../src/completions/completion-record.model.ts';
import { expiryOf, statusAt } from '../src/completions/completion-rules.ts';
import { completionFollowUps } from '../src/completions/issuing.service.ts';
import { reviseRecord } from '../src/completions/revisions.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { enrolInManaged } from '../src/enrolments/enrolments.service.ts';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import { Institution } from '../src/institutions/institution.model.ts';
import { toActor } from '../src/people/people.service.ts';
import { Person as PersonModel } from '../src/people/person.model.ts';
import { closeSession, reopenSession } from '../src/results/results.service.ts';
import type { Actor } from '../src/access/actor.ts';
import { HttpError } from '../src/http/errors.ts';
import { buildUser, daysFromNow } from './support/factories.ts';
import { sessionIn, sessionsWorld, type World } from './support/sessions.ts';

// Completion records made from a session's confirmed results (decision 0015): one per
// participant who came, a gap-free certificate number per issuing country and year, the name
// kept as issued, withdrawn on reopening and brought back on closing again, never overwritten.

type Person = Awaited<ReturnType<typeof buildUser>>;
type Session = Awaited<ReturnType<typeof sessionIn>>;

describe('completion records from a closing', () => {
  let w: World;
  let admin: Actor;
  const days = () => [
    { date: daysFromNow(-3), start: '09:00', end: '16:30' },
    { date: daysFromNow(-2), start: '09:00', end: '16:30' },
  ];

  beforeEach(async () => {
    w = await sessionsWorld();
    await TrainingModule.updateOne(
      { _id: w.modules.pve._id },
      {
        $set: { attendanceThreshold: 80, hasPostTest: false, passMark: null, certificateValidityMonths: 24, hours: 15 },
      },
    );
    admin = toActor((await PersonModel.findById(w.people.admin._id).lean().orFail()) as Parameters<typeof toActor>[0]);
  });

  const staff = (fullName: string, at = w.almaty) => buildUser({ roles: ['staff'], institution: at, fullName });

  /** A held session whose participants came every day, except those listed as absent. */
  async function heldSession(participants: Person[], absent: Person[] = [], venue = w.almaty): Promise<Session> {
    const session = await sessionIn(w, { status: 'in_progress', days: days(), institution: venue });
    for (const person of participants) {
      expect(await enrolInManaged(admin, session, person.id as string, 'coordinator')).to.equal('enrolled');
      const enrolment = await Enrolment.findOne({ session: session._id, person: person._id }).orFail();
      for (const day of session.days) {
        await AttendanceMark.create({
          session: session._id,
          date: day.date,
          person: person._id,
          enrolment: enrolment._id,
          status: absent.includes(person) ? 'absent' : 'present',
          markedBy: w.people.trainer._id,
          markedAt: new Date(),
        });
      }
    }
    return session;
  }

  const close = (session: Session, now = new Date()) =>
    closeSession(admin, session.id as string, { outcomes: {}, reasons: {} }, { now, followUps: completionFollowUps });
  const recordOf = (session: Session, person: Person) =>
    CompletionRecord.findOne({ session: session._id, person: person._id }).orFail();

  it('makes a record for each participant who came, with a certificate for those who completed', async () => {
    const aida = await staff('Aida Completed');
    const olga = await staff('Ольга Absent');
    const session = await heldSession([aida, olga], [olga]);
    const closedAt = new Date();
    await close(session, closedAt);

    const record = await recordOf(session, aida);
    expect(record.result).to.equal('completed');
    expect(record.status).to.equal('valid');
    expect(record.nameAsIssued).to.equal('Aida Completed');
    expect(record.moduleTitle).to.equal('Understanding extremism');
    expect(record.hours).to.equal(15);
    expect(record.startedOn).to.equal(session.days[0]!.date);
    expect(record.endedOn).to.equal(session.days[1]!.date);
    expect(record.attendancePercent).to.equal(100);
    expect(record.issuerName).to.equal('Almaty Academy');
    expect(record.issuerCountryName).to.equal('Kazakhstan');
    expect(record.issuedAt.getTime()).to.equal(closedAt.getTime());
    expect(record.expiresAt?.getTime()).to.equal(expiryOf(session.days[1]!.date, 24)!.getTime());
    expect(record.certificateNumber).to.equal(formatCertificateNumber('KZ', closedAt.getUTCFullYear(), 1));
    expect(record.verifyCode).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(await CompletionRevision.countDocuments({ record: record._id })).to.equal(1);

    // a no-show has no record: the enrolment's outcome says it
    expect(await CompletionRecord.countDocuments({ person: olga._id })).to.equal(0);
  });

  it('records a participant who did not complete, with the reasons and no certificate', async () => {
    const half = await staff('Berik Half');
    const session = await heldSession([half]);
    // came on the first day only
    await AttendanceMark.updateOne(
      { session: session._id, person: half._id, date: session.days[1]!.date },
      { $set: { status: 'absent' } },
    );
    await close(session);
    const record = await recordOf(session, half);
    expect(record.result).to.equal('not_completed');
    expect(record.resultReasons.map((r) => r.code)).to.include('attendanceBelow');
    expect(record.certificateNumber).to.equal(undefined);
    expect(record.expiresAt).to.equal(null);
  });

  it('keeps what the certificate prints as issued when the profile, the module or the issuer change later', async () => {
    await Institution.updateOne(
      { _id: w.almaty._id },
      { $set: { signatories: [{ name: 'Col. A. Serikbayev', role: 'Director' }] } },
    );
    await TrainingModule.updateOne(
      { _id: w.modules.pve._id },
      { $set: { titleTranslations: [{ language: 'ru', title: 'Понимание экстремизма' }] } },
    );
    const aida = await staff('Aida Original');
    const session = await heldSession([aida]);
    await close(session);
    await PersonModel.updateOne({ _id: aida._id }, { $set: { fullName: 'Aida Renamed' } });
    await Institution.updateOne({ _id: w.almaty._id }, { $set: { name: 'Renamed Academy', signatories: [] } });
    await TrainingModule.updateOne({ _id: w.modules.pve._id }, { $set: { title: 'Retitled', titleTranslations: [] } });
    const record = await recordOf(session, aida);
    expect(record.nameAsIssued).to.equal('Aida Original');
    expect(record.issuerName).to.equal('Almaty Academy');
    expect(record.issuerCountryCode).to.equal('KZ');
    expect(record.issuerTimeZone).to.equal('Asia/Almaty');
    expect(record.signatories.map((s) => [s.name, s.role])).to.deep.equal([['Col. A. Serikbayev', 'Director']]);
    expect(record.moduleTitle).to.equal('Understanding extremism');
    expect(record.moduleTitles.map((t) => [t.language, t.title])).to.deep.equal([['ru', 'Понимание экстремизма']]);
  });

  it('withdraws the records on reopening and brings them back, same number and code, on closing again', async () => {
    const aida = await staff('Aida Reopened');
    const session = await heldSession([aida]);
    await close(session);
    const first = await recordOf(session, aida);

    await reopenSession(admin, session.id as string, 'A day was marked wrongly', { followUps: completionFollowUps });
    const withdrawn = await recordOf(session, aida);
    expect(withdrawn.status).to.equal('withdrawn');
    expect(withdrawn.statusReason).to.equal('A day was marked wrongly');

    await close(session);
    const back = await recordOf(session, aida);
    expect(back.status).to.equal('valid');
    expect(back.certificateNumber).to.equal(first.certificateNumber);
    expect(back.verifyCode).to.equal(first.verifyCode);
    expect(await CompletionRecord.countDocuments({ person: aida._id })).to.equal(1);
    const history = await CompletionRevision.find({ record: back._id }).sort({ revision: 1 }).lean();
    expect(history.map((h) => [h.revision, h.action])).to.deep.equal([
      [1, 'issued'],
      [2, 'withdrawn'],
      [3, 'restored'],
    ]);
    expect(history[1]!.reason).to.equal('A day was marked wrongly');
    expect((history[1]!.content as { status: string }).status).to.equal('withdrawn');
  });

  it('a later completion of the same module supersedes the earlier one', async () => {
    const aida = await staff('Aida Twice');
    const earlier = await heldSession([aida]);
    await close(earlier);
    const later = await sessionIn(w, {
      status: 'in_progress',
      days: [{ date: daysFromNow(-1), start: '09:00', end: '16:30' }],
    });
    await enrolInManaged(admin, later, aida.id as string, 'coordinator');
    const enrolment = await Enrolment.findOne({ session: later._id, person: aida._id }).orFail();
    await AttendanceMark.create({
      session: later._id,
      date: later.days[0]!.date,
      person: aida._id,
      enrolment: enrolment._id,
      status: 'present',
      markedBy: w.people.trainer._id,
      markedAt: new Date(),
    });
    await close(later);
    const old = await recordOf(earlier, aida);
    const current = await recordOf(later, aida);
    expect(old.status).to.equal('superseded');
    expect(old.statusReason).to.equal(current.certificateNumber);
    expect(current.status).to.equal('valid');
  });

  it('numbers the certificates of 50 sessions closed at once without gaps or duplicates, per country', async () => {
    const sessions: Session[] = [];
    for (let i = 0; i < 50; i++) {
      const venue = i % 5 === 0 ? w.kampala : w.almaty;
      const people = [await staff(`P${i}a`, venue), await staff(`P${i}b`, venue)];
      sessions.push(await heldSession(people, [], venue));
    }
    await Promise.all(sessions.map((s) => close(s)));

    const year = new Date().getUTCFullYear();
    for (const [country, code, count] of [
      [w.kz, 'KZ', 80],
      [w.ug, 'UG', 20],
    ] as const) {
      const records = await CompletionRecord.find({ issuingCountry: country._id }).lean();
      expect(records, code).to.have.length(count);
      const numbers = records.map((r) => r.certificateNumber).sort();
      const expected = Array.from({ length: count }, (_, i) => formatCertificateNumber(code, year, i + 1));
      expect(numbers, `${code}: one each, from 1 to ${count}`).to.deep.equal(expected);
    }
    expect(await CertificateNumber.countDocuments({})).to.equal(100);
  });

  it('a record keeps its number when asked again, and two racing claims for it get the same one', async () => {
    const record = new mongoose.Types.ObjectId();
    const claim = { country: w.kz._id, countryCode: 'KZ', year: 2031, record };
    const [a, b] = await Promise.all([claimCertificateNumber(claim), claimCertificateNumber(claim)]);
    expect(a).to.equal('KZ-2031-000001');
    expect(b).to.equal(a);
    expect(await claimCertificateNumber(claim)).to.equal(a);
    expect(await claimCertificateNumber({ ...claim, record: new mongoose.Types.ObjectId() })).to.equal(
      'KZ-2031-000002',
    );
  });

  it('of two changes made from the same revision, one lands and the other is refused with 409', async () => {
    const aida = await staff('Aida Raced');
    const session = await heldSession([aida]);
    await close(session);
    const [one, two] = [await recordOf(session, aida), await recordOf(session, aida)];
    await reviseRecord(
      one,
      { hours: 16 },
      { action: 'corrected', at: new Date(), by: admin.id, reason: 'Hours were 16' },
    );
    const refused = await reviseRecord(two, { hours: 14 }, { action: 'corrected', at: new Date(), by: admin.id }).catch(
      (error: unknown) => error,
    );
    expect(refused).to.be.instanceOf(HttpError).with.property('status', 409);
    const stored = await recordOf(session, aida);
    expect(stored.hours).to.equal(16);
    expect(stored.revision).to.equal(2);
  });
});

describe('completion rules', () => {
  it('counts the validity from the last day, and never expires with a validity of 0', () => {
    expect(expiryOf('2026-03-31', 12)!.toISOString()).to.equal('2027-03-31T00:00:00.000Z');
    expect(expiryOf('2026-01-31', 1)!.toISOString()).to.equal('2026-02-28T00:00:00.000Z');
    expect(expiryOf('2026-03-31', 0)).to.equal(null);
  });

  it('reads a valid record past its expiry as expired, and leaves other statuses as they are', () => {
    const expiresAt = new Date('2027-01-01T00:00:00Z');
    expect(statusAt({ status: 'valid', expiresAt }, new Date('2026-12-31T23:59:59Z'))).to.equal('valid');
    expect(statusAt({ status: 'valid', expiresAt }, new Date('2027-01-01T00:00:00Z'))).to.equal('expired');
    expect(statusAt({ status: 'revoked', expiresAt }, new Date('2028-01-01T00:00:00Z'))).to.equal('revoked');
    expect(statusAt({ status: 'valid', expiresAt: null }, new Date('2099-01-01T00:00:00Z'))).to.equal('valid');
  });

  it('writes certificate numbers with the country, the year and six digits', () => {
    expect(formatCertificateNumber('kz', 2026, 123)).to.equal('KZ-2026-000123');
    expect(formatCertificateNumber('UG', 2027, 1_234_567)).to.equal('UG-2027-1234567');
  });
});
