import mongoose from 'mongoose';
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { ensureFirstAdmin } from '../src/auth/account.service.ts';
import { verifyPassword } from '../src/auth/password.ts';
import { Person } from '../src/people/person.model.ts';
import { buildApp, testConfig } from './support/context.ts';
import { buildInstitution, buildUser, DEFAULT_PASSWORD } from './support/factories.ts';
import { csrfFrom, csrfToken, postForm, signIn, type Agent } from './support/http.ts';

// Changing one's password, password links issued by admins and coordinators, and the first admin.

const NEW_PASSWORD = 'a brand new passphrase';

function changePassword(
  agent: Agent,
  fields: { currentPassword: string; newPassword: string; confirmPassword?: string },
) {
  return postForm(agent, '/account/password', '/account/password', {
    confirmPassword: fields.newPassword,
    ...fields,
  });
}

/** The message shown beside a form field, if any. */
function fieldError(html: string, field: string): string | undefined {
  return new RegExp(`<p class="field-error" id="${field}-error">([^<]*)</p>`).exec(html)?.[1];
}

async function canSignIn(app: Express, email: string, password: string): Promise<boolean> {
  try {
    await signIn(app, email, password);
    return true;
  } catch {
    return false;
  }
}

/** The token of the password link shown on a page. */
function tokenFrom(html: string): string {
  const match = /\/reset-password\/([A-Za-z0-9_-]{43})/.exec(html);
  if (!match?.[1]) throw new Error('no password link on the page');
  return match[1];
}

async function storedHash(id: unknown): Promise<string | undefined> {
  return (await Person.findById(id).lean())?.passwordHash ?? undefined;
}

describe('changing one’s own password', () => {
  let app: Express;
  beforeEach(async () => {
    app = await buildApp();
  });

  it('when the current password is wrong, the form answers 422 with the message beside that field', async () => {
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    const before = await storedHash(user._id);
    const res = await changePassword(agent, { currentPassword: 'not my password', newPassword: NEW_PASSWORD });
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'currentPassword')).to.equal('The current password is not right.');
    expect(await storedHash(user._id)).to.equal(before);
    expect(await canSignIn(app, user.email!, DEFAULT_PASSWORD)).to.equal(true);
  });

  const policyCases = [
    { what: 'too short', newPassword: 'short pass', field: 'newPassword', message: 'Use at least 12 characters.' },
    { what: 'too long', newPassword: 'x'.repeat(129), field: 'newPassword', message: 'Use at most 128 characters.' },
    {
      what: 'a common one',
      newPassword: 'Password1234',
      field: 'newPassword',
      message: 'This password is too common. Choose another.',
    },
    {
      what: 'typed differently the second time',
      newPassword: NEW_PASSWORD,
      confirmPassword: `${NEW_PASSWORD}!`,
      field: 'confirmPassword',
      message: 'The two new passwords are not the same.',
    },
  ];
  for (const c of policyCases) {
    it(`when the new password is ${c.what}, the form answers 422 with a message and nothing changes`, async () => {
      const user = await buildUser();
      const agent = await signIn(app, user.email!);
      const before = await storedHash(user._id);
      const res = await changePassword(agent, {
        currentPassword: DEFAULT_PASSWORD,
        newPassword: c.newPassword,
        confirmPassword: c.confirmPassword ?? c.newPassword,
      });
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, c.field)).to.equal(c.message);
      // typed passwords are never sent back in the page
      expect(res.text).not.to.include(c.newPassword);
      expect(res.text).not.to.include(DEFAULT_PASSWORD);
      expect(await storedHash(user._id)).to.equal(before);
      expect((await agent.get('/account')).status).to.equal(200);
    });
  }

  it('when the form carries a field it does not have, it is refused and nothing changes', async () => {
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    const res = await postForm(agent, '/account/password', '/account/password', {
      currentPassword: DEFAULT_PASSWORD,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
      roles: 'admin',
    });
    expect(res.status).to.equal(422);
    const stored = await Person.findById(user._id).lean();
    expect(stored?.roles).to.deep.equal(['staff']);
    expect(await verifyPassword(DEFAULT_PASSWORD, stored!.passwordHash!)).to.equal(true);
  });

  it('when it succeeds, the other sessions end, this one goes on, and only the new password works', async () => {
    const user = await buildUser();
    const elsewhere = await signIn(app, user.email!);
    const here = await signIn(app, user.email!);
    const res = await changePassword(here, { currentPassword: DEFAULT_PASSWORD, newPassword: NEW_PASSWORD });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/account');

    const account = await here.get('/account');
    expect(account.status).to.equal(200);
    expect(account.text).to.include('Your password has been changed. Other sessions have been signed out.');
    const other = await elsewhere.get('/account');
    expect(other.status).to.equal(303);
    expect(other.headers.location).to.equal('/login');

    expect(await canSignIn(app, user.email!, DEFAULT_PASSWORD)).to.equal(false);
    expect(await canSignIn(app, user.email!, NEW_PASSWORD)).to.equal(true);
  });

  it('when it succeeds, the session cookie is replaced as well', async () => {
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    const res = await changePassword(agent, { currentPassword: DEFAULT_PASSWORD, newPassword: NEW_PASSWORD });
    const setCookie = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
    expect(setCookie.some((line) => line.startsWith('cadre.sid='))).to.equal(true);
  });

  it('when the new password is long Unicode, all of it counts: a prefix does not sign in', async () => {
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    const unicode = 'Пароль для входа في النظام 🔐 ' + 'x'.repeat(80);
    expect((await changePassword(agent, { currentPassword: DEFAULT_PASSWORD, newPassword: unicode })).status).to.equal(
      303,
    );
    expect(await canSignIn(app, user.email!, unicode)).to.equal(true);
    expect(await canSignIn(app, user.email!, unicode.slice(0, 72))).to.equal(false);
  });

  it('when nobody is signed in, the form is not shown and a post is refused', async () => {
    const agent = request.agent(app);
    expect((await agent.get('/account/password')).headers.location).to.equal('/login');
    const res = await postForm(agent, '/login', '/account/password', {
      currentPassword: DEFAULT_PASSWORD,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(res.status).to.equal(401);
  });
});

describe('password links issued by an admin', () => {
  let app: Express;
  beforeEach(async () => {
    app = await buildApp();
  });

  async function issueLink(agent: Agent, personId: string) {
    return postForm(agent, `/people/${personId}`, `/people/${personId}/reset-link`, {});
  }

  async function setPasswordWithLink(token: string, password: string, confirmPassword = password) {
    const agent = request.agent(app);
    // a dead link's page has no form (and so no token): the sign-in page's token stands in
    const formPage =
      (await agent.get(`/reset-password/${token}`)).status === 200 ? `/reset-password/${token}` : '/login';
    return postForm(agent, formPage, `/reset-password/${token}`, {
      newPassword: password,
      confirmPassword,
    });
  }

  it('when issued, the link is shown once and only its hash is stored', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const person = await buildUser();
    const agent = await signIn(app, admin.email!);
    const res = await issueLink(agent, person.id);
    expect(res.status).to.equal(200);
    const token = tokenFrom(res.text);
    expect(res.headers['cache-control']).to.equal('no-store');

    const stored = await Person.findById(person._id).lean();
    expect(stored?.passwordResetTokenHash).to.be.a('string');
    expect(stored?.passwordResetTokenHash).not.to.include(token);
    expect(stored?.passwordResetExpiresAt?.getTime()).to.be.closeTo(Date.now() + 24 * 3_600_000, 60_000);
    expect((await agent.get(`/people/${person.id}`)).text).not.to.include(token);
  });

  it('when the link is opened, it offers a form that sets the new password', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const person = await buildUser();
    const token = tokenFrom((await issueLink(await signIn(app, admin.email!), person.id)).text);

    const page = await request(app).get(`/reset-password/${token}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('name="newPassword"');

    const res = await setPasswordWithLink(token, NEW_PASSWORD);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/login');
    expect(await canSignIn(app, person.email!, NEW_PASSWORD)).to.equal(true);
    expect(await canSignIn(app, person.email!, DEFAULT_PASSWORD)).to.equal(false);
  });

  it('when the link has been used, it no longer works', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const person = await buildUser();
    const token = tokenFrom((await issueLink(await signIn(app, admin.email!), person.id)).text);
    expect((await setPasswordWithLink(token, NEW_PASSWORD)).status).to.equal(303);

    const page = await request(app).get(`/reset-password/${token}`);
    expect(page.status).to.equal(404);
    expect(page.text).to.include('This link is not valid');
    const again = await postForm(request.agent(app), '/login', `/reset-password/${token}`, {
      newPassword: 'yet another passphrase',
      confirmPassword: 'yet another passphrase',
    });
    expect(again.status).to.equal(404);
    expect(await canSignIn(app, person.email!, NEW_PASSWORD)).to.equal(true);
  });

  it('when the new password breaks the rules, the form answers 422 and the link still works', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const person = await buildUser();
    const token = tokenFrom((await issueLink(await signIn(app, admin.email!), person.id)).text);
    const short = await setPasswordWithLink(token, 'too short');
    expect(short.status).to.equal(422);
    expect(fieldError(short.text, 'newPassword')).to.equal('Use at least 12 characters.');
    const mismatch = await setPasswordWithLink(token, NEW_PASSWORD, 'something else entirely');
    expect(mismatch.status).to.equal(422);
    expect(fieldError(mismatch.text, 'confirmPassword')).to.equal('The two new passwords are not the same.');
    expect((await request(app).get(`/reset-password/${token}`)).status).to.equal(200);
  });

  it('when the link has expired, it shows the not-valid page with 404', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const person = await buildUser();
    const agent = await signIn(app, admin.email!);
    const token = tokenFrom((await issueLink(agent, person.id)).text);
    await Person.updateOne({ _id: person._id }, { $set: { passwordResetExpiresAt: new Date(Date.now() - 1000) } });
    const page = await request(app).get(`/reset-password/${token}`);
    expect(page.status).to.equal(404);
    expect(page.text).to.include('This link is not valid: it has expired or has already been used.');
    expect(page.text).not.to.include('name="newPassword"');
  });

  it('when a newer link is issued, the older one stops working', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const person = await buildUser();
    const agent = await signIn(app, admin.email!);
    const first = tokenFrom((await issueLink(agent, person.id)).text);
    const second = tokenFrom((await issueLink(agent, person.id)).text);
    expect(second).not.to.equal(first);
    expect((await request(app).get(`/reset-password/${first}`)).status).to.equal(404);
    expect((await request(app).get(`/reset-password/${second}`)).status).to.equal(200);
  });

  for (const bad of ['short', 'x'.repeat(43).replace(/x$/, '!'), 'A'.repeat(43)]) {
    it(`when the link token is ${JSON.stringify(bad.slice(0, 12))}…, the answer is the not-valid page`, async () => {
      const res = await request(app).get(`/reset-password/${encodeURIComponent(bad)}`);
      expect(res.status).to.equal(404);
    });
  }

  it('when the password is set through the link, the person’s open sessions end', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const person = await buildUser();
    const theirSession = await signIn(app, person.email!);
    const token = tokenFrom((await issueLink(await signIn(app, admin.email!), person.id)).text);
    expect((await theirSession.get('/account')).status).to.equal(200);
    await setPasswordWithLink(token, NEW_PASSWORD);
    expect((await theirSession.get('/account')).headers.location).to.equal('/login');
  });

  it('when the person was told to choose a password, the link clears that', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const person = await buildUser({ mustChangePassword: true });
    const token = tokenFrom((await issueLink(await signIn(app, admin.email!), person.id)).text);
    await setPasswordWithLink(token, NEW_PASSWORD);
    const agent = await signIn(app, person.email!, NEW_PASSWORD);
    expect((await agent.get('/account')).status).to.equal(200);
  });

  it('when the person has been deactivated, the link does not work', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const person = await buildUser();
    const token = tokenFrom((await issueLink(await signIn(app, admin.email!), person.id)).text);
    await Person.updateOne({ _id: person._id }, { $set: { active: false } });
    expect((await request(app).get(`/reset-password/${token}`)).status).to.equal(404);
    expect((await setPasswordWithLink(token, NEW_PASSWORD)).status).to.equal(404);
  });

  it('when the person has no e-mail, no link is issued', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const person = await buildUser({ email: null });
    const agent = await signIn(app, admin.email!);
    const res = await postForm(agent, '/people', `/people/${person.id}/reset-link`, {});
    expect(res.status).to.equal(403);
    expect((await Person.findById(person._id).lean())?.passwordResetTokenHash).to.equal(undefined);
  });
});

describe('a password change ends every password link', () => {
  let app: Express;
  beforeEach(async () => {
    app = await buildApp();
  });

  async function linkFor(personId: string): Promise<string> {
    const admin = await buildUser({ roles: ['admin'] });
    const res = await postForm(
      await signIn(app, admin.email!),
      `/people/${personId}`,
      `/people/${personId}/reset-link`,
      {},
    );
    expect(res.status).to.equal(200);
    return tokenFrom(res.text);
  }

  /** Opens the link's page and, when it works, posts a new password through it. */
  async function useLink(token: string, password: string) {
    const agent = request.agent(app);
    const page = await agent.get(`/reset-password/${token}`);
    if (page.status !== 200) return page;
    return agent
      .post(`/reset-password/${token}`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), newPassword: password, confirmPassword: password });
  }

  async function expectLinkDead(token: string, personEmail: string, keptPassword: string) {
    const page = await request(app).get(`/reset-password/${token}`);
    expect(page.status).to.equal(404);
    expect(page.text).to.include('This link is not valid');
    expect((await useLink(token, 'taken back by the link')).status).to.equal(404);
    expect(await canSignIn(app, personEmail, 'taken back by the link')).to.equal(false);
    expect(await canSignIn(app, personEmail, keptPassword)).to.equal(true);
  }

  it('when the person changes their own password on the account page, a link issued before stops working', async () => {
    const person = await buildUser();
    const token = await linkFor(person.id);
    const agent = await signIn(app, person.email!);
    const res = await changePassword(agent, { currentPassword: DEFAULT_PASSWORD, newPassword: NEW_PASSWORD });
    expect(res.status).to.equal(303);
    const stored = await Person.findById(person._id).lean();
    expect(stored?.passwordResetTokenHash).to.equal(undefined);
    expect(stored?.passwordResetExpiresAt).to.equal(undefined);
    await expectLinkDead(token, person.email!, NEW_PASSWORD);
  });

  it('when the person chooses their password at the first sign-in, a link issued before stops working', async () => {
    const person = await buildUser({ mustChangePassword: true });
    const token = await linkFor(person.id);
    const agent = await signIn(app, person.email!);
    expect((await agent.get('/')).headers.location).to.equal('/account/password');
    const res = await changePassword(agent, { currentPassword: DEFAULT_PASSWORD, newPassword: NEW_PASSWORD });
    expect(res.status).to.equal(303);
    expect((await agent.get('/account')).status).to.equal(200);
    await expectLinkDead(token, person.email!, NEW_PASSWORD);
  });

  it('when the password change fails, the link still works', async () => {
    const person = await buildUser();
    const token = await linkFor(person.id);
    const agent = await signIn(app, person.email!);
    const res = await changePassword(agent, { currentPassword: 'not my password', newPassword: NEW_PASSWORD });
    expect(res.status).to.equal(422);
    expect((await request(app).get(`/reset-password/${token}`)).status).to.equal(200);
  });

  it('when the same link is sent twice at the same moment, only one of them sets a password', async () => {
    const person = await buildUser();
    const token = await linkFor(person.id);
    const agents = [request.agent(app), request.agent(app)];
    const csrf: string[] = [];
    for (const agent of agents) csrf.push(csrfFrom((await agent.get(`/reset-password/${token}`)).text));
    const [first, second] = await Promise.all(
      ['first new passphrase', 'second new passphrase'].map((password, i) =>
        agents[i]!.post(`/reset-password/${token}`)
          .type('form')
          .send({ _csrf: csrf[i], newPassword: password, confirmPassword: password }),
      ),
    );
    expect([first!.status, second!.status].sort()).to.deep.equal([303, 404]);
    const winner = first!.status === 303 ? 'first new passphrase' : 'second new passphrase';
    expect(await canSignIn(app, person.email!, winner)).to.equal(true);
  });

  it('when the person is deactivated and then reactivated, the link issued before does not come back', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const person = await buildUser();
    const agent = await signIn(app, admin.email!);
    const token = tokenFrom(
      (await postForm(agent, `/people/${person.id}`, `/people/${person.id}/reset-link`, {})).text,
    );
    expect((await postForm(agent, `/people/${person.id}`, `/people/${person.id}/deactivate`, {})).status).to.equal(303);
    expect((await postForm(agent, `/people/${person.id}`, `/people/${person.id}/activate`, {})).status).to.equal(303);
    await expectLinkDead(token, person.email!, DEFAULT_PASSWORD);
  });
});

describe('the address of a password link', () => {
  async function issueWithHost(app: Express, host: string, forwardedHost?: string) {
    const admin = await buildUser({ roles: ['admin'] });
    const person = await buildUser();
    const agent = await signIn(app, admin.email!);
    const token = await csrfToken(agent, `/people/${person.id}`);
    let req = agent.post(`/people/${person.id}/reset-link`).set('Host', host);
    if (forwardedHost) req = req.set('X-Forwarded-Host', forwardedHost).set('X-Forwarded-Proto', 'https');
    const res = await req.type('form').send({ _csrf: token });
    return { res, person };
  }

  /** The link as the page shows it. */
  const linkIn = (html: string) => /<code>([^<]*\/reset-password\/[A-Za-z0-9_-]{43})<\/code>/.exec(html)?.[1];

  it('when PUBLIC_URL is set, the link starts with it, whatever Host the request names', async () => {
    const app = await buildApp({ config: { publicUrl: 'http://cadre.example.org' } });
    const { res } = await issueWithHost(app, 'evil.example');
    expect(res.status).to.equal(200);
    expect(linkIn(res.text)).to.match(/^http:\/\/cadre\.example\.org\/reset-password\//);
    expect(res.text).not.to.include('evil.example');
  });

  it('when PUBLIC_URL is not set outside production, the link uses the configured host and port, never the Host header', async () => {
    const app = await buildApp({ config: { publicUrl: undefined, host: '127.0.0.1', port: 3000 } });
    const { res } = await issueWithHost(app, 'evil.example');
    expect(res.status).to.equal(200);
    expect(linkIn(res.text)).to.match(/^http:\/\/127\.0\.0\.1:3000\/reset-password\//);
    expect(res.text).not.to.include('evil.example');
  });

  it('when the request comes through a trusted proxy naming another host, the link still ignores it', async () => {
    const app = await buildApp({ config: { publicUrl: undefined, trustProxy: true, host: '0.0.0.0', port: 8080 } });
    const { res } = await issueWithHost(app, 'evil.example', 'evil.example');
    expect(res.status).to.equal(200);
    expect(linkIn(res.text)).to.match(/^http:\/\/localhost:8080\/reset-password\//);
    expect(res.text).not.to.include('evil.example');
  });

  it('when PUBLIC_URL is not set in production, no link is issued and the page says what the administrator must do', async () => {
    const app = await buildApp({ config: { env: 'production', publicUrl: undefined } });
    const { res, person } = await issueWithHost(app, 'evil.example');
    expect(res.status).to.equal(503);
    expect(res.text).to.include('the administrator must set PUBLIC_URL');
    expect(res.text).not.to.match(/\/reset-password\//);
    expect((await Person.findById(person._id).lean())?.passwordResetTokenHash).to.equal(undefined);

    // the person's page says so instead of offering the button
    const page = await (await signIn(app, (await buildUser({ roles: ['admin'] })).email!)).get(`/people/${person.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).not.to.include(`action="/people/${person.id}/reset-link"`);
    expect(page.text).to.include('the administrator must set PUBLIC_URL');
  });
});

describe('who may issue password links', () => {
  let app: Express;
  beforeEach(async () => {
    app = await buildApp();
  });

  async function coordinatorOf(institution: Awaited<ReturnType<typeof buildInstitution>>) {
    const coordinator = await buildUser({ roles: ['coordinator'], institution });
    return signIn(app, coordinator.email!);
  }

  const issue = (agent: Agent, id: string) => postForm(agent, '/', `/people/${id}/reset-link`, {});

  it('when a coordinator asks for staff or a trainer of their institution, the link is issued', async () => {
    const institution = await buildInstitution();
    const agent = await coordinatorOf(institution);
    for (const roles of [['staff'], ['trainer']] as const) {
      const person = await buildUser({ roles: [...roles], institution });
      const res = await issue(agent, person.id);
      expect(res.status, roles.join()).to.equal(200);
      expect(res.text).to.match(/\/reset-password\/[A-Za-z0-9_-]{43}/);
    }
  });

  it('when a coordinator asks for an admin or another coordinator, it is refused with 403', async () => {
    const institution = await buildInstitution();
    const agent = await coordinatorOf(institution);
    for (const roles of [['admin'], ['coordinator'], ['staff', 'admin']] as const) {
      const person = await buildUser({ roles: [...roles], institution });
      const res = await issue(agent, person.id);
      expect(res.status, roles.join()).to.equal(403);
      expect((await Person.findById(person._id).lean())?.passwordResetTokenHash).to.equal(undefined);
    }
  });

  it('when a coordinator asks for staff of another institution, it is as if the person did not exist', async () => {
    const agent = await coordinatorOf(await buildInstitution());
    const person = await buildUser({ institution: await buildInstitution() });
    const res = await issue(agent, person.id);
    expect(res.status).to.equal(404);
    expect((await Person.findById(person._id).lean())?.passwordResetTokenHash).to.equal(undefined);
  });

  for (const role of ['staff', 'trainer'] as const) {
    it(`when a ${role} asks, it is refused with 403, even for someone in their own institution`, async () => {
      const institution = await buildInstitution();
      const actor = await buildUser({ roles: [role], institution });
      const person = await buildUser({ institution });
      const agent = await signIn(app, actor.email!);
      const res = await issue(agent, person.id);
      expect(res.status).to.equal(403);
      expect((await Person.findById(person._id).lean())?.passwordResetTokenHash).to.equal(undefined);
    });
  }

  it('when nobody is signed in, it is refused', async () => {
    const person = await buildUser();
    const res = await postForm(request.agent(app), '/login', `/people/${person.id}/reset-link`, {});
    expect(res.status).to.equal(401);
    expect((await Person.findById(person._id).lean())?.passwordResetTokenHash).to.equal(undefined);
  });
});

describe('the first admin', () => {
  const cost = testConfig.passwordHashCost;

  it('when ADMIN_EMAIL and ADMIN_PASSWORD are given, one admin is created who can sign in', async () => {
    const result = await ensureFirstAdmin('boss@test.example', 'the first admin passphrase', cost);
    expect(result).to.deep.equal({ email: 'boss@test.example' });
    const admins = await Person.find({ roles: 'admin' }).lean();
    expect(admins).to.have.length(1);
    expect(admins[0]?.mustChangePassword).to.equal(false);

    const app = await buildApp();
    const agent = await signIn(app, 'boss@test.example', 'the first admin passphrase');
    expect((await agent.get('/people')).status).to.equal(200);
  });

  it('when called again, nothing more is created and nothing is returned', async () => {
    await ensureFirstAdmin('boss@test.example', 'the first admin passphrase', cost);
    expect(await ensureFirstAdmin('boss@test.example', 'the first admin passphrase', cost)).to.equal(undefined);
    expect(await ensureFirstAdmin('other@test.example', undefined, cost)).to.equal(undefined);
    expect(await Person.countDocuments({ roles: 'admin' })).to.equal(1);
    expect(await Person.countDocuments({})).to.equal(1);
  });

  it('when no password is given, one is generated, returned once, and must be changed', async () => {
    const result = await ensureFirstAdmin('boss@test.example', undefined, cost);
    const generated = result?.generatedPassword;
    expect(generated).to.be.a('string');
    expect([...generated!].length).to.be.at.least(12);
    const admin = await Person.findOne({ emailKey: 'boss@test.example' }).lean();
    expect(admin?.mustChangePassword).to.equal(true);
    expect(admin?.passwordHash).not.to.include(generated!);
    expect(await ensureFirstAdmin('boss@test.example', undefined, cost)).to.equal(undefined);

    const app = await buildApp();
    const agent = await signIn(app, 'boss@test.example', generated);
    const res = await agent.get('/people');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/account/password');
  });

  it('when no e-mail is given either, the admin gets the placeholder address and a generated password', async () => {
    const result = await ensureFirstAdmin(undefined, undefined, cost);
    expect(result?.email).to.equal('admin@cadre.local');
    expect(result?.generatedPassword).to.be.a('string');
  });

  it('when an admin already exists, nothing is created', async () => {
    const existing = await buildUser({ roles: ['admin'] });
    expect(await ensureFirstAdmin('boss@test.example', 'the first admin passphrase', cost)).to.equal(undefined);
    expect(await Person.exists({ emailKey: 'boss@test.example' })).to.equal(null);
    expect(await Person.countDocuments({ roles: 'admin' })).to.equal(1);
    expect((await Person.findOne({ roles: 'admin' }).lean())?._id.toHexString()).to.equal(existing.id);
  });
});

describe('choosing the language', () => {
  const htmlTag = (html: string) => /<html[^>]*>/.exec(html)?.[0];

  it('when nothing is chosen, pages are in English, left to right', async () => {
    const app = await buildApp();
    const res = await request(app).get('/login');
    expect(htmlTag(res.text)).to.equal('<html lang="en" dir="ltr">');
  });

  for (const [header, lang, dir] of [
    ['fr', 'fr', 'ltr'],
    ['fr-CA,fr;q=0.9,en;q=0.5', 'fr', 'ltr'],
    ['ar', 'ar', 'rtl'],
    ['de, ru;q=0.8', 'ru', 'ltr'],
    ['de', 'en', 'ltr'],
  ] as const) {
    it(`when the browser sends Accept-Language: ${header}, the page is lang="${lang}" dir="${dir}"`, async () => {
      const app = await buildApp();
      const res = await request(app).get('/login').set('Accept-Language', header);
      expect(htmlTag(res.text)).to.equal(`<html lang="${lang}" dir="${dir}">`);
    });
  }

  it('when an anonymous visitor picks Arabic, their visit is in Arabic, right to left, whatever the browser says', async () => {
    const app = await buildApp();
    const agent = request.agent(app);
    const res = await postForm(agent, '/login', '/language', { language: 'ar', returnTo: '/login' });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/login');
    const page = await agent.get('/login').set('Accept-Language', 'fr');
    expect(htmlTag(page.text)).to.equal('<html lang="ar" dir="rtl">');
    // another visitor is not affected
    expect(htmlTag((await request(app).get('/login')).text)).to.equal('<html lang="en" dir="ltr">');
  });

  it('when a visitor picks a language with the footer switcher, it is a cookie of theirs and no login session is stored', async () => {
    const app = await buildApp();
    const agent = request.agent(app);
    const page = await agent.get('/no-such-page').expect(404);
    expect(page.text).to.match(/<form method="get" action="\/language"/);
    const res = await agent.get('/language').query({ language: 'ar', returnTo: '/no-such-page' });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/no-such-page');
    expect(String(res.headers['set-cookie'])).to.match(/cadre\.lang=ar;.*HttpOnly/);
    expect(htmlTag((await agent.get('/no-such-page').set('Accept-Language', 'fr')).text)).to.equal(
      '<html lang="ar" dir="rtl">',
    );
    expect((await agent.get('/language').query({ language: 'xx' })).status).to.equal(422);
    expect(await mongoose.connection.collection('login_sessions').countDocuments()).to.equal(0);
  });

  it('anonymous requests store no login session until there is something to keep', async () => {
    const app = await buildApp();
    const stored = () => mongoose.connection.collection('login_sessions').countDocuments();
    const urls = ['/healthz', '/public/css/site.css', '/favicon.ico', '/language?language=ru&returnTo=/'];
    for (let i = 0; i < 30; i++) urls.push(`/unknown-${i}`, `/sessions/${i}/enrolments/enrol`);
    for (const url of urls) await request(app).get(url);
    await request(app).post('/unknown').type('form').send({ a: 1 });
    expect(await stored()).to.equal(0);
    // worth keeping: the sign-in form's CSRF token, and the page to come back to after signing in
    await request(app).get('/login').expect(200);
    expect(await stored()).to.equal(1);
    const protectedPage = await request(app).get('/sessions').expect(303);
    expect(protectedPage.headers.location).to.equal('/login');
    expect(await stored()).to.equal(2);
  });

  it('when a signed-in person picks a language, it is kept as their preference for later visits', async () => {
    const app = await buildApp();
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    const res = await postForm(agent, '/account', '/language', { language: 'ru', returnTo: '/account' });
    expect(res.headers.location).to.equal('/account');
    expect((await Person.findById(user._id).lean())?.language).to.equal('ru');
    expect(htmlTag((await agent.get('/account')).text)).to.equal('<html lang="ru" dir="ltr">');
    const later = await signIn(app, user.email!);
    const page = await later.get('/').set('Accept-Language', 'fr');
    expect(htmlTag(page.text)).to.equal('<html lang="ru" dir="ltr">');
  });

  it('when the language is not one Cadre offers, it is refused and nothing changes', async () => {
    const app = await buildApp();
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    for (const language of ['xx', '', ['ru', 'ar']]) {
      const res = await postForm(agent, '/account', '/language', { language });
      expect(res.status, JSON.stringify(language)).to.equal(422);
    }
    expect((await Person.findById(user._id).lean())?.language).to.equal('en');
  });
});
