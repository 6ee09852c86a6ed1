import { expect } from 'chai';
import type { Express } from 'express';
import type { Types } from 'mongoose';
import { AttendanceMark } from '../src/attendance/attendance-mark.model.ts';
import { CompletionRecord } from '../src/completions/completion-record.model.ts';
import { completionFollowUps } from '../src/completions/issuing.service.ts';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { enrolInManaged } from '../src/enrolments/enrolments.service.ts';
import { ModuleVersion } from '../src/modules/module-version.model.ts';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import { toActor } from '../src/people/people.service.ts';
import { Person } from '../src/people/person.model.ts';
import { TrainerQualification } from '../src/qualifications/trainer-qualification.model.ts';
import { closeSession } from '../src/results/results.service.ts';
import { TrainingSession } from '../src/sessions/training-session.model.ts';
import { cascadeOf } from '../src/trainer-chain/chain-rules.ts';
import { buildApp } from './support/context.ts';
import { buildTrainingSession, daysFromNow } from './support/factories.ts';
import { csrfToken, formBody, post, signIn, type Agent } from './support/http.ts';
import { chainWorld, completion, heldSession, threeGenerations, type ChainWorld } from './support/trainer-chain.ts';
import {
  checkedValues,
  expectLabelledControls,
  expectNoMissingTranslations,
  fieldError,
  links,
  visibleText,
} from './page-helpers.ts';
import request from 'supertest';

// The trainer chain (issue 13, item 8; decision 0016): a training of trainers qualifies its
// completers to deliver modules; a coordinator grants the qualification from a completion, and
// it keeps who certified the trainer, when and in which session; a trainer's page counts the
// sessions they delivered, the hours they taught and the people they trained; a module's page
// shows its cascade by generation and country.

type Who = keyof ChainWorld['people'];

describe('the trainer chain', () => {
  let app: Express;
  let w: ChainWorld;
  before(async () => {
    app = await buildApp();
  });
  beforeEach(async () => {
    w = await chainWorld();
  });
  const as = (who: Who): Promise<Agent> => signIn(app, w.people[who].email!);
  const id = (record: { _id: Types.ObjectId }) => record._id.toHexString();

  describe('a training of trainers', () => {
    const moduleForm = (fields: Record<string, string | string[]> = {}) => ({
      code: 'TOT-HR',
      title: 'Training of human rights trainers',
      summary: '',
      objectives: 'Teach the module.',
      hours: '16',
      deliveryMode: 'classroom',
      audience: '',
      passMark: '',
      attendanceThreshold: '80',
      certificateValidityMonths: '0',
      tags: '',
      languages: ['en'],
      institution: id(w.institutions.almaty),
      ...fields,
    });

    it('names the modules its completers may be granted, on its form and its page, without a new version', async () => {
      const coordinator = await as('coordinator');
      const form = await coordinator.get('/modules/new').expect(200);
      expectNoMissingTranslations(form.text);
      expect(visibleText(form.text)).to.include('Qualifies to deliver');
      expect(visibleText(form.text)).to.include('PVE-01 · Preventing violent extremism');

      const created = await post(coordinator, '/modules', moduleForm({ qualifiesFor: [id(w.modules.other)] }));
      expect(created.status, created.text.slice(0, 500)).to.equal(303);
      const module = await TrainingModule.findOne({ code: 'TOT-HR' }).orFail();
      expect(module.qualifiesFor.map(String)).to.deep.equal([id(w.modules.other)]);
      const page = await coordinator.get(`/modules/${module.id as string}`).expect(200);
      expect(visibleText(page.text)).to.include('Qualifies to deliver HR-01 · Human rights');
      expect(links(page.text), 'no cascade for a draft').not.to.include(`/modules/${module.id as string}/cascade`);
      const edit = await coordinator.get(`/modules/${module.id as string}/edit`).expect(200);
      expect(checkedValues(edit.text, 'qualifiesFor')).to.deep.equal([id(w.modules.other)]);

      // published, then changed: a recognition rule, not content, so the version stays
      await TrainingModule.updateOne({ _id: module._id }, { $set: { status: 'published' } });
      const changed = await post(
        coordinator,
        `/modules/${module.id as string}`,
        moduleForm({ qualifiesFor: [id(w.modules.other), id(w.modules.pve)], revision: String(module.__v) }),
      );
      expect(changed.status, changed.text.slice(0, 500)).to.equal(303);
      const after = await TrainingModule.findById(module._id).orFail();
      expect(after.qualifiesFor.map(String).sort()).to.deep.equal([id(w.modules.other), id(w.modules.pve)].sort());
      expect(after.version).to.equal(1);
      const published = await coordinator.get(`/modules/${module.id as string}`).expect(200);
      expect(links(published.text)).to.include(`/modules/${module.id as string}/cascade`);
    });

    it('refuses itself, and a module that is not published or not in sight', async () => {
      const coordinator = await as('coordinator');
      const draft = await TrainingModule.create({
        code: 'DRAFT-1',
        title: 'A draft',
        hours: 1,
        status: 'draft',
        institution: w.institutions.elsewhere._id,
        country: w.countries.kz._id,
      });
      const refused = await post(coordinator, '/modules', moduleForm({ qualifiesFor: [id(draft)] }));
      expect(refused.status).to.equal(422);
      expect(fieldError(refused.text, 'qualifiesFor')).to.equal(
        'One of the chosen modules cannot be chosen: only published modules you can see.',
      );
      expect(checkedValues(refused.text, 'qualifiesFor')).to.deep.equal([]);

      const own = await post(
        coordinator,
        `/modules/${id(w.modules.other)}`,
        moduleForm({ code: 'HR-01', title: 'Human rights', qualifiesFor: [id(w.modules.other)] }),
      );
      expect(own.status).to.equal(422);
      expect(fieldError(own.text, 'qualifiesFor')).to.equal(
        'A module cannot qualify its own completers to deliver it.',
      );
      expect((await TrainingModule.findById(w.modules.other._id).orFail()).qualifiesFor).to.have.length(0);
    });
  });

  describe('granting a qualification from a completion', () => {
    it('grants from a closed training of trainers, keeping who certified the trainer, when and in which session', async () => {
      // Bolat completes TOT-PVE led by the master, in a session closed the way coordinators close them
      await TrainingModule.updateOne(
        { _id: w.modules.tot._id },
        { $set: { attendanceThreshold: 80, hasPostTest: false, passMark: null } },
      );
      const admin = toActor(
        (await Person.findById(w.people.admin._id).lean().orFail()) as Parameters<typeof toActor>[0],
      );
      const days = [
        { date: daysFromNow(-4), start: '09:00', end: '17:00' },
        { date: daysFromNow(-3), start: '09:00', end: '17:00' },
      ];
      const tot = await buildTrainingSession({
        venue: w.institutions.almaty,
        module: w.modules.tot,
        trainers: [w.people.master, w.people.otherTrainer],
        days,
        status: 'in_progress',
      });
      expect(await enrolInManaged(admin, tot, id(w.people.kzTrainer), 'coordinator')).to.equal('enrolled');
      const enrolment = await Enrolment.findOne({ session: tot._id }).orFail();
      for (const day of tot.days) {
        await AttendanceMark.create({
          session: tot._id,
          date: day.date,
          person: w.people.kzTrainer._id,
          enrolment: enrolment._id,
          status: 'present',
          markedBy: w.people.master._id,
          markedAt: new Date(),
        });
      }
      await closeSession(admin, id(tot), { outcomes: {}, reasons: {} }, { followUps: completionFollowUps });
      const record = await CompletionRecord.findOne({ person: w.people.kzTrainer._id }).orFail();

      const coordinator = await as('coordinator');
      const grantPage = `/people/${id(w.people.kzTrainer)}/qualifications/grant`;
      const listed = await coordinator.get(grantPage).expect(200);
      expectNoMissingTranslations(listed.text);
      expectLabelledControls(listed.text);
      const text = visibleText(listed.text);
      expect(text).to.include('TOT-PVE · Training of PVE trainers');
      expect(text).to.include('Aigerim Master');
      expect(text).to.include('PVE-01 · Preventing violent extremism Grant PVE-01');

      const granted = await post(coordinator, grantPage, { record: record.id as string, module: id(w.modules.pve) });
      expect(granted.status).to.equal(303);
      expect(granted.headers.location).to.equal(grantPage);
      const back = await coordinator.get(grantPage).expect(200);
      expect(visibleText(back.text)).to.include(
        'Bolat Second is now qualified to deliver Preventing violent extremism.',
      );
      expect(visibleText(back.text)).to.include('PVE-01 · Preventing violent extremism Already qualified');

      const qualification = await TrainerQualification.findOne({ trainer: w.people.kzTrainer._id }).lean().orFail();
      expect(qualification.module.toHexString()).to.equal(id(w.modules.pve));
      expect(qualification.fromRecord?.toHexString()).to.equal(record.id);
      expect(qualification.fromSession?.toHexString()).to.equal(id(tot));
      expect(qualification.fromModule?.toHexString()).to.equal(id(w.modules.tot));
      expect(qualification.certifiedBy?.toHexString(), 'the lead trainer').to.equal(id(w.people.master));
      expect(qualification.recordedBy?.toHexString()).to.equal(id(w.people.coordinator));
      expect(qualification.qualifiedOn.toISOString().slice(0, 10)).to.equal(days[1]!.date);

      const certified = 'Certified by Aigerim Master on completing TOT-PVE.';
      const qualifications = await coordinator.get(`/people/${id(w.people.kzTrainer)}/qualifications`).expect(200);
      expectNoMissingTranslations(qualifications.text);
      expect(visibleText(qualifications.text)).to.include(certified);
      expect(links(qualifications.text)).to.include(`/sessions/${id(tot)}`);
      const trainerPage = await (await as('kzTrainer')).get(`/trainers/${id(w.people.kzTrainer)}`).expect(200);
      expect(visibleText(trainerPage.text)).to.include(
        `PVE-01 · Preventing violent extremism ${days[1]!.date} ${certified}`,
      );
      const masterPage = await coordinator.get(`/trainers/${id(w.people.master)}`).expect(200);
      expect(visibleText(masterPage.text)).to.include('Trainers they certified (1)');
      expect(visibleText(masterPage.text)).to.include('Bolat Second PVE-01 · Preventing violent extremism');
    });

    describe('refusals, each told on the grant page, granting nothing', () => {
      async function refusal(agent: Agent, person: { _id: Types.ObjectId }, fields: Record<string, string>) {
        const page = `/people/${id(person)}/qualifications/grant`;
        const before = await TrainerQualification.countDocuments();
        const res = await post(agent, page, fields);
        expect(res.status, res.text.slice(0, 300)).to.equal(303);
        expect(res.headers.location).to.equal(page);
        const shown = visibleText((await agent.get(page).expect(200)).text);
        expect(await TrainerQualification.countDocuments(), 'qualifications').to.equal(before);
        return shown;
      }
      let totRecord: Awaited<ReturnType<typeof completion>>;
      beforeEach(async () => {
        const session = await heldSession(w.institutions.almaty, w.modules.tot, [w.people.master]);
        totRecord = await completion(w.people.kzTrainer, session, w.modules.tot);
      });

      it('a module the training does not qualify for', async () => {
        const coordinator = await as('coordinator');
        const shown = await refusal(coordinator, w.people.kzTrainer, {
          record: totRecord.id as string,
          module: id(w.modules.other),
        });
        expect(shown).to.include('A completion of TOT-PVE does not qualify for this module.');
        // nor does a completion of a module that is no training of trainers
        const pve = await heldSession(w.institutions.almaty, w.modules.pve, [w.people.master]);
        const pveRecord = await completion(w.people.kzTrainer, pve, w.modules.pve);
        const again = await refusal(coordinator, w.people.kzTrainer, {
          record: pveRecord.id as string,
          module: id(w.modules.pve),
        });
        expect(again).to.include('A completion of PVE-01 does not qualify for this module.');
      });

      it('a revoked record, an expired one, and one that was not completed', async () => {
        const coordinator = await as('coordinator');
        const cases: [Parameters<typeof completion>[3], string][] = [
          [{ status: 'revoked' }, 'revoked'],
          [{ expiresAt: new Date(Date.now() - 86_400_000) }, 'expired'],
          [{ result: 'not_completed' }, 'not completed'],
        ];
        for (const [options, what] of cases) {
          await CompletionRecord.deleteMany({});
          const session = await heldSession(w.institutions.almaty, w.modules.tot, [w.people.master]);
          const record = await completion(w.people.kzTrainer, session, w.modules.tot, options);
          const listed = visibleText(
            (await coordinator.get(`/people/${id(w.people.kzTrainer)}/qualifications/grant`)).text,
          );
          expect(listed, what).to.include('No completion of a training of trainers stands now.');
          const shown = await refusal(coordinator, w.people.kzTrainer, {
            record: record.id as string,
            module: id(w.modules.pve),
          });
          expect(shown, what).to.include(
            'The completion of TOT-PVE does not stand now (revoked, withdrawn, superseded, expired or not completed): it qualifies nobody.',
          );
        }
      });

      it('a person who does not hold the trainer role, who is shown the completion but no button', async () => {
        const session = await heldSession(w.institutions.almaty, w.modules.tot, [w.people.master]);
        const record = await completion(w.people.staff, session, w.modules.tot);
        const coordinator = await as('coordinator');
        const page = await coordinator.get(`/people/${id(w.people.staff)}/qualifications/grant`).expect(200);
        expectNoMissingTranslations(page.text);
        expect(visibleText(page.text)).to.include('TOT-PVE · Training of PVE trainers');
        expect(page.text).not.to.include('name="record"');
        const shown = await refusal(coordinator, w.people.staff, {
          record: record.id as string,
          module: id(w.modules.pve),
        });
        expect(shown).to.include(
          'Saule Staff does not hold the trainer role: give it on their profile first, then grant the qualification.',
        );
      });

      it('a qualification already held, however it was recorded', async () => {
        await TrainerQualification.create({
          trainer: w.people.kzTrainer._id,
          module: w.modules.pve._id,
          qualifiedOn: new Date('2025-01-01T00:00:00Z'),
          recordedBy: w.people.admin._id,
        });
        const coordinator = await as('coordinator');
        const page = visibleText(
          (await coordinator.get(`/people/${id(w.people.kzTrainer)}/qualifications/grant`)).text,
        );
        expect(page).to.include('PVE-01 · Preventing violent extremism Already qualified');
        const shown = await refusal(coordinator, w.people.kzTrainer, {
          record: totRecord.id as string,
          module: id(w.modules.pve),
        });
        expect(shown).to.include('This qualification is already recorded.');
        expect((await TrainerQualification.findOne().lean().orFail()).fromRecord).to.equal(undefined);
      });

      it("someone else's record is not there (404), and a malformed form is refused", async () => {
        const coordinator = await as('coordinator');
        const grant = `/people/${id(w.people.ugTrainer)}/qualifications/grant`;
        const admin = await as('admin');
        expect(
          (await post(admin, grant, { record: totRecord.id as string, module: id(w.modules.pve) })).status,
        ).to.equal(404);
        expect(
          (
            await post(coordinator, `/people/${id(w.people.kzTrainer)}/qualifications/grant`, {
              record: 'x',
              module: id(w.modules.pve),
            })
          ).status,
        ).to.equal(422);
        expect(await TrainerQualification.countDocuments()).to.equal(0);
      });
    });
  });

  describe("a trainer's page", () => {
    it('counts the sessions delivered, the hours taught as delivered and the people trained', async () => {
      const trainer = w.people.master;
      const { almaty, partner } = w.institutions;
      const { pve, tot } = w.modules;
      const p = w.people;
      // led, version 1 of PVE-01 (6 hours): Dana completed, Ermek's record was revoked, Saule did not complete
      const led = await heldSession(almaty, pve, [trainer], { daysAgo: 50 });
      await completion(p.s1, led, pve);
      await completion(p.s2, led, pve, { status: 'revoked' });
      await completion(p.staff, led, pve, { result: 'not_completed' });
      // co-trained, version 2 (8 hours): Dana again (her first record since superseded) and Farida
      await ModuleVersion.create({ module: pve._id, version: 2, content: { title: pve.title, hours: 8 } });
      const co = await heldSession(partner, pve, [p.kzTrainer, trainer], { daysAgo: 20 });
      await TrainingSession.updateOne({ _id: co._id }, { $set: { moduleVersion: 2 } });
      await completion(p.s1, co, pve, { status: 'superseded' });
      await completion(p.s3, co, pve);
      // led TOT-PVE (24 hours), ended but not closed yet: its hours count, its people not yet
      await heldSession(almaty, tot, [trainer], { daysAgo: 2, closed: false, status: 'in_progress' });
      // neither a cancelled session, a draft, nor one not yet held
      const cancelled = await heldSession(almaty, pve, [trainer], { daysAgo: 5, closed: false });
      await TrainingSession.updateOne({ _id: cancelled._id }, { $set: { status: 'cancelled' } });
      const draft = await heldSession(almaty, pve, [trainer], { daysAgo: 6, closed: false });
      await TrainingSession.updateOne({ _id: draft._id }, { $set: { status: 'draft' } });
      await buildTrainingSession({ venue: almaty, module: pve, trainers: [trainer], date: daysFromNow(7) });
      // taught by someone else: not hers
      const others = await heldSession(almaty, pve, [p.otherTrainer], { daysAgo: 8 });
      await completion(p.s2, others, pve);

      const page = await (await as('master')).get(`/trainers/${id(trainer)}`).expect(200);
      expectNoMissingTranslations(page.text);
      const text = visibleText(page.text);
      expect(text).to.include('Trainer record: Aigerim Master');
      expect(text).to.include('Sessions delivered 3 Hours taught 38 hours People trained 2');
      expect(text).to.include('Sessions they delivered 3 results');
      expect(text).to.include(
        `TOT-PVE · Training of PVE trainers Almaty Academy Lead trainer 24 Results not confirmed yet`,
      );
      expect(text).to.include('PVE-01 · Preventing violent extremism Partner Prison Co-trainer 8 2');
      expect(text).to.include('PVE-01 · Preventing violent extremism Almaty Academy Lead trainer 6 1');
      expect(links(page.text)).to.include(`/sessions/${id(led)}`);
    });

    it('pages the sessions delivered 25 at a time, newest first', async () => {
      for (let i = 0; i < 26; i++)
        await heldSession(w.institutions.almaty, w.modules.pve, [w.people.master], { daysAgo: 30 + i });
      const coordinator = await as('coordinator');
      const first = visibleText((await coordinator.get(`/trainers/${id(w.people.master)}`).expect(200)).text);
      expect(first).to.include('Sessions delivered 26 Hours taught 156 hours');
      expect(first).to.include('26 results');
      expect(first).to.include('Page 1 of 2');
      const second = await coordinator.get(`/trainers/${id(w.people.master)}?page=2`).expect(200);
      expect(visibleText(second.text)).to.include('Page 2 of 2');
      expect(visibleText(second.text)).to.include(daysFromNow(-55));
      expect(visibleText(second.text)).not.to.include(daysFromNow(-30));
    });
  });

  describe("a module's cascade", () => {
    it('shows three generations below the master, across two countries, with their counts', async () => {
      await threeGenerations(w);
      const page = await (await as('admin')).get(`/modules/${id(w.modules.pve)}/cascade`).expect(200);
      expectNoMissingTranslations(page.text);
      const text = visibleText(page.text);
      expect(text).to.include('Cascade of Preventing violent extremism');
      expect(text).to.include('Its trainers are trained through: TOT-PVE · Training of PVE trainers');
      expect(text).to.include('Trainers 4 Participants trained 6');
      const generation = (n: number) => {
        const from = text.indexOf(n === 0 ? 'Generation 0: the first trainers' : `Generation ${n}`);
        const to = text.indexOf(`Generation ${n + 1}`);
        expect(from, `generation ${n}`).to.be.greaterThan(-1);
        return text.slice(from, to === -1 ? undefined : to);
      };
      const zero = generation(0);
      expect(zero).to.include('Trainers: 1. Participants trained: 0.');
      expect(zero).to.include('Kazakhstan 1 0');
      expect(zero).to.include('Aigerim Master Kazakhstan Qualification recorded by hand 2');
      const one = generation(1);
      expect(one).to.include('Trainers: 2. Participants trained: 2.');
      expect(one).to.include('Kazakhstan 1 2 Uganda 1 0');
      expect(one).to.include('Bolat Second Kazakhstan Certified by Aigerim Master 1');
      expect(one).to.include('Grace Second Uganda Certified by Aigerim Master 2');
      const two = generation(2);
      expect(two).to.include('Trainers: 1. Participants trained: 3.');
      expect(two).to.include('Kazakhstan 0 1 Uganda 1 2');
      expect(two).to.include('Joseph Third Uganda Certified by Grace Second 1');
      const three = generation(3);
      expect(three).to.include('Trainers: 0. Participants trained: 1.');
      expect(three).to.include('Uganda 0 1');
      expect(text).not.to.include('Generation 4');
      expect(links(page.text)).to.include(`/trainers/${id(w.people.ugThird)}`);
    });

    it('names only the trainers a coordinator sees, and links only the records they may open', async () => {
      await threeGenerations(w);
      const page = await (await as('outsideCoordinator')).get(`/modules/${id(w.modules.pve)}/cascade`).expect(200);
      const text = visibleText(page.text);
      expect(text).to.include('Trainers 4 Participants trained 6');
      expect(text).not.to.include('Aigerim Master');
      expect(text).to.include('A trainer outside your scope Uganda Certified by someone outside your scope');
      expect(links(page.text).filter((l) => l.startsWith('/trainers/'))).to.deep.equal([]);
      const own = await (await as('coordinator')).get(`/modules/${id(w.modules.pve)}/cascade`).expect(200);
      expect(visibleText(own.text)).to.include('Bolat Second');
      expect(links(own.text)).to.include.members([
        `/trainers/${id(w.people.master)}`,
        `/trainers/${id(w.people.kzTrainer)}`,
      ]);
      expect(links(own.text)).not.to.include(`/trainers/${id(w.people.ugTrainer)}`);
    });

    it('says when no trainer is recorded', async () => {
      const page = await (await as('coordinator')).get(`/modules/${id(w.modules.other)}/cascade`).expect(200);
      expect(visibleText(page.text)).to.include('No trainer is recorded for this module yet.');
    });
  });

  describe('the cascade rules', () => {
    const q = (trainer: string, certifiedBy?: string) => ({ trainer, certifiedBy });
    it('stops at the deepest generation and counts the people beyond', () => {
      const chain = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
      const { nodes, beyond } = cascadeOf({
        qualifications: chain.map((t, i) => q(t, i === 0 ? undefined : chain[i - 1])),
        sessions: [],
        trainings: [],
        maxGeneration: 5,
      });
      expect(nodes.map((n) => [n.person, n.generation])).to.deep.equal(chain.slice(0, 6).map((t, i) => [t, i]));
      expect(beyond).to.equal(2);
    });

    it('places each person once, at the first generation that reaches them', () => {
      const { nodes } = cascadeOf({
        qualifications: [q('m'), q('t', 'm')],
        sessions: [
          { id: 's1', trainers: ['m'] },
          { id: 's2', trainers: ['t'] },
        ],
        trainings: [
          { person: 'p', session: 's2', country: 'UG' },
          { person: 'p', session: 's1', country: 'KZ' },
          { person: 't', session: 's1', country: 'KZ' },
        ],
      });
      const at = Object.fromEntries(nodes.map((n) => [n.person, [n.generation, n.how, n.from, n.trainedIn ?? '']]));
      expect(at).to.deep.equal({
        m: [0, 'root', undefined, ''],
        t: [1, 'certified', 'm', ''],
        p: [1, 'trained', 'm', 'KZ'],
      });
    });

    it('starts a line for a circle of certifications and for someone teaching without a qualification', () => {
      const { nodes, beyond } = cascadeOf({
        qualifications: [q('x', 'y'), q('y', 'x')],
        sessions: [{ id: 's', trainers: ['u'] }],
        trainings: [{ person: 'p', session: 's', country: 'KZ' }],
      });
      const at = Object.fromEntries(nodes.map((n) => [n.person, [n.generation, n.qualified]]));
      expect(at).to.deep.equal({ u: [0, false], x: [0, true], y: [1, true], p: [1, false] });
      expect(beyond).to.equal(0);
    });
  });

  describe('who may open what', () => {
    type Role = Who | 'anonymous';
    type Expected = Partial<Record<Role, number>>;
    async function answers(method: 'GET' | 'POST', path: string, fields: Record<string, string> = {}) {
      const found: Expected = {};
      // s3 is staff of the trainer's own institution (Partner), staff of Almaty does not see them, u1 is in Uganda
      const roles: Role[] = [
        'admin',
        'coordinator',
        'outsideCoordinator',
        'kzTrainer',
        'otherTrainer',
        's3',
        'staff',
        'u1',
        'anonymous',
      ];
      for (const role of roles) {
        const agent = role === 'anonymous' ? request.agent(app) : await as(role);
        if (method === 'GET') {
          found[role] = (await agent.get(path)).status;
        } else {
          const token = await csrfToken(agent, role === 'anonymous' ? '/login' : '/account');
          found[role] = (
            await agent
              .post(path)
              .type('form')
              .send(formBody({ _csrf: token, ...fields }))
          ).status;
        }
      }
      return found;
    }

    it("a trainer's page: admins, coordinators in scope and the trainer themself", async () => {
      expect(await answers('GET', `/trainers/${id(w.people.kzTrainer)}`)).to.deep.equal({
        admin: 200,
        coordinator: 200,
        outsideCoordinator: 404,
        kzTrainer: 200,
        otherTrainer: 404,
        s3: 403,
        staff: 404,
        u1: 404,
        anonymous: 303,
      });
    });

    it('the grant page and the grant: admins and coordinators in scope', async () => {
      const session = await heldSession(w.institutions.almaty, w.modules.tot, [w.people.master]);
      const record = await completion(w.people.kzTrainer, session, w.modules.tot);
      const path = `/people/${id(w.people.kzTrainer)}/qualifications/grant`;
      expect(await answers('GET', path)).to.deep.equal({
        admin: 200,
        coordinator: 200,
        outsideCoordinator: 404,
        kzTrainer: 403,
        otherTrainer: 404,
        s3: 403,
        staff: 404,
        u1: 404,
        anonymous: 303,
      });
      const fields = { record: record.id as string, module: id(w.modules.pve) };
      const posted = await answers('POST', path, fields);
      // the admin grants first; the coordinator is then told it is already recorded (303 back)
      expect(posted).to.deep.equal({
        admin: 303,
        coordinator: 303,
        outsideCoordinator: 404,
        kzTrainer: 403,
        otherTrainer: 404,
        s3: 403,
        staff: 404,
        u1: 404,
        anonymous: 401,
      });
      expect(await TrainerQualification.countDocuments()).to.equal(1);
    });

    it("a module's cascade: admins and coordinators who see the module", async () => {
      expect(await answers('GET', `/modules/${id(w.modules.other)}/cascade`)).to.deep.equal({
        admin: 200,
        coordinator: 200,
        outsideCoordinator: 200,
        kzTrainer: 403,
        otherTrainer: 403,
        s3: 403,
        staff: 403,
        u1: 404,
        anonymous: 303,
      });
      const draft = await TrainingModule.create({
        code: 'DRAFT-2',
        title: 'Draft',
        hours: 1,
        institution: w.institutions.almaty._id,
        country: w.countries.kz._id,
      });
      const drafts = await answers('GET', `/modules/${id(draft)}/cascade`);
      expect([drafts.admin, drafts.coordinator, drafts.outsideCoordinator, drafts.kzTrainer]).to.deep.equal([
        200, 200, 404, 404,
      ]);
    });

    it('people pages link a trainer to their record, their qualifications and the grant', async () => {
      const coordinator = await as('coordinator');
      const person = await coordinator.get(`/people/${id(w.people.kzTrainer)}`).expect(200);
      expect(links(person.text)).to.include.members([
        `/trainers/${id(w.people.kzTrainer)}`,
        `/people/${id(w.people.kzTrainer)}/qualifications`,
        `/people/${id(w.people.kzTrainer)}/qualifications/grant`,
      ]);
      const staff = await coordinator.get(`/people/${id(w.people.staff)}`).expect(200);
      expect(links(staff.text)).to.include(`/people/${id(w.people.staff)}/qualifications/grant`);
      expect(links(staff.text)).not.to.include(`/trainers/${id(w.people.staff)}`);
      const teaching = await (await as('kzTrainer')).get('/my-teaching').expect(200);
      expect(links(teaching.text)).to.include(`/trainers/${id(w.people.kzTrainer)}`);
    });
  });
});
