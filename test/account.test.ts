import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { ensureFirstAdmin } from '../src/auth/account.service.ts';
import { verifyPassword } from '../src/auth/password.ts';
import { User } from '../src/users/user.model.ts';
import { buildApp, testConfig } from './support/context.ts';
import { buildInstitution, buildUser, DEFAULT_PASSWORD } from './support/factories.ts';
import { postForm, signIn, type Agent } from './support/http.ts';

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

async function storedHash(id: unknown): Promise<string | undefined> {
  return (await User.findById(id).lean())?.passwordHash ?? undefined;
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
    const stored = await User.findById(user._id).lean();
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

  function tokenFrom(html: string): string {
    const match = /\/reset-password\/([A-Za-z0-9_-]{43})/.exec(html);
    if (!match?.[1]) throw new Error('no password link on the page');
    return match[1];
  }

  async function setPasswordWithLink(token: string, password: string, confirmPassword = password) {
    const agent = request.agent(app);
    return postForm(agent, `/reset-password/${token}`, `/reset-password/${token}`, {
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

    const stored = await User.findById(person._id).lean();
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
    await User.updateOne({ _id: person._id }, { $set: { passwordResetExpiresAt: new Date(Date.now() - 1000) } });
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
    await User.updateOne({ _id: person._id }, { $set: { active: false } });
    expect((await request(app).get(`/reset-password/${token}`)).status).to.equal(404);
    expect((await setPasswordWithLink(token, NEW_PASSWORD)).status).to.equal(404);
  });

  it('when the person has no e-mail, no link is issued', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const person = await buildUser({ email: null });
    const agent = await signIn(app, admin.email!);
    const res = await postForm(agent, '/people', `/people/${person.id}/reset-link`, {});
    expect(res.status).to.equal(403);
    expect((await User.findById(person._id).lean())?.passwordResetTokenHash).to.equal(undefined);
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
      expect((await User.findById(person._id).lean())?.passwordResetTokenHash).to.equal(undefined);
    }
  });

  it('when a coordinator asks for staff of another institution, it is as if the person did not exist', async () => {
    const agent = await coordinatorOf(await buildInstitution());
    const person = await buildUser({ institution: await buildInstitution() });
    const res = await issue(agent, person.id);
    expect(res.status).to.equal(404);
    expect((await User.findById(person._id).lean())?.passwordResetTokenHash).to.equal(undefined);
  });

  for (const role of ['staff', 'trainer'] as const) {
    it(`when a ${role} asks, it is refused with 403, even for someone in their own institution`, async () => {
      const institution = await buildInstitution();
      const actor = await buildUser({ roles: [role], institution });
      const person = await buildUser({ institution });
      const agent = await signIn(app, actor.email!);
      const res = await issue(agent, person.id);
      expect(res.status).to.equal(403);
      expect((await User.findById(person._id).lean())?.passwordResetTokenHash).to.equal(undefined);
    });
  }

  it('when nobody is signed in, it is refused', async () => {
    const person = await buildUser();
    const res = await postForm(request.agent(app), '/login', `/people/${person.id}/reset-link`, {});
    expect(res.status).to.equal(401);
    expect((await User.findById(person._id).lean())?.passwordResetTokenHash).to.equal(undefined);
  });
});

describe('the first admin', () => {
  const cost = testConfig.passwordHashCost;

  it('when ADMIN_EMAIL and ADMIN_PASSWORD are given, one admin is created who can sign in', async () => {
    const result = await ensureFirstAdmin('boss@test.example', 'the first admin passphrase', cost);
    expect(result).to.deep.equal({ email: 'boss@test.example' });
    const admins = await User.find({ roles: 'admin' }).lean();
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
    expect(await User.countDocuments({ roles: 'admin' })).to.equal(1);
    expect(await User.countDocuments({})).to.equal(1);
  });

  it('when no password is given, one is generated, returned once, and must be changed', async () => {
    const result = await ensureFirstAdmin('boss@test.example', undefined, cost);
    const generated = result?.generatedPassword;
    expect(generated).to.be.a('string');
    expect([...generated!].length).to.be.at.least(12);
    const admin = await User.findOne({ emailKey: 'boss@test.example' }).lean();
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
    expect(await User.exists({ emailKey: 'boss@test.example' })).to.equal(null);
    expect(await User.countDocuments({ roles: 'admin' })).to.equal(1);
    expect((await User.findOne({ roles: 'admin' }).lean())?._id.toHexString()).to.equal(existing.id);
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

  it('when a signed-in person picks a language, it is kept as their preference for later visits', async () => {
    const app = await buildApp();
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    const res = await postForm(agent, '/account', '/language', { language: 'ru', returnTo: '/account' });
    expect(res.headers.location).to.equal('/account');
    expect((await User.findById(user._id).lean())?.language).to.equal('ru');
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
    expect((await User.findById(user._id).lean())?.language).to.equal('en');
  });
});
