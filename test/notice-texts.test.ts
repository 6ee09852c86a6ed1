import { expect } from 'chai';
import { approve, decline, enrol, enrolInManaged, withdraw } from '../src/enrolments/enrolments.service.ts';
import { loadSession } from '../src/enrolments/enrolment-access.ts';
import { LANGUAGES } from '../src/i18n/i18n.ts';
import { mailBody, noticeText } from '../src/notices/notice-text.ts';
import { Notice, NOTICE_KINDS } from '../src/notices/notice.model.ts';
import { configureNotices } from '../src/notices/notices.service.ts';
import { sendSessionReminders } from '../src/enrolments/session-reminders.ts';
import { toActor } from '../src/people/people.service.ts';
import { Person } from '../src/people/person.model.ts';
import { sessionSchema } from '../src/sessions/sessions.schemas.ts';
import { cancelSession, changeSession } from '../src/scheduling/scheduling.service.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { testConfig, testI18n } from './support/context.ts';
import { buildTrainingSession, daysFromNow } from './support/factories.ts';
import { AttendanceMark } from '../src/attendance/attendance-mark.model.ts';
import { closeSession } from '../src/results/results.service.ts';
import { completionFollowUps } from '../src/completions/issuing.service.ts';
import { sendExpiryReminders } from '../src/completions/expiry-reminders.ts';
import { Types } from 'mongoose';
import { buildWorld } from './support/world.ts';

// Every kind of notice, produced by the journeys that send it (not by hand-made params), read
// in every language: no placeholder left over and no gap where a value should be. The
// waiting-list notice once read "You are number  on the waiting list" because its caller
// never passed the position.

const MODULE = 'Preventing violent extremism';

async function actorOf(person: { _id: unknown }) {
  return toActor((await Person.findById(person._id).lean().orFail()) as Parameters<typeof toActor>[0]);
}

/**
 * A session held two days ago with three participants, closed: one came (completed), one came
 * on no day marked (not completed), one was marked absent (no-show).
 */
async function closeHeldSession(
  w: {
    institutions: { academy: Parameters<typeof buildTrainingSession>[0]['venue'] };
    modules: { pve: { _id: Types.ObjectId } };
    people: Record<'first' | 'second' | 'third', { id: unknown; _id: Types.ObjectId }>;
  },
  coordinator: Awaited<ReturnType<typeof actorOf>>,
) {
  const date = daysFromNow(-2);
  const held = await buildTrainingSession({
    venue: w.institutions.academy,
    module: w.modules.pve,
    timeZone: 'Asia/Almaty',
    days: [{ date, start: '09:00', end: '17:00' }],
    status: 'in_progress',
  });
  for (const key of ['first', 'second', 'third'] as const) {
    await enrolInManaged(coordinator, held, w.people[key].id as string, 'coordinator');
  }
  for (const [key, status] of [
    ['first', 'present'],
    ['third', 'absent'],
  ] as const) {
    const enrolment = await Enrolment.findOne({ session: held._id, person: w.people[key]._id }).orFail();
    await AttendanceMark.create({
      session: held._id,
      date,
      person: w.people[key]._id,
      enrolment: enrolment._id,
      status,
      markedBy: new Types.ObjectId(coordinator.id),
      markedAt: new Date(),
    });
  }
  // the records it makes: the completed one's certificate is valid a month from the last day
  await closeSession(coordinator, held.id as string, { outcomes: {}, reasons: {} }, { followUps: completionFollowUps });
}

/** What an empty or unreplaced value leaves behind, with a name for the failure message. */
const GAPS: [string, RegExp][] = [
  ['an unreplaced placeholder', /\{\{|\}\}/],
  ['a colon with nothing after it', /:\s*[;,.]|:\s*$/],
  ['two spaces in a row', / {2}/],
  ['a space before a full stop or comma', / [.,،]/],
  ['empty quotes', /«\s*»|“\s*”|"\s*"|\(\s*\)/],
  ['space at an end', /^\s|\s$/],
];

function expectWhole(text: string, where: string) {
  for (const [name, pattern] of GAPS)
    expect(text, `${where} has ${name}: ${JSON.stringify(text)}`).not.to.match(pattern);
}

describe('notice texts', () => {
  before(() => configureNotices({ config: testConfig, logger: undefined, mailer: null }));
  after(() => configureNotices({ config: testConfig, logger: undefined }));

  it('every kind, sent by the journey that sends it, reads whole in every language', async () => {
    const w = await buildWorld({
      countries: { kz: { code: 'KZ' } },
      institutions: { academy: { country: 'kz', name: 'Almaty Academy', timeZone: 'Asia/Almaty' } },
      people: {
        coordinator: { roles: ['coordinator'], at: 'academy' },
        first: { roles: ['staff'], at: 'academy' },
        second: { roles: ['staff'], at: 'academy' },
        third: { roles: ['staff'], at: 'academy' },
        asking: { roles: ['staff'], at: 'academy' },
        alsoAsking: { roles: ['staff'], at: 'academy' },
        declined: { roles: ['staff'], at: 'academy' },
      },
      modules: {
        pve: { status: 'published', owner: 'academy', title: MODULE, languages: ['en'], certificateValidityMonths: 1 },
      },
      sessions: {
        full: { at: 'academy', module: 'pve', capacity: 1, timeZone: 'Asia/Almaty', date: daysFromNow(10) },
        approval: { at: 'academy', module: 'pve', capacity: 1, requiresApproval: true, timeZone: 'Asia/Almaty' },
        tomorrow: { at: 'academy', module: 'pve', room: 'Room 4', startsAt: new Date(Date.now() + 12 * 3_600_000) },
      },
    });
    const { people, sessions } = w;
    const coordinator = await actorOf(people.coordinator);
    const as = (key: keyof typeof people) => actorOf(people[key]);

    // seated, then two on the waiting list, then the seated one leaves and the first waiting moves up
    await enrol(await as('first'), sessions.full.id as string);
    await enrol(await as('second'), sessions.full.id as string);
    await enrol(await as('third'), sessions.full.id as string);
    await withdraw(await as('first'), sessions.full.id as string);
    // requests: approved with a seat, approved onto the waiting list, declined
    for (const key of ['asking', 'alsoAsking', 'declined'] as const) {
      await enrol(await as(key), sessions.approval.id as string);
    }
    const request = async (key: keyof typeof people) =>
      String((await Enrolment.findOne({ person: people[key]._id, session: sessions.approval._id }).orFail())._id);
    await approve(coordinator, await request('asking'));
    await approve(coordinator, await request('alsoAsking'));
    await decline(coordinator, await request('declined'));
    // the session moves a week, then the other is cancelled; a reminder for the one tomorrow
    const session = await loadSession(sessions.full.id as string);
    const input = sessionSchema.parse({
      module: w.modules.pve.id,
      institution: w.institutions.academy.id,
      room: 'Room 2',
      timeZone: 'Asia/Almaty',
      date: [daysFromNow(17)],
      start: ['09:00'],
      end: ['17:00'],
      language: 'en',
      capacity: String(session.capacity),
      withdrawalCutoffHours: '48',
    });
    await changeSession(coordinator, session.id as string, input);
    await cancelSession(coordinator, sessions.approval.id as string, 'The hall is flooded.');
    expect(await enrolInManaged(coordinator, sessions.tomorrow, people.first.id as string, 'coordinator')).to.equal(
      'enrolled',
    );
    await sendSessionReminders();
    await closeHeldSession(w, coordinator);
    // the certificate expires within 30 days (told to its holder and the academy's coordinator), then it has expired
    expect((await sendExpiryReminders()).sent[30]).to.equal(1);
    expect((await sendExpiryReminders(new Date(Date.now() + 31 * 86_400_000))).sent[0]).to.equal(1);

    const notices = await Notice.find({}).lean();
    expect(new Set(notices.map((n) => n.kind))).to.deep.equal(new Set(NOTICE_KINDS));

    const i18n = await testI18n();
    for (const notice of notices) {
      for (const language of LANGUAGES) {
        const t = i18n.getFixedT(language);
        const text = noticeText(t, language, notice.kind, notice.params);
        const where = `${notice.kind} in ${language}`;
        expectWhole(text.subject, `the subject of ${where}`);
        expectWhole(text.body, `the body of ${where}`);
        expect(text.subject, where).to.include(MODULE);
        expect(text.body, where)
          .to.include(MODULE)
          .and.match(/20\d\d/); // the module and the date
        const mail = mailBody(t, language, i18n.dir(language), text, 'https://cadre.example.org/notices');
        expect(mail.html, where).not.to.match(/\{\{|\}\}/);
        expect(mail.text, where).not.to.match(/\{\{|\}\}/);
      }
    }

    // the values a kind is about are there: the queue place, the reason, the venue
    const bodyOf = (kind: string, key: keyof typeof people, language = 'en') => {
      const notice = notices.find((n) => n.kind === kind && n.person.equals(people[key]._id));
      expect(notice, `${kind} for ${key}`).to.exist;
      return noticeText(i18n.getFixedT(language), language, notice!.kind, notice!.params).body;
    };
    expect(bodyOf('enrolment.waitlisted', 'second')).to.include('You are number 1 in the queue.');
    expect(bodyOf('enrolment.waitlisted', 'third')).to.include('You are number 2 in the queue.');
    expect(bodyOf('enrolment.waitlisted', 'third', 'ru')).to.include('Ваш номер в очереди: 2.');
    expect(bodyOf('enrolment.waitlisted', 'third', 'fr')).to.include('en position 2 ');
    expect(bodyOf('enrolment.waitlisted', 'third', 'ar')).to.include('ترتيبك في قائمة الانتظار: 2.');
    expect(bodyOf('enrolment.approved', 'alsoAsking')).to.include('waiting list').and.include('number 1 in the queue');
    expect(bodyOf('enrolment.approved', 'asking')).not.to.include('waiting list');
    expect(bodyOf('session.cancelled', 'asking')).to.include('Reason: The hall is flooded.');
    expect(bodyOf('session.reminder', 'first')).to.include('Venue: Almaty Academy, Room 4');
    expect(bodyOf('enrolment.declined', 'declined')).to.match(/declined\.$/);
  });
});
