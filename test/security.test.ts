import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Express, RequestHandler } from 'express';
import request, { type Response } from 'supertest';
import { Country } from '../src/institutions/country.model.ts';
import { notFoundHandler } from '../src/http/error-handler.ts';
import { Institution } from '../src/institutions/institution.model.ts';
import { Person } from '../src/people/person.model.ts';
import { buildApp } from './support/context.ts';
import { buildCountry, buildInstitution, buildUser, DEFAULT_PASSWORD } from './support/factories.ts';
import { csrfFrom, csrfToken, formBody, postForm, signIn, type Agent, type FormFields } from './support/http.ts';

// Cross-cutting protections: CSRF, headers, error pages, hostile input, and what reaches the logs.

/** Adds a GET route just before the app's 404 handler, where feature routers sit: a test-only way to make one throw. */
function addRouteBeforeNotFound(app: Express, path: string, handler: RequestHandler) {
  app.get(path, handler);
  const stack = app.router.stack;
  const added = stack.pop()!;
  stack.splice(
    stack.findIndex((layer) => layer.handle === notFoundHandler),
    0,
    added,
  );
}

function cspDirectives(res: Response): Map<string, string[]> {
  const header = String(res.headers['content-security-policy'] ?? '');
  return new Map(
    header
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('CSRF protection', () => {
  let app: Express;
  beforeEach(async () => {
    app = await buildApp();
  });

  type Case = {
    what: string;
    action: (ids: Ids) => string;
    fields: (ids: Ids) => FormFields;
    changed: (ids: Ids) => Promise<boolean>;
  };
  type Ids = { admin: string; person: string; institution: string; country: string };

  const cases: Case[] = [
    {
      what: 'creating a person',
      action: () => '/people',
      fields: (ids) => ({
        fullName: 'Forged Person',
        gender: 'undisclosed',
        roles: 'staff',
        language: 'en',
        institution: ids.institution,
      }),
      changed: async () => Boolean(await Person.exists({ fullName: 'Forged Person' })),
    },
    {
      what: 'creating an institution',
      action: () => '/institutions',
      fields: (ids) => ({
        name: 'Forged Academy',
        code: 'FORGED-1',
        type: 'academy',
        country: ids.country,
        timeZone: 'Europe/Paris',
      }),
      changed: async () => Boolean(await Institution.exists({ code: 'FORGED-1' })),
    },
    {
      what: 'creating a country',
      action: () => '/countries',
      fields: () => ({ code: 'QZ', name: 'Forgedland', timeZone: 'Europe/Paris' }),
      changed: async () => Boolean(await Country.exists({ code: 'QZ' })),
    },
    {
      what: 'changing one’s password',
      action: () => '/account/password',
      fields: () => ({
        currentPassword: DEFAULT_PASSWORD,
        newPassword: 'a forged new passphrase',
        confirmPassword: 'a forged new passphrase',
      }),
      changed: async (ids) => (await Person.findById(ids.admin).lean())?.authVersion !== 1,
    },
    {
      what: 'choosing a language',
      action: () => '/language',
      fields: () => ({ language: 'ru' }),
      changed: async (ids) => (await Person.findById(ids.admin).lean())?.language !== 'en',
    },
    {
      what: 'issuing a password link',
      action: (ids) => `/people/${ids.person}/reset-link`,
      fields: () => ({}),
      changed: async (ids) => Boolean((await Person.findById(ids.person).lean())?.passwordResetTokenHash),
    },
    {
      what: 'deactivating a person',
      action: (ids) => `/people/${ids.person}/deactivate`,
      fields: () => ({}),
      changed: async (ids) => (await Person.findById(ids.person).lean())?.active === false,
    },
    {
      what: 'signing out',
      action: () => '/logout',
      fields: () => ({}),
      changed: async () => false, // whether the session ended is checked through the agent
    },
  ];

  async function setUp(): Promise<{ ids: Ids; agent: Agent }> {
    const country = await buildCountry();
    const institution = await buildInstitution({ country: country._id });
    const admin = await buildUser({ roles: ['admin'], institution });
    const person = await buildUser({ institution });
    const agent = await signIn(app, admin.email!);
    return { ids: { admin: admin.id, person: person.id, institution: institution.id, country: country.id }, agent };
  }

  for (const c of cases) {
    it(`when ${c.what} is posted without a token or with a wrong one, it is refused with 403 and nothing changes`, async () => {
      const { ids, agent } = await setUp();
      const fields = c.fields(ids);
      const otherSessionToken = await csrfToken(request.agent(app), '/login');
      for (const token of [undefined, '', 'forged-token', otherSessionToken]) {
        const res = await agent
          .post(c.action(ids))
          .type('form')
          .send(formBody({ ...fields, _csrf: token }));
        expect(res.status, `token ${JSON.stringify(token)}`).to.equal(403);
        expect(res.text).to.include('This form has expired or was not sent from Cadre.');
        expect(await c.changed(ids), `token ${JSON.stringify(token)}`).to.equal(false);
      }
      const asJson = await agent.post(c.action(ids)).set('Accept', 'application/json').send(fields);
      expect(asJson.status).to.equal(403);
      expect(await c.changed(ids)).to.equal(false);
      expect((await agent.get('/account')).status, 'still signed in').to.equal(200);

      // the same request with the right token goes through, so the refusal above was the token's doing
      const accepted = await postForm(agent, '/account', c.action(ids), fields);
      expect(accepted.status, accepted.text.slice(0, 500)).to.be.oneOf([200, 303]);
      if (c.action(ids) === '/logout') expect((await agent.get('/account')).headers.location).to.equal('/login');
      else expect(await c.changed(ids)).to.equal(true);
    });
  }

  it('when the sign-in form is posted without a valid token, even the right password does not sign in', async () => {
    const user = await buildUser();
    const agent = request.agent(app);
    await agent.get('/login');
    for (const token of [undefined, 'forged-token', await csrfToken(request.agent(app), '/login')]) {
      const res = await agent
        .post('/login')
        .type('form')
        .send(formBody({ _csrf: token, email: user.email!, password: DEFAULT_PASSWORD }));
      expect(res.status).to.equal(403);
    }
    expect((await agent.get('/account')).headers.location).to.equal('/login');
  });

  it('when a password link form is posted without a valid token, the password is not set', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const person = await buildUser();
    const issued = await postForm(await signIn(app, admin.email!), '/', `/people/${person.id}/reset-link`, {});
    const token = /\/reset-password\/([A-Za-z0-9_-]{43})/.exec(issued.text)![1]!;
    const agent = request.agent(app);
    await agent.get(`/reset-password/${token}`);
    const res = await agent
      .post(`/reset-password/${token}`)
      .type('form')
      .send({ newPassword: 'a forged new passphrase', confirmPassword: 'a forged new passphrase' });
    expect(res.status).to.equal(403);
    expect((await request(app).get(`/reset-password/${token}`)).status).to.equal(200);
  });

  it('when the token comes in the X-CSRF-Token header instead of the form, it is accepted', async () => {
    const user = await buildUser();
    const agent = request.agent(app);
    const token = await csrfToken(agent, '/login');
    const res = await agent
      .post('/login')
      .set('X-CSRF-Token', token)
      .type('form')
      .send({ email: user.email, password: DEFAULT_PASSWORD });
    expect(res.status).to.equal(303);
  });

  it('when the person signs in, the token changes and the one from before no longer works', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const agent = request.agent(app);
    const before = await csrfToken(agent, '/login');
    await agent.post('/login').type('form').send({ _csrf: before, email: admin.email, password: DEFAULT_PASSWORD });
    const after = await csrfToken(agent, '/');
    expect(after).not.to.equal(before);
    const res = await agent
      .post('/countries')
      .type('form')
      .send({ _csrf: before, code: 'QZ', name: 'X', timeZone: 'Europe/Paris' });
    expect(res.status).to.equal(403);
  });

  it('when a multipart form carries its token only in the body, it is refused with 403 and nothing is created', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const agent = await signIn(app, admin.email!);
    const token = await csrfToken(agent, '/countries/new');
    // upload forms carry the token in the query string, so it is checked before any file is read
    const res = await agent
      .post('/countries')
      .field('_csrf', token)
      .field('code', 'QZ')
      .field('name', 'Multipartland')
      .field('timeZone', 'Europe/Paris');
    expect(res.status).to.equal(403);
    expect(await Country.exists({ code: 'QZ' })).to.equal(null);
  });

  it('when a multipart form with a valid token goes to a page that takes no uploads, nothing is created', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const agent = await signIn(app, admin.email!);
    const token = await csrfToken(agent, '/countries/new');
    const res = await agent
      .post(`/countries?_csrf=${encodeURIComponent(token)}`)
      .field('code', 'QZ')
      .field('name', 'Multipartland')
      .field('timeZone', 'Europe/Paris');
    expect(res.status).to.equal(422);
    expect(await Country.exists({ code: 'QZ' })).to.equal(null);
  });

  it('when a post has a valid token in its header but no form body, it is refused with 422, not 500', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const agent = await signIn(app, admin.email!);
    const token = await csrfToken(agent, '/countries/new');
    for (const path of ['/countries', '/institutions', '/people', '/account/password']) {
      const empty = await agent.post(path).set('X-CSRF-Token', token);
      expect(empty.status, path).to.equal(422);
      const text = await agent.post(path).set('X-CSRF-Token', token).set('Content-Type', 'text/plain').send('code=QZ');
      expect(text.status, path).to.equal(422);
    }
    expect(await Country.exists({ code: 'QZ' })).to.equal(null);
  });

  it('when a form posts its token in the query string but is not multipart, the token there is ignored', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const agent = await signIn(app, admin.email!);
    const token = await csrfToken(agent, '/countries/new');
    const res = await agent
      .post(`/countries?_csrf=${encodeURIComponent(token)}`)
      .type('form')
      .send({ code: 'QZ', name: 'Queryland', timeZone: 'Europe/Paris' });
    expect(res.status).to.equal(403);
    expect(await Country.exists({ code: 'QZ' })).to.equal(null);
  });

  it('when a page has a form that reads (method get), the token is never put in its URL', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const agent = await signIn(app, admin.email!);
    for (const path of ['/people', '/institutions']) {
      const html = (await agent.get(path)).text;
      const getForms = html.match(/<form[^>]*method="get"[\s\S]*?<\/form>/gi) ?? [];
      for (const form of getForms) expect(form, path).not.to.include('_csrf');
    }
  });
});

describe('security headers', () => {
  it('when any page is served, the CSP allows no inline script and no framing', async () => {
    const app = await buildApp();
    const res = await request(app).get('/login');
    const csp = cspDirectives(res);
    expect(csp.get('default-src')).to.deep.equal(["'self'"]);
    expect(csp.get('script-src')).to.deep.equal(["'self'"]);
    expect(csp.get('style-src')).to.deep.equal(["'self'"]);
    expect(csp.get('frame-ancestors')).to.deep.equal(["'none'"]);
    expect(csp.get('object-src')).to.deep.equal(["'none'"]);
    expect(csp.get('form-action')).to.deep.equal(["'self'"]);
    expect(String(res.headers['content-security-policy'])).not.to.match(/unsafe-inline|unsafe-eval/);
  });

  it('when any page is served, nosniff, a Referrer-Policy and a request id are set and X-Powered-By is not', async () => {
    const app = await buildApp();
    for (const path of ['/login', '/no-such-page', '/healthz', '/public/css/app.css']) {
      const res = await request(app).get(path);
      expect(res.headers['x-content-type-options'], path).to.equal('nosniff');
      expect(res.headers['referrer-policy'], path).to.be.oneOf(['same-origin', 'no-referrer', 'strict-origin']);
      expect(res.headers['x-powered-by'], path).to.equal(undefined);
      expect(res.headers['x-request-id'], path).to.match(/^[0-9a-f-]{36}$/);
    }
  });

  it('when two requests are made, each has its own request id', async () => {
    const app = await buildApp();
    const [a, b] = await Promise.all([request(app).get('/login'), request(app).get('/login')]);
    expect(a.headers['x-request-id']).not.to.equal(b.headers['x-request-id']);
  });

  it('when served over plain http, there is no HSTS; behind https there is, for a year', async () => {
    const plain = await request(await buildApp()).get('/login');
    expect(plain.headers['strict-transport-security']).to.equal(undefined);
    const app = await buildApp({ config: { publicUrl: 'https://x.test', trustProxy: true } });
    const secure = await request(app).get('/login').set('X-Forwarded-Proto', 'https');
    expect(secure.headers['strict-transport-security']).to.match(/max-age=31536000/);
    expect(cspDirectives(secure).has('upgrade-insecure-requests')).to.equal(true);
  });

  it('when a signed-in page is served, it is marked Cache-Control: no-store', async () => {
    const app = await buildApp();
    const admin = await buildUser({ roles: ['admin'] });
    const agent = await signIn(app, admin.email!);
    for (const path of [
      '/',
      '/account',
      '/account/password',
      '/people',
      `/people/${admin.id}`,
      '/institutions',
      '/countries',
    ]) {
      const res = await agent.get(path);
      expect(res.status, path).to.equal(200);
      expect(res.headers['cache-control'], path).to.equal('no-store');
    }
    const notFound = await agent.get('/no-such-page');
    expect(notFound.headers['cache-control']).to.equal('no-store');
  });

  it('when pages are rendered, they hold no inline script, inline style or event handler that CSP would block', async () => {
    const app = await buildApp();
    const admin = await buildUser({ roles: ['admin'] });
    const pages: [string, Response][] = [['/login', await request(app).get('/login')]];
    const agent = await signIn(app, admin.email!);
    for (const path of [
      '/',
      '/account',
      '/account/password',
      '/people',
      '/people/new',
      '/institutions',
      '/countries',
    ]) {
      pages.push([path, await agent.get(path)]);
    }
    pages.push(['/no-such-page', await agent.get('/no-such-page')]);
    for (const [where, page] of pages) {
      expect(page.text, where).not.to.match(/<script(?![^>]*\ssrc=)[^>]*>/i);
      expect(page.text, where).not.to.match(/\sstyle="/i);
      expect(page.text, where).not.to.match(/\son[a-z]+="/i);
      expect(page.text, where).not.to.match(/href="javascript:/i);
    }
  });

  it('when a static file is asked for outside the public folder, it is not served', async () => {
    const app = await buildApp();
    for (const path of ['/public/../package.json', '/public/%2e%2e/package.json', '/public/..%2fsrc/config.ts']) {
      const res = await request(app).get(path);
      expect(res.status, path).to.be.oneOf([400, 403, 404]);
      expect(res.text, path).not.to.include('"dependencies"');
    }
    expect((await request(app).get('/public/')).status).to.equal(404);
  });
});

describe('error pages', () => {
  it('when a page does not exist, the answer is a 404 HTML page with a reference', async () => {
    const app = await buildApp();
    const res = await request(app).get('/no-such-page').set('Accept', 'text/html');
    expect(res.status).to.equal(404);
    expect(res.type).to.equal('text/html');
    expect(res.text).to.include('Page not found');
    expect(res.text).to.include(`Reference: ${res.headers['x-request-id']}`);
  });

  it('when JSON is asked for, the 404 is JSON', async () => {
    const app = await buildApp();
    const res = await request(app).get('/no-such-page').set('Accept', 'application/json');
    expect(res.status).to.equal(404);
    expect(res.type).to.equal('application/json');
    expect(res.body).to.deep.equal({
      error: {
        status: 404,
        message: 'There is nothing here, or you are not allowed to see it.',
        requestId: res.headers['x-request-id'],
      },
    });
  });

  it('when an id in the address is not a valid id, or names another kind of record, the answer is 404', async () => {
    const app = await buildApp();
    const admin = await buildUser({ roles: ['admin'] });
    const country = await buildCountry();
    const agent = await signIn(app, admin.email!);
    for (const path of [
      '/people/not-an-id',
      '/people/123',
      `/people/${country.id}`,
      '/institutions/not-an-id',
      `/institutions/${admin.id}`,
      '/countries/zzz/edit',
      `/countries/${admin.id}/edit`,
    ]) {
      const res = await agent.get(path);
      expect(res.status, path).to.equal(404);
    }
  });

  describe('when a route throws', () => {
    async function appWithBrokenRoute(env: 'test' | 'production' | 'development', logLines?: string[]) {
      const app = await buildApp({ config: { env }, ...(logLines ? { logLines } : {}) });
      addRouteBeforeNotFound(app, '/boom', () => {
        throw new Error('secret detail from deep inside');
      });
      addRouteBeforeNotFound(app, '/boom-async', async () => {
        await Promise.resolve();
        throw new TypeError('another secret detail');
      });
      return app;
    }

    for (const env of ['test', 'production'] as const) {
      it(`outside development (${env}), the page is a generic 500 with a reference and no stack`, async () => {
        const app = await appWithBrokenRoute(env);
        for (const path of ['/boom', '/boom-async']) {
          const res = await request(app).get(path).set('Accept', 'text/html');
          expect(res.status, path).to.equal(500);
          expect(res.type).to.equal('text/html');
          expect(res.text).to.include('Something went wrong on our side.');
          expect(res.text).to.include(`Reference: ${res.headers['x-request-id']}`);
          expect(res.text).not.to.match(/secret detail|Error:|at .*\.ts:\d+|<pre/);
        }
      });
    }

    it('outside development, a JSON client gets the message and reference and no stack', async () => {
      const app = await appWithBrokenRoute('production');
      const res = await request(app).get('/boom').set('Accept', 'application/json');
      expect(res.status).to.equal(500);
      expect(Object.keys(res.body.error).sort()).to.deep.equal(['message', 'requestId', 'status']);
      expect(res.text).not.to.include('secret detail');
    });

    it('in development, the stack is shown to help the developer', async () => {
      const app = await appWithBrokenRoute('development');
      const res = await request(app).get('/boom').set('Accept', 'text/html');
      expect(res.status).to.equal(500);
      expect(res.text).to.include('secret detail from deep inside');
      expect(res.text).to.include('<pre class="stack">');
    });

    it('when a database query fails on a malformed id (CastError), the answer is 404, not 500', async () => {
      const app = await buildApp();
      addRouteBeforeNotFound(app, '/cast', async (_req, res) => {
        res.json(await Person.findById('not-an-id'));
      });
      const res = await request(app).get('/cast').set('Accept', 'text/html');
      expect(res.status).to.equal(404);
      expect(res.text).to.include('Page not found');
      expect(res.text).not.to.match(/CastError|Cast to ObjectId/);
    });

    it('when a save breaks a model rule or a unique key, the answer is 400 or 409, not 500', async () => {
      const app = await buildApp();
      const existing = await buildUser();
      addRouteBeforeNotFound(app, '/invalid', async (_req, res) => {
        res.json(await new Person({ rank: 'a rank but no name' }).save());
      });
      addRouteBeforeNotFound(app, '/duplicate', async (_req, res) => {
        res.json(await Person.create({ fullName: 'Same E-mail', email: existing.email }));
      });
      const invalid = await request(app).get('/invalid').set('Accept', 'application/json');
      expect(invalid.status).to.equal(400);
      expect(invalid.text).not.to.match(/fullName|a rank but no name|ValidationError/);
      const duplicate = await request(app).get('/duplicate').set('Accept', 'application/json');
      expect(duplicate.status).to.equal(409);
      expect(duplicate.text).not.to.include(existing.email!);
    });

    it('when even the error page cannot be rendered, a plain message with the reference is sent, never a stack', async () => {
      for (const env of ['test', 'development'] as const) {
        const app = await buildApp({ config: { env } });
        addRouteBeforeNotFound(app, '/broken-layout', (_req, res) => {
          res.locals.currentUser = { fullName: 'Ghost' }; // the layout now walks the menu, broken below
          res.locals.menu = null;
          throw new Error('secret detail');
        });
        const res = await request(app).get('/broken-layout').set('Accept', 'text/html');
        expect(res.status, env).to.equal(500);
        expect(res.type, env).to.equal('text/plain');
        expect(res.text, env).to.include('Something went wrong on our side.');
        expect(res.text, env).to.include(`Reference: ${res.headers['x-request-id']}`);
        expect(res.text, env).not.to.match(/secret detail|TypeError|at .*:\d+/);
      }
    });

    it('the error and its request id are logged for the administrator', async () => {
      const logLines: string[] = [];
      const app = await appWithBrokenRoute('production', logLines);
      const res = await request(app).get('/boom');
      const entry = logLines.map((line) => JSON.parse(line)).find((e) => e.msg === 'request failed');
      expect(entry?.level).to.equal(50);
      expect(entry?.err?.message).to.equal('secret detail from deep inside');
      expect(entry?.req?.id).to.equal(res.headers['x-request-id']);
    });
  });

  it('when a form is refused before the page furniture is ready (a CSRF refusal), the error page still renders', async () => {
    const app = await buildApp();
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    const res = await agent.post('/logout').type('form').send({});
    expect(res.status).to.equal(403);
    expect(res.type).to.equal('text/html');
    expect(res.text).to.include('<html lang="en"');
    expect(res.text).to.include(user.fullName);
    expect(res.text).not.to.match(/ReferenceError|at .*\.(ts|js|ejs):\d+/);
  });
});

describe('hostile input', () => {
  let app: Express;
  beforeEach(async () => {
    app = await buildApp();
  });

  it('when a body is larger than 100 kB, it is refused with 413', async () => {
    const agent = request.agent(app);
    const token = await csrfToken(agent, '/login');
    const big = 'x'.repeat(101 * 1024);
    const form = await agent
      .post('/login')
      .type('form')
      .send(formBody({ _csrf: token, email: big, password: 'x' }));
    expect(form.status).to.equal(413);
    const json = await agent.post('/login').set('Content-Type', 'application/json').send(JSON.stringify({ big }));
    expect(json.status).to.equal(413);
  });

  it('when a form has hundreds of fields, it is refused with 413 rather than parsed', async () => {
    const agent = request.agent(app);
    const token = await csrfToken(agent, '/login');
    const fields: FormFields = { _csrf: token };
    for (let i = 0; i < 300; i++) fields[`f${i}`] = 'x';
    const res = await agent.post('/login').type('form').send(formBody(fields));
    expect(res.status).to.equal(413);
  });

  it('when a form has hundreds of fields, only the forms with a row a participant take it', async () => {
    const agent = request.agent(app);
    const token = await csrfToken(agent, '/login');
    const fields: FormFields = { _csrf: token };
    for (let i = 0; i < 300; i++) fields[`f${i}`] = 'x';
    const id = new mongoose.Types.ObjectId().toHexString();
    for (const large of [
      `/sessions/${id}/close`,
      `/sessions/${id}/assessments`,
      `/sessions/${id}/attendance/2026-01-05`,
    ]) {
      const res = await agent.post(large).type('form').send(formBody(fields));
      expect(res.status, large).to.not.equal(413);
    }
    for (const small of [`/sessions/${id}/reopen`, `/sessions/${id}/attendance`, `/sessions/${id}/close/x`]) {
      const res = await agent.post(small).type('form').send(formBody(fields));
      expect(res.status, small).to.equal(413);
    }
  });

  it('when JSON is malformed, the answer is 400, not 500', async () => {
    const res = await request(app).post('/login').set('Content-Type', 'application/json').send('{"email": ');
    expect(res.status).to.equal(400);
  });

  it('when a form repeats a field, it is refused with 422 and nobody signs in', async () => {
    const user = await buildUser();
    const agent = request.agent(app);
    const res = await postForm(agent, '/login', '/login', {
      email: [user.email!, 'other@test.example'],
      password: DEFAULT_PASSWORD,
    });
    expect(res.status).to.equal(422);
    expect((await agent.get('/account')).headers.location).to.equal('/login');
  });

  it('when a form field is written as an object (email[$gt]=), it is refused with 422', async () => {
    const user = await buildUser();
    const agent = request.agent(app);
    const token = await csrfToken(agent, '/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send(`_csrf=${encodeURIComponent(token)}&email[$gt]=&password[$ne]=x&email=${encodeURIComponent(user.email!)}`);
    expect(res.status).to.equal(422);
    expect((await agent.get('/account')).headers.location).to.equal('/login');
  });

  for (const [what, body] of [
    ['an operator as e-mail', { email: { $gt: '' }, password: DEFAULT_PASSWORD }],
    ['a regular expression as e-mail', { email: { $regex: '.*' }, password: DEFAULT_PASSWORD }],
    ['an operator as password', { email: 'EMAIL', password: { $ne: null } }],
    ['a list as e-mail', { email: ['EMAIL'], password: DEFAULT_PASSWORD }],
    ['a prototype key', { email: 'EMAIL', password: DEFAULT_PASSWORD, ['__proto__']: { admin: true } }],
  ] as const) {
    it(`when sign-in JSON carries ${what}, nobody signs in and the answer is 4xx`, async () => {
      const user = await buildUser();
      const agent = request.agent(app);
      const token = await csrfToken(agent, '/login');
      const json = JSON.stringify(body).replaceAll('"EMAIL"', JSON.stringify(user.email));
      const res = await agent
        .post('/login')
        .set('X-CSRF-Token', token)
        .set('Content-Type', 'application/json')
        .send(json);
      expect(res.status).to.be.within(400, 499);
      expect((await agent.get('/account')).headers.location).to.equal('/login');
      expect(({} as Record<string, unknown>).admin).to.equal(undefined);
    });
  }

  it('when query parameters repeat or carry operators, list pages still answer 200', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const agent = await signIn(app, admin.email!);
    for (const path of [
      '/people?status=all&status=active&q=a&q=b&page=1&page=2',
      '/people?q[$gt]=&role[$ne]=staff&institution[$ne]=x',
      '/people?page=-5&gender=nonsense',
      '/institutions?q=a&q=b&country[$gt]=&page=99999999999',
    ]) {
      const res = await agent.get(path);
      expect(res.status, path).to.equal(200);
    }
  });

  it('when the session cookie is forged or tampered with, the visitor is simply anonymous', async () => {
    const user = await buildUser();
    await signIn(app, user.email!);
    for (const cookie of ['cadre.sid=s%3Aforged.signature', 'cadre.sid=forged', 'cadre.sid=%00%ff']) {
      const res = await request(app).get('/account').set('Cookie', cookie);
      expect(res.status, cookie).to.equal(303);
      expect(res.headers.location).to.equal('/login');
    }
  });
});

describe('what reaches the logs', () => {
  type Secrets = Set<string>;

  /** Remembers every session cookie a response set: the signed value and the bare session id. */
  function collectCookies(res: Response, secrets: Secrets) {
    for (const line of (res.headers['set-cookie'] as unknown as string[] | undefined) ?? []) {
      const value = /^cadre\.sid=([^;]+)/.exec(line)?.[1];
      if (!value) continue;
      secrets.add(value);
      const decoded = decodeURIComponent(value);
      secrets.add(decoded);
      secrets.add(decoded.slice(2, decoded.lastIndexOf('.'))); // "s:<id>.<signature>"
    }
    return res;
  }

  async function tokenOf(agent: Agent, path: string, secrets: Secrets) {
    const res = collectCookies(await agent.get(path), secrets);
    const token = csrfFrom(res.text);
    secrets.add(token);
    return token;
  }

  it('when people sign in, change passwords and use password links, no secret is ever logged', async () => {
    const logLines: string[] = [];
    const app = await buildApp({ logLines });
    const admin = await buildUser({ roles: ['admin'] });
    const person = await buildUser();
    const secrets: Secrets = new Set([
      DEFAULT_PASSWORD,
      'wrong secret attempt',
      'admin new passphrase',
      'person new passphrase',
    ]);

    // a failed, then a successful sign-in
    const agent = request.agent(app);
    let token = await tokenOf(agent, '/login', secrets);
    collectCookies(
      await agent
        .post('/login')
        .type('form')
        .send({ _csrf: token, email: admin.email, password: 'wrong secret attempt' }),
      secrets,
    );
    token = await tokenOf(agent, '/login', secrets);
    collectCookies(
      await agent.post('/login').type('form').send({ _csrf: token, email: admin.email, password: DEFAULT_PASSWORD }),
      secrets,
    );

    // a password change
    token = await tokenOf(agent, '/account/password', secrets);
    const changed = await agent.post('/account/password').type('form').send({
      _csrf: token,
      currentPassword: DEFAULT_PASSWORD,
      newPassword: 'admin new passphrase',
      confirmPassword: 'admin new passphrase',
    });
    expect(changed.status).to.equal(303);
    collectCookies(changed, secrets);

    // a password link, issued, opened and used (the browser sends the link as Referer when posting the form)
    token = await tokenOf(agent, `/people/${person.id}`, secrets);
    const issued = await agent.post(`/people/${person.id}/reset-link`).type('form').send({ _csrf: token });
    const link = /(http:\/\/[^<"]+\/reset-password\/([A-Za-z0-9_-]{43}))/.exec(issued.text)!;
    secrets.add(link[2]!);
    const visitor = request.agent(app);
    token = await tokenOf(visitor, `/reset-password/${link[2]}`, secrets);
    const reset = await visitor
      .post(`/reset-password/${link[2]}`)
      .set('Referer', link[1]!)
      .type('form')
      .send({ _csrf: token, newPassword: 'person new passphrase', confirmPassword: 'person new passphrase' });
    expect(reset.status).to.equal(303);
    collectCookies(reset, secrets);

    // the person signs in and out, sending the token in the header this time
    const personAgent = request.agent(app);
    token = await tokenOf(personAgent, '/login', secrets);
    collectCookies(
      await personAgent
        .post('/login')
        .set('X-CSRF-Token', token)
        .type('form')
        .send({ email: person.email, password: 'person new passphrase' }),
      secrets,
    );
    token = await tokenOf(personAgent, '/account', secrets);
    collectCookies(await personAgent.post('/logout').set('X-CSRF-Token', token), secrets);

    // an upload form carries its token in the query string
    token = await tokenOf(agent, '/countries/new', secrets);
    await agent.post(`/countries?_csrf=${encodeURIComponent(token)}`).field('code', 'QZ');

    expect(logLines.length).to.be.greaterThan(10);
    for (const secret of secrets) {
      expect(secret.length, 'a real secret').to.be.greaterThan(8);
      const leaks = logLines.filter((line) => line.includes(secret));
      expect(leaks, `secret ${secret.slice(0, 6)}… in the log`).to.deep.equal([]);
    }
    expect(logLines.some((line) => line.includes('/reset-password/[redacted]'))).to.equal(true);
  });

  it('when a sign-in fails or succeeds, the event is logged with the account, the address and the request id', async () => {
    const logLines: string[] = [];
    const app = await buildApp({ logLines });
    const user = await buildUser();
    const agent = request.agent(app);
    const failed = await postForm(agent, '/login', '/login', { email: user.email!, password: 'wrong password here' });
    const succeeded = await postForm(agent, '/login', '/login', { email: user.email!, password: DEFAULT_PASSWORD });
    const entries = logLines.map((line) => JSON.parse(line));

    const failure = entries.find((e) => e.event === 'sign-in.failed');
    expect(failure).to.deep.include({ email: user.email, requestId: failed.headers['x-request-id'] });
    expect(failure.address).to.be.a('string').and.not.equal('');
    expect(failure.time).to.be.a('number');
    expect(failure.level).to.equal(40);

    const success = entries.find((e) => e.event === 'sign-in.succeeded');
    expect(success).to.deep.include({ userId: user.id, requestId: succeeded.headers['x-request-id'] });
    expect(success.address).to.be.a('string').and.not.equal('');
    expect(success.time).to.be.a('number');
  });

  it('when sign-in is throttled, that is logged too', async () => {
    const logLines: string[] = [];
    const app = await buildApp({ logLines, throttle: { perAccountAndAddress: 1, perAddress: 100, perAccount: 100 } });
    const agent = request.agent(app);
    await postForm(agent, '/login', '/login', { email: 'someone@test.example', password: 'wrong password here' });
    const res = await postForm(agent, '/login', '/login', { email: 'someone@test.example', password: 'wrong again' });
    expect(res.status).to.equal(429);
    const entries = logLines.map((line) => JSON.parse(line));
    expect(entries.some((e) => e.event === 'sign-in.throttled' && e.email === 'someone@test.example')).to.equal(true);
  });

  it('when a CSRF check or a validation fails, the refusal is logged with its reason and the person', async () => {
    const logLines: string[] = [];
    const app = await buildApp({ logLines });
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    await agent.post('/logout').type('form').send({ _csrf: 'forged' });
    await postForm(agent, '/account', '/language', { language: 'xx' });
    const refusals = logLines.map((line) => JSON.parse(line)).filter((e) => e.msg === 'request refused');
    expect(refusals.map((e) => [e.status, e.reason, e.userId])).to.deep.include.members([
      [403, 'errors.csrf', user.id],
      [422, 'errors.validation', user.id],
    ]);
  });
});
