import { Writable } from 'node:stream';
import { expect } from 'chai';
import type { Express, Request, Response } from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { createLogger } from '../src/http/logger.ts';
import { clearSentMail, sentMail } from '../src/notices/mailer.ts';
import { Notice } from '../src/notices/notice.model.ts';
import { UnreadCount } from '../src/notices/unread-count.model.ts';
import { unreadNoticesLocal } from '../src/notices/notices.routes.ts';
import { configureNotices, notify, unreadCount } from '../src/notices/notices.service.ts';
import { buildApp, testConfig } from './support/context.ts';
import { buildUser } from './support/factories.ts';
import { post, signIn } from './support/http.ts';
import { expectNoMissingTranslations, links, visibleText } from './page-helpers.ts';

// Notices: recorded for each person, e-mailed in their language, listed for their reader
// only, marked read; e-mail trouble never reaches the caller.

let app: Express;

/** Each test starts with the test configuration, the default mailer and logger, and an empty outbox. */
function freshNotices() {
  before(async () => {
    app ??= await buildApp();
  });
  beforeEach(() => {
    configureNotices({ config: testConfig, logger: undefined });
    clearSentMail();
  });
  after(() => configureNotices({ config: testConfig, logger: undefined }));
}

function logInto(lines: string[]) {
  return createLogger(
    'debug',
    false,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
}

describe('notify', () => {
  freshNotices();

  it('records one notice per active person and skips unknown, deactivated and malformed ids', async () => {
    const amina = await buildUser();
    const gone = await buildUser({ active: false });
    const unknown = new mongoose.Types.ObjectId().toHexString();
    await notify({
      people: [amina.id, amina.id, gone.id, unknown, 'not-an-id'],
      kind: 'enrolment.waitlisted',
      params: { module: 'PCVE basics', position: '3' },
    });
    const notices = await Notice.find({}).lean();
    expect(notices).to.have.length(1);
    expect(String(notices[0]!.person)).to.equal(amina.id);
    expect(notices[0]!.kind).to.equal('enrolment.waitlisted');
    expect(sentMail().map((m) => m.to.address)).to.deep.equal([amina.email]);
  });

  it('takes notices landing at once for someone who has no kept count yet: each recorded, none refused', async () => {
    const amina = await buildUser();
    // every notify upserts the kept count; two inserting it at once meet the unique _id
    await Promise.all(
      Array.from({ length: 12 }, () => notify({ people: [amina.id], kind: 'enrolment.enrolled', params: {} })),
    );
    expect(await Notice.countDocuments({ person: amina._id })).to.equal(12);
    expect(await UnreadCount.countDocuments({ _id: amina._id })).to.equal(1);
  });

  it('mails each person in their own language', async () => {
    const aigerim = await buildUser({ language: 'ru', fullName: 'Айгерим Сапарова' });
    const amina = await buildUser({ language: 'en' });
    await notify({
      people: [aigerim.id, amina.id],
      kind: 'session.reminder',
      params: { module: 'PCVE', startsAt: '2026-03-02T04:00:00Z', timeZone: 'Asia/Almaty' },
    });
    const byAddress = new Map(sentMail().map((m) => [m.to.address, m]));
    const russian = byAddress.get(aigerim.email!)!;
    expect(russian.language).to.equal('ru');
    expect(russian.raw).to.match(/^Content-Language: ru$/m);
    expect(russian.text).to.match(/пн, 2 мар/); // the date in Russian, whatever the words' language
    expect(russian.html).to.include('lang="ru"');
    expect(byAddress.get(amina.email!)!.language).to.equal('en');
    expect(byAddress.get(amina.email!)!.subject).to.match(
      /^Reminder: PCVE starts Mon,? 2 Mar 2026, 09:00 \(Asia\/Almaty\)$/,
    );
  });

  it('records the notice but sends no mail to a person without an address', async () => {
    const noEmail = await buildUser({ email: null });
    await notify({ people: [noEmail.id], kind: 'enrolment.enrolled', params: { module: 'PCVE' } });
    const notice = await Notice.findOne({ person: noEmail._id }).orFail();
    expect(notice.emailedAt).to.equal(undefined);
    expect(sentMail()).to.have.length(0);
  });

  it('keeps the notice, does not throw and logs when the mail fails', async () => {
    const lines: string[] = [];
    configureNotices({
      logger: logInto(lines),
      mailer: {
        send: () => Promise.reject(new Error('SMTP is down')),
      },
    });
    const person = await buildUser();
    await notify({ people: [person.id], kind: 'session.cancelled', params: { module: 'PCVE', reason: 'Flood' } });
    const notice = await Notice.findOne({ person: person._id }).orFail();
    expect(notice.emailedAt).to.equal(undefined);
    expect(lines.join('')).to.include('notice e-mail failed').and.include('SMTP is down');
    expect(lines.join('')).not.to.include(person.email!); // the address is personal data: the id is enough
  });

  it('survives an SMTP server that cannot be reached', async () => {
    const lines: string[] = [];
    configureNotices({ config: { ...testConfig, smtpUrl: 'smtp://127.0.0.1:1' }, logger: logInto(lines) });
    const person = await buildUser();
    await notify({ people: [person.id], kind: 'enrolment.enrolled', params: { module: 'PCVE' } });
    expect(await Notice.countDocuments({ person: person._id })).to.equal(1);
    expect(lines.join('')).to.include('notice e-mail failed');
  });

  it('sends no mail when e-mail is off (production without SMTP_URL), and still records', async () => {
    configureNotices({ config: { ...testConfig, env: 'production' } });
    const person = await buildUser();
    await notify({ people: [person.id], kind: 'enrolment.enrolled', params: { module: 'PCVE' } });
    expect(await Notice.countDocuments({ person: person._id })).to.equal(1);
    expect(sentMail()).to.have.length(0);
  });
});

describe('the notices page', () => {
  freshNotices();

  it('asks anonymous visitors to sign in', async () => {
    const res = await request(app).get('/notices');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/login');
    expect((await request(app).post('/notices/read-all')).status).to.be.oneOf([401, 403]);
  });

  for (const role of ['admin', 'coordinator', 'trainer', 'staff'] as const) {
    it(`shows a ${role} their own notices only, unread ones marked`, async () => {
      const person = await buildUser({ roles: [role] });
      const other = await buildUser();
      await notify({ people: [person.id], kind: 'enrolment.enrolled', params: { module: 'Mine <b>' } });
      await notify({ people: [other.id], kind: 'enrolment.enrolled', params: { module: 'Theirs' } });
      const agent = await signIn(app, person.email!);
      const res = await agent.get('/notices');
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Enrolled: Mine <b>');
      expect(res.text).to.include('Mine &lt;b&gt;');
      expect(text).not.to.include('Theirs');
      expect(res.text).to.include('notice-unread');
      expect(text).to.include('New');
      expect(links(res.text)).to.include('/notices');
      expectNoMissingTranslations(res.text);
    });
  }

  it('shows a person with no notices an empty list', async () => {
    const person = await buildUser();
    const res = await (await signIn(app, person.email!)).get('/notices');
    expect(visibleText(res.text)).to.include('You have no notices yet.');
  });

  it('pages newest first', async () => {
    const person = await buildUser();
    for (let i = 1; i <= 27; i++) {
      await Notice.create({
        person: person._id,
        kind: 'enrolment.enrolled',
        params: { module: `Module ${String(i).padStart(2, '0')}` },
        readAt: null,
        createdAt: new Date(Date.UTC(2026, 0, i)),
      });
    }
    const agent = await signIn(app, person.email!);
    const first = visibleText((await agent.get('/notices')).text);
    expect(first).to.include('Enrolled: Module 27');
    expect(first.indexOf('Module 27')).to.be.lessThan(first.indexOf('Module 26'));
    expect(first).not.to.include('Module 02');
    expect(first).to.include('Page 1 of 2');
    const second = visibleText((await agent.get('/notices?page=2')).text);
    expect(second).to.include('Enrolled: Module 02').and.include('Enrolled: Module 01');
    expect(second).not.to.include('Module 03');
  });

  it('marks one notice read, then all', async () => {
    const person = await buildUser();
    await notify({ people: [person.id], kind: 'enrolment.enrolled', params: { module: 'One' } });
    await notify({ people: [person.id], kind: 'enrolment.enrolled', params: { module: 'Two' } });
    await notify({ people: [person.id], kind: 'enrolment.enrolled', params: { module: 'Three' } });
    expect(await unreadCount(person.id)).to.equal(3);
    const one = await Notice.findOne({ person: person._id, 'params.module': 'One' }).orFail();
    const agent = await signIn(app, person.email!);

    const res = await post(agent, `/notices/${one.id}/read`);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/notices');
    expect((await Notice.findById(one._id).orFail()).readAt).to.be.instanceOf(Date);
    expect(await unreadCount(person.id)).to.equal(2);

    const all = await post(agent, '/notices/read-all');
    expect(all.status).to.equal(303);
    expect(await unreadCount(person.id)).to.equal(0);
    const page = await agent.get('/notices');
    expect(page.text).not.to.include('notice-unread');
    expect(visibleText(page.text)).to.include('All your notices are marked as read.');
  });

  it("answers 404 for another person's notice, and leaves it unread", async () => {
    const person = await buildUser();
    const other = await buildUser();
    await notify({ people: [other.id], kind: 'enrolment.enrolled', params: { module: 'Theirs' } });
    const theirs = await Notice.findOne({ person: other._id }).orFail();
    const agent = await signIn(app, person.email!);
    expect((await post(agent, `/notices/${theirs.id}/read`)).status).to.equal(404);
    expect((await post(agent, '/notices/not-an-id/read')).status).to.equal(404);
    expect((await Notice.findById(theirs._id).orFail()).readAt).to.equal(null);
    await post(agent, '/notices/read-all');
    expect(await unreadCount(other.id)).to.equal(1);
  });

  it('refuses a mark-read form without the CSRF token', async () => {
    const person = await buildUser();
    await notify({ people: [person.id], kind: 'enrolment.enrolled', params: { module: 'PCVE' } });
    const agent = await signIn(app, person.email!);
    const res = await agent.post('/notices/read-all').type('form').send({});
    expect(res.status).to.equal(403);
    expect(await unreadCount(person.id)).to.equal(1);
  });
});

describe('the unread count in the header', () => {
  freshNotices();

  it('puts the signed-in person unread count on the page locals', async () => {
    const person = await buildUser();
    await notify({ people: [person.id], kind: 'enrolment.enrolled', params: { module: 'PCVE' } });
    const locals: Record<string, unknown> = {};
    const req = { user: { id: person.id }, method: 'GET' } as unknown as Request;
    await new Promise<void>((resolve, reject) => {
      void unreadNoticesLocal(req, { locals } as unknown as Response, (error?: unknown) =>
        error ? reject(error as Error) : resolve(),
      );
    });
    expect(locals.unreadNotices).to.equal(1);
  });

  it('reads the badge from the count kept for the person, which opening the list sets right', async () => {
    const person = await buildUser();
    await notify({ people: [person.id], kind: 'enrolment.enrolled', params: { module: 'One' } });
    await notify({ people: [person.id], kind: 'enrolment.waitlisted', params: { module: 'Two' } });
    const agent = await signIn(app, person.email!);
    expect(visibleText((await agent.get('/account')).text)).to.include('Notices (2)');
    // a count gone wrong (two notices at the same instant on FerretDB) is what the badge shows…
    await UnreadCount.updateOne({ _id: person._id }, { $set: { unread: 5 } });
    expect(visibleText((await agent.get('/account')).text)).to.include('Notices (5)');
    // …until the person opens their notices, which counts them
    await agent.get('/notices').expect(200);
    expect(visibleText((await agent.get('/account')).text)).to.include('Notices (2)');
    const one = await Notice.findOne({ person: person._id }).orFail();
    await post(agent, `/notices/${one.id}/read`);
    await post(agent, `/notices/${one.id}/read`);
    expect(await unreadCount(person.id)).to.equal(1);
  });

  it('shows a plain Notices link when the count is not there', async () => {
    const person = await buildUser();
    const res = await (await signIn(app, person.email!)).get('/account');
    expect(res.text).to.match(/<a href="\/notices"\s*>Notices<\/a>/);
  });
});
