import { expect } from 'chai';
import type { Express } from 'express';
import type { TFunction } from 'i18next';
import request from 'supertest';
import { Enrolment } from '../src/enrolments/enrolment.model.ts';
import { SeatClaim } from '../src/enrolments/seat-claim.model.ts';
import { TrainingModule } from '../src/modules/training-module.model.ts';
import type { SessionStatus } from '../src/sessions/training-session.model.ts';
import { buildApp, testI18n } from './support/context.ts';
import { buildModule, buildTrainingSession, daysFromNow, type ModuleFields } from './support/factories.ts';
import { buildWorld } from './support/world.ts';
import { signIn, type Agent } from './support/http.ts';
import { expectNoMissingTranslations, inputValue, links, selectedValue, visibleText } from './page-helpers.ts';

// The catalogue as staff, trainers, coordinators and admins browse it.

let app: Express;
let t: TFunction;

/** Every describe starts its own app: no root hooks outside test/setup.ts. */
function startApp() {
  before(async () => {
    app = await buildApp();
    t = (await testI18n()).getFixedT('en');
  });
}

/** A module as the catalogue meets it: published unless told otherwise. */
const publishedModule = (fields: Partial<ModuleFields> = {}) => buildModule({ status: 'published', ...fields });

/** Uganda and Kenya; staff at Home in Uganda; modules of every kind. */
async function world() {
  const w = await buildWorld({
    countries: { uganda: { code: 'UG', name: 'Uganda' }, kenya: { code: 'KE', name: 'Kenya' } },
    institutions: {
      home: { country: 'uganda', name: 'Home Academy' },
      abroad: { country: 'kenya', name: 'Abroad Academy' },
    },
    people: {
      staff: { roles: ['staff'], at: 'home' },
      trainer: { roles: ['trainer'], at: 'home', scope: ['home'] },
      coordinator: { roles: ['coordinator'], at: 'home', scope: ['home'] },
      kenyan: { roles: ['staff'], at: 'abroad' },
      admin: { roles: ['admin'], at: null },
    },
    modules: {
      national: { status: 'published', title: 'National induction', code: 'NAT-1' },
      ours: { status: 'published', owner: 'home', title: 'Ugandan published', code: 'UG-1' },
      draft: { status: 'draft', owner: 'home', title: 'Ugandan draft' },
      archived: { status: 'archived', owner: 'home', title: 'Ugandan archived' },
      theirs: { status: 'published', owner: 'abroad', title: 'Kenyan published', code: 'KE-1' },
    },
  });
  return { ...w.countries, ...w.institutions, ...w.people, ...w.modules };
}
type World = Awaited<ReturnType<typeof world>>;

/** The module titles listed in the catalogue, in order. */
function listed(html: string): string[] {
  return [...html.matchAll(/<h2><bdi><a href="\/catalogue\/[0-9a-f]{24}">([^<]*)<\/a><\/bdi><\/h2>/g)].map((m) =>
    visibleText(m[1] ?? ''),
  );
}

describe('catalogue: who sees what', () => {
  startApp();
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  it('sends anonymous visitors to sign in', async () => {
    for (const path of ['/catalogue', `/catalogue/${w.national.id}`]) {
      const res = await request(app).get(path);
      expect(res.status, path).to.equal(303);
      expect(res.headers.location, path).to.equal('/login');
    }
  });

  for (const role of ['staff', 'trainer', 'coordinator'] as const) {
    it(`shows a ${role} the published modules of their country and the national ones, nothing else`, async () => {
      const agent = await signIn(app, w[role].email!);
      expect(listed((await agent.get('/catalogue')).text)).to.deep.equal(['National induction', 'Ugandan published']);
      for (const module of [w.national, w.ours]) {
        expect((await agent.get(`/catalogue/${module.id}`)).status, module.title).to.equal(200);
      }
    });

    it(`answers a ${role} 404 for a draft, an archived or another country's module, even by its link`, async () => {
      const agent = await signIn(app, w[role].email!);
      for (const module of [w.draft, w.archived, w.theirs]) {
        const res = await agent.get(`/catalogue/${module.id}`);
        expect(res.status, module.title).to.equal(404);
        expect(res.text, module.title).not.to.include(module.title);
      }
    });
  }

  it('shows staff of another country their own modules and the national ones', async () => {
    const agent = await signIn(app, w.kenyan.email!);
    expect(listed((await agent.get('/catalogue')).text)).to.deep.equal(['Kenyan published', 'National induction']);
    expect((await agent.get(`/catalogue/${w.ours.id}`)).status).to.equal(404);
  });

  it('shows an admin every published module, and no draft or archived one', async () => {
    const agent = await signIn(app, w.admin.email!);
    expect(listed((await agent.get('/catalogue')).text)).to.deep.equal([
      'Kenyan published',
      'National induction',
      'Ugandan published',
    ]);
    for (const module of [w.draft, w.archived]) {
      expect((await agent.get(`/catalogue/${module.id}`)).status).to.equal(404);
    }
  });

  it('answers 404 for a malformed or unknown id', async () => {
    const agent = await signIn(app, w.staff.email!);
    for (const path of ['/catalogue/nope', '/catalogue/0123456789abcdef01234567', '/catalogue/%24gt']) {
      expect((await agent.get(path)).status, path).to.equal(404);
    }
  });

  it('links editors from the catalogue page to the module, and no one else', async () => {
    const coordinator = await signIn(app, w.coordinator.email!);
    expect(links((await coordinator.get(`/catalogue/${w.ours.id}`)).text)).to.include(`/modules/${w.ours.id}`);
    expect(links((await coordinator.get(`/catalogue/${w.national.id}`)).text)).not.to.include(
      `/modules/${w.national.id}`,
    );
    const staff = await signIn(app, w.staff.email!);
    expect(links((await staff.get(`/catalogue/${w.ours.id}`)).text)).not.to.include(`/modules/${w.ours.id}`);
  });
});

describe('catalogue: finding a module', () => {
  startApp();
  let w: World;
  let agent: Agent;
  beforeEach(async () => {
    w = await world();
    agent = await signIn(app, w.staff.email!);
  });

  it('finds words in the code, the title or the summary, whatever the case, each word anywhere', async () => {
    await publishedModule({
      title: 'Dynamic security',
      summary: 'Relations between staff and prisoners.',
      code: 'DS-7',
    });
    await publishedModule({ title: 'Violent extremism', summary: 'Radicalisation in prisons.', code: 'PVE-7' });
    const search = async (q: string) => listed((await agent.get(`/catalogue?q=${encodeURIComponent(q)}`)).text);
    expect(await search('ds-7')).to.deep.equal(['Dynamic security']);
    expect(await search('EXTREMISM')).to.deep.equal(['Violent extremism']);
    expect(await search('prisoners')).to.deep.equal(['Dynamic security']);
    expect(await search('prisons radicalisation')).to.deep.equal(['Violent extremism']);
    expect(await search('prison')).to.deep.equal(['Dynamic security', 'Violent extremism']);
    expect(await search('security radicalisation')).to.deep.equal([]);
  });

  it('never finds drafts, archived or foreign modules by searching', async () => {
    for (const q of ['Ugandan', 'Kenyan', 'draft', 'archived']) {
      const titles = listed((await agent.get(`/catalogue?q=${q}`)).text);
      expect(titles, q).not.to.include.members(['Ugandan draft', 'Ugandan archived', 'Kenyan published']);
    }
  });

  it('treats regular-expression characters as plain text and keeps the search in the box', async () => {
    await publishedModule({ title: 'First aid (level 2+) [refresher]' });
    for (const q of ['(level 2+)', '[refresher]', '2+']) {
      const res = await agent.get(`/catalogue?q=${encodeURIComponent(q)}`);
      expect(listed(res.text), q).to.deep.equal(['First aid (level 2+) [refresher]']);
      expect(inputValue(res.text, 'q')).to.equal(q);
    }
    for (const q of ['.*', '^', '\\', '(((', '[a-z]']) {
      const res = await agent.get(`/catalogue?q=${encodeURIComponent(q)}`);
      expect(res.status, q).to.equal(200);
      expect(listed(res.text), q).to.deep.equal([]);
    }
  });

  it('filters by tag, language and delivery mode, alone and together, keeping the choices', async () => {
    await publishedModule({
      title: 'Russian blended',
      tags: ['pve'],
      languages: ['ru', 'kk'],
      deliveryMode: 'blended',
    });
    await publishedModule({ title: 'English classroom', tags: ['pve', 'security'], languages: ['en'] });
    await publishedModule({
      title: 'Self-paced security',
      tags: ['security'],
      languages: ['en', 'ru'],
      deliveryMode: 'self_paced',
    });
    const titles = async (query: string) => listed((await agent.get(`/catalogue?${query}`)).text);
    expect(await titles('tag=pve')).to.deep.equal(['English classroom', 'Russian blended']);
    expect(await titles('tag=SECURITY')).to.deep.equal(['English classroom', 'Self-paced security']);
    expect(await titles('language=ru')).to.deep.equal(['Russian blended', 'Self-paced security']);
    expect(await titles('language=kk')).to.deep.equal(['Russian blended']);
    expect(await titles('mode=blended')).to.deep.equal(['Russian blended']);
    expect(await titles('tag=security&language=ru')).to.deep.equal(['Self-paced security']);
    expect(await titles('tag=pve&mode=self_paced')).to.deep.equal([]);
    const page = await agent.get('/catalogue?tag=pve&language=ru&mode=blended');
    expect(selectedValue(page.text, 'tag')).to.equal('pve');
    expect(selectedValue(page.text, 'language')).to.equal('ru');
    expect(selectedValue(page.text, 'mode')).to.equal('blended');
  });

  it('ignores nonsense and MongoDB operators in the filters', async () => {
    for (const query of ['language=xx', 'mode=teleport', 'tag[$ne]=x', 'q[$regex]=.*', 'language[$in]=en', 'page=-3']) {
      const res = await agent.get(`/catalogue?${query}`);
      expect(res.status, query).to.equal(200);
      expect(listed(res.text), query).to.deep.equal(['National induction', 'Ugandan published']);
    }
  });

  it('pages 30 modules 25 at a time, sorted by title, keeping the filters in the links', async () => {
    await TrainingModule.deleteMany({});
    for (let i = 29; i >= 0; i--) {
      await publishedModule({ title: `Topic ${String(i).padStart(2, '0')}`, tags: ['pve'] });
    }
    const first = await agent.get('/catalogue?tag=pve');
    const titles = listed(first.text);
    expect(titles).to.have.length(25);
    expect(titles[0]).to.equal('Topic 00');
    expect(titles[24]).to.equal('Topic 24');
    expect(visibleText(first.text)).to.include(t('pagination.summary', { count: 30, page: 1, pages: 2 }));
    expect(links(first.text)).to.include('?tag=pve&page=2');
    const second = listed((await agent.get('/catalogue?tag=pve&page=2')).text);
    expect(second).to.deep.equal(['Topic 25', 'Topic 26', 'Topic 27', 'Topic 28', 'Topic 29']);
    expect(listed((await agent.get('/catalogue?tag=pve&page=50')).text)).to.deep.equal(second);
  });

  it('says so when nothing matches', async () => {
    const res = await agent.get('/catalogue?q=zzzz');
    expect(visibleText(res.text)).to.include(t('catalogue:list.empty'));
  });
});

describe('catalogue: the module page', () => {
  startApp();
  let w: World;
  let agent: Agent;
  beforeEach(async () => {
    w = await world();
    agent = await signIn(app, w.staff.email!);
  });

  it('explains the module in words: objectives, hours, mode, languages, completion rules', async () => {
    const module = await publishedModule({
      institution: w.home,
      title: 'Risk assessment',
      code: 'RA-1',
      summary: 'Spotting the signs.',
      objectives: ['Recognise indicators', 'Refer concerns'],
      hours: 8,
      deliveryMode: 'blended',
      languages: ['en', 'kk'],
      audience: 'Ward officers',
      passMark: 70,
      attendanceThreshold: 90,
      certificateValidityMonths: 24,
    });
    const res = await agent.get(`/catalogue/${module.id}`);
    expect(res.status).to.equal(200);
    const text = visibleText(res.text);
    for (const piece of [
      'Risk assessment',
      t('catalogue:show.code', { code: 'RA-1' }),
      'Spotting the signs.',
      'Recognise indicators',
      'Refer concerns',
      t('catalogue:show.hours', { count: 8 }),
      t('catalogue:show.mode', { mode: t('modules:modes.blended') }),
      t('catalogue:show.languages', { languages: 'English, Kazakh' }),
      t('catalogue:show.audience', { audience: 'Ward officers' }),
      t('catalogue:show.attendance', { value: 90 }),
      t('catalogue:show.passMark', { value: 70 }),
      t('catalogue:show.validity', { count: 24 }),
      t('catalogue:show.noPrerequisites'),
      t('resources:list.empty'),
      t('catalogue:show.sessions'),
      t('catalogue:show.noSessions'),
    ]) {
      expect(text).to.include(piece);
    }
    expectNoMissingTranslations(res.text);
  });

  it('lists the upcoming open sessions of the module the person may see, with places left, linked', async () => {
    const deliver = (fields: { at?: number; status?: SessionStatus; capacity?: number; institution?: typeof w.home }) =>
      buildTrainingSession({
        module: w.ours,
        venue: fields.institution ?? w.home,
        date: daysFromNow(fields.at ?? 10),
        timeZone: 'Africa/Kampala',
        room: 'Hall 2',
        capacity: fields.capacity,
        status: fields.status,
      });
    const roomy = await deliver({ at: 20 });
    const full = await deliver({ at: 10, capacity: 1 });
    const seated = await Enrolment.create({ session: full._id, person: w.kenyan._id, state: 'enrolled', seat: 1 });
    await SeatClaim.create({ session: full._id, number: 1, enrolment: seated._id });
    const hidden = [
      await deliver({ status: 'draft' }),
      await deliver({ status: 'cancelled' }),
      await deliver({ at: -3 }),
      await deliver({ institution: w.abroad }),
    ];

    const res = await agent.get(`/catalogue/${w.ours.id as string}`).expect(200);
    expectNoMissingTranslations(res.text);
    const sessionLinks = links(res.text).filter((href) => href.startsWith('/sessions/'));
    expect(sessionLinks).to.deep.equal([`/sessions/${full.id as string}`, `/sessions/${roomy.id as string}`]);
    for (const other of hidden) expect(sessionLinks).not.to.include(`/sessions/${other.id as string}`);
    const text = visibleText(res.text);
    expect(text).to.include('Home Academy, Hall 2');
    expect(text).to.include('09:00–17:00 (Africa/Kampala)');
    expect(text).to.include(t('catalogue:show.full'));
    expect(text).to.include(t('catalogue:show.placesLeft', { count: 20 }));
    expect(text).not.to.include(t('catalogue:show.noSessions'));
  });

  it('says when there is no assessment and the certificate does not expire', async () => {
    const module = await publishedModule({ passMark: null, certificateValidityMonths: 0 });
    const text = visibleText((await agent.get(`/catalogue/${module.id}`)).text);
    expect(text).to.include(t('catalogue:show.noAssessment'));
    expect(text).to.include(t('catalogue:show.noExpiry'));
  });

  it('links the prerequisites the person may open, and only counts the others', async () => {
    const module = await publishedModule({
      title: 'Advanced',
      prerequisites: [w.ours._id, w.national._id, w.draft._id, w.theirs._id],
    });
    const res = await agent.get(`/catalogue/${module.id}`);
    expect(links(res.text)).to.include.members([`/catalogue/${w.ours.id}`, `/catalogue/${w.national.id}`]);
    expect(links(res.text)).not.to.include.members([`/catalogue/${w.draft.id}`]);
    expect(links(res.text)).not.to.include.members([`/catalogue/${w.theirs.id}`]);
    expect(res.text).not.to.include('Ugandan draft');
    expect(res.text).not.to.include('Kenyan published');
    expect(visibleText(res.text)).to.include(t('catalogue:show.hiddenPrerequisites', { count: 2 }));
  });

  it('shows the list and a module without translation keys, with a <script> title escaped', async () => {
    const evil = await publishedModule({
      title: '<script>alert(1)</script>',
      summary: '<img src=x onerror=alert(2)>',
      objectives: ['<b>bold</b>'],
      audience: '"><script>alert(3)</script>',
    });
    for (const path of ['/catalogue', `/catalogue/${evil.id}`, `/catalogue?q=${encodeURIComponent('<script>')}`]) {
      const res = await agent.get(path);
      expect(res.status, path).to.equal(200);
      expect(res.text, path).not.to.match(/<script>alert/);
      expect(res.text, path).not.to.include('<img src=x');
      expect(res.text, path).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
      expectNoMissingTranslations(res.text);
    }
  });
});
