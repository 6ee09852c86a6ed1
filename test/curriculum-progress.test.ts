import { expect } from 'chai';
import type { Express } from 'express';
import type { TFunction } from 'i18next';
import request from 'supertest';
import { Curriculum } from '../src/curricula/curriculum.model.ts';
import { moduleStates, progressThrough } from '../src/transcripts/learning-rules.ts';
import { buildApp, testI18n } from './support/context.ts';
import { buildRecord } from './support/completion-records.ts';
import { buildUser } from './support/factories.ts';
import { signIn, type Agent } from './support/http.ts';
import { buildWorld } from './support/world.ts';
import { expectLabelledControls, expectNoMissingTranslations, links, visibleText } from './page-helpers.ts';

// Curriculum progress (issue 13, item 7): required modules done (a valid completion), done but
// expired (shown, still to renew), remaining, and electives, from a person's completion records;
// a revoked completion is not done. Shown on the person page and transcript (every published
// curriculum of their country and the national ones), on the curriculum page for a reader who
// has started it, and for the staff of a coordinator's institutions on the curriculum's progress
// page, a page of 25 at a time.

const YEAR_AGO = new Date(Date.now() - 365 * 86_400_000);

async function world() {
  const w = await buildWorld({
    countries: { kz: { code: 'KZ', name: 'Kazakhstan' }, ug: { code: 'UG', name: 'Uganda' } },
    institutions: {
      academy: { country: 'kz', name: 'Almaty Academy' },
      partner: { country: 'kz', name: 'Karaganda Colony' },
      elsewhere: { country: 'kz', name: 'Elsewhere Centre' },
      kampala: { country: 'ug', name: 'Kampala Academy' },
    },
    people: {
      admin: { roles: ['admin'], at: null },
      coordinator: { roles: ['coordinator'], at: 'academy', scope: ['partner'] },
      otherCoordinator: { roles: ['coordinator'], at: 'elsewhere' },
      trainer: { roles: ['trainer'], at: 'academy', fullName: 'Trainer Teaching' },
      aigerim: { roles: ['staff'], at: 'academy', fullName: 'Айгерим Сапарова', serviceNumber: 'KZ-1' },
      colleague: { roles: ['staff'], at: 'academy', fullName: 'Berik Colleague' },
      partnerStaff: { roles: ['staff'], at: 'partner', fullName: 'Amina Nakato' },
      ugandan: { roles: ['staff'], at: 'kampala', fullName: 'Okello Ugandan' },
    },
    modules: {
      law: { status: 'published', code: 'PVE-1', title: 'Law of custody', hours: 6 },
      rights: { status: 'published', code: 'PVE-2', title: 'Human rights', hours: 6 },
      signs: { status: 'published', code: 'PVE-3', title: 'Signs of radicalisation', hours: 8 },
      elective: { status: 'published', code: 'EL-1', title: 'Interviewing', hours: 4 },
    },
  });
  const { law, rights, signs, elective } = w.modules;
  const academy = w.institutions.academy;
  const curriculum = (
    code: string,
    owner: typeof academy | null,
    status: 'draft' | 'published',
    items: [typeof law, boolean][],
  ) =>
    Curriculum.create({
      code,
      title: `Curriculum ${code}`,
      status,
      institution: owner?._id,
      country: owner?.country,
      items: items.map(([module, required]) => ({ module: module._id, required })),
    });
  const curricula = {
    basic: await curriculum('BASIC', academy, 'published', [
      [law, true],
      [rights, true],
      [signs, true],
      [elective, false],
    ]),
    national: await curriculum('NATIONAL', null, 'published', [[law, true]]),
    draft: await curriculum('DRAFT', academy, 'draft', [[signs, true]]),
    ugandan: await curriculum('UGANDA', w.institutions.kampala, 'published', [[rights, true]]),
  };
  const a = w.people.aigerim;
  await buildRecord(a, law, academy, { startedOn: '2026-01-10', certificateNumber: 'KZ-2026-000001' });
  await buildRecord(a, rights, academy, { startedOn: '2023-01-10', expiresAt: YEAR_AGO });
  await buildRecord(a, signs, academy, { startedOn: '2025-01-10', status: 'revoked' });
  await buildRecord(a, elective, academy, { startedOn: '2025-03-10' });
  for (const module of [law, rights, signs]) {
    await buildRecord(w.people.partnerStaff, module, academy, { startedOn: '2026-02-01' });
  }
  return { ...w, curricula };
}
type World = Awaited<ReturnType<typeof world>>;
type Role = keyof World['people'];

/** The progress table of one curriculum on a page: [module, kind, state] per row. */
function progressRows(html: string, curriculumId: string): string[] {
  const section = new RegExp(
    `<section class="progress-curriculum" aria-labelledby="progress-${curriculumId}">([\\s\\S]*?)</section>`,
  ).exec(html);
  if (!section) return [];
  return [...section[1]!.matchAll(/<tr class="progress-[^"]*">([\s\S]*?)<\/tr>/g)].map((m) => visibleText(m[1]!));
}

/** The people progress table: one line per person. */
const peopleRows = (html: string) =>
  [...html.matchAll(/<tbody>([\s\S]*?)<\/tbody>/g)]
    .flatMap((m) => [...m[1]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)])
    .map((m) => visibleText(m[1]!));

describe('curriculum progress', function () {
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

  before(async () => {
    app = await buildApp();
    t = (await testI18n()).getFixedT('en');
  });
  beforeEach(async () => {
    agents.clear();
    w = await world();
  });

  describe('for a person', () => {
    it('shows on the person page every published curriculum of their country and the national ones, module by module', async () => {
      const res = await (await as('coordinator')).get(`/people/${w.people.aigerim.id as string}`);
      expect(res.status).to.equal(200);
      const basic = progressRows(res.text, w.curricula.basic.id as string);
      expect(basic).to.deep.equal([
        'PVE-1 Law of custody Required Done',
        'PVE-2 Human rights Required Done, expired',
        // a revoked completion is not done
        'PVE-3 Signs of radicalisation Required Not yet',
        'EL-1 Interviewing Elective Done',
      ]);
      expect(progressRows(res.text, w.curricula.national.id as string)).to.deep.equal([
        'PVE-1 Law of custody Required Done',
      ]);
      // neither a draft nor another country's curriculum
      expect(progressRows(res.text, w.curricula.draft.id as string)).to.deep.equal([]);
      expect(progressRows(res.text, w.curricula.ugandan.id as string)).to.deep.equal([]);
      const text = visibleText(res.text);
      expect(text).to.include(
        [
          t('transcripts:progress.required', { done: 1, total: 3 }),
          t('transcripts:progress.requiredExpired', { value: 1 }),
          t('transcripts:progress.requiredRemaining', { value: 1 }),
          t('transcripts:progress.electives', { done: 1, total: 1 }),
        ].join(' · '),
      );
      expect(text).to.include(
        `${t('transcripts:progress.complete')} · ${t('transcripts:progress.required', { done: 1, total: 1 })}`,
      );
      expectNoMissingTranslations(res.text);
    });

    it('shows the same on the person’s own transcript', async () => {
      const res = await (await as('aigerim')).get('/my-transcript');
      expect(progressRows(res.text, w.curricula.basic.id as string)).to.have.length(4);
      expect(progressRows(res.text, w.curricula.basic.id as string)[1]).to.equal(
        'PVE-2 Human rights Required Done, expired',
      );
    });

    it('leaves the panel off the person page for those who may not read the person’s records', async () => {
      // an administrator sees it; a coordinator of another institution does not see the person at all
      const admin = await (await as('admin')).get(`/people/${w.people.aigerim.id as string}`);
      expect(progressRows(admin.text, w.curricula.basic.id as string)).to.have.length(4);
      expect((await (await as('otherCoordinator')).get(`/people/${w.people.aigerim.id as string}`)).status).to.equal(
        404,
      );
      expect((await (await as('trainer')).get(`/people/${w.people.aigerim.id as string}`)).status).to.equal(403);
    });
  });

  describe('on the curriculum page', () => {
    it('shows its reader where they stand, module by module, once they have started it', async () => {
      const res = await (await as('aigerim')).get(`/curricula/${w.curricula.basic.id as string}`);
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include(t('transcripts:progress.yours'));
      expect(text).to.include(t('transcripts:progress.required', { done: 1, total: 3 }));
      const rows = [...res.text.matchAll(/<tbody>([\s\S]*?)<\/tbody>/g)][0]![1]!;
      const states = [...rows.matchAll(/<span class="standing state-(\w+)">/g)].map((m) => m[1]);
      expect(states).to.deep.equal(['done', 'expired', 'remaining', 'done']);
      // nobody else's progress for staff
      expect(links(res.text)).not.to.include(`/curricula/${w.curricula.basic.id as string}/progress`);
    });

    it('says nothing of progress to a reader who has not started it, and offers coordinators the people’s progress', async () => {
      const colleague = await (await as('colleague')).get(`/curricula/${w.curricula.basic.id as string}`);
      expect(visibleText(colleague.text)).not.to.include(t('transcripts:progress.yours'));
      const coordinator = await (await as('coordinator')).get(`/curricula/${w.curricula.basic.id as string}`);
      expect(links(coordinator.text)).to.include(`/curricula/${w.curricula.basic.id as string}/progress`);
      expectNoMissingTranslations(coordinator.text);
    });
  });

  describe('the people’s progress page', () => {
    const page = (id: string, query = '') => `/curricula/${id}/progress${query}`;

    it('lists the staff of the coordinator’s own institution by name with their progress, and each in their scope on request', async () => {
      const coordinator = await as('coordinator');
      const res = await coordinator.get(page(w.curricula.basic.id as string));
      expect(res.status).to.equal(200);
      expect(peopleRows(res.text)).to.deep.equal([
        'Berik Colleague 0 of 3 0 0 of 1 Not started',
        'Айгерим Сапарова KZ-1 1 of 3 1 1 of 1 In progress',
      ]);
      expect(links(res.text)).to.include(`/people/${w.people.aigerim.id as string}/transcript`);
      const partner = await coordinator.get(
        page(w.curricula.basic.id as string, `?institution=${w.institutions.partner.id as string}`),
      );
      expect(peopleRows(partner.text)).to.deep.equal(['Amina Nakato 3 of 3 0 0 of 1 Complete']);
      // an institution out of scope is not offered, and asking for it shows their own
      const other = await coordinator.get(
        page(w.curricula.basic.id as string, `?institution=${w.institutions.elsewhere.id as string}`),
      );
      expect(peopleRows(other.text)).to.have.length(2);
      expect(other.text).not.to.include('Elsewhere Centre');
      expectNoMissingTranslations(res.text);
      expectLabelledControls(res.text);
    });

    it('finds people by name or service number', async () => {
      const res = await (await as('coordinator')).get(page(w.curricula.basic.id as string, '?q=kz-1'));
      expect(peopleRows(res.text).map((r) => r.split(' KZ-1')[0])).to.deep.equal(['Айгерим Сапарова']);
      const nobody = await (await as('coordinator')).get(page(w.curricula.basic.id as string, '?q=zzzz'));
      expect(visibleText(nobody.text)).to.include(t('transcripts:progress.people.nobody'));
    });

    it('shows 25 people a page', async () => {
      for (let i = 0; i < 27; i++) {
        await buildUser({
          roles: ['staff'],
          institution: w.institutions.academy,
          fullName: `Cadet ${String(i).padStart(2, '0')}`,
        });
      }
      const coordinator = await as('coordinator');
      const first = await coordinator.get(page(w.curricula.basic.id as string));
      expect(peopleRows(first.text)).to.have.length(25);
      const second = await coordinator.get(page(w.curricula.basic.id as string, '?page=2'));
      expect(peopleRows(second.text)).to.have.length(4);
      expect(visibleText(second.text)).to.include('Айгерим Сапарова');
    });

    it('offers a coordinator of a country with none of the curriculum’s institutions nothing to list', async () => {
      const ugandanCoordinator = await buildUser({ roles: ['coordinator'], institution: w.institutions.kampala });
      const agent = await signIn(app, ugandanCoordinator.email!);
      const res = await agent.get(page(w.curricula.national.id as string));
      expect(res.status).to.equal(200);
      expect(visibleText(res.text)).to.include('Kampala Academy');
      // the Kazakh curriculum is not theirs to see at all
      expect((await agent.get(page(w.curricula.basic.id as string))).status).to.equal(404);
    });

    const expected: Record<Role, number> = {
      admin: 200,
      coordinator: 200,
      otherCoordinator: 200,
      trainer: 403,
      aigerim: 403,
      colleague: 403,
      partnerStaff: 403,
      ugandan: 404,
    };
    for (const [role, status] of Object.entries(expected) as [Role, number][]) {
      it(`answers ${status} to ${role} for a published curriculum of the academy`, async () => {
        expect((await (await as(role)).get(page(w.curricula.basic.id as string))).status).to.equal(status);
      });
    }

    it('answers 404 for a draft to those who cannot see it, for a bad id, and sends anyone signed out to sign in', async () => {
      for (const role of ['otherCoordinator', 'trainer', 'aigerim'] as const) {
        expect((await (await as(role)).get(page(w.curricula.draft.id as string))).status, role).to.equal(404);
      }
      expect((await (await as('coordinator')).get(page(w.curricula.draft.id as string))).status).to.equal(200);
      for (const id of ['nope', '0123456789abcdef01234567']) {
        expect((await (await as('admin')).get(page(id))).status, id).to.equal(404);
      }
      const res = await request(app).get(page(w.curricula.basic.id as string));
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/login');
    });

    it('lists an otherwise unseen institution to nobody: a hand-edited filter is dropped', async () => {
      const res = await (
        await as('admin')
      ).get(page(w.curricula.basic.id as string, '?institution=%7B%22%24gt%22%3A%22%22%7D&page=-3'));
      expect(res.status).to.equal(200);
      // the admin's institutions of Kazakhstan are offered; Kampala is not (another country)
      expect(res.text).to.include('Almaty Academy').and.not.include('Kampala Academy');
    });
  });

  describe('the rules', () => {
    const id = (hex: string) => ({ toHexString: () => hex });
    const record = (
      module: string,
      result: 'completed' | 'not_completed',
      status: 'valid' | 'expired' | 'revoked' | 'superseded',
    ) => ({
      module: id(module),
      result,
      status,
    });

    it('counts a module done when a completion is valid now, expired when none is but one was, and never when revoked or not completed', () => {
      const states = moduleStates([
        record('a', 'completed', 'expired'),
        record('a', 'completed', 'valid'),
        record('b', 'completed', 'superseded'),
        record('c', 'completed', 'revoked'),
        record('d', 'not_completed', 'valid'),
        record('e', 'completed', 'expired'),
      ]);
      expect(Object.fromEntries(states)).to.deep.equal({ a: 'done', b: 'expired', e: 'expired' });
    });

    it('is complete only when every required module is done, and never for a curriculum without required ones', () => {
      const states = new Map([
        ['a', 'done' as const],
        ['b', 'expired' as const],
      ]);
      const some = progressThrough(
        [
          { module: 'a', required: true },
          { module: 'b', required: true },
          { module: 'c', required: false },
        ],
        states,
      );
      expect(some.required).to.deep.equal({ total: 2, done: 1, expired: 1, remaining: 0 });
      expect(some.electives).to.deep.equal({ total: 1, done: 0, expired: 0 });
      expect([some.complete, some.started]).to.deep.equal([false, true]);
      expect(progressThrough([{ module: 'a', required: true }], states).complete).to.equal(true);
      expect(progressThrough([{ module: 'a', required: false }], states).complete).to.equal(false);
      expect(progressThrough([], states)).to.include({ complete: false, started: false });
    });
  });
});
