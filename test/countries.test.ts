import { expect } from 'chai';
import type { Express } from 'express';
import type { TFunction } from 'i18next';
import request from 'supertest';
import { Country } from '../src/institutions/country.model.ts';
import { buildApp, testI18n } from './support/context.ts';
import { buildCountry, buildInstitution, buildUser } from './support/factories.ts';
import { signIn, type Agent, type FormFields, post } from './support/http.ts';
import {
  expectLabelledControls,
  expectNoMissingTranslations,
  fieldError,
  inputValue,
  links,
  selectedValue,
  visibleText,
} from './page-helpers.ts';

// Countries: set up once by administrators; no one else sees them.

let app: Express;
let t: TFunction;

/** Every describe starts its own app: no root hooks outside test/setup.ts. */
function startApp() {
  before(async () => {
    app = await buildApp();
    t = (await testI18n()).getFixedT('en');
  });
}

const countryForm = (fields: FormFields = {}): FormFields => ({
  code: 'TN',
  name: 'Tunisia',
  timeZone: 'Africa/Tunis',
  ...fields,
});

function listedCountries(html: string): string[] {
  return [...html.matchAll(/<tr>\s*<td>([^<]*)<\/td>/g)].map((m) => visibleText(m[1] ?? ''));
}

describe('countries: who may reach which page', () => {
  startApp();
  it('sends anonymous visitors to sign in and refuses their posts', async () => {
    const uganda = await buildCountry({ code: 'UG', name: 'Uganda' });
    for (const path of [
      '/countries',
      '/countries/new',
      `/countries/${uganda.id}/edit`,
      `/countries/${uganda.id}/delete`,
    ]) {
      const res = await request(app).get(path);
      expect(res.status, path).to.equal(303);
      expect(res.headers.location, path).to.equal('/login');
    }
    for (const path of ['/countries', `/countries/${uganda.id}`, `/countries/${uganda.id}/delete`]) {
      const res = await request(app).post(path).type('form').send(countryForm());
      expect([401, 403], path).to.include(res.status);
    }
    expect(await Country.countDocuments()).to.equal(1);
  });

  for (const role of ['coordinator', 'trainer', 'staff'] as const) {
    it(`refuses a ${role} every page and action (403), and changes nothing`, async () => {
      const uganda = await buildCountry({ code: 'UG', name: 'Uganda' });
      const user = await buildUser({ roles: [role] });
      const agent = await signIn(app, user.email!);
      for (const path of [
        '/countries',
        '/countries/new',
        `/countries/${uganda.id}/edit`,
        `/countries/${uganda.id}/delete`,
      ]) {
        expect((await agent.get(path)).status, path).to.equal(403);
      }
      expect((await post(agent, '/countries', countryForm())).status).to.equal(403);
      expect(
        (await post(agent, `/countries/${uganda.id}`, countryForm({ code: 'UG', name: 'Renamed' }))).status,
      ).to.equal(403);
      expect((await post(agent, `/countries/${uganda.id}/delete`)).status).to.equal(403);
      const after = await Country.findById(uganda._id).lean().orFail();
      expect(after.name).to.equal('Uganda');
      expect(await Country.exists({ code: 'TN' })).to.equal(null);
      expect(links((await agent.get('/')).text)).not.to.include('/countries');
    });
  }
});

describe('countries: an admin manages them', () => {
  startApp();
  let admin: Agent;
  beforeEach(async () => {
    admin = await signIn(app, (await buildUser({ roles: ['admin'], institution: null })).email!);
  });

  it('adds a country, its code in capitals, and lists it', async () => {
    const form = await admin.get('/countries/new');
    expect(selectedValue(form.text, 'timeZone')).to.equal(undefined);
    const res = await post(admin, '/countries', countryForm({ code: 'tn', name: ' Tunisia ' }));
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/countries');
    const stored = await Country.findOne({ code: 'TN' }).lean().orFail();
    expect(stored.name).to.equal('Tunisia');
    expect(stored.timeZone).to.equal('Africa/Tunis');
    const list = await admin.get('/countries');
    expect(visibleText(list.text)).to.include(t('countries:saved', { name: 'Tunisia' }));
    expect(listedCountries(list.text)).to.include('Tunisia');
  });

  it('lists countries by name with how many institutions each has', async () => {
    const uganda = await buildCountry({ code: 'UG', name: 'Uganda' });
    await buildCountry({ code: 'KZ', name: 'Kazakhstan' });
    await buildInstitution({ country: uganda._id });
    await buildInstitution({ country: uganda._id, active: false });
    const res = await admin.get('/countries');
    expect(listedCountries(res.text)).to.deep.equal(['Kazakhstan', 'Uganda']);
    expect(res.text).to.match(new RegExp(`href="/institutions\\?country=${uganda.id}&amp;status=all">2</a>`));
    expectNoMissingTranslations(res.text);
  });

  it('edits a country, the form filled with what is stored', async () => {
    const uganda = await buildCountry({ code: 'UG', name: 'Uganda', timeZone: 'Africa/Kampala' });
    const form = await admin.get(`/countries/${uganda.id}/edit`);
    expect(inputValue(form.text, 'code')).to.equal('UG');
    expect(inputValue(form.text, 'name')).to.equal('Uganda');
    expect(selectedValue(form.text, 'timeZone')).to.equal('Africa/Kampala');
    expectLabelledControls(form.text);
    expectNoMissingTranslations(form.text);
    const res = await post(
      admin,
      `/countries/${uganda.id}`,
      countryForm({ code: 'UG', name: 'Republic of Uganda', timeZone: 'Africa/Kampala' }),
    );
    expect(res.status).to.equal(303);
    expect((await Country.findById(uganda._id).lean().orFail()).name).to.equal('Republic of Uganda');
  });

  it('refuses a code another country has, whatever its case', async () => {
    const uganda = await buildCountry({ code: 'UG', name: 'Uganda' });
    const kenya = await buildCountry({ code: 'KE', name: 'Kenya' });
    const res = await post(admin, '/countries', countryForm({ code: 'ug', name: 'Uganda again' }));
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'code')).to.equal(t('countries:code.taken'));
    expect(inputValue(res.text, 'name')).to.equal('Uganda again');
    const edit = await post(admin, `/countries/${kenya.id}`, countryForm({ code: 'UG', name: 'Kenya' }));
    expect(edit.status).to.equal(422);
    expect(fieldError(edit.text, 'code')).to.equal(t('countries:code.taken'));
    expect(edit.text).to.include(`action="/countries/${kenya.id}"`);
    expect((await Country.findById(kenya._id).lean().orFail()).code).to.equal('KE');
    expect((await Country.findById(uganda._id).lean().orFail()).name).to.equal('Uganda');
  });

  const invalid: { name: string; fields: FormFields; field: string; message: string }[] = [
    {
      name: 'a three-letter code',
      fields: countryForm({ code: 'TUN' }),
      field: 'code',
      message: 'countries:code.format',
    },
    {
      name: 'a code with a digit',
      fields: countryForm({ code: 'T1' }),
      field: 'code',
      message: 'countries:code.format',
    },
    { name: 'no code', fields: countryForm({ code: '' }), field: 'code', message: 'countries:code.format' },
    { name: 'no name', fields: countryForm({ name: ' ' }), field: 'name', message: 'validation.required' },
    {
      name: 'a made-up time zone',
      fields: countryForm({ timeZone: 'Africa/Atlantis' }),
      field: 'timeZone',
      message: 'validation.timeZone',
    },
    { name: 'no time zone', fields: countryForm({ timeZone: '' }), field: 'timeZone', message: 'validation.timeZone' },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name} (422), the message beside the field and the typed values kept`, async () => {
      const res = await post(admin, '/countries', c.fields);
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, c.field)).to.equal(t(c.message));
      expect(res.text).to.match(new RegExp(`aria-describedby="[^"]*\\b${c.field}-error"`));
      expect(inputValue(res.text, 'code')).to.equal(c.fields.code);
      expect(inputValue(res.text, 'name')).to.equal(c.fields.name);
      expectNoMissingTranslations(res.text);
      expect(await Country.countDocuments()).to.equal(0);
    });
  }

  it('refuses extra, repeated and operator fields (422), not 500', async () => {
    for (const fields of [
      countryForm({ createdAt: '2020-01-01' }),
      countryForm({ code: ['TN', 'UG'] }),
      { ...countryForm(), 'code[$ne]': 'x' },
    ]) {
      expect((await post(admin, '/countries', fields)).status, JSON.stringify(fields)).to.equal(422);
    }
    expect(await Country.countDocuments()).to.equal(0);
  });

  it('answers 404 for a country that does not exist', async () => {
    for (const path of [
      '/countries/nope/edit',
      '/countries/0123456789abcdef01234567/edit',
      '/countries/0123456789abcdef01234567/delete',
    ]) {
      expect((await admin.get(path)).status, path).to.equal(404);
    }
    expect((await post(admin, '/countries/0123456789abcdef01234567', countryForm())).status).to.equal(404);
    expect((await post(admin, '/countries/0123456789abcdef01234567', countryForm({ code: 'x' }))).status).to.equal(404);
    expect((await post(admin, '/countries/0123456789abcdef01234567/delete')).status).to.equal(404);
  });

  it('deletes a country without institutions after asking', async () => {
    const mistake = await buildCountry({ code: 'ZZ', name: 'Mistake' });
    const edit = await admin.get(`/countries/${mistake.id}/edit`);
    expect(links(edit.text)).to.include(`/countries/${mistake.id}/delete`);
    const page = await admin.get(`/countries/${mistake.id}/delete`);
    expect(page.status).to.equal(200);
    expect(visibleText(page.text)).to.include(t('countries:delete.confirm', { name: 'Mistake' }));
    expect(await Country.exists({ _id: mistake._id })).not.to.equal(null);
    const res = await post(admin, `/countries/${mistake.id}/delete`);
    expect(res.status).to.equal(303);
    expect(await Country.exists({ _id: mistake._id })).to.equal(null);
    expect(visibleText((await admin.get('/countries')).text)).to.include(t('countries:deleted', { name: 'Mistake' }));
  });

  it('keeps a country that has institutions, and says why', async () => {
    const uganda = await buildCountry({ code: 'UG', name: 'Uganda' });
    await buildInstitution({ country: uganda._id, active: false });
    const page = await admin.get(`/countries/${uganda.id}/delete`);
    expect(page.status).to.equal(200);
    expect(visibleText(page.text)).to.include(t('countries:delete.blocked', { name: 'Uganda', count: 1 }));
    expect(page.text).not.to.include(`action="/countries/${uganda.id}/delete"`);
    const res = await post(admin, `/countries/${uganda.id}/delete`);
    expect(res.status).to.equal(409);
    expect(visibleText(res.text)).to.include(t('countries:delete.inUse'));
    expect(await Country.exists({ _id: uganda._id })).not.to.equal(null);
  });

  it('shows a stored <script> escaped on the list and the forms', async () => {
    const evil = await buildCountry({ code: 'XS', name: '<script>alert(1)</script>' });
    for (const path of [
      '/countries',
      `/countries/${evil.id}/edit`,
      `/countries/${evil.id}/delete`,
      '/institutions/new',
    ]) {
      const res = await admin.get(path);
      expect(res.status, path).to.equal(200);
      expect(res.text, path).not.to.include('<script>alert(1)</script>');
      expect(res.text, path).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });
});
