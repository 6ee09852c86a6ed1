import { expect } from 'chai';
import type { Express } from 'express';
import type { TFunction } from 'i18next';
import type { Types } from 'mongoose';
import request from 'supertest';
import { anyOf } from '../src/db/query.ts';
import { ModuleVersion } from '../src/modules/module-version.model.ts';
import { TrainingModule, type DeliveryLanguage } from '../src/modules/training-module.model.ts';
import { buildApp, testI18n } from './support/context.ts';
import { buildModule } from './support/factories.ts';
import { buildWorld } from './support/world.ts';
import { signIn, type Agent, type FormFields, post } from './support/http.ts';
import {
  checkedValues,
  dayError,
  decode,
  expectLabelledControls,
  expectNoMissingTranslations,
  fieldError,
  inputValue,
  links,
  optionValues,
  selectedValue,
  visibleText,
} from './page-helpers.ts';

// Training modules over HTTP, as coordinators and admins manage them and as others are refused.

let app: Express;
let t: TFunction;

/** Every describe starts its own app: no root hooks outside test/setup.ts. */
function startApp() {
  before(async () => {
    app = await buildApp();
    t = (await testI18n()).getFixedT('en');
  });
}

/** Two countries; a coordinator at Home who also acts in Partner; Elsewhere is out of their scope. */
async function world() {
  const w = await buildWorld({
    countries: { uganda: { code: 'UG', name: 'Uganda' } },
    institutions: {
      home: { country: 'uganda', name: 'Home Academy', code: 'HOME' },
      partner: { country: 'uganda', name: 'Partner Prison', code: 'PARTNER' },
      elsewhere: { country: 'uganda', name: 'Elsewhere Prison', code: 'ELSEWHERE' },
    },
    people: {
      admin: { roles: ['admin'], at: null, fullName: 'Ada Admin' },
      coordinator: { roles: ['coordinator'], at: 'home', scope: ['partner'] },
      trainer: { roles: ['trainer'], at: 'home', scope: ['home'] },
      staff: { roles: ['staff'], at: 'home' },
    },
    modules: {
      draft: { owner: 'home', code: 'HOME-DRAFT', title: 'Home draft' },
      published: { owner: 'partner', code: 'PART-PUB', title: 'Partner published' },
      outside: { owner: 'elsewhere', code: 'ELSE-1', title: 'Elsewhere module' },
      national: { code: 'NAT-1', title: 'National module' },
    },
  });
  await publish(w.modules.published);
  return { ...w.countries, ...w.institutions, ...w.people, ...w.modules };
}
type World = Awaited<ReturnType<typeof world>>;

/** Publishes as the service would: status and the version-1 snapshot. */
async function publish(module: InstanceType<typeof TrainingModule>) {
  await ModuleVersion.create({ module: module._id, version: 1, content: { title: module.title } });
  module.set({ status: 'published', publishedAt: new Date() });
  await module.save();
}

/** A complete, valid module form; fields override it (undefined leaves a field out). */
function moduleForm(institution: { id: string } | string, fields: FormFields = {}): FormFields {
  return {
    code: 'PVE-01',
    title: 'Understanding violent extremism',
    summary: 'What violent extremism is and how it reaches prisons.',
    objectives: 'Define violent extremism.\nDescribe recruitment in prison.',
    hours: '8',
    deliveryMode: 'classroom',
    audience: 'All officers',
    prerequisites: [],
    passMark: '60',
    hasPostTest: 'on',
    attendanceThreshold: '80',
    certificateValidityMonths: '0',
    tags: 'PVE, basic',
    languages: ['en'],
    institution: typeof institution === 'string' ? institution : institution.id,
    ...fields,
  };
}

async function snapshot(id: unknown) {
  const module = await TrainingModule.findById(id).lean().orFail();
  return { ...module, updatedAt: undefined };
}

/** The titles in the modules table. */
function listedTitles(html: string): string[] {
  return [...html.matchAll(/<td><bdi><a href="\/modules\/[0-9a-f]{24}">([^<]*)<\/a><\/bdi><\/td>/g)].map((m) =>
    visibleText(m[1] ?? ''),
  );
}

const pages = (id: string) => ['/modules', '/modules/new', `/modules/${id}`, `/modules/${id}/edit`];
const actions = (id: string) => [
  '/modules',
  `/modules/${id}`,
  `/modules/${id}/publish`,
  `/modules/${id}/archive`,
  `/modules/${id}/reinstate`,
];

describe('modules: who may reach which page', () => {
  startApp();
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  it('sends anonymous visitors of every page to sign in', async () => {
    for (const path of [...pages(w.draft.id), `/modules/${w.published.id}/archive`]) {
      const res = await request(app).get(path);
      expect(res.status, path).to.equal(303);
      expect(res.headers.location, path).to.equal('/login');
    }
  });

  it('refuses every anonymous post and changes nothing', async () => {
    const before = await snapshot(w.draft._id);
    for (const path of actions(w.draft.id)) {
      const res = await request(app)
        .post(path)
        .type('form')
        .send(moduleForm(w.home, { code: 'ANON-1' }));
      expect([401, 403], path).to.include(res.status);
    }
    expect(await snapshot(w.draft._id)).to.deep.equal(before);
    expect(await TrainingModule.exists({ code: 'ANON-1' })).to.equal(null);
  });

  for (const role of ['staff', 'trainer'] as const) {
    it(`refuses a ${role} every page and action (403) and changes nothing`, async () => {
      const agent = await signIn(app, w[role].email!);
      for (const path of [...pages(w.published.id), `/modules/${w.published.id}/archive`]) {
        expect((await agent.get(path)).status, path).to.equal(403);
      }
      const before = await snapshot(w.published._id);
      for (const path of actions(w.published.id)) {
        const res = await post(agent, path, moduleForm(w.home, { code: 'SNEAK-1' }));
        expect(res.status, path).to.equal(403);
      }
      expect(await snapshot(w.published._id)).to.deep.equal(before);
      expect(await TrainingModule.exists({ code: 'SNEAK-1' })).to.equal(null);
    });

    it(`shows a ${role} the catalogue in the menu, not the modules`, async () => {
      const agent = await signIn(app, w[role].email!);
      const home = links((await agent.get('/')).text);
      expect(home).to.include('/catalogue');
      expect(home).not.to.include('/modules');
    });
  }

  it('lets a coordinator open every page of a module in scope, and shows them the menu link', async () => {
    const agent = await signIn(app, w.coordinator.email!);
    for (const path of [...pages(w.draft.id), ...pages(w.published.id), `/modules/${w.published.id}/archive`]) {
      expect((await agent.get(path)).status, path).to.equal(200);
    }
    expect(links((await agent.get('/')).text)).to.include.members(['/modules', '/catalogue']);
  });

  it('answers a coordinator 404 for every page of a module out of scope or national', async () => {
    const agent = await signIn(app, w.coordinator.email!);
    for (const module of [w.outside, w.national]) {
      for (const path of [`/modules/${module.id}`, `/modules/${module.id}/edit`, `/modules/${module.id}/archive`]) {
        const res = await agent.get(path);
        expect(res.status, path).to.equal(404);
        expect(res.text, path).not.to.include(module.title);
      }
    }
  });

  it('answers a coordinator 404 and changes nothing when posting to a module out of scope', async () => {
    const agent = await signIn(app, w.coordinator.email!);
    for (const module of [w.outside, w.national]) {
      const before = await snapshot(module._id);
      for (const path of actions(module.id).slice(1)) {
        const res = await post(agent, path, moduleForm(w.home, { code: 'TAKEN-OVER' }));
        expect(res.status, path).to.equal(404);
      }
      expect(await snapshot(module._id)).to.deep.equal(before);
    }
  });

  it('lets an admin open every page of any module, national ones included', async () => {
    const agent = await signIn(app, w.admin.email!);
    for (const module of [w.draft, w.outside, w.national, w.published]) {
      for (const path of pages(module.id)) expect((await agent.get(path)).status, path).to.equal(200);
    }
  });

  it('answers 404 for an id that is malformed or belongs to no module', async () => {
    const agent = await signIn(app, w.admin.email!);
    for (const path of [
      '/modules/nope',
      '/modules/0123456789abcdef01234567',
      '/modules/0123456789abcdef01234567/edit',
    ]) {
      expect((await agent.get(path)).status, path).to.equal(404);
    }
    const res = await post(agent, '/modules/0123456789abcdef01234567', moduleForm(w.home));
    expect(res.status).to.equal(404);
    expect((await post(agent, '/modules/0123456789abcdef01234567/publish')).status).to.equal(404);
  });
});

describe('modules: the list', () => {
  startApp();
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  it('shows a coordinator only the modules owned in their scope', async () => {
    const agent = await signIn(app, w.coordinator.email!);
    const titles = listedTitles((await agent.get('/modules')).text);
    expect(titles).to.have.members(['Home draft', 'Partner published']);
  });

  it('shows an admin every module, national ones included', async () => {
    const agent = await signIn(app, w.admin.email!);
    const titles = listedTitles((await agent.get('/modules')).text);
    expect(titles).to.have.members(['Home draft', 'Partner published', 'Elsewhere module', 'National module']);
  });

  it('leaves archived modules out unless asked for', async () => {
    await buildModule({ institution: w.home, title: 'Old archived', status: 'archived' });
    const agent = await signIn(app, w.coordinator.email!);
    expect(listedTitles((await agent.get('/modules')).text)).not.to.include('Old archived');
    expect(listedTitles((await agent.get('/modules?status=archived')).text)).to.deep.equal(['Old archived']);
    expect(listedTitles((await agent.get('/modules?status=draft')).text)).to.deep.equal(['Home draft']);
    expect(listedTitles((await agent.get('/modules?status=published')).text)).to.deep.equal(['Partner published']);
    expect(listedTitles((await agent.get('/modules?status=all')).text)).to.have.length(3);
    expect(listedTitles((await agent.get('/modules?status=nonsense')).text)).to.have.length(2);
  });

  it('finds modules by part of the code or title, whatever the case, and keeps the search in the box', async () => {
    const agent = await signIn(app, w.coordinator.email!);
    expect(listedTitles((await agent.get('/modules?q=home-dr')).text)).to.deep.equal(['Home draft']);
    const res = await agent.get('/modules?q=PUBLISHED');
    expect(listedTitles(res.text)).to.deep.equal(['Partner published']);
    expect(inputValue(res.text, 'q')).to.equal('PUBLISHED');
  });

  it('treats regular-expression characters in the search as plain text', async () => {
    await buildModule({ institution: w.home, title: 'Risk (level 2+) [advanced]' });
    const agent = await signIn(app, w.coordinator.email!);
    for (const q of ['(level 2+)', '[advanced]', '.*', '\\']) {
      const res = await agent.get(`/modules?q=${encodeURIComponent(q)}`);
      expect(res.status, q).to.equal(200);
      const expected = q === '.*' || q === '\\' ? [] : ['Risk (level 2+) [advanced]'];
      expect(listedTitles(res.text), q).to.deep.equal(expected);
    }
  });

  it('filters by tag, offering the tags in use', async () => {
    await buildModule({ institution: w.home, title: 'Tagged', tags: ['pve', 'security'] });
    const agent = await signIn(app, w.coordinator.email!);
    const page = await agent.get('/modules');
    expect(optionValues(page.text, 'tag')).to.deep.equal(['', 'pve', 'security']);
    const res = await agent.get('/modules?tag=PVE');
    expect(listedTitles(res.text)).to.deep.equal(['Tagged']);
    expect(selectedValue(res.text, 'tag')).to.equal('pve');
  });

  it('pages 30 modules 25 at a time, sorted by code', async () => {
    for (let i = 0; i < 28; i++) await buildModule({ institution: w.home, code: `P-${String(i).padStart(2, '0')}` });
    const agent = await signIn(app, w.coordinator.email!);
    const first = await agent.get('/modules');
    expect(listedTitles(first.text)).to.have.length(25);
    expect(visibleText(first.text)).to.include(t('pagination.summary', { count: 30, page: 1, pages: 2 }));
    expect(links(first.text)).to.include('?status=current&page=2');
    const second = await agent.get('/modules?page=2');
    expect(listedTitles(second.text)).to.have.length(5);
    expect(listedTitles((await agent.get('/modules?page=99')).text)).to.have.length(5);
  });

  it('ignores MongoDB operators in the query string', async () => {
    const agent = await signIn(app, w.coordinator.email!);
    for (const query of ['status[$ne]=x', 'tag[$gt]=', 'q[$regex]=.*', 'page[$gt]=1']) {
      const res = await agent.get(`/modules?${query}`);
      expect(res.status, query).to.equal(200);
      expect(listedTitles(res.text), query).to.have.members(['Home draft', 'Partner published']);
    }
  });
});

describe('modules: creating and editing', () => {
  startApp();
  let w: World;
  let agent: Agent;
  beforeEach(async () => {
    w = await world();
    agent = await signIn(app, w.coordinator.email!);
  });

  it('creates a draft at version 1 with the values cleaned up, owned in scope, with its country', async () => {
    const res = await post(
      agent,
      '/modules',
      moduleForm(w.partner, {
        code: ' pve-09 ',
        objectives: '  First objective \r\n\r\n Second objective\n',
        tags: ' PVE, Security ,pve,, basic  training ',
        languages: ['ru', 'en', 'en'],
        passMark: '',
        hours: '1,5',
      }),
    );
    expect(res.status).to.equal(303);
    const module = await TrainingModule.findOne({ code: 'PVE-09' }).lean().orFail();
    expect(res.headers.location).to.equal(`/modules/${String(module._id)}`);
    expect(module.status).to.equal('draft');
    expect(module.version).to.equal(1);
    expect(module.objectives).to.deep.equal(['First objective', 'Second objective']);
    expect(module.tags).to.deep.equal(['pve', 'security', 'basic training']);
    expect(module.languages).to.deep.equal(['en', 'ru']);
    expect(module.passMark).to.equal(null);
    expect(module.hours).to.equal(1.5);
    expect(String(module.institution)).to.equal(w.partner.id);
    expect(String(module.country)).to.equal(String(w.uganda._id));
    expect(await ModuleVersion.countDocuments({ module: module._id })).to.equal(0);
    const page = await agent.get(res.headers.location!);
    expect(visibleText(page.text)).to.include(t('modules:created', { title: 'Understanding violent extremism' }));
  });

  it('lets an admin create a national module, with no owner and no country', async () => {
    const admin = await signIn(app, w.admin.email!);
    const res = await post(admin, '/modules', moduleForm('', { code: 'NAT-2' }));
    expect(res.status).to.equal(303);
    const module = await TrainingModule.findOne({ code: 'NAT-2' }).lean().orFail();
    expect(module.institution).to.equal(undefined);
    expect(module.country).to.equal(undefined);
  });

  it('does not let a coordinator create a national module or one owned outside their scope', async () => {
    const national = await post(agent, '/modules', moduleForm('', { code: 'NAT-3' }));
    expect(national.status).to.equal(422);
    expect(fieldError(national.text, 'institution')).to.equal(t('validation.required'));
    const outside = await post(agent, '/modules', moduleForm(w.elsewhere, { code: 'ELSE-3' }));
    expect(outside.status).to.equal(422);
    expect(fieldError(outside.text, 'institution')).to.equal(t('modules:institution.outOfScope'));
    expect(await TrainingModule.countDocuments({ code: anyOf(['NAT-3', 'ELSE-3']) })).to.equal(0);
  });

  it('does not let a coordinator move a module out of their scope or make it national', async () => {
    const before = await snapshot(w.draft._id);
    for (const owner of [w.elsewhere.id, '']) {
      const res = await post(agent, `/modules/${w.draft.id}`, moduleForm(owner, { code: 'HOME-DRAFT' }));
      expect(res.status, owner).to.equal(422);
      expect(fieldError(res.text, 'institution'), owner).to.be.a('string');
    }
    expect(await snapshot(w.draft._id)).to.deep.equal(before);
    const moved = await post(agent, `/modules/${w.draft.id}`, moduleForm(w.partner, { code: 'HOME-DRAFT' }));
    expect(moved.status).to.equal(303);
    expect(String((await TrainingModule.findById(w.draft._id).lean().orFail()).institution)).to.equal(w.partner.id);
  });

  it('offers a coordinator only the institutions of their scope as owner', async () => {
    const options = optionValues((await agent.get('/modules/new')).text, 'institution');
    expect(options).to.have.members(['', w.home.id, w.partner.id]);
  });

  const invalid = [
    { name: 'a missing title', fields: { title: '  ' }, field: 'title', key: 'validation.required' },
    { name: 'a code with spaces', fields: { code: 'PVE 01' }, field: 'code', key: 'modules:code.format' },
    { name: 'hours that are not a number', fields: { hours: 'six' }, field: 'hours', key: 'modules:hours.format' },
    { name: 'zero hours', fields: { hours: '0' }, field: 'hours', key: 'modules:hours.format' },
    {
      name: 'a pass mark over 100',
      fields: { passMark: '101' },
      field: 'passMark',
      key: 'validation.wholeNumber',
      params: { min: 0, max: 100 },
    },
    {
      name: 'an empty attendance',
      fields: { attendanceThreshold: '' },
      field: 'attendanceThreshold',
      key: 'validation.required',
    },
    {
      name: 'a fractional validity',
      fields: { certificateValidityMonths: '1.5' },
      field: 'certificateValidityMonths',
      key: 'validation.wholeNumber',
      params: { min: 0, max: 240 },
    },
    { name: 'a tag with symbols', fields: { tags: 'pve, <b>' }, field: 'tags', key: 'modules:tags.format' },
    { name: 'an unknown language', fields: { languages: ['en', 'xx'] }, field: 'languages', key: 'validation.choice' },
    {
      name: 'an unknown delivery mode',
      fields: { deliveryMode: 'telepathy' },
      field: 'deliveryMode',
      key: 'validation.choice',
    },
    {
      name: 'a malformed prerequisite',
      fields: { prerequisites: ['nope'] },
      field: 'prerequisites',
      key: 'validation.invalid',
    },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name} (422), the message beside the field and the typed values kept`, async () => {
      const res = await post(
        agent,
        '/modules',
        moduleForm(w.home, { code: 'KEEP-1', title: 'Kept title', ...c.fields }),
      );
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, c.field)).to.equal(t(c.key, c.params));
      expect(visibleText(res.text)).to.include(t('validation.summary'));
      if (c.field !== 'code') expect(inputValue(res.text, 'code')).to.equal('KEEP-1');
      if (c.field !== 'title') expect(inputValue(res.text, 'title')).to.equal('Kept title');
      expect(res.text).to.include('Define violent extremism.\nDescribe recruitment in prison.</textarea>');
      expect(checkedValues(res.text, 'languages')).to.include('en');
      expect(await TrainingModule.exists({ title: 'Kept title' })).to.equal(null);
    });
  }

  it('refuses extra fields and repeated single-value fields (422)', async () => {
    for (const extra of [{ status: 'published' }, { version: '7' }, { country: w.uganda.id }]) {
      const res = await post(agent, '/modules', moduleForm(w.home, { code: 'EXTRA-1', ...extra }));
      expect(res.status, Object.keys(extra)[0]).to.equal(422);
    }
    for (const field of ['code', 'title', 'hours', 'institution', 'passMark']) {
      const fields = moduleForm(w.home, { code: 'TWICE-1' });
      fields[field] = [String(fields[field]), String(fields[field])];
      const res = await post(agent, '/modules', fields);
      expect(res.status, field).to.equal(422);
      expect(fieldError(res.text, field), field).to.be.a('string');
    }
    expect(await TrainingModule.countDocuments({ code: anyOf(['EXTRA-1', 'TWICE-1']) })).to.equal(0);
  });

  it('refuses a code another module has, whatever its case, and lets a module keep its own', async () => {
    const res = await post(agent, '/modules', moduleForm(w.home, { code: 'home-draft' }));
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'code')).to.equal(t('modules:code.taken'));
    // a code held by a module the coordinator cannot see is refused all the same
    const hidden = await post(agent, '/modules', moduleForm(w.home, { code: 'else-1' }));
    expect(fieldError(hidden.text, 'code')).to.equal(t('modules:code.taken'));
    const same = await post(agent, `/modules/${w.draft.id}`, moduleForm(w.home, { code: 'HOME-DRAFT' }));
    expect(same.status).to.equal(303);
    const taken = await post(agent, `/modules/${w.draft.id}`, moduleForm(w.home, { code: 'part-pub' }));
    expect(taken.status).to.equal(422);
    expect(fieldError(taken.text, 'code')).to.equal(t('modules:code.taken'));
  });

  it('edits a draft in place: the version stays 1 and no snapshot is made', async () => {
    const res = await post(
      agent,
      `/modules/${w.draft.id}`,
      moduleForm(w.home, { code: 'HOME-DRAFT', title: 'Renamed' }),
    );
    expect(res.status).to.equal(303);
    const after = await TrainingModule.findById(w.draft._id).lean().orFail();
    expect(after.title).to.equal('Renamed');
    expect(after.version).to.equal(1);
    expect(after.status).to.equal('draft');
    expect(await ModuleVersion.countDocuments({ module: w.draft._id })).to.equal(0);
  });

  it('answers an edit form opened before someone else saved with 409, the typed values kept; saving again wins', async () => {
    const form = await agent.get(`/modules/${w.draft.id}/edit`).expect(200);
    const opened = inputValue(form.text, 'revision')!;
    expect(opened).to.match(/^\d+$/);
    const admin = await signIn(app, w.admin.email!);
    const theirs = moduleForm(w.home, { code: 'HOME-DRAFT', title: 'Their title', revision: opened });
    expect((await post(admin, `/modules/${w.draft.id}`, theirs)).status).to.equal(303);

    const mine = moduleForm(w.home, { code: 'HOME-DRAFT', title: 'My title', revision: opened });
    const stale = await post(agent, `/modules/${w.draft.id}`, mine);
    expect(stale.status).to.equal(409);
    expect(visibleText(stale.text)).to.include(t('modules:edit.changedMeanwhile'));
    expect(inputValue(stale.text, 'title')).to.equal('My title');
    let stored = await TrainingModule.findById(w.draft._id).orFail();
    expect(stored.title).to.equal('Their title');
    expect(inputValue(stale.text, 'revision')).to.equal(String(stored.__v));

    const again = { ...mine, revision: inputValue(stale.text, 'revision')! };
    expect((await post(agent, `/modules/${w.draft.id}`, again)).status).to.equal(303);
    stored = await TrainingModule.findById(w.draft._id).orFail();
    expect(stored.title).to.equal('My title');
    expect(stored.version).to.equal(1);
  });

  it('fills the edit form with what is stored', async () => {
    await TrainingModule.updateOne(
      { _id: w.draft._id },
      {
        objectives: ['One', 'Two'],
        tags: ['pve', 'security'],
        languages: ['en', 'kk'] as DeliveryLanguage[],
        passMark: null,
      },
    );
    const res = await agent.get(`/modules/${w.draft.id}/edit`);
    expect(inputValue(res.text, 'code')).to.equal('HOME-DRAFT');
    expect(inputValue(res.text, 'tags')).to.equal('pve, security');
    expect(inputValue(res.text, 'passMark')).to.equal('');
    expect(res.text).to.include('One\nTwo</textarea>');
    expect(checkedValues(res.text, 'languages')).to.deep.equal(['en', 'kk']);
    expect(selectedValue(res.text, 'institution')).to.equal(w.home.id);
  });

  it('chooses prerequisites among other modules, never the module itself', async () => {
    const form = await agent.get(`/modules/${w.draft.id}/edit`);
    const offered = checkboxValues(form.text, 'prerequisites');
    expect(offered).to.include(w.published.id);
    expect(offered).not.to.include(w.draft.id);
    expect(offered, 'a draft out of scope').not.to.include(w.outside.id);
    const self = await post(
      agent,
      `/modules/${w.draft.id}`,
      moduleForm(w.home, { code: 'HOME-DRAFT', prerequisites: [w.draft.id] }),
    );
    expect(self.status).to.equal(422);
    expect(fieldError(self.text, 'prerequisites')).to.equal(t('modules:prerequisites.self'));
    const ok = await post(
      agent,
      `/modules/${w.draft.id}`,
      moduleForm(w.home, { code: 'HOME-DRAFT', prerequisites: [w.published.id] }),
    );
    expect(ok.status).to.equal(303);
    const after = await TrainingModule.findById(w.draft._id).lean().orFail();
    expect(after.prerequisites.map(String)).to.deep.equal([w.published.id]);
  });

  it('refuses a prerequisite the coordinator may not see (a draft out of scope, a made-up id)', async () => {
    for (const id of [w.outside.id, '0123456789abcdef01234567']) {
      const res = await post(
        agent,
        `/modules/${w.draft.id}`,
        moduleForm(w.home, { code: 'HOME-DRAFT', prerequisites: [id] }),
      );
      expect(res.status, id).to.equal(422);
      expect(fieldError(res.text, 'prerequisites')).to.equal(t('modules:prerequisites.unknown'));
    }
  });

  it('refuses a prerequisite that would make a circle, naming the module that leads back', async () => {
    // draft ← middle ← published: making the draft require the published one closes the circle
    const middle = await buildModule({ institution: w.home, code: 'MIDDLE', prerequisites: [w.draft._id] });
    await TrainingModule.updateOne({ _id: w.published._id }, { prerequisites: [middle._id] });
    const res = await post(
      agent,
      `/modules/${w.draft.id}`,
      moduleForm(w.home, { code: 'HOME-DRAFT', prerequisites: [w.published.id] }),
    );
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'prerequisites')).to.equal(t('modules:prerequisites.cycle', { code: 'PART-PUB' }));
    expect((await TrainingModule.findById(w.draft._id).lean().orFail()).prerequisites).to.deep.equal([]);
  });

  it('keeps an archived module read-only: the edit page goes back to the module, a post is refused (409)', async () => {
    const archived = await buildModule({ institution: w.home, code: 'ARCH-1', status: 'archived' });
    const page = await agent.get(`/modules/${archived.id}/edit`);
    expect(page.status).to.equal(303);
    expect(page.headers.location).to.equal(`/modules/${archived.id}`);
    const before = await snapshot(archived._id);
    const res = await post(agent, `/modules/${archived.id}`, moduleForm(w.home, { code: 'ARCH-1', title: 'Changed' }));
    expect(res.status).to.equal(409);
    expect(visibleText(res.text)).to.include(t('modules:edit.archived'));
    expect(await snapshot(archived._id)).to.deep.equal(before);
  });
});

/** The language chosen and the title typed in one row of the translations. */
function translationRow(html: string, row: number) {
  const select = new RegExp(`<select id="translationLanguage-${row}"[\\s\\S]*?</select>`).exec(html)?.[0] ?? '';
  const input = new RegExp(`<input id="translationTitle-${row}"[^>]*>`).exec(html)?.[0] ?? '';
  return {
    language: /<option value="([^"]*)" selected>/.exec(select)?.[1] ?? '',
    title: decode(/\bvalue="([^"]*)"/.exec(input)?.[1] ?? ''),
  };
}

describe('modules: the title in other languages', () => {
  startApp();
  let w: World;
  let agent: Agent;
  beforeEach(async () => {
    w = await world();
    agent = await signIn(app, w.coordinator.email!);
  });

  const versionsOf = async (id: Types.ObjectId) =>
    (await ModuleVersion.find({ module: id }).sort({ version: 1 }).lean()).map((v) => v.version);
  const ROWS = {
    translationLanguage: ['ru', '', 'ar', 'fr'],
    translationTitle: ['Понимание насильственного экстремизма', '', 'فهم التطرف العنيف', '  '],
  };

  it('saves a title per language, rows left empty dropped, and shows them on the form and the module page', async () => {
    const res = await post(agent, `/modules/${w.draft.id}`, moduleForm(w.home, { code: 'HOME-DRAFT', ...ROWS }));
    expect(res.status).to.equal(303);
    const stored = await TrainingModule.findById(w.draft._id).lean().orFail();
    expect(stored.titleTranslations).to.deep.equal([
      { language: 'ru', title: 'Понимание насильственного экстремизма' },
      { language: 'ar', title: 'فهم التطرف العنيف' },
    ]);
    const form = (await agent.get(`/modules/${w.draft.id}/edit`)).text;
    expect(translationRow(form, 0)).to.deep.equal({ language: 'ru', title: 'Понимание насильственного экстремизма' });
    expect(translationRow(form, 1)).to.deep.equal({ language: 'ar', title: 'فهم التطرف العنيف' });
    // a row for each interface language, the others empty
    expect(translationRow(form, 3)).to.deep.equal({ language: '', title: '' });
    expect(optionValues(form, 'translationLanguage')).to.deep.equal(['', 'en', 'ru', 'fr', 'ar']);
    const page = visibleText((await agent.get(`/modules/${w.draft.id}`)).text);
    expect(page).to.include(`${t('modules:languages.ru')}: Понимание насильственного экстремизма`);
    expect(page).to.include(`${t('modules:languages.ar')}: فهم التطرف العنيف`);

    // emptying a title removes that translation
    const fewer = { translationLanguage: ['ru', 'ar'], translationTitle: ['', 'فهم التطرف العنيف'] };
    await post(agent, `/modules/${w.draft.id}`, moduleForm(w.home, { code: 'HOME-DRAFT', ...fewer }));
    expect((await TrainingModule.findById(w.draft._id).lean().orFail()).titleTranslations).to.deep.equal([
      { language: 'ar', title: 'فهم التطرف العنيف' },
    ]);
  });

  const invalid = [
    {
      name: 'a title over 200 characters',
      rows: { translationLanguage: ['ru', 'fr'], translationTitle: ['Хорошо', 'é'.repeat(201)] },
      box: 'titleTranslations.1.title',
      message: () => t('validation.tooLong', { max: 200 }),
    },
    {
      name: 'an unknown language',
      rows: { translationLanguage: ['xx'], translationTitle: ['Titre gardé'] },
      box: 'titleTranslations.0.language',
      message: () => t('validation.choice'),
    },
    {
      name: 'a title without its language',
      rows: { translationLanguage: ['ru', ''], translationTitle: ['Хорошо', 'Titre gardé'] },
      box: 'titleTranslations.1.language',
      message: () => t('modules:titleTranslations.chooseLanguage'),
    },
    {
      name: 'a language given twice',
      rows: { translationLanguage: ['fr', 'fr'], translationTitle: ['Un', 'Titre gardé'] },
      box: 'titleTranslations.1.language',
      message: () => t('modules:titleTranslations.twice'),
    },
    {
      name: 'a title on two lines',
      rows: { translationLanguage: ['fr'], translationTitle: ['Titre\ngardé'] },
      box: 'titleTranslations.0.title',
      message: () => t('validation.singleLine'),
    },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name} (422), the message beside its box and what was typed kept`, async () => {
      const before = await snapshot(w.draft._id);
      const res = await post(
        agent,
        `/modules/${w.draft.id}`,
        moduleForm(w.home, { code: 'HOME-DRAFT', title: 'Kept title', ...c.rows }),
      );
      expect(res.status).to.equal(422);
      expect(dayError(res.text, c.box)).to.equal(c.message());
      expect(inputValue(res.text, 'title')).to.equal('Kept title');
      c.rows.translationTitle.forEach((typed, row) => expect(translationRow(res.text, row).title).to.equal(typed));
      expect(await snapshot(w.draft._id)).to.deep.equal(before);
    });
  }

  it('refuses more rows than there are languages', async () => {
    const rows = { translationLanguage: ['en', 'ru', 'fr', 'ar', 'en'], translationTitle: ['a', 'b', 'c', 'd', 'e'] };
    const res = await post(agent, `/modules/${w.draft.id}`, moduleForm(w.home, { code: 'HOME-DRAFT', ...rows }));
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'titleTranslations')).to.equal(t('modules:titleTranslations.tooMany'));
  });

  it('makes a new version of a published module when a translation changes, kept in its snapshot', async () => {
    const res = await post(
      agent,
      `/modules/${w.published.id}`,
      moduleForm(w.partner, { code: 'PART-PUB', title: 'Partner published', ...ROWS }),
    );
    expect(res.status).to.equal(303);
    // the form changed other content too: version 2; then only a translation changes
    const changed = { translationLanguage: ['ru', 'ar'], translationTitle: ['Новое название', 'فهم التطرف العنيف'] };
    await post(
      agent,
      `/modules/${w.published.id}`,
      moduleForm(w.partner, { code: 'PART-PUB', title: 'Partner published', ...changed }),
    );
    expect(await versionsOf(w.published._id)).to.deep.equal([1, 2, 3]);
    const latest = await ModuleVersion.findOne({ module: w.published._id, version: 3 }).lean().orFail();
    expect((latest.content as { titleTranslations: unknown }).titleTranslations).to.deep.equal([
      { language: 'ru', title: 'Новое название' },
      { language: 'ar', title: 'فهم التطرف العنيف' },
    ]);
    // the same translations in another order: no new version
    const reordered = { translationLanguage: ['ar', 'ru'], translationTitle: ['فهم التطرف العنيف', 'Новое название'] };
    await post(
      agent,
      `/modules/${w.published.id}`,
      moduleForm(w.partner, { code: 'PART-PUB', title: 'Partner published', ...reordered }),
    );
    expect(await versionsOf(w.published._id)).to.deep.equal([1, 2, 3]);
  });
});

function checkboxValues(html: string, name: string): string[] {
  return [...html.matchAll(new RegExp(`<input type="checkbox" name="${name}" value="([^"]*)"`, 'g'))].map((m) => m[1]!);
}

describe('modules: pages a person can read', () => {
  startApp();
  let w: World;
  let agent: Agent;
  beforeEach(async () => {
    w = await world();
    agent = await signIn(app, w.coordinator.email!);
  });

  it('shows every field of a module in words', async () => {
    await TrainingModule.updateOne(
      { _id: w.published._id },
      {
        summary: 'A summary.',
        objectives: ['First aim', 'Second aim'],
        passMark: null,
        certificateValidityMonths: 24,
        attendanceThreshold: 90,
        tags: ['pve'],
        languages: ['en', 'ru'],
        prerequisites: [w.draft._id],
      },
    );
    const text = visibleText((await agent.get(`/modules/${w.published.id}`)).text);
    for (const piece of [
      'PART-PUB',
      'Partner Prison',
      'A summary.',
      'First aim',
      'Second aim',
      t('modules:show.hours', { count: 6 }),
      t('modules:show.noAssessment'),
      t('modules:show.percent', { value: 90 }),
      t('modules:show.months', { count: 24 }),
      'English, Russian',
      'HOME-DRAFT · Home draft',
      t('modules:statuses.published'),
      t('modules:show.versionLabel', { version: 1 }),
      t('resources:list.empty'),
    ]) {
      expect(text).to.include(piece);
    }
  });

  it('shows a stored <script> escaped on the list, the module page, the form and the catalogue', async () => {
    const evil = await buildModule({
      institution: w.home,
      code: 'EVIL-1',
      title: '<script>alert(1)</script>',
      objectives: ['<img src=x onerror=alert(2)>'],
      tags: ['<b>'],
    });
    await publish(evil);
    await evil.updateOne({ titleTranslations: [{ language: 'fr', title: '<img src=x onerror=alert(3)>' }] });
    const staff = await signIn(app, w.staff.email!);
    for (const [who, path] of [
      [agent, '/modules'],
      [agent, `/modules/${evil.id}`],
      [agent, `/modules/${evil.id}/edit`],
      [agent, `/modules/${w.draft.id}/edit`],
      [staff, '/catalogue'],
      [staff, `/catalogue/${evil.id}`],
    ] as const) {
      const res = await who.get(path);
      expect(res.status, path).to.equal(200);
      expect(res.text, path).not.to.include('<script>alert(1)</script>');
      expect(res.text, path).not.to.include('<img src=x');
      expect(res.text, path).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });

  it('labels every control and shows no translation keys, for every page', async () => {
    const archived = await buildModule({ institution: w.home, status: 'archived' });
    for (const path of [
      '/modules',
      '/modules/new',
      `/modules/${w.draft.id}`,
      `/modules/${w.draft.id}/edit`,
      `/modules/${w.published.id}`,
      `/modules/${w.published.id}/edit`,
      `/modules/${w.published.id}/archive`,
      `/modules/${archived.id}`,
    ]) {
      const res = await agent.get(path);
      expect(res.status, path).to.equal(200);
      expectNoMissingTranslations(res.text);
      expectLabelledControls(res.text);
    }
    const refused = await post(agent, '/modules', moduleForm(w.home, { title: '', hours: 'x' }));
    expectNoMissingTranslations(refused.text);
  });
});

describe('modules: publishing, versions, archiving', () => {
  startApp();
  let w: World;
  let agent: Agent;
  beforeEach(async () => {
    w = await world();
    agent = await signIn(app, w.coordinator.email!);
  });

  const versionsOf = async (id: Types.ObjectId) =>
    (await ModuleVersion.find({ module: id }).sort({ version: 1 }).lean()).map((v) => v.version);

  it('publishes a draft: version 1 with its snapshot, and it appears in the catalogue', async () => {
    const res = await post(agent, `/modules/${w.draft.id}/publish`);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`/modules/${w.draft.id}`);
    const after = await TrainingModule.findById(w.draft._id).lean().orFail();
    expect(after.status).to.equal('published');
    expect(after.version).to.equal(1);
    expect(after.publishedAt).to.be.instanceOf(Date);
    const [snapshot] = await ModuleVersion.find({ module: w.draft._id }).lean();
    expect(snapshot?.version).to.equal(1);
    expect((snapshot?.content as { title: string }).title).to.equal('Home draft');
    expect(String(snapshot?.createdBy)).to.equal(w.coordinator.id);
    const page = visibleText((await agent.get(`/modules/${w.draft.id}`)).text);
    expect(page).to.include(t('modules:published', { title: 'Home draft' }));
    expect(page).to.include(w.coordinator.fullName);
    const staff = await signIn(app, w.staff.email!);
    expect((await staff.get(`/catalogue/${w.draft.id}`)).status).to.equal(200);
  });

  it('publishing twice (a double click) changes nothing the second time', async () => {
    await post(agent, `/modules/${w.draft.id}/publish`);
    const res = await post(agent, `/modules/${w.draft.id}/publish`);
    expect(res.status).to.equal(303);
    expect(await versionsOf(w.draft._id)).to.deep.equal([1]);
  });

  it('does not publish a module without objectives or languages, and says why', async () => {
    await TrainingModule.updateOne({ _id: w.draft._id }, { objectives: [], languages: [] });
    const res = await post(agent, `/modules/${w.draft.id}/publish`);
    expect(res.status).to.equal(303);
    expect((await TrainingModule.findById(w.draft._id).lean().orFail()).status).to.equal('draft');
    expect(await versionsOf(w.draft._id)).to.deep.equal([]);
    const page = await agent.get(res.headers.location!);
    expect(visibleText(page.text)).to.include(t('modules:publish.incomplete'));
  });

  it('raises the version of a published module whose content changes, with a snapshot of the new content', async () => {
    const res = await post(
      agent,
      `/modules/${w.published.id}`,
      moduleForm(w.partner, { code: 'PART-PUB', title: 'Partner published' }),
    );
    expect(res.status).to.equal(303);
    const after = await TrainingModule.findById(w.published._id).lean().orFail();
    expect(after.version).to.equal(2);
    expect(await versionsOf(w.published._id)).to.deep.equal([1, 2]);
    const latest = await ModuleVersion.findOne({ module: w.published._id, version: 2 }).lean().orFail();
    expect((latest.content as { objectives: string[] }).objectives).to.deep.equal([
      'Define violent extremism.',
      'Describe recruitment in prison.',
    ]);
    const page = visibleText((await agent.get(`/modules/${w.published.id}`)).text);
    expect(page).to.include(t('modules:updatedVersion', { title: 'Partner published', version: 2 }));
    expect(page).to.include(t('modules:show.versionLabel', { version: 2 }));

    // the same content again: no new version
    await post(
      agent,
      `/modules/${w.published.id}`,
      moduleForm(w.partner, { code: 'PART-PUB', title: 'Partner published' }),
    );
    expect((await TrainingModule.findById(w.published._id).lean().orFail()).version).to.equal(2);
  });

  it('keeps the version when only the tags, the code or the owner change', async () => {
    const stored = storedForm(await TrainingModule.findById(w.published._id).lean().orFail());
    const res = await post(agent, `/modules/${w.published.id}`, {
      ...stored,
      tags: 'new-tag',
      code: 'PART-PUB-2',
      institution: w.home.id,
    });
    expect(res.status).to.equal(303);
    const after = await TrainingModule.findById(w.published._id).lean().orFail();
    expect(after.tags).to.deep.equal(['new-tag']);
    expect(after.code).to.equal('PART-PUB-2');
    expect(after.version).to.equal(1);
    expect(await versionsOf(w.published._id)).to.deep.equal([1]);
    expect(visibleText((await agent.get(`/modules/${w.published.id}`)).text)).to.include(
      t('modules:updated', { title: 'Partner published' }),
    );
  });

  it('does not let a published module lose its objectives or languages (422)', async () => {
    const res = await post(
      agent,
      `/modules/${w.published.id}`,
      moduleForm(w.partner, { code: 'PART-PUB', objectives: '', languages: [] }),
    );
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'objectives')).to.equal(t('modules:publish.needsObjectives'));
    expect(fieldError(res.text, 'languages')).to.equal(t('modules:publish.needsLanguages'));
    expect((await TrainingModule.findById(w.published._id).lean().orFail()).objectives).to.have.length(1);
  });

  it('asks for confirmation before archiving, then archives: gone from the catalogue, still readable here', async () => {
    const confirm = await agent.get(`/modules/${w.published.id}/archive`);
    expect(confirm.status).to.equal(200);
    expect(visibleText(confirm.text)).to.include(t('modules:archive.confirm', { title: 'Partner published' }));
    expect((await TrainingModule.findById(w.published._id).lean().orFail()).status).to.equal('published');

    const res = await post(agent, `/modules/${w.published.id}/archive`);
    expect(res.status).to.equal(303);
    const after = await TrainingModule.findById(w.published._id).lean().orFail();
    expect(after.status).to.equal('archived');
    expect(after.archivedAt).to.be.instanceOf(Date);
    const page = await agent.get(`/modules/${w.published.id}`);
    expect(page.status).to.equal(200);
    expect(visibleText(page.text)).to.include(t('modules:archived', { title: 'Partner published' }));
    expect(links(page.text)).not.to.include(`/modules/${w.published.id}/edit`);

    const staff = await signIn(app, w.staff.email!);
    expect((await staff.get(`/catalogue/${w.published.id}`)).status).to.equal(404);
    expect(visibleText((await staff.get('/catalogue')).text)).not.to.include('Partner published');
    // the confirmation page of an archived module sends back to the module
    expect((await agent.get(`/modules/${w.published.id}/archive`)).headers.location).to.equal(
      `/modules/${w.published.id}`,
    );
  });

  it('reinstates an archived module at the version it had', async () => {
    await post(agent, `/modules/${w.published.id}/archive`);
    const res = await post(agent, `/modules/${w.published.id}/reinstate`);
    expect(res.status).to.equal(303);
    const after = await TrainingModule.findById(w.published._id).lean().orFail();
    expect(after.status).to.equal('published');
    expect(after.version).to.equal(1);
    expect(after.archivedAt).to.equal(undefined);
    expect(await versionsOf(w.published._id)).to.deep.equal([1]);
    const staff = await signIn(app, w.staff.email!);
    expect((await staff.get(`/catalogue/${w.published.id}`)).status).to.equal(200);
  });

  it('refuses a change of status that does not follow draft → published → archived, with a message', async () => {
    const cases = [
      { module: w.draft, action: 'archive', key: 'modules:status.notPublished', status: 'draft' },
      { module: w.draft, action: 'reinstate', key: 'modules:status.notArchived', status: 'draft' },
    ];
    const archived = await buildModule({ institution: w.home, status: 'archived' });
    cases.push({ module: archived, action: 'publish', key: 'modules:status.notDraft', status: 'archived' });
    for (const c of cases) {
      const res = await post(agent, `/modules/${c.module.id}/${c.action}`);
      expect(res.status, c.action).to.equal(303);
      const page = await agent.get(res.headers.location!);
      expect(visibleText(page.text), c.action).to.include(t(c.key));
      expect((await TrainingModule.findById(c.module._id).lean().orFail()).status).to.equal(c.status);
    }
  });

  it('offers the buttons that fit the status', async () => {
    const draftPage = await agent.get(`/modules/${w.draft.id}`);
    // publishing asks first: the page links to the question, as archiving does
    expect(links(draftPage.text)).to.include(`/modules/${w.draft.id}/publish`);
    expect(links(draftPage.text)).not.to.include(`/modules/${w.draft.id}/archive`);
    const publishedPage = await agent.get(`/modules/${w.published.id}`);
    expect(links(publishedPage.text)).to.include.members([
      `/modules/${w.published.id}/archive`,
      `/catalogue/${w.published.id}`,
    ]);
    expect(publishedPage.text).not.to.include('/publish"');
  });

  it('tells the second of two editors who saved at once that someone else changed the module (409)', async () => {
    // another editor's version 2 is already recorded, but this module was loaded before it
    await ModuleVersion.create({ module: w.published._id, version: 2, content: { title: 'theirs' } });
    const res = await post(
      agent,
      `/modules/${w.published.id}`,
      moduleForm(w.partner, { code: 'PART-PUB', title: 'Mine' }),
    );
    expect(res.status).to.equal(409);
    expect(visibleText(res.text)).to.include(t('modules:edit.conflict'));
    expect(inputValue(res.text, 'title')).to.equal('Mine');
    const after = await TrainingModule.findById(w.published._id).lean().orFail();
    expect(after.title).to.equal('Partner published');
    expect(after.version).to.equal(1);
  });
});

/** The edit form of a stored module, as the page fills it. */
function storedForm(module: {
  code: string;
  title: string;
  summary?: string | null;
  objectives: string[];
  hours: number;
  deliveryMode: string;
  audience?: string | null;
  prerequisites: Types.ObjectId[];
  passMark?: number | null;
  attendanceThreshold: number;
  certificateValidityMonths: number;
  tags: string[];
  languages: (string | null | undefined)[];
  institution?: Types.ObjectId | null;
}): FormFields {
  return {
    code: module.code,
    title: module.title,
    summary: module.summary ?? '',
    objectives: module.objectives.join('\n'),
    hours: String(module.hours),
    deliveryMode: module.deliveryMode,
    audience: module.audience ?? '',
    prerequisites: module.prerequisites.map(String),
    passMark: module.passMark === null || module.passMark === undefined ? '' : String(module.passMark),
    attendanceThreshold: String(module.attendanceThreshold),
    certificateValidityMonths: String(module.certificateValidityMonths),
    tags: module.tags.join(', '),
    languages: module.languages.map(String),
    institution: module.institution ? String(module.institution) : '',
  };
}
