import { expect } from 'chai';
import type { Express } from 'express';
import mongoose from 'mongoose';
import { AssessmentScore } from '../src/assessments/assessment-score.model.ts';
import { assessmentRules, scoresOfSession } from '../src/assessments/assessments.service.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { ModuleVersion } from '../src/modules/module-version.model.ts';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { buildApp } from './support/context.ts';
import { buildUser } from './support/factories.ts';
import { multipart } from './support/files.ts';
import { csrfFrom, post, signIn, type Agent } from './support/http.ts';
import { buildWorld } from './support/world.ts';
import { expectNoMissingTranslations, fieldError, inputValue, visibleText } from './page-helpers.ts';

// The assessment page of a session: who may read and enter scores, the grid's checks, the CSV
// import row by row (all or nothing), the knowledge gain, and the module's tests.

type Setting = Awaited<ReturnType<typeof setting>>;

async function setting(module: { hasPreTest?: boolean; hasPostTest?: boolean; passMark?: number | null } = {}) {
  const w = await buildWorld({
    countries: { kz: {}, ug: {} },
    institutions: { academy: { country: 'kz' }, elsewhere: { country: 'kz' }, kampala: { country: 'ug' } },
    people: {
      admin: { roles: ['admin'], at: null },
      coordinator: { roles: ['coordinator'], at: 'academy' },
      otherCoordinator: { roles: ['coordinator'], at: 'elsewhere' },
      trainer: { roles: ['trainer'], at: 'academy' },
      otherTrainer: { roles: ['trainer'], at: 'academy' },
      staff: { roles: ['staff'], at: 'academy' },
      foreignStaff: { roles: ['staff'], at: 'kampala' },
      a: { roles: ['staff'], at: 'academy', serviceNumber: 'A-1', fullName: 'Aliya Nurlanovna' },
      b: { roles: ['staff'], at: 'academy', serviceNumber: 'B-2', fullName: 'Борис Ким' },
      c: { roles: ['staff'], at: 'elsewhere', serviceNumber: 'C-3', fullName: 'سارة بن علي' },
      outsider: { roles: ['staff'], at: 'academy', serviceNumber: 'Z-9' },
    },
    modules: {
      tested: { status: 'published', owner: 'academy', hasPreTest: true, hasPostTest: true, passMark: 60, ...module },
    },
    sessions: {
      course: { at: 'academy', module: 'tested', trainers: ['trainer'], status: 'in_progress' },
      other: { at: 'academy', module: 'tested', trainers: ['otherTrainer'], status: 'in_progress' },
    },
  });
  const session = w.sessions.course;
  for (const [seat, person] of [w.people.a, w.people.b, w.people.c].entries()) {
    await Enrolment.create({ session: session._id, person: person._id, state: 'enrolled', seat: seat + 1 });
  }
  return { ...w, session, id: session.id as string, url: `/sessions/${session.id as string}/assessments` };
}

const box = (test: 'pre' | 'post', person: { id: string }) => `${test}-${person.id}`;

async function storedScores(s: Setting) {
  const scores = await scoresOfSession(s.session._id);
  const byName = (p: { id: string }) => scores.get(p.id) ?? null;
  return { a: byName(s.people.a), b: byName(s.people.b), c: byName(s.people.c) };
}

describe('assessments', () => {
  let app: Express;
  before(async () => {
    app = await buildApp();
  });

  const as = (s: Setting, who: keyof Setting['people']): Promise<Agent> => signIn(app, s.people[who].email!);

  describe('who may read and enter the scores', () => {
    it('lets the session’s trainer, the coordinator of its venue and an admin read and save them', async () => {
      const s = await setting();
      for (const who of ['trainer', 'coordinator', 'admin'] as const) {
        const agent = await as(s, who);
        const page = await agent.get(s.url);
        expect(page.status, who).to.equal(200);
        expectNoMissingTranslations(page.text);
        const res = await post(agent, s.url, { [box('pre', s.people.a)]: who === 'admin' ? '55' : '50' });
        expect(res.status, who).to.equal(303);
      }
      const scores = await AssessmentScore.find({ session: s.session._id }).lean();
      expect(scores).to.have.length(1);
      expect(scores[0]!.pre).to.equal(55);
      expect(scores[0]!.enteredBy.toHexString()).to.equal(s.people.admin.id);
    });

    it('refuses a trainer of another session, a coordinator out of scope and staff with 403; abroad with 404', async () => {
      const s = await setting();
      const routes = [s.url, `${s.url}/upload`];
      for (const [who, status] of [
        ['otherTrainer', 403],
        ['otherCoordinator', 403],
        ['staff', 403],
        ['foreignStaff', 404],
      ] as const) {
        const agent = await as(s, who);
        expect((await agent.get(s.url)).status, `${who} GET`).to.equal(status);
        for (const route of routes) {
          const res = await post(agent, route, { [box('pre', s.people.a)]: '50' });
          expect(res.status, `${who} POST ${route}`).to.equal(status);
        }
      }
      expect(await AssessmentScore.countDocuments({ session: s.session._id })).to.equal(0);
    });

    it('answers 404 for a session that does not exist and for a malformed id', async () => {
      const s = await setting();
      const agent = await as(s, 'admin');
      expect((await agent.get(`/sessions/${new mongoose.Types.ObjectId().toHexString()}/assessments`)).status).to.equal(
        404,
      );
      expect((await agent.get('/sessions/nope/assessments')).status).to.equal(404);
    });

    it('once the session is closed, lets only coordinators and admins change the scores', async () => {
      const s = await setting();
      await TrainingSession.updateOne({ _id: s.session._id }, { $set: { closedAt: new Date() } });
      const trainer = await as(s, 'trainer');
      const page = await trainer.get(s.url);
      expect(page.status).to.equal(200);
      expect(visibleText(page.text)).to.include('This session is closed: only a coordinator can change its scores.');
      expect(inputValue(page.text, box('pre', s.people.a))).to.equal(undefined);
      expect((await post(trainer, s.url, { [box('pre', s.people.a)]: '50' })).status).to.equal(403);
      expect((await post(await as(s, 'coordinator'), s.url, { [box('pre', s.people.a)]: '50' })).status).to.equal(303);
      expect((await storedScores(s)).a).to.deep.equal({ pre: 50, post: null });
    });

    it('refuses scores in a cancelled session, even to its coordinator', async () => {
      const s = await setting();
      await TrainingSession.updateOne({ _id: s.session._id }, { $set: { status: 'cancelled' } });
      const res = await post(await as(s, 'coordinator'), s.url, { [box('pre', s.people.a)]: '50' });
      expect(res.status).to.equal(403);
      expect(await AssessmentScore.countDocuments({ session: s.session._id })).to.equal(0);
    });
  });

  describe('the grid', () => {
    it('shows a row per enrolled participant with the module’s tests only', async () => {
      const s = await setting({ hasPreTest: false, hasPostTest: true });
      const page = await (await as(s, 'trainer')).get(s.url);
      for (const p of [s.people.a, s.people.b, s.people.c]) {
        expect(inputValue(page.text, box('post', p)), p.fullName).to.equal('');
        expect(inputValue(page.text, box('pre', p)), p.fullName).to.equal(undefined);
      }
      expect(page.text).not.to.include(s.people.outsider.fullName);
    });

    it('refuses bad values beside their boxes, keeps what was typed, and saves nothing until all are valid', async () => {
      const s = await setting();
      const agent = await as(s, 'trainer');
      const { a, b, c } = s.people;
      const typed = {
        [box('pre', a)]: '0',
        [box('post', a)]: '100',
        [box('pre', b)]: '100.1',
        [box('post', b)]: '-1',
        [box('pre', c)]: '72.55',
        [box('post', c)]: 'abc',
      };
      const res = await post(agent, s.url, typed);
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, box('pre', a))).to.equal(undefined);
      expect(fieldError(res.text, box('post', a))).to.equal(undefined);
      expect(fieldError(res.text, box('pre', b))).to.equal('The score must be from 0 to 100.');
      expect(fieldError(res.text, box('post', b))).to.equal('The score must be from 0 to 100.');
      expect(fieldError(res.text, box('pre', c))).to.equal('Use at most one decimal, e.g. 72.5.');
      expect(fieldError(res.text, box('post', c))).to.equal('Enter a number from 0 to 100.');
      for (const [name, value] of Object.entries(typed)) expect(inputValue(res.text, name), name).to.equal(value);
      expect(await AssessmentScore.countDocuments({ session: s.session._id })).to.equal(0);

      const fixed = {
        ...typed,
        [box('pre', b)]: '100',
        [box('post', b)]: '',
        [box('pre', c)]: '72.5',
        [box('post', c)]: '80,5',
      };
      const saved = await post(agent, s.url, fixed);
      expect(saved.status).to.equal(303);
      expect(await storedScores(s)).to.deep.equal({
        a: { pre: 0, post: 100 },
        b: { pre: 100, post: null },
        c: { pre: 72.5, post: 80.5 },
      });
      const page = await agent.get(s.url);
      const text = visibleText(page.text);
      expect(text).to.include('Scores saved. Participants changed: 3.');
      // gains +100 and +8; b has no post-test
      expect(text).to.match(/Participants with both scores\s*2/);
      expect(text).to.match(/Mean gain \(points\)\s*\+54/);
      expect(text).to.match(/Median gain \(points\)\s*\+54/);
      expect(text).to.match(/Share who improved\s*100%/);
      expect(text).to.include('Passed');
      expect(text).to.include('No post-test score');
    });

    it('clears a score with an empty box, and leaves a box unchanged from the page alone', async () => {
      const s = await setting();
      const { a } = s.people;
      const trainer = await as(s, 'trainer');
      await post(trainer, s.url, { [box('pre', a)]: '40', [box('post', a)]: '70' });
      const page = await trainer.get(s.url);
      const loaded = /name="loaded" value="([^"]*)"/.exec(page.text)![1]!;
      // meanwhile the coordinator corrects the post-test
      await post(await as(s, 'coordinator'), s.url, { [box('post', a)]: '75' });
      // the trainer's page still shows 70 there, and clears the pre-test
      const res = await post(trainer, s.url, { loaded, [box('pre', a)]: '', [box('post', a)]: '70' });
      expect(res.status).to.equal(303);
      expect((await storedScores(s)).a).to.deep.equal({ pre: null, post: 75 });
    });
  });

  describe('the CSV import', () => {
    async function upload(agent: Agent, s: Setting, content: string | Buffer, name = 'scores.csv') {
      const page = await agent.get(s.url);
      const { body, contentType } = multipart({ _csrf: csrfFrom(page.text) }, [
        { field: 'file', name, content: Buffer.isBuffer(content) ? content : Buffer.from(content) },
      ]);
      return agent.post(`${s.url}/upload`).set('Content-Type', contentType).send(body);
    }

    /** The result table as [line, service number, outcome]. */
    const outcomes = (html: string) =>
      [
        ...html.matchAll(
          /<tr class="outcome-([a-zA-Z]+)">\s*<td>(\d+)<\/td><td><bdi>([^<]*)<\/bdi><\/td>[\s\S]*?<\/tr>/g,
        ),
      ].map((m) => [Number(m[2]), m[3], m[1]]);

    it('applies a file with a BOM, semicolons and decimal commas; an empty score is left as it was', async () => {
      const s = await setting();
      const agent = await as(s, 'trainer');
      await post(agent, s.url, { [box('pre', s.people.b)]: '30' });
      const res = await upload(agent, s, '\uFEFFservice number;pre;post\r\na-1;40;72,5\r\nB-2;;65\r\nC-3;50;50\r\n');
      expect(res.status, res.text.slice(0, 500)).to.equal(303);
      const page = await agent.get(res.headers.location!);
      expectNoMissingTranslations(page.text);
      expect(outcomes(page.text)).to.deep.equal([
        [2, 'a-1', 'applied'],
        [3, 'B-2', 'applied'],
        [4, 'C-3', 'applied'],
      ]);
      expect(await storedScores(s)).to.deep.equal({
        a: { pre: 40, post: 72.5 },
        b: { pre: 30, post: 65 },
        c: { pre: 50, post: 50 },
      });
    });

    it('refuses the whole file when a row is refused, and says why for each row', async () => {
      const s = await setting();
      const agent = await as(s, 'coordinator');
      const csv = [
        'service,pre,post',
        'A-1,40,70', // valid
        'Q-7,40,70', // nobody has it
        'Z-9,40,70', // a person of the country, not in this session
        'A-1,50,60', // A-1 again
        'B-2,40,72.55', // two decimals
        'C-3,40,"72,5"', // a decimal comma where commas separate
        'C-3,,', // repeated too, though empty
      ].join('\n');
      const res = await upload(agent, s, csv);
      expect(res.status).to.equal(422);
      expectNoMissingTranslations(res.text);
      expect(outcomes(res.text)).to.deep.equal([
        [2, 'A-1', 'valid'],
        [3, 'Q-7', 'unknown'],
        [4, 'Z-9', 'notEnrolled'],
        [5, 'A-1', 'repeated'],
        [6, 'B-2', 'badScore'],
        [7, 'C-3', 'badScore'],
        [8, 'C-3', 'repeated'],
      ]);
      const text = visibleText(res.text);
      expect(text).to.include('Nothing was saved: rows refused: 6.');
      expect(text).to.include('Bad score: Post-test, Use at most one decimal, e.g. 72.5.');
      expect(await AssessmentScore.countDocuments({ session: s.session._id })).to.equal(0);
    });

    it('refuses a score for a test the module does not have', async () => {
      const s = await setting({ hasPreTest: false, hasPostTest: true });
      const res = await upload(await as(s, 'trainer'), s, 'service;pre;post\nA-1;40;70\n');
      expect(res.status).to.equal(422);
      expect(outcomes(res.text)).to.deep.equal([[2, 'A-1', 'noTest']]);
      expect(await AssessmentScore.countDocuments({ session: s.session._id })).to.equal(0);
    });

    it('refuses a file without a header, one that is not CSV, and one too large, beside the file box', async () => {
      const s = await setting();
      const agent = await as(s, 'trainer');
      const noHeader = await upload(agent, s, 'A-1,40,70\n');
      expect(noHeader.status).to.equal(422);
      expect(fieldError(noHeader.text, 'file')).to.equal(
        'The first row must be the header (service number, pre-test, post-test).',
      );
      const notCsv = await upload(agent, s, 'service,pre,post\nA-1,1,2\n', 'scores.pdf');
      expect(fieldError(notCsv.text, 'file')).to.equal('This is not a CSV file.');
      const large = await upload(agent, s, `service,pre,post\n${'A-1,1,2\n'.repeat(40_000)}`);
      expect(large.status).to.equal(422);
      expect(fieldError(large.text, 'file')).to.equal('The file is larger than 256 kB.');
      const rows = await upload(agent, s, `service,pre,post\n${'A-1,1,2\n'.repeat(1001)}`);
      expect(fieldError(rows.text, 'file')).to.equal('The file has more than 1000 rows.');
      expect(await AssessmentScore.countDocuments({ session: s.session._id })).to.equal(0);
    });
  });

  describe('the session page', () => {
    it('shows the knowledge gain to the trainer and the coordinator, not to staff', async () => {
      const s = await setting();
      const { a, b } = s.people;
      await post(await as(s, 'trainer'), s.url, {
        [box('pre', a)]: '40',
        [box('post', a)]: '70',
        [box('pre', b)]: '60',
        [box('post', b)]: '50',
      });
      for (const who of ['trainer', 'coordinator'] as const) {
        const page = await (await as(s, who)).get(`/sessions/${s.id}`);
        const text = visibleText(page.text);
        expect(text, who).to.match(/Knowledge gain|Assessment/);
        expect(text, who).to.match(/Mean gain \(points\)\s*\+10/);
        expect(text, who).to.match(/Share who improved\s*50%/);
        expect(page.text).to.include(`href="${s.url}"`);
      }
      const staffPage = await (await as(s, 'staff')).get(`/sessions/${s.id}`);
      expect(staffPage.status).to.equal(200);
      expect(staffPage.text).not.to.include(s.url);
      expect(visibleText(staffPage.text)).not.to.include('Mean gain');
    });

    it('shows the page in Arabic with the panel translated', async () => {
      const s = await setting();
      const arabic = await buildUser({ roles: ['trainer'], institution: s.institutions.academy, language: 'ar' });
      await TrainingSession.updateOne(
        { _id: s.session._id },
        { $push: { trainers: { person: arabic._id, lead: false } } },
      );
      const agent = await signIn(app, arabic.email!);
      const page = await agent.get(s.url);
      expect(page.status).to.equal(200);
      expect(page.text).to.include('dir="rtl"');
      expect(visibleText(page.text)).to.include('اكتساب المعرفة');
      expectNoMissingTranslations(page.text);
    });
  });

  describe('the rules a session goes by', () => {
    it('are its module version’s, kept in the snapshot, not the module’s current ones', async () => {
      const s = await setting();
      await ModuleVersion.create({
        module: s.modules.tested._id,
        version: 1,
        content: { passMark: 50, hasPreTest: false, hasPostTest: true },
      });
      expect(await assessmentRules(s.session)).to.deep.equal({ hasPreTest: false, hasPostTest: true, passMark: 50 });
      // no snapshot of the session's version: the module's current rules
      await TrainingSession.updateOne({ _id: s.session._id }, { $set: { moduleVersion: 2 } });
      const later = await TrainingSession.findById(s.session._id).orFail();
      expect(await assessmentRules(later)).to.deep.equal({ hasPreTest: true, hasPostTest: true, passMark: 60 });
    });
  });

  describe('the module form', () => {
    it('saves the tests, shows them on the module page, and refuses a pass mark without a post-test', async () => {
      const s = await setting();
      const agent = await as(s, 'coordinator');
      const fields = {
        code: 'ASSESS-1',
        title: 'Assessed',
        summary: '',
        objectives: 'One',
        hours: '6',
        deliveryMode: 'classroom',
        audience: '',
        passMark: '70',
        attendanceThreshold: '80',
        certificateValidityMonths: '0',
        tags: '',
        languages: ['en'],
        institution: s.institutions.academy.id,
        hasPreTest: 'on',
      };
      const refused = await post(agent, '/modules', fields);
      expect(refused.status).to.equal(422);
      expect(fieldError(refused.text, 'passMark')).to.equal(
        'A pass mark needs a post-test: tick “Post-test” or leave the pass mark empty.',
      );
      expect(refused.text).to.match(/name="hasPreTest" id="hasPreTest" checked/);
      expect(await TrainingModule.countDocuments({ code: 'ASSESS-1' })).to.equal(0);
      const saved = await post(agent, '/modules', { ...fields, hasPostTest: 'on' });
      expect(saved.status).to.equal(303);
      const module = await TrainingModule.findOne({ code: 'ASSESS-1' }).orFail();
      expect({ pre: module.hasPreTest, post: module.hasPostTest, mark: module.passMark }).to.deep.equal({
        pre: true,
        post: true,
        mark: 70,
      });
      const page = await agent.get(saved.headers.location!);
      expect(visibleText(page.text)).to.include('Pre-test and post-test');
      const edit = await agent.get(`${saved.headers.location!}/edit`);
      expect(edit.text).to.match(/name="hasPostTest" id="hasPostTest" checked/);
    });
  });
});
