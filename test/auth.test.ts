import { expect } from 'chai';
import type { Express } from 'express';
import mongoose from 'mongoose';
import request, { type Response } from 'supertest';
import { safeReturnTo } from '../src/access/guards.ts';
import { Person } from '../src/people/person.model.ts';
import { buildApp } from './support/context.ts';
import { buildUser, DEFAULT_PASSWORD } from './support/factories.ts';
import { csrfFrom, csrfToken, postForm, signIn, type Agent } from './support/http.ts';

// Sign-in, sign-out and the login session: what a browser sees at the HTTP level.

const FAILED_MESSAGE = 'The e-mail or password is not right, or the account cannot sign in.';

/** The Set-Cookie line of the login session, if the response set one. */
function sessionSetCookie(res: Response, name = 'cadre.sid'): string | undefined {
  const lines = res.headers['set-cookie'] as unknown as string[] | undefined;
  return lines?.find((line) => line.startsWith(`${name}=`));
}

/** "name=value" of a Set-Cookie line, as a browser sends it back. */
const cookiePair = (setCookie: string | undefined) => setCookie?.split(';')[0] ?? '';

/** The text of the form-level error box. */
function formError(html: string): string | undefined {
  return /<div class="flash flash-error" role="alert">\s*([\s\S]*?)\s*<\/div>/.exec(html)?.[1];
}

async function attemptSignIn(agent: Agent, email: string, password: string) {
  const token = await csrfToken(agent, '/login');
  return agent.post('/login').type('form').send({ _csrf: token, email, password });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('signing in', () => {
  let app: Express;
  beforeEach(async () => {
    app = await buildApp();
  });

  it('when the e-mail is typed in another case and with spaces, the person signs in', async () => {
    const user = await buildUser({ email: 'Mixed.Case@Test.Example' });
    const agent = request.agent(app);
    const res = await attemptSignIn(agent, '  MIXED.case@test.EXAMPLE ', DEFAULT_PASSWORD);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/');
    const home = await agent.get('/');
    expect(home.status).to.equal(200);
    expect(home.text).to.include(user.fullName);
  });

  it('when signing in succeeds, the last sign-in time is recorded', async () => {
    const user = await buildUser();
    await signIn(app, user.email!);
    const stored = await Person.findById(user._id).lean();
    expect(stored?.lastSignInAt).to.be.instanceOf(Date);
  });

  it('when the password is wrong or the account unknown, both answer 401 with the same message', async () => {
    const user = await buildUser();
    const wrong = await attemptSignIn(request.agent(app), user.email!, 'not the right password');
    const unknown = await attemptSignIn(request.agent(app), 'nobody@test.example', DEFAULT_PASSWORD);
    expect(wrong.status).to.equal(401);
    expect(unknown.status).to.equal(401);
    expect(formError(wrong.text)).to.equal(FAILED_MESSAGE);
    expect(formError(unknown.text)).to.equal(formError(wrong.text));
  });

  it('when the sign-in fails, the e-mail is kept in the form but the password is not', async () => {
    const user = await buildUser();
    const res = await attemptSignIn(request.agent(app), user.email!, 'typed secret value');
    expect(res.text).to.include(`value="${user.email}"`);
    expect(res.text).not.to.include('typed secret value');
  });

  it('when the account is deactivated, the right password is refused like a wrong one', async () => {
    const user = await buildUser({ active: false });
    const res = await attemptSignIn(request.agent(app), user.email!, DEFAULT_PASSWORD);
    expect(res.status).to.equal(401);
    expect(formError(res.text)).to.equal(FAILED_MESSAGE);
  });

  it('when a staff member has no e-mail and no password, nothing signs in as them', async () => {
    const user = await buildUser({ email: null });
    // the unique key stored for people without an e-mail must not work as a login name
    const res = await attemptSignIn(request.agent(app), user.emailKey, DEFAULT_PASSWORD);
    expect(res.status).to.equal(401);
    expect(formError(res.text)).to.equal(FAILED_MESSAGE);
  });

  it('when a person has an e-mail but no password yet, they cannot sign in', async () => {
    const user = await buildUser();
    await Person.updateOne({ _id: user._id }, { $unset: { passwordHash: 1 } });
    const res = await attemptSignIn(request.agent(app), user.email!, DEFAULT_PASSWORD);
    expect(res.status).to.equal(401);
  });

  it('when the e-mail or password is missing, the form comes back with 422 and messages beside the fields', async () => {
    const agent = request.agent(app);
    const res = await postForm(agent, '/login', '/login', { email: '', password: '' });
    expect(res.status).to.equal(422);
    expect(res.text).to.include('id="email-error"');
    expect(res.text).to.include('id="password-error"');
  });

  it('when someone already signed in opens the sign-in page, they go to the start page', async () => {
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    const res = await agent.get('/login');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/');
  });
});

describe('the login session cookie', () => {
  it('is HttpOnly, SameSite=Lax, for the whole site, and not Secure over plain http', async () => {
    const app = await buildApp();
    const res = await request(app).get('/login');
    const cookie = sessionSetCookie(res);
    expect(cookie, 'a session cookie').to.be.a('string');
    expect(cookie).to.match(/; HttpOnly/i);
    expect(cookie).to.match(/; SameSite=Lax/i);
    expect(cookie).to.match(/; Path=\//i);
    expect(cookie).not.to.match(/; Secure/i);
    expect(cookie).not.to.match(/; Domain=/i);
  });

  it('when the public address is https, it is Secure and carries the __Host- prefix', async () => {
    // behind the TLS proxy that an https address implies
    const app = await buildApp({ config: { publicUrl: 'https://x.test', trustProxy: true } });
    const res = await request(app).get('/login').set('X-Forwarded-Proto', 'https');
    const cookie = sessionSetCookie(res, '__Host-cadre.sid');
    expect(cookie, 'a __Host- session cookie').to.be.a('string');
    expect(cookie).to.match(/; Secure/i);
    expect(cookie).to.match(/; HttpOnly/i);
    expect(cookie).to.match(/; SameSite=Lax/i);
    expect(cookie).to.match(/; Path=\/(;|$)/i);
    expect(cookie).not.to.match(/; Domain=/i);
    expect(sessionSetCookie(res)).to.equal(undefined);
  });

  it('when a session is created, its id travels only in the cookie, never in an address or a page', async () => {
    const app = await buildApp();
    const user = await buildUser();
    const page = await request(app).get('/login');
    const signedIn = await request(app)
      .post('/login')
      .set('Cookie', cookiePair(sessionSetCookie(page)))
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: user.email, password: DEFAULT_PASSWORD });
    const cookie = cookiePair(sessionSetCookie(signedIn));
    const sessionId = /^cadre\.sid=s%3A([^.]+)\./.exec(cookie)?.[1];
    expect(sessionId, 'a signed session id').to.be.a('string');
    expect(signedIn.headers.location).to.equal('/');
    for (const path of ['/', '/account', '/account/password']) {
      const res = await request(app).get(path).set('Cookie', cookie);
      expect(res.text, path).not.to.include(sessionId!);
    }
  });

  it('when the person signs in, the cookie changes and the one from before sign-in stays anonymous', async () => {
    const app = await buildApp();
    const user = await buildUser();
    const page = await request(app).get('/login');
    const before = cookiePair(sessionSetCookie(page));
    const signedIn = await request(app)
      .post('/login')
      .set('Cookie', before)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: user.email, password: DEFAULT_PASSWORD });
    expect(signedIn.status).to.equal(303);
    const after = cookiePair(sessionSetCookie(signedIn));
    expect(after).to.match(/^cadre\.sid=/);
    expect(after).not.to.equal(before);

    expect((await request(app).get('/').set('Cookie', after)).status).to.equal(200);
    const withOld = await request(app).get('/').set('Cookie', before);
    expect(withOld.status).to.equal(303);
    expect(withOld.headers.location).to.equal('/login');
  });

  it('when the stored login session has expired, the cookie no longer works, even before the store is swept', async () => {
    const app = await buildApp();
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    expect((await agent.get('/account')).status).to.equal(200);
    const sessions = mongoose.connection.collection('login_sessions');
    const stored = await sessions.find({}).toArray();
    expect(stored.some((s) => String(s.session).includes(user.id))).to.equal(true);
    await sessions.updateMany({}, { $set: { expires: new Date(Date.now() - 1000) } });
    const after = await agent.get('/account');
    expect(after.status).to.equal(303);
    expect(after.headers.location).to.equal('/login');
  });

  it('when the person signs out, the cookie they had no longer works', async () => {
    const app = await buildApp();
    const user = await buildUser();
    const page = await request(app).get('/login');
    const signedIn = await request(app)
      .post('/login')
      .set('Cookie', cookiePair(sessionSetCookie(page)))
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: user.email, password: DEFAULT_PASSWORD });
    const cookie = cookiePair(sessionSetCookie(signedIn));
    const home = await request(app).get('/').set('Cookie', cookie);
    const out = await request(app)
      .post('/logout')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: csrfFrom(home.text) });
    expect(out.status).to.equal(303);
    expect(out.headers.location).to.equal('/login');

    const replay = await request(app).get('/').set('Cookie', cookie);
    expect(replay.status).to.equal(303);
    expect(replay.headers.location).to.equal('/login');
  });
});

describe('signing out', () => {
  it('when signed out, the sign-in page says so and pages need signing in again', async () => {
    const app = await buildApp();
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    const res = await postForm(agent, '/', '/logout', {});
    expect(res.status).to.equal(303);
    const login = await agent.get('/login');
    expect(login.text).to.include('You have signed out.');
    expect((await agent.get('/account')).headers.location).to.equal('/login');
  });

  it('when asked with GET, nothing happens: sign-out needs a POST', async () => {
    const app = await buildApp();
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    const res = await agent.get('/logout');
    expect(res.status).to.equal(404);
    expect((await agent.get('/account')).status).to.equal(200);
  });

  it('when the POST has no CSRF token or a wrong one, it is refused and the person stays signed in', async () => {
    const app = await buildApp();
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    expect((await agent.post('/logout').type('form').send({})).status).to.equal(403);
    expect((await agent.post('/logout').type('form').send({ _csrf: 'forged' })).status).to.equal(403);
    expect((await agent.get('/account')).status).to.equal(200);
  });
});

describe('sign-in throttling', () => {
  const limits = { perAccountAndAddress: 3, perAddress: 100, perAccount: 100 };

  it('when an account had too many failures from this address, even the right password gets 429', async () => {
    const app = await buildApp({ throttle: limits });
    const user = await buildUser();
    const agent = request.agent(app);
    for (let i = 0; i < 3; i++) {
      expect((await attemptSignIn(agent, user.email!, `wrong password ${i}`)).status).to.equal(401);
    }
    const res = await attemptSignIn(agent, user.email!, DEFAULT_PASSWORD);
    expect(res.status).to.equal(429);
    expect(res.text).to.include('Too many failed sign-ins. Wait 15 minutes and try again');
    expect(Number(res.headers['retry-after'])).to.be.within(800, 900);
    expect((await agent.get('/account')).status).to.equal(303);
  });

  it('when one account is throttled, another account from the same address still signs in', async () => {
    const app = await buildApp({ throttle: limits });
    const victim = await buildUser();
    const other = await buildUser();
    const agent = request.agent(app);
    for (let i = 0; i < 3; i++) await attemptSignIn(agent, victim.email!, 'wrong password');
    expect((await attemptSignIn(agent, victim.email!, DEFAULT_PASSWORD)).status).to.equal(429);
    expect((await attemptSignIn(request.agent(app), other.email!, DEFAULT_PASSWORD)).status).to.equal(303);
  });

  it('when the e-mail differs only in case, it counts against the same account', async () => {
    const app = await buildApp({ throttle: limits });
    const user = await buildUser();
    const agent = request.agent(app);
    await attemptSignIn(agent, user.email!, 'wrong password');
    await attemptSignIn(agent, user.email!.toUpperCase(), 'wrong password');
    await attemptSignIn(agent, ` ${user.email!} `, 'wrong password');
    expect((await attemptSignIn(agent, user.email!, DEFAULT_PASSWORD)).status).to.equal(429);
  });

  it('when the account is unknown, it is throttled the same way, so throttling reveals nothing', async () => {
    const app = await buildApp({ throttle: limits });
    const agent = request.agent(app);
    for (let i = 0; i < 3; i++) await attemptSignIn(agent, 'nobody@test.example', 'wrong password');
    expect((await attemptSignIn(agent, 'nobody@test.example', 'wrong password')).status).to.equal(429);
  });

  it('when a sign-in succeeds, earlier failures from that address are forgotten', async () => {
    const app = await buildApp({ throttle: limits });
    const user = await buildUser();
    for (let i = 0; i < 2; i++) await attemptSignIn(request.agent(app), user.email!, 'wrong password');
    expect((await attemptSignIn(request.agent(app), user.email!, DEFAULT_PASSWORD)).status).to.equal(303);
    for (let i = 0; i < 2; i++) await attemptSignIn(request.agent(app), user.email!, 'wrong password');
    expect((await attemptSignIn(request.agent(app), user.email!, DEFAULT_PASSWORD)).status).to.equal(303);
  });

  it('when one address fails against many accounts, the per-address limit stops it', async () => {
    const app = await buildApp({ throttle: { perAccountAndAddress: 100, perAddress: 3, perAccount: 100 } });
    const user = await buildUser();
    const agent = request.agent(app);
    for (let i = 0; i < 3; i++) await attemptSignIn(agent, `guess${i}@test.example`, 'wrong password');
    expect((await attemptSignIn(agent, user.email!, DEFAULT_PASSWORD)).status).to.equal(429);
  });
});

describe('returning to the page asked for', () => {
  it('when an anonymous visitor opens /people, they sign in and come back to it', async () => {
    const app = await buildApp();
    const admin = await buildUser({ roles: ['admin'] });
    const agent = request.agent(app);
    const first = await agent.get('/people?status=all');
    expect(first.status).to.equal(303);
    expect(first.headers.location).to.equal('/login');
    const res = await attemptSignIn(agent, admin.email!, DEFAULT_PASSWORD);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/people?status=all');
    // used once: the next sign-in goes to the start page
    await postForm(agent, '/', '/logout', {});
    expect((await attemptSignIn(agent, admin.email!, DEFAULT_PASSWORD)).headers.location).to.equal('/');
  });

  it('when an anonymous request asks for JSON, it gets 401 instead of a redirect', async () => {
    const app = await buildApp();
    const res = await request(app).get('/people').set('Accept', 'application/json');
    expect(res.status).to.equal(401);
    expect(res.body.error.message).to.equal('Please sign in first.');
  });

  it('when the sign-in form carries a returnTo of its own, it is refused and never followed', async () => {
    const app = await buildApp();
    const user = await buildUser();
    const agent = request.agent(app);
    const res = await postForm(agent, '/login', '/login', {
      email: user.email!,
      password: DEFAULT_PASSWORD,
      returnTo: 'https://evil.example/',
    });
    expect(res.status).to.equal(422);
    expect(res.headers.location).to.equal(undefined);
  });

  it('when the sign-in page is opened with an external returnTo, sign-in still lands on the start page', async () => {
    const app = await buildApp();
    const user = await buildUser();
    const agent = request.agent(app);
    const token = await csrfToken(agent, '/login?returnTo=%2F%2Fevil.example');
    const res = await agent
      .post('/login?returnTo=https://evil.example')
      .type('form')
      .send({ _csrf: token, email: user.email, password: DEFAULT_PASSWORD });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/');
  });

  for (const target of ['//evil.example', 'https://evil.example/x', '/\\evil.example', '/%0d%0aSet-Cookie:x=1']) {
    it(`when the language switcher is sent returnTo ${JSON.stringify(target)}, it goes to a local page only`, async () => {
      const app = await buildApp();
      const agent = request.agent(app);
      const res = await postForm(agent, '/login', '/language', { language: 'en', returnTo: target });
      expect(res.status).to.equal(303);
      const location = String(res.headers.location);
      expect(location.startsWith('/')).to.equal(true);
      expect(location.startsWith('//')).to.equal(false);
      expect(location).not.to.match(/[\r\n\\]/);
    });
  }

  describe('safeReturnTo', () => {
    const refused = [
      '//evil.example',
      '//evil.example/people',
      'https://evil.example',
      'http://evil.example/people',
      'javascript:alert(1)',
      '/\\evil.example',
      '\\\\evil.example',
      '/\tevil',
      '/people\r\nSet-Cookie: x=1',
      'people',
      '',
      undefined,
      null,
      ['/people'],
      { path: '/people' },
    ];
    for (const value of refused) {
      it(`when given ${JSON.stringify(value)}, it answers "/"`, () => {
        expect(safeReturnTo(value)).to.equal('/');
      });
    }

    for (const value of ['/', '/people', '/people?status=all&page=2', '/institutions/abc#top']) {
      it(`when given the local path ${value}, it keeps it`, () => {
        expect(safeReturnTo(value)).to.equal(value);
      });
    }
  });
});

describe('session lifetime', () => {
  it('when the absolute lifetime has passed, the next request is signed out and told why', async () => {
    const app = await buildApp({ config: { sessionAbsoluteMs: 1 } });
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    await sleep(5);
    const res = await agent.get('/account');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/login');
    const login = await agent.get('/login');
    expect(login.status).to.equal(200);
    expect(login.text).to.include('Your session has ended. Please sign in again.');
    expect((await agent.get('/account')).headers.location).to.equal('/login');
  });

  it('when the absolute lifetime has not passed, the person stays signed in', async () => {
    const app = await buildApp({ config: { sessionAbsoluteMs: 60_000 } });
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    expect((await agent.get('/account')).status).to.equal(200);
    expect((await agent.get('/account')).status).to.equal(200);
  });

  it('when the session was idle longer than the idle timeout, the stored session no longer signs in', async () => {
    const app = await buildApp({ config: { sessionIdleMs: 1000 } });
    const user = await buildUser();
    const page = await request(app).get('/login');
    const signedIn = await request(app)
      .post('/login')
      .set('Cookie', cookiePair(sessionSetCookie(page)))
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: user.email, password: DEFAULT_PASSWORD });
    const setCookie = sessionSetCookie(signedIn);
    expect(setCookie).to.match(/; Expires=/i);
    const cookie = cookiePair(setCookie);
    expect((await request(app).get('/account').set('Cookie', cookie)).status).to.equal(200);
    await sleep(2100);
    // the browser would have dropped the cookie; replaying it by hand must not work either
    const res = await request(app).get('/account').set('Cookie', cookie);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/login');
  });

  it('when the person is deactivated, their open session ends at the next request', async () => {
    const app = await buildApp();
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    await Person.updateOne({ _id: user._id }, { $set: { active: false }, $inc: { authVersion: 1 } });
    expect((await agent.get('/account')).headers.location).to.equal('/login');
  });

  it('when the stored person record is broken, the request fails closed with 500 instead of hanging', async () => {
    const app = await buildApp();
    const user = await buildUser();
    const agent = await signIn(app, user.email!);
    // written around the model, as a faulty import script might
    await mongoose.connection.db!.collection('users').updateOne({ _id: user._id }, { $set: { institution: 'oops' } });
    const res = await agent.get('/account').timeout(5000);
    expect(res.status).to.equal(500);
    expect(res.text).not.to.include('oops');
    expect(res.text).not.to.match(/TypeError|at .*\.ts:\d+/);
  });
});

describe('a person who must choose their own password', () => {
  async function signInWithGeneratedPassword(app: Express) {
    const user = await buildUser({ roles: ['admin'], mustChangePassword: true });
    return { user, agent: await signIn(app, user.email!) };
  }

  it('when they open any page, they are sent to /account/password', async () => {
    const app = await buildApp();
    const { agent } = await signInWithGeneratedPassword(app);
    for (const path of ['/', '/people', '/institutions', '/account', '/no-such-page']) {
      const res = await agent.get(path);
      expect(res.status, path).to.equal(303);
      expect(res.headers.location, path).to.equal('/account/password');
    }
    const page = await agent.get('/account/password');
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Choose your own password before you go on.');
  });

  it('when they post anything but the password form or the language switcher, it is refused with 403', async () => {
    const app = await buildApp();
    const { user, agent } = await signInWithGeneratedPassword(app);
    const people = await postForm(agent, '/account/password', '/people', {
      fullName: 'Should Not Exist',
      gender: 'undisclosed',
      roles: 'admin',
      language: 'en',
    });
    expect(people.status).to.equal(403);
    expect(await Person.exists({ fullName: 'Should Not Exist' })).to.equal(null);
    // they may still switch to a language they can read the password form in
    const language = await postForm(agent, '/account/password', '/language', { language: 'ru' });
    expect(language.status).to.equal(303);
    expect((await Person.findById(user._id).lean())?.language).to.equal('ru');
  });

  it('when they sign out, that is allowed', async () => {
    const app = await buildApp();
    const { agent } = await signInWithGeneratedPassword(app);
    const res = await postForm(agent, '/account/password', '/logout', {});
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/login');
  });

  it('when they have chosen a password, every page opens again', async () => {
    const app = await buildApp();
    const { user, agent } = await signInWithGeneratedPassword(app);
    const res = await postForm(agent, '/account/password', '/account/password', {
      currentPassword: DEFAULT_PASSWORD,
      newPassword: 'a brand new passphrase',
      confirmPassword: 'a brand new passphrase',
    });
    expect(res.status).to.equal(303);
    expect((await agent.get('/people')).status).to.equal(200);
    expect((await Person.findById(user._id).lean())?.mustChangePassword).to.equal(false);
  });
});
