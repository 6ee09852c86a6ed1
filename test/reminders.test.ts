import { expect } from 'chai';
import type { Types } from 'mongoose';
import { Enrolment, type EnrolmentState } from '../src/enrolments/enrolment.model.ts';
import { clearSentMail, sentMail } from '../src/notices/mailer.ts';
import { Notice } from '../src/notices/notice.model.ts';
import { configureNotices } from '../src/notices/notices.service.ts';
import { ReminderSent } from '../src/enrolments/reminder-sent.model.ts';
import { sendSessionReminders } from '../src/enrolments/session-reminders.ts';
import type { SessionStatus } from '../src/sessions/training-session.model.ts';
import { testConfig } from './support/context.ts';
import { buildInstitution, buildModule, buildTrainingSession, buildUser } from './support/factories.ts';

// Reminders: each enrolled participant of a session starting within 24 hours, told once.

const HOUR = 3_600_000;
const now = new Date('2026-03-01T12:00:00Z');

function freshMail() {
  beforeEach(() => {
    configureNotices({ config: testConfig, logger: undefined });
    clearSentMail();
  });
}

async function sessionStartingIn(fields: { startsIn: number; status?: SessionStatus; title?: string }) {
  const institution = await buildInstitution({ name: 'Almaty Training Centre', timeZone: 'Asia/Almaty' });
  const module = await buildModule({ title: fields.title ?? 'Preventing violent extremism', status: 'published' });
  return buildTrainingSession({
    venue: institution,
    module,
    startsAt: new Date(now.getTime() + fields.startsIn * HOUR),
    room: 'Room 2',
    timeZone: 'Asia/Almaty',
    language: 'ru',
    status: fields.status,
  });
}

async function enrol(
  session: { _id: Types.ObjectId },
  state: EnrolmentState = 'enrolled',
  language: 'en' | 'ru' = 'en',
) {
  const person = await buildUser({ language });
  await Enrolment.create({ session: session._id, person: person._id, state });
  return person;
}

describe('session reminders', () => {
  freshMail();

  it('reminds every enrolled participant once, however often it runs', async () => {
    const session = await sessionStartingIn({ startsIn: 20 });
    const a = await enrol(session);
    const b = await enrol(session, 'enrolled', 'ru');

    expect(await sendSessionReminders(now)).to.deep.equal({ sessions: 1, reminded: 2 });
    expect(await sendSessionReminders(now)).to.deep.equal({ sessions: 1, reminded: 0 });
    expect(await sendSessionReminders(new Date(now.getTime() + HOUR))).to.deep.equal({ sessions: 1, reminded: 0 });

    for (const person of [a, b]) {
      const notices = await Notice.find({ person: person._id }).lean();
      expect(notices).to.have.length(1);
      expect(notices[0]!.kind).to.equal('session.reminder');
      expect(String(notices[0]!.session)).to.equal(session.id);
    }
    expect(await ReminderSent.countDocuments({})).to.equal(2);
    const mails = sentMail();
    expect(mails).to.have.length(2);
    const english = mails.find((m) => m.to.address === a.email)!;
    expect(english.subject).to.match(
      /^Reminder: Preventing violent extremism starts Mon,? 2 Mar 2026, 13:00 \(Asia\/Almaty\)$/,
    );
    expect(english.text).to.include('Almaty Training Centre, Room 2');
    expect(mails.find((m) => m.to.address === b.email)!.language).to.equal('ru');
  });

  it('does not remind twice when two runs overlap', async () => {
    const session = await sessionStartingIn({ startsIn: 5 });
    const person = await enrol(session);
    const results = await Promise.all([sendSessionReminders(now), sendSessionReminders(now)]);
    expect(results.reduce((sum, r) => sum + r.reminded, 0)).to.equal(1);
    expect(await Notice.countDocuments({ person: person._id })).to.equal(1);
  });

  it('reminds only enrolled participants', async () => {
    const session = await sessionStartingIn({ startsIn: 3 });
    const enrolled = await enrol(session, 'enrolled');
    const others = await Promise.all(
      (['requested', 'waitlisted', 'withdrawn', 'declined', 'cancelled'] as const).map((state) =>
        enrol(session, state),
      ),
    );
    await sendSessionReminders(now);
    expect(await Notice.countDocuments({ person: enrolled._id })).to.equal(1);
    for (const person of others) expect(await Notice.countDocuments({ person: person._id })).to.equal(0);
  });

  it('reminds only for open or running sessions that start within the next 24 hours', async () => {
    const due = await enrol(await sessionStartingIn({ startsIn: 23 }));
    const inProgress = await enrol(await sessionStartingIn({ startsIn: 1, status: 'in_progress' }));
    const tooFar = await enrol(await sessionStartingIn({ startsIn: 25 }));
    const started = await enrol(await sessionStartingIn({ startsIn: -1 }));
    const cancelled = await enrol(await sessionStartingIn({ startsIn: 2, status: 'cancelled' }));
    const draft = await enrol(await sessionStartingIn({ startsIn: 2, status: 'draft' }));

    expect((await sendSessionReminders(now)).reminded).to.equal(2);
    expect(await Notice.countDocuments({ person: due._id })).to.equal(1);
    expect(await Notice.countDocuments({ person: inProgress._id })).to.equal(1);
    for (const person of [tooFar, started, cancelled, draft]) {
      expect(await Notice.countDocuments({ person: person._id })).to.equal(0);
    }
  });
});
