import { expect } from 'chai';
import type { Express } from 'express';
import type { TFunction } from 'i18next';
import request from 'supertest';
import { Person } from '../src/people/person.model.ts';
import { dropStoredSearchTokens } from '../src/people/people.service.ts';
import { buildApp, testI18n } from './support/context.ts';
import { buildInstitution, buildUser } from './support/factories.ts';
import { buildWorld } from './support/world.ts';
import { csrfToken, formBody, signIn, type Agent, type FormFields, post } from './support/http.ts';
import {
  checkedValues,
  expectLabelledControls,
  expectNoMissingTranslations,
  fieldError,
  inputValue,
  links,
  optionValues,
  selectedValue,
  visibleText,
} from './page-helpers.ts';

// People administration over HTTP, as each role meets it.

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
    countries: { uganda: { code: 'UG', name: 'Uganda' }, kenya: { code: 'KE', name: 'Kenya' } },
    institutions: {
      home: { country: 'uganda', name: 'Home Academy', code: 'HOME' },
      partner: { country: 'uganda', name: 'Partner Prison', code: 'PARTNER' },
      elsewhere: { country: 'uganda', name: 'Elsewhere Prison', code: 'ELSEWHERE' },
      abroad: { country: 'kenya', name: 'Abroad Academy', code: 'ABROAD' },
    },
    people: {
      admin: { roles: ['admin'], at: null, fullName: 'Ada Admin' },
      coordinator: { roles: ['coordinator'], at: 'home', scope: ['partner'], fullName: 'Cora Coordinator' },
      trainer: { roles: ['trainer'], at: 'home', fullName: 'Tom Trainer' },
      staff: { roles: ['staff'], at: 'home', fullName: 'Sam Staff', serviceNumber: 'UG-1' },
      partnerStaff: { roles: ['staff'], at: 'partner', fullName: 'Pat Partner' },
      outsider: { roles: ['staff'], at: 'elsewhere', fullName: 'Olga Outsider' },
    },
  });
  return { ...w.countries, ...w.institutions, ...w.people };
}
type World = Awaited<ReturnType<typeof world>>;

/** A complete, valid person form; fields override it (undefined leaves a field out). */
function personForm(institution: { id: string } | string, fields: FormFields = {}): FormFields {
  return {
    fullName: 'Amina Nakato',
    email: '',
    serviceNumber: '',
    rank: 'Sergeant',
    gender: 'female',
    institution: typeof institution === 'string' ? institution : institution.id,
    roles: ['staff'],
    scopeInstitutions: [],
    language: 'en',
    ...fields,
  };
}

/** A stored person as plain data, to compare before and after a refused request. */
async function snapshot(id: unknown) {
  const user = await Person.findById(id).lean().orFail();
  return { ...user, updatedAt: undefined };
}

/** The names in the people table. */
function listedNames(html: string): string[] {
  return [...html.matchAll(/<td><bdi><a href="\/people\/[0-9a-f]{24}">([^<]*)<\/a><\/bdi><\/td>/g)].map((m) =>
    visibleText(m[1] ?? ''),
  );
}

describe('people: who may reach which page', () => {
  startApp();
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  const pages = (id: string) => [
    '/people',
    '/people/new',
    `/people/${id}`,
    `/people/${id}/edit`,
    `/people/${id}/deactivate`,
  ];
  const actions = (id: string) => [
    '/people',
    `/people/${id}`,
    `/people/${id}/deactivate`,
    `/people/${id}/activate`,
    `/people/${id}/reset-link`,
  ];

  it('sends anonymous visitors of every page to sign in', async () => {
    for (const path of pages(w.staff.id)) {
      const res = await request(app).get(path);
      expect(res.status, path).to.equal(303);
      expect(res.headers.location, path).to.equal('/login');
    }
  });

  it('refuses every anonymous form post and changes nothing', async () => {
    const before = await snapshot(w.staff._id);
    const count = await Person.countDocuments();
    for (const path of actions(w.staff.id)) {
      const res = await request(app)
        .post(path)
        .type('form')
        .send(personForm(w.home, { fullName: 'Changed' }));
      expect([401, 403], path).to.include(res.status);
    }
    expect(await snapshot(w.staff._id)).to.deep.equal(before);
    expect(await Person.countDocuments()).to.equal(count);
  });

  for (const role of ['staff', 'trainer'] as const) {
    it(`refuses a ${role} every people page and action about a colleague (403) and changes nothing`, async () => {
      const agent = await signIn(app, w[role].email!);
      const colleague = role === 'staff' ? w.trainer : w.staff;
      for (const path of pages(colleague.id)) {
        expect((await agent.get(path)).status, path).to.equal(403);
      }
      const before = await snapshot(colleague._id);
      const count = await Person.countDocuments();
      for (const path of actions(colleague.id)) {
        const res = await post(agent, path, personForm(w.home, { fullName: 'Changed' }));
        expect(res.status, path).to.equal(403);
      }
      expect(await snapshot(colleague._id)).to.deep.equal(before);
      expect(await Person.countDocuments()).to.equal(count);
    });

    it(`answers a ${role} 404 for every page and action about someone of another institution`, async () => {
      const agent = await signIn(app, w[role].email!);
      for (const path of pages(w.partnerStaff.id).slice(2)) {
        expect((await agent.get(path)).status, path).to.equal(404);
      }
      const before = await snapshot(w.partnerStaff._id);
      for (const path of actions(w.partnerStaff.id).slice(1)) {
        const res = await post(agent, path, personForm(w.home, { fullName: 'Changed' }));
        expect(res.status, path).to.equal(404);
      }
      expect(await snapshot(w.partnerStaff._id)).to.deep.equal(before);
    });

    it(`does not show the people link in the menu to a ${role}`, async () => {
      const agent = await signIn(app, w[role === 'staff' ? 'staff' : 'trainer'].email!);
      expect(links((await agent.get('/')).text)).not.to.include('/people');
    });
  }

  it('lets a coordinator open the list, the form and a person in scope', async () => {
    const agent = await signIn(app, w.coordinator.email!);
    for (const path of ['/people', '/people/new', ...pages(w.partnerStaff.id).slice(2)]) {
      expect((await agent.get(path)).status, path).to.equal(200);
    }
  });

  it('lets an admin open every page for anyone, including people without an institution', async () => {
    const other = await buildUser({ roles: ['admin'], institution: null });
    const agent = await signIn(app, w.admin.email!);
    for (const path of [...pages(w.outsider.id), ...pages(other.id)]) {
      expect((await agent.get(path)).status, path).to.equal(200);
    }
  });

  it('answers 404 for an id that is malformed or belongs to no one', async () => {
    const agent = await signIn(app, w.admin.email!);
    for (const path of ['/people/nope', '/people/0123456789abcdef01234567', '/people/0123456789abcdef01234567/edit']) {
      expect((await agent.get(path)).status, path).to.equal(404);
    }
    const res = await post(agent, '/people/0123456789abcdef01234567', personForm(w.home));
    expect(res.status).to.equal(404);
  });
});

describe('people: a coordinator works only in their scope', () => {
  startApp();
  let w: World;
  let agent: Agent;
  beforeEach(async () => {
    w = await world();
    agent = await signIn(app, w.coordinator.email!);
  });

  it('lists people of their own and their scope institutions only', async () => {
    const names = listedNames((await agent.get('/people')).text);
    expect(names).to.include.members(['Cora Coordinator', 'Tom Trainer', 'Sam Staff', 'Pat Partner']);
    expect(names).not.to.include('Olga Outsider');
    expect(names).not.to.include('Ada Admin');
  });

  it('finds no one when filtering by an institution outside their scope', async () => {
    const res = await agent.get(`/people?institution=${w.elsewhere.id}`);
    expect(res.status).to.equal(200);
    expect(listedNames(res.text)).to.deep.equal([]);
    expect(res.text).to.include(t('people:list.empty'));
  });

  it('offers only institutions in scope in the filter and in the form', async () => {
    for (const path of ['/people', '/people/new']) {
      const options = optionValues((await agent.get(path)).text, 'institution');
      expect(options, path).to.include.members([w.home.id, w.partner.id]);
      expect(options, path).not.to.include(w.elsewhere.id);
    }
  });

  it('gets 404 for every page of a person elsewhere, as if they did not exist', async () => {
    for (const path of [
      `/people/${w.outsider.id}`,
      `/people/${w.outsider.id}/edit`,
      `/people/${w.outsider.id}/deactivate`,
    ]) {
      const res = await agent.get(path);
      expect(res.status, path).to.equal(404);
      expect(res.text).not.to.include('Olga Outsider');
    }
  });

  it('gets 404 and changes nothing when posting to a person elsewhere', async () => {
    const before = await snapshot(w.outsider._id);
    const update = await post(agent, `/people/${w.outsider.id}`, personForm(w.home, { fullName: 'Taken Over' }));
    expect(update.status).to.equal(404);
    for (const action of ['deactivate', 'activate', 'reset-link']) {
      const res = await post(agent, `/people/${w.outsider.id}/${action}`);
      expect(res.status, action).to.equal(404);
    }
    expect(await snapshot(w.outsider._id)).to.deep.equal(before);
  });

  it('adds a staff member to a scope institution, with the country of that institution', async () => {
    const res = await post(agent, '/people', personForm(w.partner, { fullName: 'New Recruit', serviceNumber: 'p-77' }));
    expect(res.status).to.equal(303);
    const person = await Person.findOne({ fullName: 'New Recruit' }).lean().orFail();
    expect(res.headers.location).to.equal(`/people/${person._id.toHexString()}`);
    expect(person.institution?.toHexString()).to.equal(w.partner.id);
    expect(person.country?.toHexString()).to.equal(w.uganda.id);
    const page = await agent.get(res.headers.location!);
    expect(visibleText(page.text)).to.include(t('people:created', { name: 'New Recruit' }));
  });

  it('cannot add a person to an institution outside their scope', async () => {
    const res = await post(agent, '/people', personForm(w.elsewhere, { fullName: 'Sneaky' }));
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'institution')).to.equal(t('people:institution.outOfScope'));
    expect(await Person.exists({ fullName: 'Sneaky' })).to.equal(null);
  });

  for (const role of ['admin', 'coordinator']) {
    it(`cannot give the ${role} role (422, message beside the roles)`, async () => {
      const res = await post(agent, '/people', personForm(w.home, { fullName: 'Climber', roles: ['staff', role] }));
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'roles')).to.equal(t('people:roles.notAllowed'));
      expect(await Person.exists({ fullName: 'Climber' })).to.equal(null);
    });

    it(`cannot raise a staff member of their own institution to ${role}`, async () => {
      const before = await snapshot(w.staff._id);
      const res = await post(
        agent,
        `/people/${w.staff.id}`,
        personForm(w.home, { fullName: 'Sam Staff', roles: [role] }),
      );
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'roles')).to.equal(t('people:roles.notAllowed'));
      expect(await snapshot(w.staff._id)).to.deep.equal(before);
    });
  }

  it('cannot change an admin or a coordinator of their own institution', async () => {
    const colleague = await buildUser({ roles: ['coordinator'], institution: w.home, fullName: 'Colin Colleague' });
    const localAdmin = await buildUser({ roles: ['admin', 'trainer'], institution: w.home, fullName: 'Lara Local' });
    for (const target of [colleague, localAdmin]) {
      const before = await snapshot(target._id);
      const show = await agent.get(`/people/${target.id}`);
      expect(show.status).to.equal(200);
      expect(links(show.text)).not.to.include(`/people/${target.id}/edit`);
      expect(links(show.text)).not.to.include(`/people/${target.id}/deactivate`);
      const edit = await agent.get(`/people/${target.id}/edit`);
      expect(edit.status).to.be.oneOf([303, 403]);
      expect((await agent.get(`/people/${target.id}/deactivate`)).status).to.be.oneOf([303, 403]);
      const update = await post(agent, `/people/${target.id}`, personForm(w.home, { fullName: 'Renamed' }));
      expect(update.status).to.equal(403);
      for (const action of ['deactivate', 'activate', 'reset-link']) {
        expect((await post(agent, `/people/${target.id}/${action}`)).status, action).to.equal(403);
      }
      expect(await snapshot(target._id)).to.deep.equal(before);
    }
  });

  it('cannot give a trainer a scope institution outside their own scope', async () => {
    const res = await post(
      agent,
      '/people',
      personForm(w.home, {
        fullName: 'Wide Trainer',
        roles: ['trainer'],
        scopeInstitutions: [w.partner.id, w.elsewhere.id],
      }),
    );
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'scopeInstitutions')).to.equal(t('people:institution.outOfScope'));
    expect(await Person.exists({ fullName: 'Wide Trainer' })).to.equal(null);
  });

  it('gives a trainer a scope institution within their own scope', async () => {
    const res = await post(
      agent,
      '/people',
      personForm(w.home, { fullName: 'Scoped Trainer', roles: ['trainer'], scopeInstitutions: [w.partner.id] }),
    );
    expect(res.status).to.equal(303);
    const person = await Person.findOne({ fullName: 'Scoped Trainer' }).lean().orFail();
    expect(person.scopeInstitutions.map(String)).to.deep.equal([w.partner.id]);
  });

  it('cannot move a person of their scope to an institution outside it', async () => {
    const before = await snapshot(w.partnerStaff._id);
    const res = await post(agent, `/people/${w.partnerStaff.id}`, personForm(w.elsewhere, { fullName: 'Pat Partner' }));
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'institution')).to.equal(t('people:institution.outOfScope'));
    expect(await snapshot(w.partnerStaff._id)).to.deep.equal(before);
  });

  it('keeps the scope institutions an admin gave a trainer that the coordinator cannot see', async () => {
    const wide = await buildUser({
      roles: ['trainer'],
      institution: w.home,
      scopeInstitutions: [w.partner, w.elsewhere],
    });
    const form = await agent.get(`/people/${wide.id}/edit`);
    expect(form.status).to.equal(200);
    expect(checkedValues(form.text, 'scopeInstitutions')).to.deep.equal([w.partner.id]);
    const res = await post(
      agent,
      `/people/${wide.id}`,
      personForm(w.home, { fullName: 'Wide Trainer', roles: ['trainer'], scopeInstitutions: [] }),
    );
    expect(res.status).to.equal(303);
    const after = await Person.findById(wide._id).lean().orFail();
    expect(after.fullName).to.equal('Wide Trainer');
    expect(after.scopeInstitutions.map(String)).to.deep.equal([w.elsewhere.id]);
  });

  it('answers an edit form opened before someone else saved with 409, the typed values kept; a sign-in meanwhile is no conflict', async () => {
    const form = await agent.get(`/people/${w.trainer.id}/edit`).expect(200);
    const opened = inputValue(form.text, 'revision')!;
    expect(opened).to.match(/^\d+$/);
    await signIn(app, w.trainer.email!); // the person's own sign-in saves them too: not a conflicting change
    const theirs = personForm(w.home, { fullName: 'Their Name', roles: ['trainer'], email: w.trainer.email! });
    const admin = await signIn(app, w.admin.email!);
    expect((await post(admin, `/people/${w.trainer.id}`, { ...theirs, revision: opened })).status).to.equal(303);

    const mine = personForm(w.home, { fullName: 'My Name', roles: ['trainer'], email: w.trainer.email! });
    const stale = await post(agent, `/people/${w.trainer.id}`, { ...mine, revision: opened });
    expect(stale.status).to.equal(409);
    expect(visibleText(stale.text)).to.include(t('people:changedMeanwhile'));
    expect(inputValue(stale.text, 'fullName')).to.equal('My Name');
    let stored = await Person.findById(w.trainer._id).lean().orFail();
    expect(stored.fullName).to.equal('Their Name');

    const again = { ...mine, revision: inputValue(stale.text, 'revision')! };
    expect((await post(agent, `/people/${w.trainer.id}`, again)).status).to.equal(303);
    stored = await Person.findById(w.trainer._id).lean().orFail();
    expect(stored.fullName).to.equal('My Name');
  });

  it('edits a trainer of their own institution', async () => {
    const res = await post(
      agent,
      `/people/${w.trainer.id}`,
      personForm(w.partner, { fullName: 'Tom Moved', roles: ['trainer', 'staff'], email: w.trainer.email! }),
    );
    expect(res.status).to.equal(303);
    const after = await Person.findById(w.trainer._id).lean().orFail();
    expect(after.fullName).to.equal('Tom Moved');
    expect(after.institution?.toHexString()).to.equal(w.partner.id);
    expect(after.roles).to.have.members(['trainer', 'staff']);
  });
});

describe('people: forms refuse what they do not offer', () => {
  startApp();
  let w: World;
  let admin: Agent;
  beforeEach(async () => {
    w = await world();
    admin = await signIn(app, w.admin.email!);
  });

  it('refuses extra fields on create (422) and creates no one', async () => {
    for (const extra of [{ authVersion: '99' }, { active: 'false' }, { passwordHash: 'x' }, { emailKey: 'a@b.c' }]) {
      const res = await post(admin, '/people', personForm(w.home, { fullName: 'Extra Fields', ...extra }));
      expect(res.status, Object.keys(extra)[0]).to.equal(422);
      expect(visibleText(res.text)).to.include(t('validation.summary'));
    }
    expect(await Person.exists({ fullName: 'Extra Fields' })).to.equal(null);
  });

  it('refuses extra fields on update (422) and changes nothing', async () => {
    const before = await snapshot(w.staff._id);
    const extras = [{ authVersion: '99' }, { active: 'false' }, { passwordHash: 'x' }, { mustChangePassword: 'true' }];
    for (const extra of extras) {
      const res = await post(admin, `/people/${w.staff.id}`, personForm(w.home, { fullName: 'Changed', ...extra }));
      expect(res.status, Object.keys(extra)[0]).to.equal(422);
    }
    expect(await snapshot(w.staff._id)).to.deep.equal(before);
  });

  it('refuses a coordinator who posts roles=admin to a staff profile, and changes nothing', async () => {
    const coordinator = await signIn(app, w.coordinator.email!);
    const before = await snapshot(w.staff._id);
    const res = await post(coordinator, `/people/${w.staff.id}`, personForm(w.home, { roles: 'admin' }));
    expect(res.status).to.equal(422);
    expect(await snapshot(w.staff._id)).to.deep.equal(before);
  });

  it('answers 422, not 500, when a single-value field is sent twice', async () => {
    for (const field of ['fullName', 'email', 'gender', 'institution', 'language']) {
      const fields = personForm(w.home, { email: 'twice@test.example' });
      fields[field] = [String(fields[field]), String(fields[field])];
      const res = await post(admin, '/people', fields);
      expect(res.status, field).to.equal(422);
      expect(fieldError(res.text, field), field).to.be.a('string');
    }
    expect(await Person.exists({ email: 'twice@test.example' })).to.equal(null);
  });

  it('answers 422 to field names carrying MongoDB operators', async () => {
    const fields = personForm(w.home);
    delete fields.fullName;
    const res = await post(admin, '/people', { ...fields, 'fullName[$ne]': 'x' });
    expect(res.status).to.equal(422);
    const update = await post(admin, `/people/${w.staff.id}`, { ...personForm(w.home), 'roles[$in]': 'admin' });
    expect(update.status).to.equal(422);
  });

  it('answers 422 to a JSON body with operator objects in place of values', async () => {
    const token = await csrfToken(admin, '/people/new');
    const res = await admin
      .post(`/people/${w.staff.id}`)
      .set('x-csrf-token', token)
      .set('Accept', 'text/html')
      .send({ ...personForm(w.home), fullName: { $ne: '' }, roles: { $gt: '' } });
    expect(res.status).to.equal(422);
    expect((await Person.findById(w.staff._id).lean().orFail()).fullName).to.equal('Sam Staff');
  });

  it('ignores MongoDB operators and nonsense in the list query string', async () => {
    for (const query of [
      'q[$regex]=.*',
      'q[$ne]=x',
      'institution[$ne]=x',
      'role[$in]=admin',
      'page[$gt]=1',
      'status[$ne]=active',
      'q=a&q=b',
      'institution=zzz',
      'gender=robot',
      'status=sleeping',
    ]) {
      const res = await admin.get(`/people?${query}`);
      expect(res.status, query).to.equal(200);
    }
  });

  it('refuses a post without a CSRF token', async () => {
    const res = await admin
      .post('/people')
      .type('form')
      .send(formBody(personForm(w.home, { fullName: 'No Token' })));
    expect(res.status).to.equal(403);
    expect(await Person.exists({ fullName: 'No Token' })).to.equal(null);
  });
});

describe('people: validation messages beside the fields, with what was typed kept', () => {
  startApp();
  let w: World;
  let admin: Agent;
  beforeEach(async () => {
    w = await world();
    admin = await signIn(app, w.admin.email!);
  });

  function expectTypedValuesKept(html: string, fields: FormFields) {
    for (const name of ['fullName', 'email', 'serviceNumber', 'rank']) {
      expect(inputValue(html, name), name).to.equal(fields[name] ?? '');
    }
    expect(selectedValue(html, 'gender')).to.equal(fields.gender);
    expect(selectedValue(html, 'institution')).to.equal(fields.institution);
    expect(selectedValue(html, 'language')).to.equal(fields.language);
    expect(checkedValues(html, 'roles')).to.have.members([fields.roles].flat());
    expect(checkedValues(html, 'scopeInstitutions')).to.have.members([fields.scopeInstitutions ?? []].flat());
  }

  const cases: { name: string; fields: (w: World) => FormFields; field: string; message: string }[] = [
    {
      name: 'a missing full name',
      fields: (w) => personForm(w.home, { fullName: '  ' }),
      field: 'fullName',
      message: 'validation.required',
    },
    {
      name: 'a full name too long',
      fields: (w) => personForm(w.home, { fullName: 'x'.repeat(201) }),
      field: 'fullName',
      message: 'validation.tooLong',
    },
    {
      name: 'a bad e-mail',
      fields: (w) => personForm(w.home, { email: 'not-an-address' }),
      field: 'email',
      message: 'validation.email',
    },
    {
      name: 'a bad service number',
      fields: (w) => personForm(w.home, { serviceNumber: 'UG 12;' }),
      field: 'serviceNumber',
      message: 'people:serviceNumber.format',
    },
    {
      name: 'an unknown institution',
      fields: () => personForm('0123456789abcdef01234567'),
      field: 'institution',
      message: 'people:institution.unknown',
    },
    {
      name: 'a malformed institution',
      fields: () => personForm('HOME'),
      field: 'institution',
      message: 'validation.invalid',
    },
    {
      name: 'an unknown gender',
      fields: (w) => personForm(w.home, { gender: 'robot' }),
      field: 'gender',
      message: 'validation.choice',
    },
    {
      name: 'an unknown language',
      fields: (w) => personForm(w.home, { language: 'xx' }),
      field: 'language',
      message: 'validation.choice',
    },
    {
      name: 'no role',
      fields: (w) => personForm(w.home, { roles: [] }),
      field: 'roles',
      message: 'people:roles.required',
    },
    {
      name: 'an unknown role',
      fields: (w) => personForm(w.home, { roles: ['staff', 'superuser'] }),
      field: 'roles',
      message: 'validation.choice',
    },
    {
      name: 'an unknown scope institution',
      fields: (w) => personForm(w.home, { roles: ['trainer'], scopeInstitutions: ['0123456789abcdef01234567'] }),
      field: 'scopeInstitutions',
      message: 'people:institution.unknown',
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.name} (422) and keeps the typed values`, async () => {
      const given = c.fields(w);
      const fields: FormFields = {
        ...given,
        email: given.email || 'kept@test.example',
        serviceNumber: given.serviceNumber || 'K-1',
      };
      const res = await post(admin, '/people', fields);
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, c.field)).to.equal(t(c.message, { max: 200 }));
      expect(res.text).to.match(new RegExp(`aria-describedby="[^"]*\\b${c.field}-error"`));
      expect(visibleText(res.text)).to.include(t('validation.summary'));
      expectNoMissingTranslations(res.text);
      // a select cannot show a value it does not offer
      const kept: FormFields = { ...fields };
      if (['gender', 'language', 'institution'].includes(c.field)) kept[c.field] = undefined;
      if (c.field === 'roles') kept.roles = [fields.roles ?? []].flat().filter((r) => r !== 'superuser');
      if (c.field === 'scopeInstitutions') kept.scopeInstitutions = [];
      expectTypedValuesKept(res.text, kept);
      expect(await Person.exists({ email: 'kept@test.example' })).to.equal(null);
    });
  }

  it('keeps the typed values when an edit is refused', async () => {
    const fields = personForm(w.partner, {
      fullName: 'Sam Renamed',
      email: 'BAD',
      serviceNumber: 'S-9',
      roles: ['staff', 'trainer'],
    });
    const res = await post(admin, `/people/${w.staff.id}`, fields);
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'email')).to.equal(t('validation.email'));
    expectTypedValuesKept(res.text, fields);
    expect(res.text).to.include(`action="/people/${w.staff.id}"`);
    expect((await Person.findById(w.staff._id).lean().orFail()).fullName).to.equal('Sam Staff');
  });

  it('refuses an e-mail someone already has, whatever its case', async () => {
    const res = await post(admin, '/people', personForm(w.home, { email: w.staff.email!.toUpperCase() }));
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'email')).to.equal(t('people:email.taken'));
    expect(fieldError(res.text, 'serviceNumber')).to.equal(undefined);
    expect(inputValue(res.text, 'email')).to.equal(w.staff.email!.toUpperCase());
  });

  it('refuses an e-mail someone else has when editing', async () => {
    const res = await post(admin, `/people/${w.partnerStaff.id}`, personForm(w.partner, { email: w.staff.email! }));
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'email')).to.equal(t('people:email.taken'));
  });

  it('refuses a service number someone in the same country already has, whatever its case', async () => {
    const res = await post(
      admin,
      '/people',
      personForm(w.partner, { serviceNumber: 'ug-1', email: 'other@test.example' }),
    );
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'serviceNumber')).to.equal(t('people:serviceNumber.taken'));
    expect(fieldError(res.text, 'email')).to.equal(undefined);
    expect(await Person.exists({ email: 'other@test.example' })).to.equal(null);
  });

  it('refuses moving a person into a country where their service number is taken', async () => {
    await buildUser({ institution: w.abroad, serviceNumber: 'UG-1' });
    const res = await post(
      admin,
      `/people/${w.staff.id}`,
      personForm(w.abroad, { fullName: 'Sam Staff', serviceNumber: 'UG-1' }),
    );
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'serviceNumber')).to.equal(t('people:serviceNumber.taken'));
  });

  it('allows the same service number in another country', async () => {
    const res = await post(admin, '/people', personForm(w.abroad, { fullName: 'Kenyan Twin', serviceNumber: 'UG-1' }));
    expect(res.status).to.equal(303);
    expect(await Person.countDocuments({ serviceNumber: 'UG-1' })).to.equal(2);
  });

  it('lets a person keep their own e-mail and service number when saved again', async () => {
    const res = await post(
      admin,
      `/people/${w.staff.id}`,
      personForm(w.home, { fullName: 'Sam Staff', email: w.staff.email!, serviceNumber: 'UG-1' }),
    );
    expect(res.status).to.equal(303);
  });

  it('creates staff without an e-mail address, who cannot sign in', async () => {
    const first = await post(admin, '/people', personForm(w.home, { fullName: 'No Mail One', email: '' }));
    const second = await post(admin, '/people', personForm(w.home, { fullName: 'No Mail Two', email: '' }));
    expect(first.status).to.equal(303);
    expect(second.status).to.equal(303);
    const show = await admin.get(first.headers.location!);
    expect(visibleText(show.text)).to.include(`${t('people:fields.signIn')} ${t('people:signIn.no')}`);
    expect(links(show.text)).not.to.include(`${first.headers.location}/reset-link`);
    expect(show.text).not.to.include(`action="${first.headers.location}/reset-link"`);
    const reset = await post(admin, `${first.headers.location}/reset-link`);
    expect(reset.status).to.equal(403);
    expect(visibleText(reset.text)).to.include(t('people:reset.noEmail'));
  });

  it('allows an administrator without an institution only when admin is their only role', async () => {
    const alone = await post(admin, '/people', personForm('', { fullName: 'Second Admin', roles: ['admin'] }));
    expect(alone.status).to.equal(303);
    for (const roles of [['admin', 'trainer'], ['staff'], ['coordinator']]) {
      const res = await post(admin, '/people', personForm('', { fullName: 'Homeless', roles }));
      expect(res.status, roles.join()).to.equal(422);
      expect(fieldError(res.text, 'institution')).to.equal(t('validation.required'));
    }
    expect(await Person.exists({ fullName: 'Homeless' })).to.equal(null);
  });

  it('does not let an admin remove their own admin role', async () => {
    const res = await post(
      admin,
      `/people/${w.admin.id}`,
      personForm(w.home, { fullName: 'Ada Admin', roles: ['coordinator'] }),
    );
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'roles')).to.equal(t('people:roles.keepOwnAdmin'));
    expect((await Person.findById(w.admin._id).lean().orFail()).roles).to.deep.equal(['admin']);
  });

  it('trims the values and stores the e-mail in lower case', async () => {
    const res = await post(
      admin,
      '/people',
      personForm(w.home, { fullName: '  Trim Me  ', email: ' Trim.Me@Test.Example ' }),
    );
    expect(res.status).to.equal(303);
    const person = await Person.findOne({ fullName: 'Trim Me' }).lean().orFail();
    expect(person.email).to.equal('trim.me@test.example');
  });
});

describe('people: the list', () => {
  startApp();
  let w: World;
  let admin: Agent;
  beforeEach(async () => {
    w = await world();
    admin = await signIn(app, w.admin.email!);
  });

  it('finds people by the start of a word of the name, the e-mail or the service number, whatever the case', async () => {
    await buildUser({
      institution: w.home,
      fullName: 'Zawadi Akello',
      email: 'zakello@prisons.example',
      // nine digits: never inside a factory e-mail (a counter and four hex digits)
      serviceNumber: 'UPS-447190233',
    });
    for (const q of ['zawadi', 'AKEL', 'zakello@prisons', 'ups-4471', '447190233', 'ups447', 'akello zaw']) {
      expect(listedNames((await admin.get(`/people?q=${encodeURIComponent(q)}`)).text), q).to.deep.equal([
        'Zawadi Akello',
      ]);
    }
    // word starts, not any part: the middle of a word, or a word that is not there, finds nobody
    // a one-character word: the start of a word too
    for (const q of ['z', 'akello z', 'Z A']) {
      expect(listedNames((await admin.get(`/people?q=${encodeURIComponent(q)}`)).text), q).to.deep.equal([
        'Zawadi Akello',
      ]);
    }
    for (const q of ['kello', 'wadi', '190233', 'zawadi okello', 'akello q']) {
      expect(listedNames((await admin.get(`/people?q=${encodeURIComponent(q)}`)).text), q).to.deep.equal([]);
    }
  });

  it('finds names without their accents, in Cyrillic, and in Arabic with or without the article', async () => {
    await buildUser({ institution: w.home, fullName: 'José Núñez' });
    await buildUser({ institution: w.home, fullName: 'Ерлан Ёлкин' });
    await buildUser({ institution: w.home, fullName: 'أحمد الحسن' });
    const found = async (q: string) => listedNames((await admin.get(`/people?q=${encodeURIComponent(q)}`)).text);
    expect(await found('jose nunez')).to.deep.equal(['José Núñez']);
    expect(await found('NÚÑ')).to.deep.equal(['José Núñez']);
    expect(await found('елкин')).to.deep.equal(['Ерлан Ёлкин']);
    expect(await found('حسن')).to.deep.equal(['أحمد الحسن']);
    expect(await found('احمد')).to.deep.equal(['أحمد الحسن']);
  });

  it('searches a coordinator’s own scope only, and counts what it found', async () => {
    await buildUser({ institution: w.home, fullName: 'Okello Home' });
    await buildUser({ institution: w.partner, fullName: 'Okello Partner' });
    await buildUser({ institution: w.elsewhere, fullName: 'Okello Elsewhere' });
    await buildUser({ institution: w.home, fullName: 'Okello Gone', active: false });
    const coordinator = await signIn(app, w.coordinator.email!);
    const res = await coordinator.get('/people?q=okel');
    expect(listedNames(res.text)).to.deep.equal(['Okello Home', 'Okello Partner']);
    expect(visibleText(res.text)).to.include(t('pagination.summary', { count: 2, page: 1, pages: 1 }));
    const inPartner = await coordinator.get(`/people?q=okel&institution=${w.partner.id}`);
    expect(listedNames(inPartner.text)).to.deep.equal(['Okello Partner']);
    expect(listedNames((await coordinator.get(`/people?q=okel&institution=${w.elsewhere.id}`)).text)).to.deep.equal([]);
    expect(listedNames((await admin.get('/people?q=okel')).text)).to.deep.equal([
      'Okello Elsewhere',
      'Okello Home',
      'Okello Partner',
    ]);
    expect(listedNames((await admin.get('/people?q=okel&status=all')).text)).to.include('Okello Gone');
  });

  it('keeps a person found by the new name, not the old one, once renamed', async () => {
    const person = await buildUser({ institution: w.home, fullName: 'Before Rename', serviceNumber: 'UG-558801' });
    const res = await post(
      admin,
      `/people/${person.id as string}`,
      personForm(w.home, { fullName: 'Afterwards Named', serviceNumber: 'UG-569902', email: person.email! }),
    );
    expect(res.status).to.equal(303);
    expect(listedNames((await admin.get('/people?q=before')).text)).to.deep.equal([]);
    expect(listedNames((await admin.get('/people?q=afterw')).text)).to.deep.equal(['Afterwards Named']);
    expect(listedNames((await admin.get('/people?q=ug-569902')).text)).to.deep.equal(['Afterwards Named']);
    expect(listedNames((await admin.get('/people?q=ug-558801')).text)).to.deep.equal([]);
  });

  it('treats regular-expression characters in the search as plain text', async () => {
    await buildUser({ institution: w.home, fullName: 'Okello (Jr.)' });
    for (const q of ['(', '(Jr.)', '[', '*', '\\', '.*', '$where']) {
      const res = await admin.get(`/people?q=${encodeURIComponent(q)}`);
      expect(res.status, q).to.equal(200);
    }
    expect(listedNames((await admin.get('/people?q=(Jr.)')).text)).to.deep.equal(['Okello (Jr.)']);
    expect(listedNames((await admin.get('/people?q=.*')).text)).to.deep.equal([]);
  });

  it('keeps the search in the box', async () => {
    const res = await admin.get('/people?q=%3Cb%3E');
    expect(inputValue(res.text, 'q')).to.equal('<b>');
    expect(res.text).not.to.include('<b>');
  });

  it('filters by role, institution and gender', async () => {
    await buildUser({ institution: w.partner, fullName: 'Female Partner', gender: 'female' });
    expect(listedNames((await admin.get('/people?role=trainer')).text)).to.deep.equal(['Tom Trainer']);
    expect(listedNames((await admin.get('/people?role=admin')).text)).to.deep.equal(['Ada Admin']);
    expect(listedNames((await admin.get(`/people?institution=${w.partner.id}`)).text)).to.have.members([
      'Pat Partner',
      'Female Partner',
    ]);
    expect(listedNames((await admin.get('/people?gender=female')).text)).to.deep.equal(['Female Partner']);
    const combined = await admin.get(`/people?institution=${w.partner.id}&gender=female&role=staff`);
    expect(listedNames(combined.text)).to.deep.equal(['Female Partner']);
    expect(selectedValue(combined.text, 'institution')).to.equal(w.partner.id);
    expect(selectedValue(combined.text, 'gender')).to.equal('female');
    expect(selectedValue(combined.text, 'role')).to.equal('staff');
  });

  it('shows active people by default, and deactivated ones on request', async () => {
    await buildUser({ institution: w.home, fullName: 'Gone Person', active: false });
    expect(listedNames((await admin.get('/people')).text)).not.to.include('Gone Person');
    expect(listedNames((await admin.get('/people?status=inactive')).text)).to.deep.equal(['Gone Person']);
    const all = listedNames((await admin.get('/people?status=all')).text);
    expect(all).to.include.members(['Gone Person', 'Sam Staff']);
  });

  it('counts the results', async () => {
    const res = await admin.get(`/people?institution=${w.partner.id}`);
    expect(visibleText(res.text)).to.include(t('pagination.summary', { count: 1, page: 1, pages: 1 }));
  });

  it('pages 30 people 25 at a time, clamping and ignoring nonsense page numbers', async () => {
    const batch = await buildInstitution({ country: w.uganda._id, name: 'Batch Centre' });
    for (let i = 0; i < 30; i++) {
      await buildUser({ institution: batch, fullName: `Batch ${String(i).padStart(2, '0')}`, gender: 'male' });
    }
    const base = `/people?institution=${batch.id}&gender=male&q=batch`;
    const first = await admin.get(base);
    expect(listedNames(first.text)).to.have.length(25);
    expect(listedNames(first.text)[0]).to.equal('Batch 00');
    expect(visibleText(first.text)).to.include(t('pagination.summary', { count: 30, page: 1, pages: 2 }));
    const next = links(first.text).find((href) => href.includes('page=2'));
    expect(next, 'a link to page 2').to.be.a('string');
    // the filters travel with the page links
    const params = new URLSearchParams(next!.replace(/^\?/, ''));
    expect(params.get('institution')).to.equal(batch.id);
    expect(params.get('gender')).to.equal('male');
    expect(params.get('q')).to.equal('batch');
    expect(params.get('status')).to.equal('active');
    const second = await admin.get(`/people${next}`);
    expect(listedNames(second.text)).to.deep.equal(['Batch 25', 'Batch 26', 'Batch 27', 'Batch 28', 'Batch 29']);
    expect(links(second.text).some((href) => href.includes('page=1'))).to.equal(true);
    expect(listedNames((await admin.get(`${base}&page=999`)).text)).to.deep.equal(listedNames(second.text));
    expect(listedNames((await admin.get(`${base}&page=abc`)).text)).to.deep.equal(listedNames(first.text));
    expect(listedNames((await admin.get(`${base}&page=-1`)).text)).to.deep.equal(listedNames(first.text));
  });

  it('offers deactivated institutions in the filter, so their people can still be found', async () => {
    const closed = await buildInstitution({ country: w.uganda._id, name: 'Closed Prison', active: false });
    await buildUser({ institution: closed, fullName: 'Left Behind' });
    const res = await admin.get(`/people?institution=${closed.id}`);
    expect(optionValues(res.text, 'institution')).to.include(closed.id);
    expect(selectedValue(res.text, 'institution')).to.equal(closed.id);
    expect(listedNames(res.text)).to.deep.equal(['Left Behind']);
  });
});

describe('people: search tokens kept by people saved before the directory', () => {
  startApp();

  it('are removed at start-up, leaving the rest of the person as it was, and searches find those people still', async () => {
    const w = await world();
    const old = await Promise.all(
      ['Early Okello', 'Early Akello'].map((fullName, i) =>
        buildUser({ institution: w.home, fullName, serviceNumber: `OLD-73005${i + 1}` }),
      ),
    );
    // as a site upgrading has them
    await Person.collection.updateMany(
      { _id: { $in: old.map((p) => p._id) } },
      { $set: { searchTokens: ['ea', 'ear'] } },
    );
    const before = await Promise.all(old.map((p) => Person.collection.findOne({ _id: p._id })));

    expect(await dropStoredSearchTokens()).to.equal(2);

    for (const [i, person] of old.entries()) {
      const after = await Person.collection.findOne({ _id: person._id });
      const { searchTokens, ...rest } = before[i]!;
      expect(searchTokens).to.deep.equal(['ea', 'ear']);
      expect(after).to.deep.equal(rest);
    }
    const admin = await signIn(app, w.admin.email!);
    expect(listedNames((await admin.get('/people?q=early')).text)).to.deep.equal(['Early Akello', 'Early Okello']);
    // the next start finds nobody left
    expect(await dropStoredSearchTokens()).to.equal(0);
  });
});

describe('people: deactivation and reactivation', () => {
  startApp();
  let w: World;
  let admin: Agent;
  beforeEach(async () => {
    w = await world();
    admin = await signIn(app, w.admin.email!);
  });

  it('asks for confirmation on a page before deactivating', async () => {
    const show = await admin.get(`/people/${w.staff.id}`);
    expect(links(show.text)).to.include(`/people/${w.staff.id}/deactivate`);
    const page = await admin.get(`/people/${w.staff.id}/deactivate`);
    expect(page.status).to.equal(200);
    expect(visibleText(page.text)).to.include(t('people:deactivate.confirm', { name: 'Sam Staff' }));
    expect(page.text).to.include(`action="/people/${w.staff.id}/deactivate"`);
    expect(page.text).to.include('name="_csrf"');
    expect((await Person.findById(w.staff._id).lean().orFail()).active).to.equal(true);
  });

  it('deactivates: the person cannot sign in and their open session ends', async () => {
    const theirs = await signIn(app, w.staff.email!);
    expect((await theirs.get('/account')).status).to.equal(200);
    const res = await post(admin, `/people/${w.staff.id}/deactivate`);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`/people/${w.staff.id}`);
    const show = await admin.get(res.headers.location!);
    expect(visibleText(show.text)).to.include(t('people:deactivated', { name: 'Sam Staff' }));
    expect(visibleText(show.text)).to.include(t('filters.statuses.inactive'));
    const after = await theirs.get('/account');
    expect(after.status).to.equal(303);
    expect(after.headers.location).to.equal('/login');
    let failed = false;
    await signIn(app, w.staff.email!).catch(() => (failed = true));
    expect(failed, 'sign-in of a deactivated person').to.equal(true);
  });

  it('lets a coordinator deactivate a staff member in scope', async () => {
    const coordinator = await signIn(app, w.coordinator.email!);
    const res = await post(coordinator, `/people/${w.partnerStaff.id}/deactivate`);
    expect(res.status).to.equal(303);
    expect((await Person.findById(w.partnerStaff._id).lean().orFail()).active).to.equal(false);
  });

  it('does not let an admin deactivate themself', async () => {
    const show = await admin.get(`/people/${w.admin.id}`);
    expect(links(show.text)).not.to.include(`/people/${w.admin.id}/deactivate`);
    expect((await admin.get(`/people/${w.admin.id}/deactivate`)).status).to.equal(403);
    const res = await post(admin, `/people/${w.admin.id}/deactivate`);
    expect(res.status).to.equal(403);
    expect(visibleText(res.text)).to.include(t('people:deactivate.self'));
    expect((await Person.findById(w.admin._id).lean().orFail()).active).to.equal(true);
    expect((await admin.get('/people')).status).to.equal(200);
  });

  it('reactivates: the person can sign in again', async () => {
    await post(admin, `/people/${w.staff.id}/deactivate`);
    const show = await admin.get(`/people/${w.staff.id}`);
    expect(show.text).to.include(`action="/people/${w.staff.id}/activate"`);
    expect(show.text).not.to.include(`action="/people/${w.staff.id}/reset-link"`);
    const res = await post(admin, `/people/${w.staff.id}/activate`);
    expect(res.status).to.equal(303);
    const after = await admin.get(res.headers.location!);
    expect(visibleText(after.text)).to.include(t('people:activated', { name: 'Sam Staff' }));
    expect((await Person.findById(w.staff._id).lean().orFail()).active).to.equal(true);
    const theirs = await signIn(app, w.staff.email!);
    expect((await theirs.get('/account')).status).to.equal(200);
  });

  it('sends the confirmation page of someone already deactivated back to their page', async () => {
    const gone = await buildUser({ institution: w.home, active: false });
    const res = await admin.get(`/people/${gone.id}/deactivate`);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`/people/${gone.id}`);
  });
});

describe('people: password links', () => {
  startApp();
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  it('shows a single-use link once to the admin who issued it', async () => {
    const admin = await signIn(app, w.admin.email!);
    const res = await post(admin, `/people/${w.staff.id}/reset-link`);
    expect(res.status).to.equal(200);
    const link = /\/reset-password\/([A-Za-z0-9_-]{43})/.exec(res.text);
    expect(link, 'a reset link').not.to.equal(null);
    expect(visibleText(res.text)).to.include(t('people:reset.explain', { name: 'Sam Staff' }));
    expect((await request(app).get(`/reset-password/${link![1]}`)).status).to.equal(200);
  });

  it('lets a coordinator issue a link for a staff member in scope', async () => {
    const coordinator = await signIn(app, w.coordinator.email!);
    expect((await post(coordinator, `/people/${w.partnerStaff.id}/reset-link`)).status).to.equal(200);
  });

  it('refuses a link for a deactivated person', async () => {
    const gone = await buildUser({ institution: w.home, active: false });
    const admin = await signIn(app, w.admin.email!);
    const res = await post(admin, `/people/${gone.id}/reset-link`);
    expect(res.status).to.equal(403);
    expect((await Person.findById(gone._id).lean().orFail()).passwordResetTokenHash).to.equal(undefined);
  });
});

describe('people: pages', () => {
  startApp();
  let w: World;
  let admin: Agent;
  beforeEach(async () => {
    w = await world();
    admin = await signIn(app, w.admin.email!);
  });

  it('shows a stored <script> escaped on the list, the person page and the form', async () => {
    const evil = await buildUser({ institution: w.home, fullName: '<script>alert(1)</script>', serviceNumber: 'X1' });
    await Person.updateOne({ _id: evil._id }, { $set: { rank: '"><img src=x onerror=alert(2)>' } });
    for (const path of ['/people', `/people/${evil.id}`, `/people/${evil.id}/edit`, `/people/${evil.id}/deactivate`]) {
      const res = await admin.get(path);
      expect(res.status, path).to.equal(200);
      expect(res.text, path).not.to.include('<script>alert(1)</script>');
      expect(res.text, path).not.to.include('<img src=x');
      expect(res.text, path).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });

  it('labels every field of the form and shows no translation keys', async () => {
    const res = await admin.get('/people/new');
    expectLabelledControls(res.text);
    expectNoMissingTranslations(res.text);
    for (const field of [
      'fullName',
      'email',
      'serviceNumber',
      'rank',
      'gender',
      'institution',
      'roles',
      'scopeInstitutions',
      'language',
    ]) {
      expect(visibleText(res.text), field).to.include(t(`people:fields.${field}`));
    }
  });

  it('pre-fills a new person with staff, undisclosed gender, and the coordinator’s institution', async () => {
    const coordinator = await signIn(app, w.coordinator.email!);
    const res = await coordinator.get('/people/new');
    expect(checkedValues(res.text, 'roles')).to.deep.equal(['staff']);
    expect(selectedValue(res.text, 'gender')).to.equal('undisclosed');
    expect(selectedValue(res.text, 'institution')).to.equal(w.home.id);
  });

  it('offers a coordinator only the roles they may give', async () => {
    const coordinator = await signIn(app, w.coordinator.email!);
    const res = await coordinator.get('/people/new');
    const offered = [...res.text.matchAll(/name="roles" value="([a-z]+)"/g)].map((m) => m[1]);
    expect(offered).to.have.members(['trainer', 'staff']);
    // only administrators may be without an institution, and coordinators cannot make them
    expect(optionValues(res.text, 'institution')).not.to.include('');
  });

  it('shows the list, a person and the edit form without translation keys', async () => {
    await buildUser({
      institution: w.home,
      fullName: 'Everything Set',
      gender: 'female',
      serviceNumber: 'E-1',
      scopeInstitutions: [w.partner],
      roles: ['trainer'],
    });
    const person = await Person.findOne({ fullName: 'Everything Set' }).orFail();
    for (const path of [
      '/people',
      '/people?status=all',
      `/people/${person.id}`,
      `/people/${person.id}/edit`,
      `/people/${person.id}/deactivate`,
    ]) {
      const res = await admin.get(path);
      expect(res.status, path).to.equal(200);
      expectNoMissingTranslations(res.text);
    }
    const show = visibleText((await admin.get(`/people/${person.id}`)).text);
    expect(show).to.include('Home Academy');
    expect(show).to.include('Partner Prison');
    expect(show).to.include(t('people:genders.female'));
    expect(show).to.include(t('people:roles.trainer'));
  });

  it('fills the edit form with what is stored', async () => {
    const res = await admin.get(`/people/${w.staff.id}/edit`);
    expect(inputValue(res.text, 'fullName')).to.equal('Sam Staff');
    expect(inputValue(res.text, 'email')).to.equal(w.staff.email);
    expect(inputValue(res.text, 'serviceNumber')).to.equal('UG-1');
    expect(selectedValue(res.text, 'institution')).to.equal(w.home.id);
    expect(checkedValues(res.text, 'roles')).to.deep.equal(['staff']);
  });

  it('keeps a person’s deactivated institution in their form, but offers it to no one else', async () => {
    const closed = await buildInstitution({ country: w.uganda._id, name: 'Closed Prison', active: false });
    const stayed = await buildUser({ institution: closed, fullName: 'Stayed Behind' });
    const fresh = await admin.get('/people/new');
    expect(optionValues(fresh.text, 'institution')).not.to.include(closed.id);
    const edit = await admin.get(`/people/${stayed.id}/edit`);
    expect(selectedValue(edit.text, 'institution')).to.equal(closed.id);
    // saving other changes keeps them where they are
    const res = await post(
      admin,
      `/people/${stayed.id}`,
      personForm(closed.id, { fullName: 'Stayed Behind', rank: 'Warden' }),
    );
    expect(res.status).to.equal(303);
    expect((await Person.findById(stayed._id).lean().orFail()).rank).to.equal('Warden');
    // but no one new joins it
    const joiner = await post(admin, '/people', personForm(closed.id, { fullName: 'Late Joiner' }));
    expect(joiner.status).to.equal(422);
    expect(fieldError(joiner.text, 'institution')).to.equal(t('people:institution.inactive'));
  });
});
