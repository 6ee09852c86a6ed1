import { expect } from 'chai';
import request from 'supertest';
import { buildApp } from './support/context.ts';
import { buildUser } from './support/factories.ts';
import { signIn } from './support/http.ts';

describe('smoke', () => {
  it('signs in and shows home', async () => {
    const app = await buildApp();
    const res = await request(app).get('/login');
    expect(res.status).to.equal(200);
    const user = await buildUser({ roles: ['admin'] });
    const agent = await signIn(app, user.email!);
    const home = await agent.get('/');
    expect(home.status).to.equal(200);
    expect(home.text).to.include(user.fullName);
    for (const path of [
      '/people',
      '/institutions',
      '/countries',
      '/account',
      '/people/new',
      '/institutions/new',
      '/countries/new',
      '/account/password',
    ]) {
      const r = await agent.get(path);
      expect(r.status, path + ' ' + r.text.slice(0, 2000)).to.equal(200);
    }
  });
});
