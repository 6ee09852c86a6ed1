import { expect } from 'chai';
import request from 'supertest';
import { markDatabaseDown, markDatabaseUp } from '../src/db/database-state.ts';
import { buildApp } from './support/context.ts';
import { buildUser } from './support/factories.ts';
import { signIn } from './support/http.ts';

// GET /healthz: for monitors and load balancers, open to anyone, no login session.

describe('the health check', () => {
  it('when the database is up, it answers 200 JSON without signing in', async () => {
    const app = await buildApp();
    const res = await request(app).get('/healthz');
    expect(res.status).to.equal(200);
    expect(res.type).to.equal('application/json');
    expect(res.body.status).to.equal('ok');
    expect(res.body.database.state).to.equal('up');
    expect(res.body.database.latencyMs).to.be.a('number');
    expect(res.body.app.uptimeSeconds).to.be.a('number');
    expect(res.body.database.kind).to.match(/^(MongoDB|FerretDB over (PostgreSQL|SQLite))$/);
  });

  it('when asked, it creates no login session and is never cached', async () => {
    const app = await buildApp();
    const res = await request(app).get('/healthz');
    expect(res.headers['set-cookie']).to.equal(undefined);
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
  });

  it('when asked, it reveals nothing about people, versions or configuration', async () => {
    const app = await buildApp();
    await buildUser({ roles: ['admin'] });
    const res = await request(app).get('/healthz');
    expect(Object.keys(res.body).sort()).to.deep.equal(['app', 'database', 'status']);
    expect(Object.keys(res.body.database).sort()).to.deep.equal(['kind', 'latencyMs', 'state']);
    expect(res.text).not.to.match(/mongodb:|127\.0\.0\.1|cadre_test|version|\d+\.\d+/i);
  });

  it('when a person who must change their password asks, it still answers', async () => {
    const app = await buildApp();
    const user = await buildUser({ mustChangePassword: true });
    const agent = await signIn(app, user.email!);
    const res = await agent.get('/healthz');
    expect(res.status).to.equal(200);
    expect(res.body.status).to.equal('ok');
  });

  it('when monitors poll it, the request log stays quiet', async () => {
    const logLines: string[] = [];
    const app = await buildApp({ logLines });
    await request(app).get('/healthz');
    await request(app).get('/login');
    expect(logLines.some((line) => line.includes('/healthz'))).to.equal(false);
    expect(logLines.some((line) => line.includes('"/login"'))).to.equal(true);
  });
});

describe('during a database outage', () => {
  afterEach(() => markDatabaseUp('outage-test'));

  it('the health check answers 503 "down" at once, and "up" again once the database is back', async () => {
    const app = await buildApp();
    markDatabaseDown('outage-test');
    const down = await request(app).get('/healthz');
    expect(down.status).to.equal(503);
    expect(down.body.status).to.equal('unavailable');
    expect(down.body.database.state).to.equal('down');
    expect(down.headers['retry-after']).to.equal('5');
    markDatabaseUp('outage-test');
    const up = await request(app).get('/healthz');
    expect(up.status).to.equal(200);
    expect(up.body.database.state).to.equal('up');
  });

  it('a page answers 503 with Retry-After, in the visitor’s language, without touching the login session', async () => {
    const app = await buildApp();
    markDatabaseDown('outage-test');
    const res = await request(app).get('/login').set('Accept-Language', 'fr').set('Cookie', 'cadre.sid=s%3Aany.thing');
    expect(res.status).to.equal(503);
    expect(res.headers['retry-after']).to.equal('5');
    expect(res.text).to.include('Momentanément indisponible');
    expect(res.text).to.include('La base de données ne répond pas');
    expect(res.headers['set-cookie']).to.equal(undefined);
  });
});
