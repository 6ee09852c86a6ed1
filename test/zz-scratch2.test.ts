import request from 'supertest';
import { buildApp } from './support/context.ts';
import { buildUser } from './support/factories.ts';
import { csrfToken, signIn } from './support/http.ts';
describe('scratch', () => {
  it('x', async () => {
    const logLines: string[] = [];
    const app = await buildApp({ logLines });
    const admin = await buildUser({ roles: ['admin'] });
    const agent = await signIn(app, admin.email!);
    const token = await csrfToken(agent, '/countries/new');
    for (const path of ['/countries', '/institutions', '/people', '/account/password', '/language', '/login', '/logout']) {
      const res = await agent.post(`${path}?_csrf=${encodeURIComponent(token)}`).field('code', 'QZ');
      console.log(path, res.status);
    }
    for (const l of logLines) if (l.includes('request failed')) console.log(JSON.parse(l).err.message);
    void request;
  });
});
