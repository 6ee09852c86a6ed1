import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { CompletionRecord, CompletionRevision } from '../src/completions/completion-record.model.ts';
import { Person } from '../src/people/person.model.ts';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import { buildApp } from './support/context.ts';
import { buildRecord } from './support/completions.ts';
import { buildUser } from './support/factories.ts';
import { csrfFrom, post, signIn, type Agent } from './support/http.ts';
import { sessionIn, sessionsWorld, type World } from './support/sessions.ts';
import {
  expectLabelledControls,
  expectNoMissingTranslations,
  fieldError,
  inputValue,
  visibleText,
} from './page-helpers.ts';

// Completion records as people use them (issue 13, item 1): who sees a record and its list, a
// correction and a reissue with a reason, each a revision the history shows, a revocation
// confirmed first, and two corrections at once (one lands, the other is told).

type RecordDoc = Awaited<ReturnType<typeof buildRecord>>;
type Role = 'admin' | 'coordinator' | 'outsideCoordinator' | 'trainer' | 'otherTrainer' | 'staff' | 'ugandanStaff';

const DAY_MS = 24 * 3_600_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS);

describe('completion records', () => {
  let app: Express;
  let w: World;
  let person: Awaited<ReturnType<typeof buildUser>>;
  let record: RecordDoc;
  const agents = new Map<string, Agent>();

  before(async () => {
    app = await buildApp();
  });

  beforeEach(async () => {
    agents.clear();
    w = await sessionsWorld();
    await TrainingModule.updateOne({ _id: w.modules.pve._id }, { $set: { certificateValidityMonths: 24 } });
    person = await buildUser({
      roles: ['staff'],
      institution: w.almaty,
      fullName: 'Aida Participant',
      serviceNumber: 'KZ-7788',
      email: 'aida.participant@test.example',
    });
    const session = await sessionIn(w, { status: 'completed' });
    record = await buildRecord({
      person,
      module: w.modules.pve,
      institution: w.almaty,
      country: w.kz,
      session,
      fields: {
        nameAsIssued: 'Aida Participant',
        moduleTitle: 'Understanding extremism',
        issuerName: 'Almaty Academy',
      },
    });
  });

  async function as(role: Role | 'person'): Promise<Agent> {
    const email = role === 'person' ? person.email! : w.people[role].email!;
    if (!agents.has(role)) agents.set(role, await signIn(app, email));
    return agents.get(role)!;
  }
  const url = (suffix = '') => `/completions/${record.id as string}${suffix}`;
  const fresh = () => CompletionRecord.findById(record._id).orFail();

  describe('who sees a record', () => {
    const expected: [Role | 'person', number][] = [
      ['admin', 200],
      ['coordinator', 200],
      ['trainer', 200], // taught the session
      ['person', 200],
      ['outsideCoordinator', 404],
      ['otherTrainer', 404],
      ['staff', 404], // the same academy, someone else's record
      ['ugandanStaff', 404],
    ];
    for (const [role, status] of expected) {
      it(`${role}: ${status}`, async () => {
        const res = await (await as(role)).get(url());
        expect(res.status).to.equal(status);
        if (status === 200) expect(visibleText(res.text)).to.include('Aida Participant');
      });
    }
    it('anonymous visitors go to sign-in', async () => {
      const res = await request(app).get(url());
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/login');
    });
    it('a malformed or unknown id is 404', async () => {
      expect((await (await as('admin')).get('/completions/nonsense')).status).to.equal(404);
      expect((await (await as('admin')).get('/completions/0123456789abcdef01234567')).status).to.equal(404);
    });
  });

  describe('the record page', () => {
    it('shows every field, the status, the links and the first revision', async () => {
      const res = await (await as('coordinator')).get(url());
      expectNoMissingTranslations(res.text);
      const text = visibleText(res.text);
      for (const shown of [
        'Aida Participant',
        'Understanding extremism',
        'version 1',
        'Made from the confirmed results of a session',
        'Mon 2 Mar 2026',
        'Tue 3 Mar 2026',
        '15 h',
        'Pre-test 40%',
        'Post-test 85%',
        'Completed',
        record.certificateNumber!,
        'Almaty Academy, Kazakhstan',
        'Fri 3 Mar 2028',
        'Valid',
        'Revision 1: issued',
        'by Cadre',
      ])
        expect(text).to.include(shown);
      expect(res.text).to.include(`href="/completions/${record.id as string}/certificate.pdf"`);
      expect(res.text).to.include(`href="/verify/${record.verifyCode}"`);
      expect(res.text).to.include(`href="/catalogue/${w.modules.pve.id as string}#sessions"`);
      for (const action of ['correct', 'reissue', 'revoke']) expect(res.text).to.include(url(`/${action}`));
    });

    it('reads as expired once the expiry has passed', async () => {
      await CompletionRecord.updateOne({ _id: record._id }, { $set: { expiresAt: inDays(-1) } });
      const text = visibleText((await (await as('coordinator')).get(url())).text);
      expect(text).to.match(/Status Expired/);
    });

    it('offers no change to those who only read it, and no certificate for a record that is not a completion', async () => {
      const res = await (await as('trainer')).get(url());
      for (const action of ['correct', 'reissue', 'revoke']) expect(res.text).not.to.include(url(`/${action}`));
      await CompletionRecord.updateOne({ _id: record._id }, { $set: { result: 'not_completed' } });
      expect((await (await as('person')).get(url())).text).not.to.include('certificate.pdf');
    });
  });

  describe('the list', () => {
    it('is for admins and coordinators: others are refused, the out-of-scope coordinator sees none of it', async () => {
      for (const role of ['admin', 'coordinator'] as const) {
        const res = await (await as(role)).get('/completions');
        expect(res.status, role).to.equal(200);
        expectNoMissingTranslations(res.text);
        expect(visibleText(res.text), role).to.include('Aida Participant');
      }
      const outside = await (await as('outsideCoordinator')).get('/completions');
      expect(outside.status).to.equal(200);
      expect(visibleText(outside.text)).not.to.include('Aida Participant');
      expect(visibleText(outside.text)).to.include('No completion records yet');
      for (const role of ['trainer', 'staff', 'person'] as const) {
        expect((await (await as(role)).get('/completions')).status, role).to.equal(403);
      }
      expect((await request(app).get('/completions')).status).to.equal(303);
    });

    it("lists a session's records for whoever reads its results: its trainer too, not staff", async () => {
      const sessionUrl = `/completions?session=${record.session!.toHexString()}`;
      const res = await (await as('trainer')).get(sessionUrl);
      expect(res.status).to.equal(200);
      expect(visibleText(res.text)).to.include('Aida Participant');
      expect(visibleText(res.text)).to.include('Completion records of the session');
      expect((await (await as('staff')).get(sessionUrl)).status).to.equal(403);
      expect((await (await as('ugandanStaff')).get(sessionUrl)).status).to.equal(404);
      expect((await (await as('outsideCoordinator')).get(sessionUrl)).status).to.equal(403);
    });

    it('filters by expiry within N days, by status (expired included), by name, number, institution and module', async () => {
      const other = (fullName: string, fields: Parameters<typeof buildRecord>[0]['fields'] = {}, at = w.almaty) =>
        buildRecord({
          person: { _id: person._id, fullName },
          module: w.modules.pve,
          institution: at,
          country: w.kz,
          fields: { nameAsIssued: fullName, ...fields },
        });
      await CompletionRecord.updateOne({ _id: record._id }, { $set: { expiresAt: inDays(400) } });
      await other('Soon Ten', { expiresAt: inDays(10) });
      await other('Later Fifty', { expiresAt: inDays(50) });
      await other('Gone Expired', { expiresAt: inDays(-5) });
      await other('Revoked Rustam', { status: 'revoked', statusReason: 'fraud' });
      await other('Partner Person', { expiresAt: inDays(20) }, w.partner);
      await other('Elsewhere Person', { expiresAt: inDays(20) }, w.elsewhere);
      const names = async (query: string, role: Role = 'coordinator') => {
        const res = await (await as(role)).get(`/completions?${query}`);
        expect(res.status, query).to.equal(200);
        return [...res.text.matchAll(/<a href="\/completions\/[0-9a-f]{24}">([^<]*)<\/a>/g)].map((m) => m[1]);
      };
      expect(await names('expiring=30')).to.deep.equal(['Soon Ten', 'Partner Person']);
      const expiring = await (await as('coordinator')).get('/completions?expiring=30');
      expect(expiring.text).to.include(`href="/catalogue/${w.modules.pve.id as string}#sessions"`);
      expect(visibleText(expiring.text)).to.include('Recertify: next sessions');
      expect(await names('expiring=60')).to.deep.equal(['Soon Ten', 'Partner Person', 'Later Fifty']);
      expect(await names('expiring=60&institution=' + (w.almaty.id as string))).to.deep.equal([
        'Soon Ten',
        'Later Fifty',
      ]);
      expect(await names('status=expired')).to.deep.equal(['Gone Expired']);
      expect(await names('status=revoked')).to.deep.equal(['Revoked Rustam']);
      expect(await names('q=later')).to.deep.equal(['Later Fifty']);
      expect(await names(`q=${record.certificateNumber!.toLowerCase()}`)).to.deep.equal(['Aida Participant']);
      expect(await names(`module=${w.modules.national.id as string}`)).to.deep.equal([]);
      // a coordinator's list stops at their scope; an admin's reaches every institution
      expect(await names('expiring=30&institution=' + (w.elsewhere.id as string))).to.deep.equal([]);
      expect(await names('expiring=30', 'admin')).to.deep.equal(['Soon Ten', 'Partner Person', 'Elsewhere Person']);
      expect(await names('expiring=30&module=' + (w.modules.pve.id as string), 'admin')).to.have.length(3);
      // nonsense in the query string is ignored, not an error
      expect(await names('expiring=-4&status=bogus&institution=x')).to.have.length(6);
    });
  });

  describe('correcting', () => {
    const form = (fields: Record<string, string> = {}) => ({
      nameAsIssued: 'Aida Participant',
      startedOn: '2026-03-02',
      endedOn: '2026-03-03',
      hours: '12',
      attendancePercent: '100',
      pre: '40',
      post: '85',
      result: 'completed',
      reason: 'The module ran for 12 hours, not 15',
      revision: '1',
      ...fields,
    });

    it('makes a new revision with who, when and why, and the history shows what changed', async () => {
      const coordinator = await as('coordinator');
      const page = await coordinator.get(url('/correct'));
      expect(page.status).to.equal(200);
      expectNoMissingTranslations(page.text);
      expectLabelledControls(page.text);
      expect(inputValue(page.text, 'hours')).to.equal('15');
      const res = await post(coordinator, url('/correct'), form());
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(url());
      expect((await fresh()).hours).to.equal(12);
      const revisions = await CompletionRevision.find({ record: record._id }).sort({ revision: 1 }).lean();
      expect(revisions.map((r) => [r.revision, r.action, r.reason])).to.deep.equal([
        [1, 'issued', undefined],
        [2, 'corrected', 'The module ran for 12 hours, not 15'],
      ]);
      expect(revisions[1]!.by?.toHexString()).to.equal(w.people.coordinator.id);
      const text = visibleText((await coordinator.get(url())).text);
      expect(text).to.include('Revision 2: corrected');
      expect(text).to.include(`by ${w.people.coordinator.fullName}`);
      expect(text).to.include('Why: The module ran for 12 hours, not 15');
      expect(text).to.include('Hours: 15 h → 12 h');
    });

    it('needs a reason: the message by the field, the values kept', async () => {
      const res = await post(await as('coordinator'), url('/correct'), form({ reason: '  ', hours: '13' }));
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'reason')).to.equal('Give a reason.');
      expect(inputValue(res.text, 'hours')).to.equal('13');
      expect((await fresh()).revision).to.equal(1);
    });

    it('refuses impossible dates and values, each beside its box', async () => {
      const coordinator = await as('coordinator');
      let res = await post(coordinator, url('/correct'), form({ startedOn: '2026-02-30' }));
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'startedOn')).to.equal('Enter a date such as 2026-03-02.');
      res = await post(coordinator, url('/correct'), form({ startedOn: '2026-03-05' }));
      expect(fieldError(res.text, 'endedOn')).to.equal('The last day cannot be before the first day.');
      res = await post(coordinator, url('/correct'), form({ endedOn: '2099-01-01' }));
      expect(fieldError(res.text, 'endedOn')).to.include('cannot be in the future');
      res = await post(coordinator, url('/correct'), form({ post: '101', hours: '0' }));
      expect(fieldError(res.text, 'post')).to.equal('Enter a number from 0 to 100, with one decimal at most.');
      expect(fieldError(res.text, 'hours')).to.include('above 0');
      res = await post(coordinator, url('/correct'), form({ hours: '15' }));
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Nothing was changed');
      expect((await fresh()).revision).to.equal(1);
    });

    it('moves the expiry with the last day, and numbers a record corrected into a completion', async () => {
      const failed = await buildRecord({
        person,
        module: w.modules.pve,
        institution: w.almaty,
        country: w.kz,
        fields: { result: 'not_completed' },
      });
      expect(failed.certificateNumber).to.equal(undefined);
      const res = await post(await as('coordinator'), `/completions/${failed.id as string}/correct`, {
        ...form({ result: 'completed', endedOn: '2026-03-04', reason: 'Attendance was marked wrongly' }),
        hours: '15',
      });
      expect(res.status).to.equal(303);
      const after = await CompletionRecord.findById(failed._id).orFail();
      expect(after.result).to.equal('completed');
      expect(after.changeReason).to.equal('Attendance was marked wrongly');
      expect(after.certificateNumber).to.match(/^KZ-2026-\d{6}$/);
      expect(after.expiresAt?.toISOString()).to.equal('2028-03-04T00:00:00.000Z');
    });

    it('a form opened before someone else saved comes back (409) with the current revision', async () => {
      const coordinator = await as('coordinator');
      expect((await post(coordinator, url('/correct'), form())).status).to.equal(303);
      const res = await post(await as('admin'), url('/correct'), form({ hours: '10', reason: 'Another view' }));
      expect(res.status).to.equal(409);
      expect(visibleText(res.text)).to.include('Someone else changed this record meanwhile');
      expect(inputValue(res.text, 'revision')).to.equal('2');
      expect(inputValue(res.text, 'hours')).to.equal('10');
      // saving again applies it on top
      const again = await post(
        await as('admin'),
        url('/correct'),
        form({ hours: '10', reason: 'Another view', revision: '2' }),
      );
      expect(again.status).to.equal(303);
      expect((await fresh()).hours).to.equal(10);
    });

    it('of two corrections sent at once from the same page, one lands and the other is told (409)', async () => {
      const [a, b] = [await as('coordinator'), await as('admin')];
      const tokens = await Promise.all([a, b].map(async (agent) => csrfFrom((await agent.get(url('/correct'))).text)));
      const send = (agent: Agent, token: string, hours: string) =>
        agent
          .post(url('/correct'))
          .type('form')
          .send({ _csrf: token, ...form({ hours, reason: `make it ${hours}` }) });
      const statuses = (await Promise.all([send(a, tokens[0]!, '11'), send(b, tokens[1]!, '9')])).map((r) => r.status);
      expect(statuses.sort()).to.deep.equal([303, 409]);
      const revisions = await CompletionRevision.find({ record: record._id }).lean();
      expect(revisions).to.have.length(2);
      expect((await fresh()).revision).to.equal(2);
    });

    it('is refused to those who only read the record (403) and unseen to others (404), changing nothing', async () => {
      expect((await (await as('trainer')).get(url('/correct'))).status).to.equal(403);
      expect((await post(await as('trainer'), url('/correct'), form())).status).to.equal(403);
      expect((await post(await as('person'), url('/correct'), form())).status).to.equal(403);
      expect((await post(await as('outsideCoordinator'), url('/correct'), form())).status).to.equal(404);
      expect((await fresh()).revision).to.equal(1);
    });
  });

  describe('reissuing', () => {
    it("takes the person's current name, with a reason; the history keeps the old one", async () => {
      await Person.updateOne({ _id: person._id }, { $set: { fullName: 'Aida Married-Name' } });
      const coordinator = await as('coordinator');
      const page = await coordinator.get(url('/reissue'));
      expect(page.status).to.equal(200);
      expectNoMissingTranslations(page.text);
      expect(visibleText(page.text)).to.include('Current name: Aida Married-Name');
      const refused = await post(coordinator, url('/reissue'), { reason: '', revision: '1' });
      expect(refused.status).to.equal(422);
      expect(fieldError(refused.text, 'reason')).to.equal('Give a reason.');
      const res = await post(coordinator, url('/reissue'), { reason: 'Name changed on marriage', revision: '1' });
      expect(res.status).to.equal(303);
      const after = await fresh();
      expect(after.nameAsIssued).to.equal('Aida Married-Name');
      expect(after.certificateNumber).to.equal(record.certificateNumber);
      const text = visibleText((await coordinator.get(url())).text);
      expect(text).to.include('Revision 2: reissued');
      expect(text).to.include('Name as issued: Aida Participant → Aida Married-Name');
    });
  });

  describe('revoking', () => {
    it('asks first, needs a reason, and leaves a record that can no longer be corrected', async () => {
      const coordinator = await as('coordinator');
      const page = await coordinator.get(url('/revoke'));
      expect(page.status).to.equal(200);
      expectNoMissingTranslations(page.text);
      expect(visibleText(page.text)).to.include('Revoking is final');
      expect((await fresh()).status).to.equal('valid'); // the page itself changes nothing
      const refused = await post(coordinator, url('/revoke'), { reason: '', revision: '1' });
      expect(refused.status).to.equal(422);
      expect(fieldError(refused.text, 'reason')).to.equal('Give a reason.');
      expect(
        (await post(coordinator, url('/revoke'), { reason: 'Certificate obtained by fraud', revision: '1' })).status,
      ).to.equal(303);
      const after = await fresh();
      expect(after.status).to.equal('revoked');
      expect(after.statusReason).to.equal('Certificate obtained by fraud');
      const show = visibleText((await coordinator.get(url())).text);
      expect(show).to.include('Revoked: Certificate obtained by fraud');
      expect(show).to.include('Revision 2: revoked');
      const correct = await coordinator.get(url('/correct'));
      expect(correct.status).to.equal(403);
      expect(visibleText(correct.text)).to.include('This record is revoked: it can no longer be changed.');
      expect((await post(coordinator, url('/revoke'), { reason: 'again', revision: '2' })).status).to.equal(403);
    });
  });

  it("links a closed session's results to its completion records", async () => {
    const session = await sessionIn(w, { status: 'completed' });
    await session.updateOne({ $set: { closedAt: new Date() } });
    const res = await (await as('trainer')).get(`/sessions/${session.id as string}/results`);
    expect(res.text).to.include(`href="/completions?session=${session.id as string}"`);
  });
});
