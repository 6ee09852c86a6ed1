import { expect } from 'chai';
import type { Express } from 'express';
import type { TFunction } from 'i18next';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { missingPrerequisites } from '../src/transcripts/prerequisites.service.ts';
import { buildApp, testI18n } from './support/context.ts';
import { buildRecord } from './support/completion-records.ts';
import { buildModule, buildTrainingSession } from './support/factories.ts';
import { post, signIn, type Agent } from './support/http.ts';
import { buildWorld } from './support/world.ts';
import { expectLabelledControls, expectNoMissingTranslations, fieldError, links, visibleText } from './page-helpers.ts';

// A module's prerequisites at enrolment (issue 13, item 7), from completion records: a
// prerequisite is knowledge, not a licence, so a completion counts whether valid, expired or
// superseded; a revoked one does not, nor one not completed. Staff who lack one are refused with
// the modules named and linked; a coordinator is warned and may enrol them anyway with a reason,
// which the enrolment keeps. A module without prerequisites is unaffected.

const YEAR_AGO = new Date(Date.now() - 365 * 86_400_000);

async function world() {
  const w = await buildWorld({
    countries: { kz: { timeZone: 'Asia/Almaty' } },
    institutions: { academy: { country: 'kz', name: 'Almaty Academy' } },
    people: {
      admin: { roles: ['admin'], at: null },
      coordinator: { roles: ['coordinator'], at: 'academy' },
      learner: { roles: ['staff'], at: 'academy', fullName: 'Berik Learner' },
      ready: { roles: ['staff'], at: 'academy', fullName: 'Dana Ready' },
      revoked: { roles: ['staff'], at: 'academy', fullName: 'Erlan Revoked' },
    },
    modules: {
      basics: { owner: 'academy', status: 'published', code: 'BAS-1', title: 'Basics of custody' },
      law: { owner: 'academy', status: 'published', code: 'LAW-1', title: 'Law of detention' },
      plain: { owner: 'academy', status: 'published', code: 'PLN-1', title: 'First aid' },
    },
  });
  const { basics, law } = w.modules;
  const academy = w.institutions.academy;
  const advancedModule = await buildModule({
    institution: academy,
    status: 'published',
    code: 'ADV-2',
    title: 'Advanced interviewing',
    prerequisites: [basics._id, law._id],
  });
  const sessions = {
    advanced: await buildTrainingSession({ venue: academy, module: advancedModule }),
    plain: await buildTrainingSession({ venue: academy, module: w.modules.plain }),
  };
  // ready: one prerequisite expired, the other superseded by a later completion that was revoked
  await buildRecord(w.people.ready, basics, academy, { startedOn: '2022-01-10', expiresAt: YEAR_AGO });
  await buildRecord(w.people.ready, law, academy, { startedOn: '2023-01-10', status: 'superseded' });
  await buildRecord(w.people.ready, law, academy, { startedOn: '2024-01-10', status: 'revoked' });
  // revoked: basics revoked, law valid
  await buildRecord(w.people.revoked, basics, academy, { startedOn: '2025-01-10', status: 'revoked' });
  await buildRecord(w.people.revoked, law, academy, { startedOn: '2025-02-10' });
  // learner: basics not completed, law withdrawn (its session reopened)
  await buildRecord(w.people.learner, basics, academy, { startedOn: '2025-03-10', result: 'not_completed' });
  await buildRecord(w.people.learner, law, academy, { startedOn: '2025-03-20', status: 'withdrawn' });
  return { ...w, advancedModule, sessions };
}
type World = Awaited<ReturnType<typeof world>>;
type Role = keyof World['people'];

describe('prerequisites at enrolment', function () {
  this.timeout(60_000);
  let app: Express;
  let w: World;
  let t: TFunction;
  const agents = new Map<string, Agent>();
  const as = async (role: Role) => {
    const key = `${role}:${w.people[role].id as string}`;
    if (!agents.has(key)) agents.set(key, await signIn(app, w.people[role].email!));
    return agents.get(key)!;
  };
  const enrolmentOf = (role: Role, session: keyof World['sessions']) =>
    Enrolment.findOne({ session: w.sessions[session]._id, person: w.people[role]._id }).lean();
  const sessionUrl = (session: keyof World['sessions']) => `/sessions/${w.sessions[session].id as string}`;

  before(async () => {
    app = await buildApp();
    t = (await testI18n()).getFixedT('en');
  });
  beforeEach(async () => {
    agents.clear();
    w = await world();
  });

  describe('a staff member enrolling themselves', () => {
    it('is offered no button but the modules to complete first, linked to the catalogue', async () => {
      const page = await (await as('learner')).get(sessionUrl('advanced'));
      expect(page.status).to.equal(200);
      const text = visibleText(page.text);
      expect(text).to.include(t('enrolments:prerequisites.needed'));
      expect(text).to.include('BAS-1 Basics of custody').and.include('LAW-1 Law of detention');
      expect(links(page.text)).to.include.members([
        `/catalogue/${w.modules.basics.id as string}`,
        `/catalogue/${w.modules.law.id as string}`,
      ]);
      expect(page.text).not.to.include(`action="${sessionUrl('advanced')}/enrolments/enrol"`);
      expectNoMissingTranslations(page.text);
    });

    it('is refused with the missing modules named, and nothing is enrolled (not completed and withdrawn records count for nothing)', async () => {
      const agent = await as('learner');
      const res = await post(agent, `${sessionUrl('advanced')}/enrolments/enrol`);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(sessionUrl('advanced'));
      const page = await agent.get(sessionUrl('advanced'));
      expect(visibleText(page.text)).to.include(
        t('enrolments:refused.prerequisites', { modules: 'BAS-1 Basics of custody, LAW-1 Law of detention' }),
      );
      expect(await enrolmentOf('learner', 'advanced')).to.equal(null);
    });

    it('does not count a revoked completion: only the module whose record was revoked is missing', async () => {
      const agent = await as('revoked');
      await post(agent, `${sessionUrl('advanced')}/enrolments/enrol`);
      const page = await agent.get(sessionUrl('advanced'));
      expect(visibleText(page.text)).to.include(
        t('enrolments:refused.prerequisites', { modules: 'BAS-1 Basics of custody' }),
      );
      expect(await enrolmentOf('revoked', 'advanced')).to.equal(null);
    });

    it('enrols someone whose prerequisites are done, an expired or superseded completion counting', async () => {
      const agent = await as('ready');
      const page = await agent.get(sessionUrl('advanced'));
      expect(page.text).to.include(`action="${sessionUrl('advanced')}/enrolments/enrol"`);
      await post(agent, `${sessionUrl('advanced')}/enrolments/enrol`);
      expect((await enrolmentOf('ready', 'advanced'))?.state).to.equal('enrolled');
    });

    it('leaves a module without prerequisites as it was', async () => {
      const agent = await as('learner');
      await post(agent, `${sessionUrl('plain')}/enrolments/enrol`);
      expect((await enrolmentOf('learner', 'plain'))?.state).to.equal('enrolled');
    });
  });

  describe('a coordinator enrolling someone', () => {
    const roster = (session: keyof World['sessions']) => `${sessionUrl(session)}/enrolments`;

    it('is warned with the missing modules and offered the override; nothing is enrolled yet', async () => {
      const res = await post(await as('coordinator'), roster('advanced'), { person: w.people.learner.id as string });
      expect(res.status).to.equal(422);
      const text = visibleText(res.text);
      expect(text).to.include(t('enrolments:prerequisites.warning'));
      expect(text).to.include(t('enrolments:prerequisites.lacks', { name: 'Berik Learner' }));
      expect(text).to.include('BAS-1 Basics of custody').and.include('LAW-1 Law of detention');
      expect(res.text).to.include('name="overrideReason"');
      expect(res.text).to.include(`<input type="hidden" name="person" value="${w.people.learner.id as string}">`);
      expect(await enrolmentOf('learner', 'advanced')).to.equal(null);
      expectLabelledControls(res.text);
      expectNoMissingTranslations(res.text);
    });

    it('refuses the override without a reason, with the message beside the reason', async () => {
      const coordinator = await as('coordinator');
      for (const reason of [undefined, '', '   ']) {
        const res = await post(coordinator, roster('advanced'), {
          person: w.people.learner.id as string,
          override: 'on',
          overrideReason: reason,
        });
        expect(res.status, String(reason)).to.equal(422);
        expect(fieldError(res.text, 'overrideReason')).to.equal(t('enrolments:prerequisites.reasonNeeded'));
        // the warning is still there, to give the reason in
        expect(visibleText(res.text)).to.include('LAW-1 Law of detention');
      }
      const long = await post(coordinator, roster('advanced'), {
        person: w.people.learner.id as string,
        override: 'on',
        overrideReason: 'x'.repeat(501),
      });
      expect(long.status).to.equal(422);
      expect(fieldError(long.text, 'overrideReason')).to.equal(t('validation.tooLong', { max: 500 }));
      expect(await enrolmentOf('learner', 'advanced')).to.equal(null);
    });

    it('enrols with a reason, which the enrolment keeps with who gave it and what was missing, and the roster shows', async () => {
      const coordinator = await as('coordinator');
      const res = await post(coordinator, roster('advanced'), {
        person: w.people.learner.id as string,
        override: 'on',
        overrideReason: 'Completed the same course abroad in 2024',
      });
      expect(res.status).to.equal(303);
      const enrolment = await enrolmentOf('learner', 'advanced');
      expect(enrolment?.state).to.equal('enrolled');
      expect(enrolment?.prerequisiteOverride?.reason).to.equal('Completed the same course abroad in 2024');
      expect(enrolment?.prerequisiteOverride?.by.toHexString()).to.equal(w.people.coordinator.id);
      expect(enrolment?.prerequisiteOverride?.missing.map((id) => id.toHexString()).sort()).to.deep.equal(
        [w.modules.basics.id as string, w.modules.law.id as string].sort(),
      );
      const page = await coordinator.get(roster('advanced'));
      expect(visibleText(page.text)).to.include(
        t('enrolments:prerequisites.overridden', { reason: 'Completed the same course abroad in 2024' }),
      );
    });

    it('enrols someone who has the prerequisites, or for a module without any, with no warning and no override kept', async () => {
      const coordinator = await as('coordinator');
      expect((await post(coordinator, roster('advanced'), { person: w.people.ready.id as string })).status).to.equal(
        303,
      );
      expect((await enrolmentOf('ready', 'advanced'))?.prerequisiteOverride).to.equal(undefined);
      // an override sent where none is needed is not kept either
      const plain = await post(coordinator, roster('plain'), {
        person: w.people.learner.id as string,
        override: 'on',
        overrideReason: 'not needed',
      });
      expect(plain.status).to.equal(303);
      expect((await enrolmentOf('learner', 'plain'))?.prerequisiteOverride).to.equal(undefined);
    });

    it('does not enrol from a list those who lack them: their row says so', async () => {
      const coordinator = await as('coordinator');
      const res = await post(coordinator, `${roster('advanced')}/bulk`, {
        people: [w.people.learner.id as string, w.people.ready.id as string],
      });
      expect(res.status).to.equal(303);
      const page = await coordinator.get(res.headers.location!);
      const text = visibleText(page.text);
      expect(text).to.include(`Berik Learner ${t('enrolments:outcomes.prerequisites')}`);
      expect(text).to.include(`Dana Ready ${t('enrolments:outcomes.enrolled')}`);
      expect(await enrolmentOf('learner', 'advanced')).to.equal(null);
      expect((await enrolmentOf('ready', 'advanced'))?.state).to.equal('enrolled');
    });
  });

  describe('the check', () => {
    it('names the prerequisites not completed, by code; none for a module without prerequisites or an unknown one', async () => {
      const missing = async (role: Role) =>
        (await missingPrerequisites(w.people[role].id as string, w.advancedModule.id as string)).map((m) => m.code);
      expect(await missing('learner')).to.deep.equal(['BAS-1', 'LAW-1']);
      expect(await missing('revoked')).to.deep.equal(['BAS-1']);
      expect(await missing('ready')).to.deep.equal([]);
      expect(await missingPrerequisites(w.people.learner.id as string, w.modules.plain.id as string)).to.deep.equal([]);
      expect(await missingPrerequisites(w.people.learner.id as string, 'nope')).to.deep.equal([]);
    });
  });
});
