import { expect } from 'chai';
import type { Express } from 'express';
import type { TFunction } from 'i18next';
import request from 'supertest';
import { Institution } from '../src/institutions/institution.model.ts';
import { Person } from '../src/people/person.model.ts';
import { buildApp, testI18n } from './support/context.ts';
import { buildInstitution, buildUser } from './support/factories.ts';
import { buildWorld } from './support/world.ts';
import { signIn, type Agent, type FormFields, post } from './support/http.ts';
import { certificateIssuer } from '../src/institutions/institutions.service.ts';
import {
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

// Institutions over HTTP: admins manage them, coordinators and trainers read those in their scope.

let app: Express;
let t: TFunction;

/** Every describe starts its own app: no root hooks outside test/setup.ts. */
function startApp() {
  before(async () => {
    app = await buildApp();
    t = (await testI18n()).getFixedT('en');
  });
}

async function world() {
  const w = await buildWorld({
    countries: {
      uganda: { code: 'UG', name: 'Uganda', timeZone: 'Africa/Kampala' },
      kazakhstan: { code: 'KZ', name: 'Kazakhstan', timeZone: 'Asia/Almaty' },
    },
    institutions: {
      home: { country: 'uganda', name: 'Home Academy', code: 'HOME' },
      partner: { country: 'uganda', name: 'Partner Prison', code: 'PARTNER', type: 'prison' },
      elsewhere: { country: 'kazakhstan', name: 'Elsewhere Centre', code: 'ELSE' },
    },
    people: {
      admin: { roles: ['admin'], at: null },
      coordinator: { roles: ['coordinator'], at: 'home', scope: ['partner'] },
      trainer: { roles: ['trainer'], at: 'home' },
      staff: { roles: ['staff'], at: 'home' },
    },
  });
  return { ...w.countries, ...w.institutions, ...w.people };
}
type World = Awaited<ReturnType<typeof world>>;

function institutionForm(w: World, fields: FormFields = {}): FormFields {
  return {
    name: 'Luzira Upper Prison',
    code: 'UPS-LUZ',
    type: 'prison',
    country: w.uganda.id,
    city: 'Kampala',
    timeZone: 'Africa/Kampala',
    ...fields,
  };
}

/** What the text box with this id holds. */
function boxValue(html: string, id: string): string | undefined {
  const tag = new RegExp(`<input id="${id}"[^>]*>`).exec(html)?.[0];
  const value = tag && /\bvalue="([^"]*)"/.exec(tag)?.[1];
  return value === undefined || value === null ? undefined : decode(value);
}

async function snapshot(id: unknown) {
  const institution = await Institution.findById(id).lean().orFail();
  return { ...institution, updatedAt: undefined };
}

function listedNames(html: string): string[] {
  return [...html.matchAll(/<td><bdi><a href="\/institutions\/[0-9a-f]{24}">([^<]*)<\/a><\/bdi><\/td>/g)].map((m) =>
    visibleText(m[1] ?? ''),
  );
}

describe('institutions: who may reach which page', () => {
  startApp();
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  const readPages = (id: string) => ['/institutions', `/institutions/${id}`];
  const adminPages = (id: string) => [
    '/institutions/new',
    `/institutions/${id}/edit`,
    `/institutions/${id}/deactivate`,
  ];
  const actions = (id: string) => [
    '/institutions',
    `/institutions/${id}`,
    `/institutions/${id}/deactivate`,
    `/institutions/${id}/activate`,
  ];

  it('sends anonymous visitors of every page to sign in', async () => {
    for (const path of [...readPages(w.home.id), ...adminPages(w.home.id)]) {
      const res = await request(app).get(path);
      expect(res.status, path).to.equal(303);
      expect(res.headers.location, path).to.equal('/login');
    }
  });

  it('refuses every anonymous post and changes nothing', async () => {
    const before = await snapshot(w.home._id);
    for (const path of actions(w.home.id)) {
      const res = await request(app).post(path).type('form').send(institutionForm(w));
      expect([401, 403], path).to.include(res.status);
    }
    expect(await snapshot(w.home._id)).to.deep.equal(before);
    expect(await Institution.countDocuments()).to.equal(3);
  });

  it('refuses staff every page and action (403)', async () => {
    const agent = await signIn(app, w.staff.email!);
    for (const path of [...readPages(w.home.id), ...adminPages(w.home.id)]) {
      expect((await agent.get(path)).status, path).to.equal(403);
    }
    for (const path of actions(w.home.id)) {
      expect((await post(agent, path, institutionForm(w))).status, path).to.equal(403);
    }
    expect(links((await agent.get('/')).text)).not.to.include('/institutions');
  });

  for (const role of ['trainer', 'coordinator'] as const) {
    it(`lets a ${role} list and read institutions in scope, but not create, edit or deactivate`, async () => {
      const agent = await signIn(app, w[role].email!);
      for (const path of readPages(w.home.id)) {
        expect((await agent.get(path)).status, path).to.equal(200);
      }
      for (const path of adminPages(w.home.id)) {
        expect((await agent.get(path)).status, path).to.equal(403);
      }
      const before = await snapshot(w.home._id);
      for (const path of actions(w.home.id)) {
        expect((await post(agent, path, institutionForm(w, { code: 'NEW-ONE' }))).status, path).to.equal(403);
      }
      expect(await snapshot(w.home._id)).to.deep.equal(before);
      expect(await Institution.exists({ code: 'NEW-ONE' })).to.equal(null);
      const show = await agent.get(`/institutions/${w.home.id}`);
      expect(links(show.text)).not.to.include(`/institutions/${w.home.id}/edit`);
      expect(links(show.text)).not.to.include(`/institutions/${w.home.id}/deactivate`);
      expect(links((await agent.get('/institutions')).text)).not.to.include('/institutions/new');
    });

    it(`answers 404 to a ${role} for an institution outside their scope`, async () => {
      const agent = await signIn(app, w[role].email!);
      const res = await agent.get(`/institutions/${w.elsewhere.id}`);
      expect(res.status).to.equal(404);
      expect(res.text).not.to.include('Elsewhere Centre');
      expect((await agent.get(`/institutions/${w.elsewhere.id.toUpperCase()}`)).status).to.equal(404);
    });
  }

  it('lists for a coordinator only their institutions, for a trainer only their own', async () => {
    const coordinator = await signIn(app, w.coordinator.email!);
    expect(listedNames((await coordinator.get('/institutions')).text)).to.deep.equal([
      'Home Academy',
      'Partner Prison',
    ]);
    expect(listedNames((await coordinator.get(`/institutions?country=${w.kazakhstan.id}`)).text)).to.deep.equal([]);
    const trainer = await signIn(app, w.trainer.email!);
    expect(listedNames((await trainer.get('/institutions')).text)).to.deep.equal(['Home Academy']);
  });

  it('shows people links and counts to coordinators, not to trainers', async () => {
    const coordinator = await signIn(app, w.coordinator.email!);
    const seen = await coordinator.get(`/institutions/${w.home.id}`);
    expect(links(seen.text)).to.include(`/people?institution=${w.home.id}`);
    expect(visibleText(seen.text)).to.include(t('institutions:peopleCount', { count: 3 }));
    const trainer = await signIn(app, w.trainer.email!);
    const notSeen = await trainer.get(`/institutions/${w.home.id}`);
    expect(links(notSeen.text).some((href) => href.startsWith('/people'))).to.equal(false);
  });

  it('lets an admin open every page', async () => {
    const agent = await signIn(app, w.admin.email!);
    for (const path of [...readPages(w.elsewhere.id), ...adminPages(w.elsewhere.id)]) {
      expect((await agent.get(path)).status, path).to.equal(200);
    }
    for (const path of ['/institutions/nope', '/institutions/0123456789abcdef01234567/edit']) {
      expect((await agent.get(path)).status, path).to.equal(404);
    }
  });
});

describe('institutions: an admin creates and edits them', () => {
  startApp();
  let w: World;
  let admin: Agent;
  beforeEach(async () => {
    w = await world();
    admin = await signIn(app, w.admin.email!);
  });

  it('creates an institution with its code in upper case and shows it', async () => {
    const res = await post(
      admin,
      '/institutions',
      institutionForm(w, { code: ' ups-luz ', name: '  Luzira Upper Prison ' }),
    );
    expect(res.status).to.equal(303);
    const created = await Institution.findOne({ code: 'UPS-LUZ' }).lean().orFail();
    expect(res.headers.location).to.equal(`/institutions/${created._id.toHexString()}`);
    expect(created.name).to.equal('Luzira Upper Prison');
    expect(created.timeZone).to.equal('Africa/Kampala');
    expect(created.active).to.equal(true);
    const show = visibleText((await admin.get(res.headers.location!)).text);
    expect(show).to.include(t('institutions:created', { name: 'Luzira Upper Prison' }));
    expect(show).to.include('UPS-LUZ');
    expect(show).to.include('Uganda');
    expect(show).to.include(t('institutions:types.prison'));
    expect(show).to.include('Africa/Kampala');
  });

  it('takes the country’s usual time zone when none is chosen', async () => {
    const form = await admin.get('/institutions/new');
    expect(selectedValue(form.text, 'timeZone')).to.equal(undefined);
    expect(optionValues(form.text, 'timeZone')[0]).to.equal('');
    const res = await post(admin, '/institutions', institutionForm(w, { country: w.kazakhstan.id, timeZone: '' }));
    expect(res.status).to.equal(303);
    expect((await Institution.findOne({ code: 'UPS-LUZ' }).lean().orFail()).timeZone).to.equal('Asia/Almaty');
  });

  it('keeps showing a stored time zone that the list lacks, rather than another one', async () => {
    await Institution.updateOne({ _id: w.home._id }, { $set: { timeZone: 'Etc/Unlisted' } });
    const form = await admin.get(`/institutions/${w.home.id}/edit`);
    expect(selectedValue(form.text, 'timeZone')).to.equal('Etc/Unlisted');
  });

  it('refuses a code another institution has, whatever its case', async () => {
    const res = await post(admin, '/institutions', institutionForm(w, { code: 'home' }));
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'code')).to.equal(t('institutions:code.taken'));
    expect(await Institution.countDocuments()).to.equal(3);
    const edit = await post(admin, `/institutions/${w.partner.id}`, institutionForm(w, { code: 'Home' }));
    expect(edit.status).to.equal(422);
    expect(fieldError(edit.text, 'code')).to.equal(t('institutions:code.taken'));
  });

  const invalid: { name: string; fields: (w: World) => FormFields; field: string; message: string }[] = [
    {
      name: 'a missing name',
      fields: (w) => institutionForm(w, { name: '' }),
      field: 'name',
      message: 'validation.required',
    },
    {
      name: 'a code with spaces',
      fields: (w) => institutionForm(w, { code: 'UPS LUZ' }),
      field: 'code',
      message: 'institutions:code.format',
    },
    {
      name: 'a one-letter code',
      fields: (w) => institutionForm(w, { code: 'U' }),
      field: 'code',
      message: 'institutions:code.format',
    },
    {
      name: 'an unknown type',
      fields: (w) => institutionForm(w, { type: 'castle' }),
      field: 'type',
      message: 'validation.choice',
    },
    {
      name: 'a made-up time zone',
      fields: (w) => institutionForm(w, { timeZone: 'Mars/Olympus_Mons' }),
      field: 'timeZone',
      message: 'validation.timeZone',
    },
    {
      name: 'an offset instead of a zone',
      fields: (w) => institutionForm(w, { timeZone: '+03:00' }),
      field: 'timeZone',
      message: 'validation.timeZone',
    },
    {
      name: 'an unknown country',
      fields: (w) => institutionForm(w, { country: '0123456789abcdef01234567' }),
      field: 'country',
      message: 'institutions:country.unknown',
    },
    {
      name: 'a malformed country',
      fields: (w) => institutionForm(w, { country: 'UG' }),
      field: 'country',
      message: 'validation.invalid',
    },
    {
      name: 'no country',
      fields: (w) => institutionForm(w, { country: '' }),
      field: 'country',
      message: 'validation.required',
    },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name} (422), the message beside the field and the typed values kept`, async () => {
      const fields = c.fields(w);
      const res = await post(admin, '/institutions', fields);
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, c.field)).to.equal(t(c.message));
      expect(res.text).to.match(new RegExp(`aria-describedby="[^"]*\\b${c.field}-error"`));
      expect(visibleText(res.text)).to.include(t('validation.summary'));
      expectNoMissingTranslations(res.text);
      for (const name of ['name', 'code', 'city']) expect(inputValue(res.text, name), name).to.equal(fields[name]);
      if (c.field !== 'type') expect(selectedValue(res.text, 'type')).to.equal(fields.type);
      if (c.field !== 'country') expect(selectedValue(res.text, 'country')).to.equal(fields.country);
      if (c.field !== 'timeZone') expect(selectedValue(res.text, 'timeZone')).to.equal(fields.timeZone);
      expect(await Institution.countDocuments()).to.equal(3);
    });
  }

  it('refuses extra fields, repeated fields and operator names (422), not 500', async () => {
    for (const fields of [
      institutionForm(w, { active: 'false' }),
      institutionForm(w, { _id: '0123456789abcdef01234567' }),
      institutionForm(w, { name: ['One', 'Two'] }),
      institutionForm(w, { timeZone: ['UTC', 'Africa/Kampala'] }),
      { ...institutionForm(w), 'code[$ne]': 'x' },
    ]) {
      const res = await post(admin, '/institutions', fields);
      expect(res.status, JSON.stringify(fields)).to.equal(422);
    }
    expect(await Institution.countDocuments()).to.equal(3);
  });

  it('edits an institution, the form filled with what is stored', async () => {
    const form = await admin.get(`/institutions/${w.home.id}/edit`);
    expect(inputValue(form.text, 'name')).to.equal('Home Academy');
    expect(inputValue(form.text, 'code')).to.equal('HOME');
    expect(selectedValue(form.text, 'country')).to.equal(w.uganda.id);
    expect(selectedValue(form.text, 'timeZone')).to.equal('UTC');
    const res = await post(
      admin,
      `/institutions/${w.home.id}`,
      institutionForm(w, { name: 'Home Academy II', code: 'HOME' }),
    );
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`/institutions/${w.home.id}`);
    const after = await Institution.findById(w.home._id).lean().orFail();
    expect(after.name).to.equal('Home Academy II');
    expect(after.timeZone).to.equal('Africa/Kampala');
    expect(visibleText((await admin.get(res.headers.location!)).text)).to.include(
      t('institutions:updated', { name: 'Home Academy II' }),
    );
  });

  it('answers an edit form opened before another admin saved with 409, the typed values kept; saving again wins', async () => {
    const form = await admin.get(`/institutions/${w.home.id}/edit`).expect(200);
    const opened = inputValue(form.text, 'revision')!;
    expect(opened).to.match(/^\d+$/);
    const other = await signIn(app, (await buildUser({ roles: ['admin'], institution: null })).email!);
    const theirs = institutionForm(w, { name: 'Their Academy', code: 'HOME', revision: opened });
    expect((await post(other, `/institutions/${w.home.id}`, theirs)).status).to.equal(303);

    const mine = institutionForm(w, { name: 'My Academy', code: 'HOME', revision: opened });
    const stale = await post(admin, `/institutions/${w.home.id}`, mine);
    expect(stale.status).to.equal(409);
    expect(visibleText(stale.text)).to.include(t('institutions:changedMeanwhile'));
    expect(inputValue(stale.text, 'name')).to.equal('My Academy');
    expect((await Institution.findById(w.home._id).lean().orFail()).name).to.equal('Their Academy');

    const again = { ...mine, revision: inputValue(stale.text, 'revision')! };
    expect((await post(admin, `/institutions/${w.home.id}`, again)).status).to.equal(303);
    expect((await Institution.findById(w.home._id).lean().orFail()).name).to.equal('My Academy');
  });

  it('keeps the typed values when an edit is refused', async () => {
    const fields = institutionForm(w, { name: 'Renamed', code: 'bad code' });
    const res = await post(admin, `/institutions/${w.home.id}`, fields);
    expect(res.status).to.equal(422);
    expect(inputValue(res.text, 'name')).to.equal('Renamed');
    expect(inputValue(res.text, 'code')).to.equal('bad code');
    expect(res.text).to.include(`action="/institutions/${w.home.id}"`);
    expect((await Institution.findById(w.home._id).lean().orFail()).name).to.equal('Home Academy');
  });

  it('refuses moving an institution with people to another country, with a message', async () => {
    const before = await snapshot(w.home._id);
    const res = await post(
      admin,
      `/institutions/${w.home.id}`,
      institutionForm(w, { country: w.kazakhstan.id, code: 'HOME' }),
    );
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'country')).to.equal(t('institutions:country.locked'));
    expect(await snapshot(w.home._id)).to.deep.equal(before);
  });

  it('moves an institution without people to another country', async () => {
    const empty = await buildInstitution({ country: w.uganda._id, code: 'EMPTY' });
    const res = await post(
      admin,
      `/institutions/${empty.id}`,
      institutionForm(w, { country: w.kazakhstan.id, code: 'EMPTY' }),
    );
    expect(res.status).to.equal(303);
    expect((await Institution.findById(empty._id).lean().orFail()).country.toHexString()).to.equal(w.kazakhstan.id);
  });

  it('does not take an id in upper case for a change of country', async () => {
    const res = await post(
      admin,
      `/institutions/${w.home.id}`,
      institutionForm(w, { country: w.uganda.id.toUpperCase(), code: 'HOME', name: 'Same Country' }),
    );
    expect(res.status).to.equal(303);
    expect((await Institution.findById(w.home._id).lean().orFail()).name).to.equal('Same Country');
  });

  const SIGNATORIES = {
    signatoryName: ['Col. A. Serikbayev', '', 'محمد بن علي'],
    signatoryRole: ['Director, Prison Staff Training Centre', '', 'مدير الأكاديمية'],
  };

  it('records who signs its certificates, in order, a row left empty dropped, and shows them', async () => {
    const res = await post(admin, `/institutions/${w.home.id}`, institutionForm(w, { code: 'HOME', ...SIGNATORIES }));
    expect(res.status).to.equal(303);
    const after = await Institution.findById(w.home._id).lean().orFail();
    expect(after.signatories).to.deep.equal([
      { name: 'Col. A. Serikbayev', role: 'Director, Prison Staff Training Centre' },
      { name: 'محمد بن علي', role: 'مدير الأكاديمية' },
    ]);
    const page = visibleText((await admin.get(`/institutions/${w.home.id}`)).text);
    expect(page).to.include('Col. A. Serikbayev, Director, Prison Staff Training Centre');
    expect(page).to.include('محمد بن علي, مدير الأكاديمية');
    const form = (await admin.get(`/institutions/${w.home.id}/edit`)).text;
    expect(boxValue(form, 'signatoryName-0')).to.equal('Col. A. Serikbayev');
    expect(boxValue(form, 'signatoryRole-1')).to.equal('مدير الأكاديمية');
    expect(boxValue(form, 'signatoryName-2')).to.equal('');
    // what certificates read of it
    expect(await certificateIssuer(w.home.id)).to.deep.equal({
      name: 'Luzira Upper Prison',
      country: { code: 'UG', name: 'Uganda' },
      timeZone: 'Africa/Kampala',
      signatories: after.signatories,
    });
    expect(await certificateIssuer('0123456789abcdef01234567')).to.equal(null);

    // emptied, the certificates carry no signature lines
    const none = { signatoryName: ['', '', ''], signatoryRole: ['', '', ''] };
    await post(admin, `/institutions/${w.home.id}`, institutionForm(w, { code: 'HOME', ...none }));
    expect((await Institution.findById(w.home._id).lean().orFail()).signatories).to.deep.equal([]);
  });

  const badSignatories = [
    {
      name: 'a signatory without a position',
      rows: { signatoryName: ['Col. A. Serikbayev'], signatoryRole: [''] },
      box: 'signatories.0.role',
      message: () => t('institutions:signatories.roleNeeded'),
    },
    {
      name: 'a position without a name',
      rows: { signatoryName: ['Col. A. Serikbayev', ''], signatoryRole: ['Director', 'Deputy director'] },
      box: 'signatories.1.name',
      message: () => t('institutions:signatories.nameNeeded'),
    },
    {
      name: 'a name over 100 characters',
      rows: { signatoryName: ['N'.repeat(101)], signatoryRole: ['Director'] },
      box: 'signatories.0.name',
      message: () => t('validation.tooLong', { max: 100 }),
    },
    {
      name: 'a position over 150 characters',
      rows: { signatoryName: ['Col. A. Serikbayev'], signatoryRole: ['R'.repeat(151)] },
      box: 'signatories.0.role',
      message: () => t('validation.tooLong', { max: 150 }),
    },
  ];
  for (const c of badSignatories) {
    it(`refuses ${c.name} (422), the message beside its box and what was typed kept`, async () => {
      const before = await snapshot(w.home._id);
      const fields = institutionForm(w, { code: 'HOME', name: 'Kept Name', ...c.rows });
      const res = await post(admin, `/institutions/${w.home.id}`, fields);
      expect(res.status).to.equal(422);
      expect(dayError(res.text, c.box)).to.equal(c.message());
      expect(inputValue(res.text, 'name')).to.equal('Kept Name');
      c.rows.signatoryName.forEach((typed, i) => expect(boxValue(res.text, `signatoryName-${i}`)).to.equal(typed));
      c.rows.signatoryRole.forEach((typed, i) => expect(boxValue(res.text, `signatoryRole-${i}`)).to.equal(typed));
      expect(await snapshot(w.home._id)).to.deep.equal(before);
    });
  }

  it('refuses more than three signatories', async () => {
    const rows = { signatoryName: ['A', 'B', 'C', 'D'], signatoryRole: ['a', 'b', 'c', 'd'] };
    const res = await post(admin, '/institutions', institutionForm(w, rows));
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'signatories')).to.equal(t('institutions:signatories.tooMany'));
    expect(await Institution.countDocuments()).to.equal(3);
  });

  it('labels every field of the form and shows no translation keys', async () => {
    for (const path of ['/institutions/new', `/institutions/${w.home.id}/edit`]) {
      const res = await admin.get(path);
      expectLabelledControls(res.text);
      expectNoMissingTranslations(res.text);
      expect(optionValues(res.text, 'timeZone')).to.include.members(['Africa/Kampala', 'Asia/Almaty', 'Africa/Tunis']);
      expect(optionValues(res.text, 'country')).to.include.members([w.uganda.id, w.kazakhstan.id]);
    }
  });
});

describe('institutions: deactivation', () => {
  startApp();
  let w: World;
  let admin: Agent;
  beforeEach(async () => {
    w = await world();
    admin = await signIn(app, w.admin.email!);
  });

  it('asks for confirmation, then deactivates; its people remain', async () => {
    const page = await admin.get(`/institutions/${w.partner.id}/deactivate`);
    expect(page.status).to.equal(200);
    expect(visibleText(page.text)).to.include(t('institutions:deactivate.confirm', { name: 'Partner Prison' }));
    expect(page.text).to.include(`action="/institutions/${w.partner.id}/deactivate"`);
    expect((await Institution.findById(w.partner._id).lean().orFail()).active).to.equal(true);

    const person = await buildUser({ institution: w.partner, fullName: 'Stays Put' });
    const res = await post(admin, `/institutions/${w.partner.id}/deactivate`);
    expect(res.status).to.equal(303);
    const show = await admin.get(res.headers.location!);
    expect(visibleText(show.text)).to.include(t('institutions:deactivated', { name: 'Partner Prison' }));
    expect(visibleText(show.text)).to.include(t('filters.statuses.inactive'));
    expect(show.text).to.include(`action="/institutions/${w.partner.id}/activate"`);

    const after = await Person.findById(person._id).lean().orFail();
    expect(after.institution?.toHexString()).to.equal(w.partner.id);
    expect(after.active).to.equal(true);
    const people = await admin.get(`/people?institution=${w.partner.id}`);
    expect(visibleText(people.text)).to.include('Stays Put');
  });

  it('drops a deactivated institution from the person form and the default list', async () => {
    await post(admin, `/institutions/${w.partner.id}/deactivate`);
    expect(optionValues((await admin.get('/people/new')).text, 'institution')).not.to.include(w.partner.id);
    const coordinator = await signIn(app, w.coordinator.email!);
    expect(optionValues((await coordinator.get('/people/new')).text, 'institution')).not.to.include(w.partner.id);
    expect(listedNames((await admin.get('/institutions')).text)).not.to.include('Partner Prison');
    expect(listedNames((await admin.get('/institutions?status=inactive')).text)).to.deep.equal(['Partner Prison']);
    expect(listedNames((await admin.get('/institutions?status=all')).text)).to.include('Partner Prison');
  });

  it('reactivates: the institution is offered again', async () => {
    await post(admin, `/institutions/${w.partner.id}/deactivate`);
    const res = await post(admin, `/institutions/${w.partner.id}/activate`);
    expect(res.status).to.equal(303);
    expect(visibleText((await admin.get(res.headers.location!)).text)).to.include(
      t('institutions:activated', { name: 'Partner Prison' }),
    );
    expect(optionValues((await admin.get('/people/new')).text, 'institution')).to.include(w.partner.id);
  });

  it('sends the confirmation page of an institution already deactivated back to it', async () => {
    const closed = await buildInstitution({ active: false });
    const res = await admin.get(`/institutions/${closed.id}/deactivate`);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`/institutions/${closed.id}`);
  });
});

describe('institutions: the list and its pages', () => {
  startApp();
  let w: World;
  let admin: Agent;
  beforeEach(async () => {
    w = await world();
    admin = await signIn(app, w.admin.email!);
  });

  it('searches name, code and city, whatever the case, and filters by type and country', async () => {
    await buildInstitution({ country: w.uganda._id, name: 'Kigo Prison', code: 'KIGO', type: 'prison' });
    expect(listedNames((await admin.get('/institutions?q=kigo')).text)).to.deep.equal(['Kigo Prison']);
    expect(listedNames((await admin.get('/institutions?q=partn')).text)).to.deep.equal(['Partner Prison']);
    expect(listedNames((await admin.get('/institutions?type=prison')).text)).to.deep.equal([
      'Kigo Prison',
      'Partner Prison',
    ]);
    expect(listedNames((await admin.get(`/institutions?country=${w.kazakhstan.id}`)).text)).to.deep.equal([
      'Elsewhere Centre',
    ]);
    const combined = await admin.get(`/institutions?country=${w.uganda.id}&type=prison&q=kigo`);
    expect(listedNames(combined.text)).to.deep.equal(['Kigo Prison']);
    expect(selectedValue(combined.text, 'country')).to.equal(w.uganda.id);
    expect(selectedValue(combined.text, 'type')).to.equal('prison');
    expect(inputValue(combined.text, 'q')).to.equal('kigo');
  });

  it('never crashes on odd queries', async () => {
    for (const query of [
      'q=(',
      'q=[',
      'q[$ne]=x',
      'country[$ne]=x',
      'type=castle',
      'page=abc',
      'page=999',
      'status=x',
    ]) {
      expect((await admin.get(`/institutions?${query}`)).status, query).to.equal(200);
    }
  });

  it('pages the list and keeps the filters in the page links', async () => {
    for (let i = 0; i < 27; i++) {
      await buildInstitution({
        country: w.uganda._id,
        name: `Batch ${String(i).padStart(2, '0')}`,
        code: `B-${i}`,
        type: 'prison',
      });
    }
    const first = await admin.get('/institutions?type=prison&q=batch');
    expect(listedNames(first.text)).to.have.length(25);
    const next = links(first.text).find((href) => href.includes('page=2'));
    const params = new URLSearchParams(next!.replace(/^\?/, ''));
    expect(params.get('type')).to.equal('prison');
    expect(params.get('q')).to.equal('batch');
    expect(listedNames((await admin.get(`/institutions${next}`)).text)).to.deep.equal(['Batch 25', 'Batch 26']);
    expect(listedNames((await admin.get('/institutions?type=prison&q=batch&page=999')).text)).to.deep.equal([
      'Batch 25',
      'Batch 26',
    ]);
  });

  it('shows a stored <script> escaped on the list, the page and the form', async () => {
    const evil = await buildInstitution({ country: w.uganda._id, name: '<script>alert(1)</script>', code: 'EVIL' });
    await evil.updateOne({ signatories: [{ name: '<img src=x onerror=alert(2)>', role: '<b>Director</b>' }] });
    for (const path of [
      '/institutions',
      `/institutions/${evil.id}`,
      `/institutions/${evil.id}/edit`,
      `/institutions/${evil.id}/deactivate`,
      '/people/new',
    ]) {
      const res = await admin.get(path);
      expect(res.status, path).to.equal(200);
      expect(res.text, path).not.to.include('<script>alert(1)</script>');
      expect(res.text, path).not.to.include('<img src=x');
      expect(res.text, path).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });

  it('shows the list and an institution without translation keys', async () => {
    for (const path of [
      '/institutions',
      '/institutions?status=all',
      `/institutions/${w.home.id}`,
      `/institutions/${w.home.id}/deactivate`,
    ]) {
      const res = await admin.get(path);
      expect(res.status, path).to.equal(200);
      expectNoMissingTranslations(res.text);
    }
  });
});
