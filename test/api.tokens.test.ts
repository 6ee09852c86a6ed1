import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { ApiToken } from '../src/api/api-token.model.ts';
import { auditEvents } from './support/audit.ts';
import { buildApp } from './support/context.ts';
import { post, signIn, type Agent } from './support/http.ts';
import { buildWorld } from './support/world.ts';

// Personal access tokens (issue 14 part 5, decision 0022): a person makes them for themselves on
// their account, sees the secret once, and revokes them; only the hash is stored; only those who
// read these records on the pages may hold them.

describe('API tokens: making, listing and revoking', () => {
  let app: Express;
  before(async () => {
    app = await buildApp();
  });

  async function world() {
    const w = await buildWorld({
      countries: { ug: { code: 'UG' } },
      institutions: { academy: { country: 'ug' }, luzira: { country: 'ug' } },
      people: {
        admin: { roles: ['admin'], at: null },
        coordinator: { roles: ['coordinator'], at: 'academy', fullName: 'Cora Coordinator' },
        otherCoordinator: { roles: ['coordinator'], at: 'luzira' },
        trainer: { roles: ['trainer'], at: 'academy' },
        staff: { roles: ['staff'], at: 'academy' },
      },
    });
    return w.people;
  }
  type People = Awaited<ReturnType<typeof world>>;
  let people: People;
  beforeEach(async () => {
    people = await world();
  });

  const secretOn = (html: string) => /<code id="token-secret" dir="ltr">([^<]+)<\/code>/.exec(html)?.[1];

  /** Posts the form (these fields over a valid token's) and expects this status. */
  async function makeToken(agent: Agent, status: number, fields: Record<string, string | string[]> = {}) {
    const res = await post(agent, '/account/tokens', {
      name: 'Ministry HR sync',
      scopes: ['read:people', 'read:completions'],
      days: '90',
      ...fields,
    });
    expect(res.status).to.equal(status);
    return res;
  }

  it('shows the secret once, keeps only its hash, and lists the token without it', async () => {
    const coordinator = await signIn(app, people.coordinator.email!);
    const res = await makeToken(coordinator, 201);
    expect(res.headers['cache-control']).to.equal('no-store');
    const secret = secretOn(res.text);
    expect(secret).to.match(/^cadre_[A-Za-z0-9_-]{43}$/);

    const stored = await ApiToken.findOne({ person: people.coordinator._id }).lean();
    expect(stored!.tokenHash).to.equal(createHash('sha256').update(secret!).digest('hex'));
    expect(JSON.stringify(stored)).not.to.include(secret!);
    expect(stored!.scopes).to.deep.equal(['read:people', 'read:completions']);
    expect(stored!.hint).to.equal(secret!.slice(-4));
    const days = (stored!.expiresAt.getTime() - stored!.createdAt.getTime()) / 86_400_000;
    expect(days).to.be.closeTo(90, 0.01);

    const list = await coordinator.get('/account/tokens').expect(200);
    expect(list.text).to.include('Ministry HR sync');
    expect(list.text).to.include(`…<bdi dir="ltr">${secret!.slice(-4)}</bdi>`);
    expect(list.text).not.to.include(secret!);
    expect(list.text).to.include('Never');
    expect(list.text).to.include('People: names, service numbers, ranks, institutions');

    const [event] = await auditEvents('token.create');
    expect(event!.actor!.toHexString()).to.equal(people.coordinator._id.toHexString());
    expect(event!.details).to.deep.include({ name: 'Ministry HR sync', scopes: ['read:people', 'read:completions'] });
  });

  it('refuses a form without a name, a scope or a lifetime, beside each field, keeping what was typed', async () => {
    const admin = await signIn(app, people.admin.email!);
    const res = await makeToken(admin, 422, { name: '', scopes: [], days: '7' });
    expect(res.text).to.match(/id="name-error"/);
    expect(res.text).to.include('Choose at least one thing the token may read.');
    expect(res.text).to.include('Choose how long the token lasts.');

    const kept = await makeToken(admin, 422, { name: 'Donor link', scopes: ['read:sessions'], days: '3650' });
    expect(kept.text).to.include('value="Donor link"');
    expect(kept.text).to.match(/value="read:sessions" checked/);
    expect(await ApiToken.countDocuments()).to.equal(0);
  });

  it('refuses a scope the form does not offer and fields it does not know', async () => {
    const admin = await signIn(app, people.admin.email!);
    await makeToken(admin, 422, { scopes: ['write:people'] });
    await makeToken(admin, 422, { roles: 'admin' });
    expect(await ApiToken.countDocuments()).to.equal(0);
  });

  it('is for those who read these records on the pages: staff and trainers are refused', async () => {
    for (const who of [people.staff, people.trainer]) {
      const agent = await signIn(app, who.email!);
      await agent.get('/account/tokens').expect(403);
      await makeToken(agent, 403);
      const account = await agent.get('/account').expect(200);
      expect(account.text).not.to.include('/account/tokens');
    }
    expect(await ApiToken.countDocuments()).to.equal(0);
    await request(app).get('/account/tokens').expect(303).expect('Location', '/login');
  });

  it('holds at most twenty live tokens a person', async () => {
    const admin = await signIn(app, people.admin.email!);
    const now = new Date();
    await ApiToken.insertMany(
      Array.from({ length: 20 }, (_, i) => ({
        person: people.admin._id,
        name: `t${i}`,
        scopes: ['read:people'],
        tokenHash: `hash-${i}`,
        hint: 'abcd',
        expiresAt: new Date(now.getTime() + 86_400_000),
      })),
    );
    const res = await makeToken(admin, 422);
    expect(res.text).to.include('You already hold 20 active tokens');
    // an expired one does not count
    const [first] = await ApiToken.find({ person: people.admin._id }).limit(1).lean();
    await ApiToken.updateOne({ _id: first!._id }, { $set: { expiresAt: new Date(now.getTime() - 1000) } });
    await makeToken(admin, 201);
  });

  it('revokes after a confirmation; only its owner can, and the list says so', async () => {
    const coordinator = await signIn(app, people.coordinator.email!);
    await makeToken(coordinator, 201);
    const token = await ApiToken.findOne({ person: people.coordinator._id }).lean();
    const path = `/account/tokens/${token!._id.toHexString()}/revoke`;

    const other = await signIn(app, people.otherCoordinator.email!);
    await other.get(path).expect(404);
    expect((await post(other, path)).status).to.equal(404);
    expect((await ApiToken.findById(token!._id).lean())!.revokedAt).to.equal(undefined);

    const confirm = await coordinator.get(path).expect(200);
    expect(confirm.text).to.include('Revoke this token?');
    expect(confirm.text).to.include('Ministry HR sync');
    const revoked = await post(coordinator, path);
    expect([revoked.status, revoked.headers.location]).to.deep.equal([303, '/account/tokens']);
    expect((await ApiToken.findById(token!._id).lean())!.revokedAt).to.be.instanceOf(Date);
    const list = await coordinator.get('/account/tokens').expect(200);
    expect(list.text).to.include('Token “<bdi>Ministry HR sync</bdi>” revoked.');
    expect(list.text).to.include('badge-revoked');
    expect(list.text).not.to.include(path);
    // once revoked, its confirmation page sends back to the list
    await coordinator.get(path).expect(303);
    expect(await auditEvents('token.revoke')).to.have.length(1);
  });

  it('escapes the name wherever it is shown', async () => {
    const admin = await signIn(app, people.admin.email!);
    const made = await makeToken(admin, 201, { name: '<script>alert(1)</script>' });
    expect(made.text).not.to.include('<script>alert(1)</script>');
    const list = await admin.get('/account/tokens').expect(200);
    expect(list.text).not.to.include('<script>alert(1)</script>');
    expect(list.text).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
