import { expect } from 'chai';
import type { Express } from 'express';
import type { TFunction } from 'i18next';
import type { Types } from 'mongoose';
import request from 'supertest';
import { Curriculum, type CurriculumStatus } from '../src/curricula/curriculum.model.ts';
import { buildApp, testI18n } from './support/context.ts';
import { buildWorld } from './support/world.ts';
import { csrfToken, formBody, signIn, type Agent, type FormFields, post } from './support/http.ts';
import {
  expectLabelledControls,
  expectNoMissingTranslations,
  fieldError,
  inputValue,
  links,
  optionValues,
  selectedValue,
  visibleText,
} from './page-helpers.ts';

// Curricula over HTTP, as each role meets them: an ordered set of modules, each required or
// elective, owned by an institution or national.

let app: Express;
let t: TFunction;

/** Every describe starts its own app: no root hooks outside test/setup.ts. */
function startApp() {
  before(async () => {
    app = await buildApp();
    t = (await testI18n()).getFixedT('en');
  });
}

type Owner = { _id: Types.ObjectId; country: Types.ObjectId } | null;
let counter = 0;

type ItemSpec = [{ _id: Types.ObjectId }, boolean];

async function buildCurriculum(
  owner: Owner,
  fields: Partial<{ code: string; title: string; status: CurriculumStatus; items: ItemSpec[] }> = {},
) {
  counter += 1;
  return Curriculum.create({
    code: fields.code ?? `CUR-${counter}`,
    title: fields.title ?? `Curriculum ${counter}`,
    status: fields.status ?? 'draft',
    institution: owner?._id,
    country: owner?.country,
    items: (fields.items ?? []).map(([module, required]) => ({ module: module._id, required })),
  });
}

/** Two countries; a coordinator at Home who also acts in Partner; Elsewhere is out of their scope. */
async function world() {
  const w = await buildWorld({
    countries: { uganda: { code: 'UG', name: 'Uganda' }, kenya: { code: 'KE', name: 'Kenya' } },
    institutions: {
      home: { country: 'uganda', name: 'Home Academy', code: 'HOME' },
      partner: { country: 'uganda', name: 'Partner Prison', code: 'PARTNER' },
      elsewhere: { country: 'uganda', name: 'Elsewhere Prison', code: 'ELSEWHERE' },
      abroad: { country: 'kenya', name: 'Abroad Academy', code: 'ABROAD' },
    },
    people: {
      admin: { roles: ['admin'], at: null },
      coordinator: { roles: ['coordinator'], at: 'home', scope: ['partner'] },
      outsideCoordinator: { roles: ['coordinator'], at: 'elsewhere' },
      trainer: { roles: ['trainer'], at: 'home' },
      staff: { roles: ['staff'], at: 'home' },
      kenyanStaff: { roles: ['staff'], at: 'abroad' },
    },
    // published unless told otherwise; four hours unless told
    modules: {
      intro: { owner: 'home', status: 'published', code: 'PVE-1', title: 'Understanding violent extremism', hours: 8 },
      national: { owner: null, status: 'published', code: 'PVE-2', title: 'Human rights in custody', hours: 6 },
      partner: { owner: 'partner', status: 'published', code: 'PVE-3', title: 'Radicalisation signs', hours: 4 },
      draft: { owner: 'home', status: 'draft', code: 'PVE-D', title: 'Secret draft module', hours: 4 },
      archived: { owner: 'home', status: 'archived', code: 'PVE-OLD', title: 'Retired module', hours: 2 },
      kenyan: { owner: 'abroad', status: 'published', code: 'KE-1', title: 'Kenyan module', hours: 4 },
      elsewhereDraft: { owner: 'elsewhere', status: 'draft', code: 'ELSE-D', title: 'Elsewhere draft', hours: 4 },
    },
  });
  const { home, elsewhere, abroad } = w.institutions;
  const modules = w.modules;
  const curricula = {
    draft: await buildCurriculum(home, { code: 'HOME-DRAFT', title: 'Home draft curriculum' }),
    published: await buildCurriculum(home, {
      code: 'HOME-BASIC',
      title: 'Basic training curriculum',
      status: 'published',
      items: [
        [modules.intro, true],
        [modules.national, false],
        [modules.archived, true],
      ],
    }),
    national: await buildCurriculum(null, {
      code: 'NAT-1',
      title: 'National curriculum',
      status: 'published',
      items: [[modules.national, true]],
    }),
    elsewhereDraft: await buildCurriculum(elsewhere, { code: 'ELSE-DRAFT', title: 'Elsewhere draft curriculum' }),
    elsewherePublished: await buildCurriculum(elsewhere, {
      code: 'ELSE-PUB',
      title: 'Elsewhere published curriculum',
      status: 'published',
      items: [[modules.national, true]],
    }),
    kenyan: await buildCurriculum(abroad, {
      code: 'KE-CUR',
      title: 'Kenyan curriculum',
      status: 'published',
      items: [[modules.kenyan, true]],
    }),
    archived: await buildCurriculum(home, { code: 'HOME-OLD', title: 'Archived curriculum', status: 'archived' }),
  };
  return { ...w.countries, ...w.institutions, ...w.people, modules, curricula };
}
type World = Awaited<ReturnType<typeof world>>;

async function stored(curriculum: { _id: Types.ObjectId }) {
  return Curriculum.findById(curriculum._id).lean().orFail();
}

/** The version a page showing the curriculum now would carry. */
async function version(curriculum: { _id: Types.ObjectId }): Promise<string> {
  return String((await stored(curriculum)).__v);
}

/** The stored items as [module id, required] in order. */
async function itemsOf(curriculum: { _id: Types.ObjectId }) {
  return (await stored(curriculum)).items.map((i) => [i.module.toHexString(), i.required]);
}

/** A stored curriculum as plain data, to compare before and after a refused request. */
async function snapshot(curriculum: { _id: Types.ObjectId }) {
  return { ...(await stored(curriculum)), updatedAt: undefined };
}

/** The titles in the curricula list. */
function listedTitles(html: string): string[] {
  return [...html.matchAll(/<td><bdi><a href="\/curricula\/[0-9a-f]{24}">([^<]*)<\/a><\/bdi><\/td>/g)].map((m) =>
    visibleText(m[1] ?? ''),
  );
}

/** The visible text of each row of the module table, in order. */
function itemRows(html: string): string[] {
  const body = /<table class="curriculum-items">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => visibleText(m[1] ?? ''));
}

function curriculumForm(owner: { id: string } | '', fields: FormFields = {}): FormFields {
  return {
    title: 'PVE specialist track',
    code: 'PVE-SPEC',
    description: 'For officers who work with violent extremist offenders.',
    institution: owner === '' ? '' : owner.id,
    ...fields,
  };
}

const editingPages = (id: string) => ['/curricula/new', `/curricula/${id}/edit`, `/curricula/${id}/archive`];

/** Every state-changing action on a curriculum, with a body that would pass validation. */
function editingActions(w: World, id: string, moduleId: string, v: string): [string, FormFields][] {
  return [
    ['/curricula', curriculumForm(w.home, { code: 'SNEAKY' })],
    [`/curricula/${id}`, { ...curriculumForm(w.home, { code: 'SNEAKY' }), version: v }],
    [`/curricula/${id}/publish`, {}],
    [`/curricula/${id}/archive`, {}],
    [`/curricula/${id}/reinstate`, {}],
    [`/curricula/${id}/items`, { module: w.modules.partner.id, kind: 'required', version: v }],
    [`/curricula/${id}/items/${moduleId}/up`, { version: v }],
    [`/curricula/${id}/items/${moduleId}/down`, { version: v }],
    [`/curricula/${id}/items/${moduleId}/kind`, { kind: 'elective', version: v }],
    [`/curricula/${id}/items/${moduleId}/remove`, { version: v }],
  ];
}

describe('curricula: who may reach which page', () => {
  startApp();
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  it('sends anonymous visitors of every page to sign in, and refuses their posts', async () => {
    const c = w.curricula.published;
    for (const path of ['/curricula', `/curricula/${c.id}`, ...editingPages(c.id)]) {
      const res = await request(app).get(path);
      expect(res.status, path).to.equal(303);
      expect(res.headers.location, path).to.equal('/login');
    }
    const before = await snapshot(c);
    for (const [path, fields] of editingActions(w, c.id, w.modules.intro.id, await version(c))) {
      const res = await request(app).post(path).type('form').send(formBody(fields));
      expect([401, 403], path).to.include(res.status);
    }
    expect(await snapshot(c)).to.deep.equal(before);
    expect(await Curriculum.countDocuments()).to.equal(Object.keys(w.curricula).length);
  });

  for (const role of ['staff', 'trainer'] as const) {
    it(`lets a ${role} read published curricula but refuses every editing page and action (403)`, async () => {
      const agent = await signIn(app, w[role].email!);
      const c = w.curricula.published;
      expect((await agent.get('/curricula')).status).to.equal(200);
      expect((await agent.get(`/curricula/${c.id}`)).status).to.equal(200);
      for (const path of editingPages(c.id)) expect((await agent.get(path)).status, path).to.equal(403);
      const before = await snapshot(c);
      for (const [path, fields] of editingActions(w, c.id, w.modules.intro.id, await version(c))) {
        expect((await post(agent, path, fields)).status, path).to.equal(403);
      }
      expect(await snapshot(c)).to.deep.equal(before);
      expect(await Curriculum.countDocuments()).to.equal(Object.keys(w.curricula).length);
    });

    it(`shows a ${role} no editing link or form on a curriculum page`, async () => {
      const agent = await signIn(app, w[role].email!);
      const res = await agent.get(`/curricula/${w.curricula.published.id}`);
      expect(links(res.text)).not.to.include(`/curricula/${w.curricula.published.id}/edit`);
      expect(res.text).not.to.include('method="post" action="/curricula/');
      expect(links((await agent.get('/curricula')).text)).not.to.include('/curricula/new');
    });
  }

  it('answers 404 to a staff member for drafts, archived curricula and another country’s', async () => {
    const agent = await signIn(app, w.staff.email!);
    for (const c of [w.curricula.draft, w.curricula.archived, w.curricula.kenyan, w.curricula.elsewhereDraft]) {
      const res = await agent.get(`/curricula/${c.id}`);
      expect(res.status, c.title).to.equal(404);
      expect(res.text).not.to.include(c.title);
    }
  });

  it('shows the curricula link in the menu to everyone signed in', async () => {
    for (const person of [w.staff, w.trainer, w.coordinator, w.admin]) {
      const agent = await signIn(app, person.email!);
      expect(links((await agent.get('/')).text), person.roles.join()).to.include('/curricula');
    }
  });

  it('lets a coordinator open every page of a curriculum in their scope', async () => {
    const agent = await signIn(app, w.coordinator.email!);
    for (const c of [w.curricula.draft, w.curricula.published]) {
      for (const path of [`/curricula/${c.id}`, '/curricula/new', `/curricula/${c.id}/edit`]) {
        expect((await agent.get(path)).status, path).to.equal(200);
      }
    }
    expect((await agent.get(`/curricula/${w.curricula.published.id}/archive`)).status).to.equal(200);
  });

  it('answers a coordinator 404 for a curriculum out of their scope they cannot see, 403 for one they only read', async () => {
    const agent = await signIn(app, w.coordinator.email!);
    const cases = [
      [w.curricula.elsewhereDraft, 404],
      [w.curricula.elsewherePublished, 403],
      [w.curricula.national, 403],
    ] as const;
    for (const [c, status] of cases) {
      for (const path of editingPages(c.id).slice(1)) expect((await agent.get(path)).status, path).to.equal(status);
      const before = await snapshot(c);
      const moduleId = c.items[0]?.module.toHexString() ?? w.modules.national.id;
      for (const [path, fields] of editingActions(w, c.id, moduleId, await version(c)).slice(1)) {
        expect((await post(agent, path, fields)).status, path).to.equal(status);
      }
      expect(await snapshot(c)).to.deep.equal(before);
    }
    expect((await agent.get(`/curricula/${w.curricula.elsewhereDraft.id}`)).status).to.equal(404);
    // published ones of their country and national ones they may read, not change
    for (const c of [w.curricula.elsewherePublished, w.curricula.national]) {
      const res = await agent.get(`/curricula/${c.id}`);
      expect(res.status).to.equal(200);
      expect(links(res.text)).not.to.include(`/curricula/${c.id}/edit`);
    }
  });

  it('lets an admin open every page of every curriculum, national and abroad included', async () => {
    const agent = await signIn(app, w.admin.email!);
    for (const c of [w.curricula.national, w.curricula.kenyan, w.curricula.elsewhereDraft, w.curricula.archived]) {
      expect((await agent.get(`/curricula/${c.id}`)).status, c.title).to.equal(200);
      expect((await agent.get(`/curricula/${c.id}/edit`)).status, c.title).to.be.oneOf([200, 303]);
    }
  });

  it('answers 404 to guessed and malformed ids, of curricula and of their modules', async () => {
    const agent = await signIn(app, w.admin.email!);
    const c = w.curricula.published;
    const v = await version(c);
    for (const path of [
      '/curricula/nope',
      '/curricula/0123456789abcdef01234567',
      '/curricula/0123456789abcdef01234567/edit',
    ]) {
      expect((await agent.get(path)).status, path).to.equal(404);
    }
    for (const moduleId of ['nope', '0123456789abcdef01234567', w.modules.partner.id]) {
      for (const action of ['up', 'down', 'remove']) {
        const path = `/curricula/${c.id}/items/${moduleId}/${action}`;
        expect((await post(agent, path, { version: v })).status, path).to.equal(404);
      }
    }
    const unknown = '/curricula/0123456789abcdef01234567/publish';
    expect((await post(agent, unknown)).status).to.equal(404);
  });
});

describe('curricula: the list', () => {
  startApp();
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  it('shows staff the published curricula of their country and the national ones only', async () => {
    const agent = await signIn(app, w.staff.email!);
    const res = await agent.get('/curricula');
    expectNoMissingTranslations(res.text);
    expect(listedTitles(res.text)).to.deep.equal([
      'Basic training curriculum',
      'Elsewhere published curriculum',
      'National curriculum',
    ]);
    expect(optionValuesOrNone(res.text, 'status')).to.equal(undefined);
    // asking for drafts shows none
    expect(listedTitles((await agent.get('/curricula?status=draft')).text)).to.deep.equal([]);
    const kenyan = await signIn(app, w.kenyanStaff.email!);
    expect(listedTitles((await kenyan.get('/curricula')).text)).to.deep.equal([
      'Kenyan curriculum',
      'National curriculum',
    ]);
  });

  it('shows a coordinator the drafts in their scope too, and archived ones when asked', async () => {
    const agent = await signIn(app, w.coordinator.email!);
    const list = await agent.get('/curricula');
    expectNoMissingTranslations(list.text);
    expect(optionValues(list.text, 'status')).to.deep.equal(['current', 'draft', 'published', 'archived', 'all']);
    const titles = listedTitles(list.text);
    expect(titles).to.include.members(['Home draft curriculum', 'Basic training curriculum', 'National curriculum']);
    expect(titles).not.to.include('Elsewhere draft curriculum');
    expect(titles).not.to.include('Archived curriculum');
    expect(titles).not.to.include('Kenyan curriculum');
    expect(listedTitles((await agent.get('/curricula?status=archived')).text)).to.deep.equal(['Archived curriculum']);
    expect(listedTitles((await agent.get('/curricula?status=draft')).text)).to.deep.equal(['Home draft curriculum']);
  });

  it('shows an admin every curriculum', async () => {
    const agent = await signIn(app, w.admin.email!);
    expect(listedTitles((await agent.get('/curricula?status=all')).text)).to.have.length(7);
  });

  it('searches title, code and description, taking regex characters literally', async () => {
    await buildCurriculum(w.home, { title: 'C++ (advanced) [v2]', status: 'published' });
    const agent = await signIn(app, w.staff.email!);
    expect(listedTitles((await agent.get('/curricula?q=C%2B%2B%20(adv')).text)).to.deep.equal(['C++ (advanced) [v2]']);
    expect(listedTitles((await agent.get('/curricula?q=.*')).text)).to.deep.equal([]);
    expect(listedTitles((await agent.get('/curricula?q=nat-1')).text)).to.deep.equal(['National curriculum']);
    for (const query of ['q[$regex]=.*', 'status[$ne]=x', 'page[$gt]=1', 'q=a&q=b', 'status=sleeping']) {
      expect((await agent.get(`/curricula?${query}`)).status, query).to.equal(200);
    }
  });

  it('pages 25 at a time and clamps a page beyond the last', async () => {
    await Curriculum.deleteMany({});
    for (let i = 0; i < 30; i++)
      await buildCurriculum(null, { title: `Track ${String(i).padStart(2, '0')}`, status: 'published' });
    const agent = await signIn(app, w.staff.email!);
    const first = await agent.get('/curricula');
    expect(listedTitles(first.text)).to.have.length(25);
    expect(links(first.text)).to.include('?status=current&page=2');
    const second = listedTitles((await agent.get('/curricula?page=2')).text);
    expect(second).to.deep.equal(['Track 25', 'Track 26', 'Track 27', 'Track 28', 'Track 29']);
    expect(listedTitles((await agent.get('/curricula?page=99')).text)).to.deep.equal(second);
  });
});

function optionValuesOrNone(html: string, name: string): string[] | undefined {
  try {
    return optionValues(html, name);
  } catch {
    return undefined;
  }
}

describe('curricula: adding and editing', () => {
  startApp();
  let w: World;
  let coordinator: Agent;
  beforeEach(async () => {
    w = await world();
    coordinator = await signIn(app, w.coordinator.email!);
  });

  it('adds a draft curriculum owned by an institution in scope, with that institution’s country', async () => {
    const form = await coordinator.get('/curricula/new');
    expect(optionValues(form.text, 'institution')).to.deep.equal(['', w.home.id, w.partner.id]);
    expectLabelledControls(form.text);
    expectNoMissingTranslations(form.text);
    const res = await post(coordinator, '/curricula', curriculumForm(w.partner, { code: 'pve-spec' }));
    expect(res.status).to.equal(303);
    const created = await Curriculum.findOne({ code: 'PVE-SPEC' }).lean().orFail();
    expect(res.headers.location).to.equal(`/curricula/${created._id.toHexString()}`);
    expect(created.status).to.equal('draft');
    expect(created.institution?.toHexString()).to.equal(w.partner.id);
    expect(created.country?.toHexString()).to.equal(w.uganda.id);
    const page = await coordinator.get(res.headers.location!);
    expect(visibleText(page.text)).to.include(t('curricula:created', { title: 'PVE specialist track' }));
    expect(visibleText(page.text)).to.include(t('curricula:items.empty'));
  });

  it('lets only admins make a national curriculum', async () => {
    const refused = await post(coordinator, '/curricula', curriculumForm(''));
    expect(refused.status).to.equal(422);
    expect(fieldError(refused.text, 'institution')).to.equal(t('curricula:institution.required'));
    const admin = await signIn(app, w.admin.email!);
    expect(optionValues((await admin.get('/curricula/new')).text, 'institution')[0]).to.equal('');
    expect((await post(admin, '/curricula', curriculumForm(''))).status).to.equal(303);
    const created = await Curriculum.findOne({ code: 'PVE-SPEC' }).lean().orFail();
    expect(created.institution).to.equal(undefined);
    expect(created.country).to.equal(undefined);
  });

  it('refuses an owner outside the coordinator’s scope', async () => {
    const res = await post(coordinator, '/curricula', curriculumForm(w.elsewhere));
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'institution')).to.equal(t('curricula:institution.outOfScope'));
    expect(await Curriculum.exists({ code: 'PVE-SPEC' })).to.equal(null);
  });

  it('shows each message beside its field and keeps what was typed', async () => {
    const fields = curriculumForm(w.home, { title: ' ', code: 'no spaces!', description: 'Kept <b>text</b>' });
    const res = await post(coordinator, '/curricula', fields);
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'title')).to.equal(t('validation.required'));
    expect(fieldError(res.text, 'code')).to.equal(t('curricula:code.format'));
    expect(inputValue(res.text, 'code')).to.equal('no spaces!');
    expect(res.text).to.include('Kept &lt;b&gt;text&lt;/b&gt;</textarea>');
    expect(selectedValue(res.text, 'institution')).to.equal(w.home.id);
    expect(visibleText(res.text)).to.include(t('validation.summary'));
  });

  it('refuses a code already taken, whatever its case, on create and on edit', async () => {
    const res = await post(coordinator, '/curricula', curriculumForm(w.home, { code: 'home-basic' }));
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'code')).to.equal(t('curricula:code.taken'));
    const c = w.curricula.draft;
    const edit = await post(coordinator, `/curricula/${c.id}`, {
      ...curriculumForm(w.home, { code: 'Home-Basic' }),
      version: await version(c),
    });
    expect(edit.status).to.equal(422);
    expect(fieldError(edit.text, 'code')).to.equal(t('curricula:code.taken'));
    expect((await stored(c)).code).to.equal('HOME-DRAFT');
  });

  it('refuses fields the form does not have, and changes nothing', async () => {
    for (const extra of [{ status: 'published' }, { items: w.modules.intro.id }, { country: w.kenya.id }]) {
      const res = await post(coordinator, '/curricula', curriculumForm(w.home, extra));
      expect(res.status, Object.keys(extra)[0]).to.equal(422);
    }
    expect(await Curriculum.exists({ code: 'PVE-SPEC' })).to.equal(null);
    const c = w.curricula.draft;
    const before = await snapshot(c);
    const res = await post(coordinator, `/curricula/${c.id}`, {
      ...curriculumForm(w.home),
      version: await version(c),
      status: 'published',
    });
    expect(res.status).to.equal(422);
    expect(await snapshot(c)).to.deep.equal(before);
  });

  it('edits the details, and escapes a script in the title everywhere it shows', async () => {
    const c = w.curricula.draft;
    const form = await coordinator.get(`/curricula/${c.id}/edit`);
    expect(inputValue(form.text, 'code')).to.equal('HOME-DRAFT');
    expect(inputValue(form.text, 'version')).to.equal(await version(c));
    const title = '<script>alert(1)</script> & co';
    const res = await post(coordinator, `/curricula/${c.id}`, {
      ...curriculumForm(w.home, { title, code: 'HOME-DRAFT' }),
      version: await version(c),
    });
    expect(res.status).to.equal(303);
    for (const path of [`/curricula/${c.id}`, '/curricula', `/curricula/${c.id}/edit`]) {
      const page = await coordinator.get(path);
      expect(page.text, path).not.to.include('<script>alert(1)</script>');
      expect(page.text, path).to.include('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    }
  });

  it('keeps what was typed when someone else saved in between, and saves on the second try', async () => {
    const c = w.curricula.draft;
    const old = await version(c);
    await Curriculum.findById(c._id)
      .orFail()
      .then((doc) => doc.set('title', 'Changed by Bob').save());
    const fields = { ...curriculumForm(w.home, { title: 'Alice’s title', code: 'HOME-DRAFT' }), version: old };
    const res = await post(coordinator, `/curricula/${c.id}`, fields);
    expect(res.status).to.equal(409);
    expect(visibleText(res.text)).to.include(t('curricula:conflictForm'));
    expect(inputValue(res.text, 'title')).to.equal('Alice’s title');
    expect((await stored(c)).title).to.equal('Changed by Bob');
    const again = await post(coordinator, `/curricula/${c.id}`, {
      ...fields,
      version: inputValue(res.text, 'version'),
    });
    expect(again.status).to.equal(303);
    expect((await stored(c)).title).to.equal('Alice’s title');
  });

  it('refuses moving a curriculum to an owner in another country than its modules', async () => {
    const admin = await signIn(app, w.admin.email!);
    const c = w.curricula.published;
    const res = await post(admin, `/curricula/${c.id}`, {
      ...curriculumForm(w.abroad, { code: 'HOME-BASIC', title: 'Moved' }),
      version: await version(c),
    });
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'institution')).to.equal(t('curricula:institution.modulesElsewhere'));
    expect((await stored(c)).country?.toHexString()).to.equal(w.uganda.id);
  });
});

describe('curricula: the curriculum page', () => {
  startApp();
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  it('lists the modules in order, required or elective, with hours, total and catalogue links', async () => {
    const agent = await signIn(app, w.staff.email!);
    const c = w.curricula.published;
    const res = await agent.get(`/curricula/${c.id}`);
    expect(res.status).to.equal(200);
    const rows = itemRows(res.text);
    expect(rows).to.have.length(3);
    expect(rows[0]).to.match(/^1 PVE-1 Understanding violent extremism 8 hours Required$/);
    expect(rows[1]).to.match(/^2 PVE-2 Human rights in custody 6 hours Elective$/);
    expect(rows[2]).to.equal(`3 PVE-OLD Retired module ${t('curricula:statuses.archived')} 2 hours Required`);
    expect(links(res.text)).to.include.members([
      `/catalogue/${w.modules.intro.id}`,
      `/catalogue/${w.modules.national.id}`,
    ]);
    expect(links(res.text)).not.to.include(`/catalogue/${w.modules.archived.id}`);
    expect(visibleText(res.text)).to.include(t('curricula:items.requiredHours', { count: 10 }));
    expect(visibleText(res.text)).to.include('Home Academy');
    // no progress until completion records exist: nothing is made up
    expect(res.text).not.to.include(t('curricula:progress.title'));
    expectNoMissingTranslations(res.text);
  });

  it('offers an editor only the modules that may be added', async () => {
    const agent = await signIn(app, w.coordinator.email!);
    const draftPage = await agent.get(`/curricula/${w.curricula.draft.id}`);
    expectLabelledControls(draftPage.text);
    expectNoMissingTranslations(draftPage.text);
    // visible, not archived, national or Ugandan; drafts only of their own institutions
    expect(optionValues(draftPage.text, 'module')).to.deep.equal([
      '',
      w.modules.intro.id,
      w.modules.national.id,
      w.modules.partner.id,
      w.modules.draft.id,
    ]);
    // a published curriculum takes published modules not already in it
    const published = await agent.get(`/curricula/${w.curricula.published.id}`);
    expect(optionValues(published.text, 'module')).to.deep.equal(['', w.modules.partner.id]);
  });

  it('names a draft module the viewer may not see only as a module in preparation', async () => {
    const c = await buildCurriculum(w.elsewhere, { items: [[w.modules.elsewhereDraft, true]] });
    const agent = await signIn(app, w.admin.email!);
    expect(visibleText((await agent.get(`/curricula/${c.id}`)).text)).to.include('Elsewhere draft');
    await c.updateOne({ institution: w.home._id });
    const coordinator = await signIn(app, w.coordinator.email!);
    const res = await coordinator.get(`/curricula/${c.id}`);
    expect(res.status).to.equal(200);
    expect(res.text).not.to.include('Elsewhere draft');
    expect(itemRows(res.text)[0]).to.include(t('curricula:items.inPreparation'));
  });
});

describe('curricula: managing the modules without JavaScript', () => {
  startApp();
  let w: World;
  let agent: Agent;
  beforeEach(async () => {
    w = await world();
    agent = await signIn(app, w.coordinator.email!);
  });

  const add = async (c: { id: string; _id: Types.ObjectId }, module: { id: string } | string, kind = 'required') =>
    post(agent, `/curricula/${c.id}/items`, {
      module: typeof module === 'string' ? module : module.id,
      kind,
      version: await version(c),
    });
  const act = async (c: { id: string; _id: Types.ObjectId }, module: { id: string }, action: string, fields = {}) =>
    post(agent, `/curricula/${c.id}/items/${module.id}/${action}`, { version: await version(c), ...fields });

  it('adds modules at the end, required or elective, and says so', async () => {
    const c = w.curricula.draft;
    const first = await add(c, w.modules.intro);
    expect(first.status).to.equal(303);
    expect(first.headers.location).to.equal(`/curricula/${c.id}#items`);
    expect((await add(c, w.modules.draft, 'elective')).status).to.equal(303);
    expect(await itemsOf(c)).to.deep.equal([
      [w.modules.intro.id, true],
      [w.modules.draft.id, false],
    ]);
    const page = await agent.get(`/curricula/${c.id}`);
    expect(visibleText(page.text)).to.include(t('curricula:items.added', { title: 'Secret draft module' }));
    expect(itemRows(page.text)[1]).to.include(t('curricula:items.kinds.elective'));
  });

  const refusals: { name: string; module: (w: World) => { id: string } | string; message: string }[] = [
    { name: 'a module already in it', module: (w) => w.modules.intro, message: 'curricula:items.duplicate' },
    { name: 'an archived module', module: (w) => w.modules.archived, message: 'curricula:items.archivedModule' },
    {
      name: 'a draft of another institution',
      module: (w) => w.modules.elsewhereDraft,
      message: 'curricula:items.unknownModule',
    },
    { name: 'another country’s module', module: (w) => w.modules.kenyan, message: 'curricula:items.unknownModule' },
    {
      name: 'a module that does not exist',
      module: () => '0123456789abcdef01234567',
      message: 'curricula:items.unknownModule',
    },
    { name: 'no module at all', module: () => '', message: 'curricula:items.chooseModule' },
    {
      name: 'a draft into a published curriculum',
      module: (w) => w.modules.draft,
      message: 'curricula:items.draftModule',
    },
  ];
  for (const refusal of refusals) {
    it(`refuses ${refusal.name} (422, message beside the module, list unchanged)`, async () => {
      const c = w.curricula.published;
      const before = await snapshot(c);
      const res = await add(c, refusal.module(w), 'elective');
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'module')).to.equal(t(refusal.message));
      expect(res.text).to.include(`id="kind-elective" name="kind" value="elective" checked`);
      expect(itemRows(res.text)).to.have.length(3);
      expect(await snapshot(c)).to.deep.equal(before);
    });
  }

  it('answers 422 to operator objects or repeated values in place of a module or a version', async () => {
    const c = w.curricula.draft;
    const before = await snapshot(c);
    const token = await csrfToken(agent, '/account');
    const json = await agent
      .post(`/curricula/${c.id}/items`)
      .set('x-csrf-token', token)
      .set('Accept', 'text/html')
      .send({ module: { $ne: '' }, kind: 'required', version: { $gt: '' } });
    expect(json.status).to.equal(422);
    const repeated = await post(agent, `/curricula/${c.id}/items`, {
      module: [w.modules.intro.id, w.modules.national.id],
      kind: 'required',
      version: await version(c),
    });
    expect(repeated.status).to.equal(422);
    expect(await snapshot(c)).to.deep.equal(before);
  });

  it('refuses an admin a module of another country than the curriculum', async () => {
    const admin = await signIn(app, w.admin.email!);
    const c = w.curricula.published;
    const res = await post(admin, `/curricula/${c.id}/items`, {
      module: w.modules.kenyan.id,
      kind: 'required',
      version: await version(c),
    });
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'module')).to.equal(t('curricula:items.otherCountry'));
  });

  it('moves a module up and down, and refuses the first up and the last down', async () => {
    const c = w.curricula.published;
    const [intro, national, archived] = [w.modules.intro.id, w.modules.national.id, w.modules.archived.id];
    expect((await act(c, w.modules.national, 'up')).status).to.equal(303);
    expect((await itemsOf(c)).map(([id]) => id)).to.deep.equal([national, intro, archived]);
    expect((await act(c, w.modules.intro, 'down')).status).to.equal(303);
    expect((await itemsOf(c)).map(([id]) => id)).to.deep.equal([national, archived, intro]);
    const before = await snapshot(c);
    expect((await act(c, w.modules.national, 'up')).status).to.equal(400);
    expect((await act(c, w.modules.intro, 'down')).status).to.equal(400);
    expect(await snapshot(c)).to.deep.equal(before);
    // the page offers neither
    const page = await agent.get(`/curricula/${c.id}`);
    expect(page.text).not.to.include(`/items/${national}/up"`);
    expect(page.text).not.to.include(`/items/${intro}/down"`);
    expect(page.text).to.include(`/items/${archived}/up"`);
  });

  it('makes a module elective and required again, and the required hours follow', async () => {
    const c = w.curricula.published;
    expect((await act(c, w.modules.intro, 'kind', { kind: 'elective' })).status).to.equal(303);
    expect((await itemsOf(c))[0]).to.deep.equal([w.modules.intro.id, false]);
    let page = await agent.get(`/curricula/${c.id}`);
    expect(visibleText(page.text)).to.include(t('curricula:items.requiredHours', { count: 2 }));
    expect(visibleText(page.text)).to.include(t('curricula:items.nowElective'));
    expect((await act(c, w.modules.national, 'kind', { kind: 'required' })).status).to.equal(303);
    page = await agent.get(`/curricula/${c.id}`);
    expect(visibleText(page.text)).to.include(t('curricula:items.requiredHours', { count: 8 }));
    expect((await act(c, w.modules.national, 'kind', { kind: 'maybe' })).status).to.equal(422);
  });

  it('removes modules, down to none in a draft, but keeps the last one of a published curriculum', async () => {
    const draft = await buildCurriculum(w.home, { items: [[w.modules.intro, true]] });
    expect((await act(draft, w.modules.intro, 'remove')).status).to.equal(303);
    expect(await itemsOf(draft)).to.deep.equal([]);
    expect(visibleText((await agent.get(`/curricula/${draft.id}`)).text)).to.include(t('curricula:items.empty'));

    const c = w.curricula.published;
    expect((await act(c, w.modules.national, 'remove')).status).to.equal(303);
    expect((await act(c, w.modules.archived, 'remove')).status).to.equal(303);
    expect(await itemsOf(c)).to.deep.equal([[w.modules.intro.id, true]]);
    const last = await act(c, w.modules.intro, 'remove');
    expect(last.status).to.equal(409);
    expect(visibleText(last.text)).to.include(t('curricula:items.keepOne'));
    expect(await itemsOf(c)).to.deep.equal([[w.modules.intro.id, true]]);
    // removing it again, once gone, names no item
    expect((await act(c, w.modules.national, 'remove')).status).to.equal(404);
  });

  it('refuses a change made from a page showing an older version (409) and changes nothing', async () => {
    const c = w.curricula.published;
    const shown = await version(c);
    expect((await act(c, w.modules.national, 'up')).status).to.equal(303);
    const before = await snapshot(c);
    for (const [action, fields] of [
      ['down', {}],
      ['kind', { kind: 'elective' }],
      ['remove', {}],
    ] as const) {
      const res = await post(agent, `/curricula/${c.id}/items/${w.modules.intro.id}/${action}`, {
        version: shown,
        ...fields,
      });
      expect(res.status, action).to.equal(409);
      expect(visibleText(res.text)).to.include(t('curricula:conflict'));
    }
    const added = await post(agent, `/curricula/${c.id}/items`, {
      module: w.modules.partner.id,
      kind: 'required',
      version: shown,
    });
    expect(added.status).to.equal(409);
    expect(await snapshot(c)).to.deep.equal(before);
  });

  it('lets exactly one of several editors changing the list at the same moment through; the others get 409', async () => {
    const c = w.curricula.published;
    const other = await signIn(app, w.admin.email!);
    const shown = await version(c);
    const [token, otherToken] = [await csrfToken(agent, '/account'), await csrfToken(other, '/account')];
    const { intro, national, archived, partner } = w.modules;
    // each change, sent from the same page, with the list it alone would leave behind
    const changes: [Agent, string, string, FormFields, (string | boolean)[][]][] = [
      [
        agent,
        token,
        `items/${archived.id}/up`,
        {},
        [
          [intro.id, true],
          [archived.id, true],
          [national.id, false],
        ],
      ],
      [
        other,
        otherToken,
        `items/${intro.id}/remove`,
        {},
        [
          [national.id, false],
          [archived.id, true],
        ],
      ],
      [
        agent,
        token,
        'items',
        { module: partner.id, kind: 'required' },
        [
          [intro.id, true],
          [national.id, false],
          [archived.id, true],
          [partner.id, true],
        ],
      ],
      [
        other,
        otherToken,
        `items/${national.id}/kind`,
        { kind: 'required' },
        [
          [intro.id, true],
          [national.id, true],
          [archived.id, true],
        ],
      ],
    ];
    const results = await Promise.all(
      changes.map(([a, csrf, path, fields]) =>
        a
          .post(`/curricula/${c.id}/${path}`)
          .type('form')
          .send(formBody({ _csrf: csrf, version: shown, ...fields })),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(
      statuses.every((s) => s === 303 || s === 409),
      statuses.join(),
    ).to.equal(true);
    // the revision each change claims by a unique insert lets exactly one through, on FerretDB too
    expect(
      statuses.filter((s) => s === 303),
      statuses.join(),
    ).to.have.length(1);
    const winner = changes[statuses.indexOf(303)]!;
    expect(await itemsOf(c)).to.deep.equal(winner[4]);
    for (const res of results.filter((r) => r.status === 409)) {
      expect(visibleText(res.text)).to.include(t('curricula:conflict'));
    }
  });
});

describe('curricula: draft, published, archived', () => {
  startApp();
  let w: World;
  let agent: Agent;
  beforeEach(async () => {
    w = await world();
    agent = await signIn(app, w.coordinator.email!);
  });

  it('publishes a draft with modules, and staff then see it', async () => {
    const c = await buildCurriculum(w.home, { title: 'To publish', items: [[w.modules.intro, true]] });
    const staff = await signIn(app, w.staff.email!);
    expect((await staff.get(`/curricula/${c.id}`)).status).to.equal(404);
    const res = await post(agent, `/curricula/${c.id}/publish`);
    expect(res.status).to.equal(303);
    const after = await stored(c);
    expect(after.status).to.equal('published');
    expect(after.publishedAt).to.be.instanceOf(Date);
    expect((await staff.get(`/curricula/${c.id}`)).status).to.equal(200);
    expect(listedTitles((await staff.get('/curricula')).text)).to.include('To publish');
    // pressing the button twice changes nothing more
    expect((await post(agent, `/curricula/${c.id}/publish`)).status).to.equal(303);
  });

  it('refuses to publish an empty curriculum or one holding a draft module (409)', async () => {
    const empty = await post(agent, `/curricula/${w.curricula.draft.id}/publish`);
    expect(empty.status).to.equal(409);
    expect(visibleText(empty.text)).to.include(t('curricula:publish.empty'));
    const c = await buildCurriculum(w.home, {
      items: [
        [w.modules.intro, true],
        [w.modules.draft, false],
      ],
    });
    const res = await post(agent, `/curricula/${c.id}/publish`);
    expect(res.status).to.equal(409);
    expect(visibleText(res.text)).to.include(t('curricula:publish.draftModules', { codes: 'PVE-D' }));
    expect((await stored(c)).status).to.equal('draft');
  });

  it('archives after a confirmation page; archived curricula leave staff lists and no longer change', async () => {
    const c = w.curricula.published;
    const page = await agent.get(`/curricula/${c.id}`);
    expect(links(page.text)).to.include(`/curricula/${c.id}/archive`);
    const confirm = await agent.get(`/curricula/${c.id}/archive`);
    expect(confirm.status).to.equal(200);
    expectNoMissingTranslations(confirm.text);
    expectLabelledControls(confirm.text);
    expect(visibleText(confirm.text)).to.include(t('curricula:archive.confirm', { title: c.title }));
    expect((await stored(c)).status).to.equal('published');
    expect((await post(agent, `/curricula/${c.id}/archive`)).status).to.equal(303);
    expect((await stored(c)).status).to.equal('archived');

    const staff = await signIn(app, w.staff.email!);
    expect((await staff.get(`/curricula/${c.id}`)).status).to.equal(404);
    expect(listedTitles((await staff.get('/curricula')).text)).not.to.include(c.title);

    const archived = await agent.get(`/curricula/${c.id}`);
    expect(archived.status).to.equal(200);
    expect(itemRows(archived.text)).to.have.length(3);
    expect(links(archived.text)).not.to.include(`/curricula/${c.id}/edit`);
    expect(archived.text).not.to.include(`/curricula/${c.id}/items`);
    expect((await agent.get(`/curricula/${c.id}/edit`)).status).to.equal(303);
    expect((await agent.get(`/curricula/${c.id}/archive`)).status).to.equal(303);
    const before = await snapshot(c);
    const v = await version(c);
    const refused = await post(agent, `/curricula/${c.id}/items`, {
      module: w.modules.partner.id,
      kind: 'required',
      version: v,
    });
    expect(refused.status).to.equal(409);
    expect(visibleText(refused.text)).to.include(t('curricula:archivedReadOnly'));
    const update = await post(agent, `/curricula/${c.id}`, { ...curriculumForm(w.home, { code: c.code }), version: v });
    expect(update.status).to.equal(409);
    expect((await post(agent, `/curricula/${c.id}/items/${w.modules.intro.id}/down`, { version: v })).status).to.equal(
      409,
    );
    expect(await snapshot(c)).to.deep.equal(before);
  });

  it('reinstates an archived curriculum as published', async () => {
    const c = await buildCurriculum(w.home, { status: 'archived', items: [[w.modules.intro, true]] });
    const page = await agent.get(`/curricula/${c.id}`);
    expect(page.text).to.include(`action="/curricula/${c.id}/reinstate"`);
    expect((await post(agent, `/curricula/${c.id}/reinstate`)).status).to.equal(303);
    expect((await stored(c)).status).to.equal('published');
  });

  it('refuses steps that do not follow from the status (409)', async () => {
    const archive = await post(agent, `/curricula/${w.curricula.draft.id}/archive`);
    expect(archive.status).to.equal(409);
    expect(visibleText(archive.text)).to.include(t('curricula:archive.notPublished'));
    expect((await post(agent, `/curricula/${w.curricula.draft.id}/reinstate`)).status).to.equal(409);
    expect((await post(agent, `/curricula/${w.curricula.archived.id}/publish`)).status).to.equal(409);
    expect((await stored(w.curricula.draft)).status).to.equal('draft');
    expect((await stored(w.curricula.archived)).status).to.equal('archived');
  });
});
